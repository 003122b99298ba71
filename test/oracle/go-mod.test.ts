// Differential test: the go.mod reader against the go command itself (Debian's golang-go): generated go.mod files
// with requires, duplicate requires, replacements of one or every version, by a module or a directory, resolved
// offline from a GOPROXY=file:// tree; `go list -m all` is the build list the go command would build.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goModParser } from '../../src/acquire/lockfiles/go-mod.js';
import { goEnv, writeProxy, type ProxyModule } from '../helpers/go-build.js';
import { seeded } from '../helpers/random.js';
import { haveTool } from '../helpers/real-tools.js';
import { oracleRuns, recordOracle } from './tally.js';

const run = promisify(execFile);
const RUNS = oracleRuns(16, 0.0008);
const hasGo = haveTool('go', 'golang-go');

const MODULES = ['example.com/alpha', 'example.com/beta', 'github.com/Upper/Case', 'golang.org/x/crypto'];
const VERSIONS = ['v0.1.0', 'v0.30.0', 'v1.2.3', 'v1.2.4-rc.1'];
const forkOf = (path: string) => `example.com/fork/${path.replace(/[^a-z]/gi, '')}`;

// Every module at every version, and a fork of each (declaring the original's path, as a replacement must).
const PROXY: ProxyModule[] = MODULES.flatMap((path) => [
  ...VERSIONS.map((version) => ({ path, version })),
  ...VERSIONS.map((version) => ({ path: forkOf(path), version, declares: path })),
]);

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'go-mod-oracle-'));
  if (hasGo) await writeProxy(join(root, 'proxy'), PROXY);
});
afterAll(() => rm(root, { recursive: true, force: true }));

function generate(r: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  const lines = ['module example.com/app', '', `go ${pick(['1.21', '1.22'])}`, ''];
  const required = MODULES.filter(() => r() < 0.7);
  const block = r() < 0.5;
  if (block) lines.push('require (');
  for (const path of required) {
    const comment = r() < 0.3 ? ' // indirect' : '';
    const quoted = r() < 0.2 ? `"${path}"` : path;
    lines.push(`${block ? '\t' : 'require '}${quoted} ${pick(VERSIONS)}${comment}`);
    // The go command builds the highest of duplicate requirements.
    if (r() < 0.2) lines.push(`${block ? '\t' : 'require '}${path} ${pick(VERSIONS)}`);
  }
  if (block) lines.push(')');
  for (const path of required) {
    const c = r();
    if (c < 0.2) lines.push(`replace ${path} => ${forkOf(path)} ${pick(VERSIONS)}`);
    else if (c < 0.35) lines.push(`replace ${path} ${pick(VERSIONS)} => ${forkOf(path)} ${pick(VERSIONS)}`);
    else if (c < 0.45) lines.push(`replace ${path} => ./local/${forkOf(path).split('/').pop()}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `path version` of every module in the build list but the main one, replacement applied as ours reports it. */
async function buildList(dir: string): Promise<string[]> {
  const format = '{{if not .Main}}{{.Path}} {{.Version}}{{with .Replace}} {{.Path}} {{.Version}}{{end}}{{end}}';
  const { stdout } = await run('go', ['list', '-m', '-f', format, 'all'], { cwd: dir, env: goEnv(join(dir, 'home'), join(root, 'proxy')) });
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [path, version, rep, repVersion] = l.trim().split(' ');
      if (rep === undefined) return `${path} ${version}`;
      return rep.startsWith('./') ? `${path} ` : `${rep} ${repVersion}`;
    })
    .sort();
}

describe.skipIf(!hasGo)('go.mod agrees with go list -m all', () => {
  it(`on ${RUNS} generated go.mod files`, { timeout: 120_000 }, async () => {
    const r = seeded(Number(process.env.FUZZ_SEED ?? 17));
    let replaced = 0;
    for (let i = 0; i < RUNS; i++) {
      const text = generate(r);
      const dir = join(root, `case-${i}`);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'go.mod'), text);
      for (const m of text.matchAll(/=> \.\/local\/(\S+)/g)) {
        const original = MODULES.find((p) => forkOf(p).endsWith(`/${m[1]}`))!;
        await mkdir(join(dir, 'local', m[1]!), { recursive: true });
        await writeFile(join(dir, 'local', m[1]!, 'go.mod'), `module ${original}\n\ngo 1.21\n`);
      }
      const ours = goModParser.parse(text, '/go.mod');
      expect(ours.errors, text).toEqual([]);
      const got = ours.packages.map((p) => `${p.name} ${p.version}`).sort();
      expect(got, text).toEqual(await buildList(dir));
      if (ours.notes.length > 0) replaced++;
    }
    // Every case agreed (a disagreement fails its expect above).
    recordOracle('go-mod', RUNS, 0);
    // Replacements were generated and honoured, so the comparison covered them.
    expect(replaced).toBeGreaterThan(RUNS / 4);
  });
});
