// Differential test: Go module version spellings and their order against the go command (Debian's golang-go).
// Which spellings go.mod may hold, and what the go command rewrites them to, from `go mod edit -json` on generated
// require, replace and exclude lines (short forms, leading zeros, pre-releases, build metadata, +incompatible, a
// module path's major version); the order from `go list -m -versions`, which sorts a proxy's version list by
// golang.org/x/mod/semver.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goModParser } from '../../src/acquire/lockfiles/go-mod.js';
import { compareGo, parseGo } from '../../src/match/version-order/go-semver.js';
import { goEnv } from '../helpers/go-build.js';
import { seeded } from '../helpers/random.js';
import { haveTool } from '../helpers/real-tools.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

const run = promisify(execFile);
const hasGo = haveTool('go', 'golang-go');
const SPELLINGS = oracleRuns(200, 0.01);
const ORDERS = oracleRuns(6, 0.0005);

const NUMBERS = ['0', '1', '2', '3', '10', '01', '00', '99999999999999999999'];
const IDENTS = ['rc', 'alpha', 'beta', 'A', 'a-b', '0', '1', '10', '01', '-', '', 'x_y', '20240102150405', 'abcdef123456'];
const PATHS = ['example.com/a', 'example.com/a', 'example.com/a/v2', 'example.com/a/v3', 'gopkg.in/yaml.v2', 'gopkg.in/check.v1', 'gopkg.in/x.v2-unstable'];

function version(r: () => number, strict = false): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  const num = () => (strict ? pick(['0', '1', '2', '3', '10', '99999999999999999999']) : pick(NUMBERS));
  const parts = strict ? 3 : 1 + Math.floor(r() * 3);
  // Majors mostly v0 and v1, as most modules' are.
  const major = r() < 0.6 ? pick(['0', '1']) : num();
  let v = `${strict || r() < 0.95 ? 'v' : pick(['V', ''])}${[major, ...Array.from({ length: parts - 1 }, num)].join('.')}`;
  const ids = () => Array.from({ length: 1 + Math.floor(r() * 3) }, () => (strict ? pick(['rc', 'alpha', 'A', 'a-b', '1', '2', '10']) : pick(IDENTS))).join('.');
  if (r() < 0.5) v += `-${ids()}`;
  if (!strict && r() < 0.3) v += r() < 0.4 ? '+incompatible' : `+${ids()}`;
  return v;
}

/** One go.mod line of a random directive, and the module whose version the go command reports for it. */
function line(r: () => number): { text: string; kind: 'Require' | 'Replace' | 'Exclude' } {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  const c = r();
  // Half the versions are well formed, so acceptance turns on the rest of the line (a path's major version).
  const v = () => version(r, r() < 0.5);
  if (c < 0.5) return { text: `require ${pick(PATHS)} ${v()}`, kind: 'Require' };
  if (c < 0.8) return { text: `replace ${pick(PATHS)} ${v()} => example.com/fork ${v()}`, kind: 'Replace' };
  return { text: `exclude ${pick(PATHS)} ${v()}`, kind: 'Exclude' };
}

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'go-version-oracle-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

interface EditJson {
  Require: { Path: string; Version: string }[] | null;
  Replace: { Old: { Path: string; Version?: string }; New: { Path: string; Version?: string } }[] | null;
}

describe.skipIf(!hasGo)('Go versions agree with the go command', () => {
  it(`accepts and rewrites the spellings go mod edit does (${SPELLINGS} generated lines)`, { timeout: 300_000 }, async () => {
    const seed = oracleSeed(1_000_000);
    const r = seeded(seed);
    const cases = Array.from({ length: SPELLINGS }, () => line(r));
    const limit = pLimit(8);
    const env = goEnv(join(root, 'home'), join(root, 'no-proxy'));
    let accepted = 0;
    const disagreements: string[] = [];
    await Promise.all(
      cases.map((c, i) =>
        limit(async () => {
          const dir = join(root, `edit-${i}`);
          await mkdir(dir, { recursive: true });
          const text = `module example.com/app\n\ngo 1.22\n\n${c.text}\n`;
          await writeFile(join(dir, 'go.mod'), text);
          const theirs = await run('go', ['mod', 'edit', '-json'], { cwd: dir, env }).then(
            (out) => JSON.parse(out.stdout) as EditJson,
            () => undefined,
          );
          const ours = goModParser.parse(text, '/go.mod');
          const errors = ours.errors ?? [];
          if ((theirs === undefined) !== errors.length > 0) return void disagreements.push(`${c.text}: go ${theirs ? 'accepts' : 'refuses'}, ours ${errors.join('; ') || 'accepts'}`);
          if (!theirs) return;
          accepted++;
          if (c.kind === 'Require') {
            const want = theirs.Require!.map((q) => `${q.Path} ${q.Version}`);
            const got = ours.packages.map((p) => `${p.name} ${p.version}`);
            if (JSON.stringify(want) !== JSON.stringify(got)) disagreements.push(`${c.text}: go ${want}, ours ${got}`);
          }
          if (c.kind === 'Replace') {
            // Rewritten on both sides of the arrow: require the old version so ours reports the replacement.
            const rep = theirs.Replace![0]!;
            const withRequire = `${text}require ${rep.Old.Path} ${rep.Old.Version}\n`;
            const got = goModParser.parse(withRequire, '/go.mod').packages.map((p) => `${p.name} ${p.version}`);
            const want = [`${rep.New.Path} ${rep.New.Version}`];
            if (JSON.stringify(want) !== JSON.stringify(got)) disagreements.push(`${c.text}: go ${want}, ours ${got}`);
          }
        }),
      ),
    );
    recordOracle('go-version-spelling', SPELLINGS, disagreements.length, `seed ${seed}, ${accepted} accepted by go`);
    expect(disagreements, `seed ${seed}`).toEqual([]);
    // Both sides of the question were asked: spellings go accepts and ones it refuses.
    expect(accepted).toBeGreaterThan(SPELLINGS / 25);
    expect(accepted).toBeLessThan(SPELLINGS);
  });

  it(`orders versions as go list -m -versions does (${ORDERS} lists of 40)`, { timeout: 300_000 }, async () => {
    const seed = oracleSeed(1_000_000);
    const r = seeded(seed);
    const work = join(root, 'work');
    await mkdir(work, { recursive: true });
    await writeFile(join(work, 'go.mod'), 'module example.com/w\n\ngo 1.22\n');
    let disagreements = 0;
    for (let i = 0; i < ORDERS; i++) {
      const proxy = join(root, `proxy-${i}`);
      const dir = join(proxy, 'example.com', 'a', '@v');
      await mkdir(dir, { recursive: true });
      // go list -m -versions leaves pseudo-versions out; the versions here are never pseudo-versions.
      const versions = [...new Set(Array.from({ length: 40 }, () => version(r, true)))].filter((v) => parseGo(v) && !/-(?:0\.)?\d{14}-/.test(v));
      await writeFile(join(dir, 'list'), `${versions.join('\n')}\n`);
      for (const v of versions) {
        await writeFile(join(dir, `${v}.info`), JSON.stringify({ Version: v, Time: '2026-01-01T00:00:00Z' }));
        await writeFile(join(dir, `${v}.mod`), 'module example.com/a\n');
      }
      const { stdout } = await run('go', ['list', '-m', '-versions', 'example.com/a'], { cwd: work, env: { ...goEnv(join(root, 'home'), proxy), GOFLAGS: '-mod=mod' } });
      const theirs = stdout.trim().split(/\s+/).slice(1);
      const ours = [...versions].sort((a, b) => compareGo(a, b) || (a < b ? -1 : a > b ? 1 : 0));
      if (JSON.stringify(theirs) !== JSON.stringify(ours)) disagreements++;
      expect(ours, `seed ${seed}`).toEqual(theirs);
    }
    recordOracle('go-version-order', ORDERS, disagreements, `seed ${seed}`);
  });
});
