// File indicators over a source tree or an unpacked root filesystem (dir:): every file a glob could name is
// listed, hashed where an indicator needs it, so a tree without the file is checked, not unknown, and one
// with it is affected. The oracle for which files exist is the real `find`, over generated trees.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { directoryAcquirer } from '../../../src/acquire/directory.js';
import { buildFileEntries, matchFiles } from '../../../src/match/match-files.js';
import type { FileIndicator, Incident } from '../../../src/model/ioc.js';
import type { AcquiredPlatform } from '../../../src/model/target.js';
import { seeded } from '../../helpers/random.js';
import { oracleRuns } from '../../oracle/tally.js';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) {
    execFileSync('chmod', ['-R', 'u+rwx', d]);
    rmSync(d, { recursive: true, force: true });
  }
});

function tree(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'sbom-hunt-dirfiles-'));
  made.push(d);
  return d;
}

function put(root: string, rel: string, content: string): void {
  const full = path.join(root, rel);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, content);
}

function incident(files: FileIndicator[]): Incident {
  return { id: 'inc', references: [], packages: [], files } as unknown as Incident;
}

async function platformOf(root: string, files: FileIndicator[]): Promise<AcquiredPlatform> {
  const outcome = await directoryAcquirer.acquire({ kind: 'directory', ref: root, path: root }, { insecureRegistries: [], inputErrors: [], fileIndicators: files });
  if (!outcome.ok) throw new Error(outcome.notMine);
  return outcome.image.platforms[0]!;
}

async function hits(root: string, files: FileIndicator[]) {
  const p = await platformOf(root, files);
  const { matches, unchecked } = matchFiles(p.files, buildFileEntries([incident(files)]));
  return { platform: p, paths: matches.map((m) => m.match.name).sort(), unchecked };
}

const PTH: FileIndicator = { path: '/**/site-packages/litellm_init.pth' };
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('dir: file indicators', () => {
  it('checks a tree that lacks the file (a lockfile-only checkout is clean, not unknown)', async () => {
    const root = tree();
    put(root, 'package-lock.json', JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'x' } } }));
    const r = await hits(root, [PTH]);
    expect(r.platform.files?.checked?.length).toBe(1);
    expect(r.unchecked).toEqual([]);
    expect(r.paths).toEqual([]);
    expect(r.platform.errors).toEqual([]);
  });

  it('finds the file by path, in a venv and in a bundler cache, but not in git objects', async () => {
    const root = tree();
    put(root, 'venv/lib/python3.12/site-packages/litellm_init.pth', 'import os');
    put(root, 'node_modules/.cache/x/site-packages/litellm_init.pth', 'import os');
    put(root, '.git/objects/site-packages/litellm_init.pth', 'z');
    put(root, 'elsewhere/litellm_init.pth', 'import os');
    const r = await hits(root, [PTH]);
    expect(r.paths).toEqual(['/node_modules/.cache/x/site-packages/litellm_init.pth', '/venv/lib/python3.12/site-packages/litellm_init.pth']);
    // The cache is walked for indicators only: its package files are still not read as installed packages.
    expect(r.platform.packages).toEqual([]);
  });

  it('hashes only where an indicator needs it, and a hash decides', async () => {
    const root = tree();
    put(root, 'a/bundle.js', 'evil');
    put(root, 'b/bundle.js', 'fine');
    const r = await hits(root, [{ path: '/**/bundle.js', sha256: sha('evil') }]);
    expect(r.paths).toEqual(['/a/bundle.js']);
    const byHashOnly = await hits(root, [{ sha256: sha('fine') }]);
    expect(byHashOnly.paths).toEqual(['/b/bundle.js']);
    const p = await platformOf(root, [PTH, { path: '/**/bundle.js' }]);
    expect(p.files?.records.every((f) => f.sha256 === undefined)).toBe(true);
  });

  it('lists a symlink by its own path with its target, hashed when the target is inside the tree', async () => {
    const root = tree();
    put(root, 'real/payload.txt', 'evil');
    mkdirSync(path.join(root, 'app'), { recursive: true });
    symlinkSync('../real/payload.txt', path.join(root, 'app/bundle.js'));
    const r = await hits(root, [{ path: '/app/bundle.js', sha256: sha('evil') }]);
    expect(r.paths).toEqual(['/app/bundle.js']);
    const out = tree();
    mkdirSync(path.join(out, 'app'));
    symlinkSync('/etc/hostname', path.join(out, 'app/bundle.js'));
    const outside = await hits(out, [{ path: '/app/bundle.js', sha256: sha('evil') }]);
    // Its content is outside the tree: not read, so not ruled out either.
    expect(outside.unchecked.map((u) => u.incident)).toEqual(['inc']);
  });

  it('matches a file at the path a symlinked folder inside the tree gives it', async () => {
    const root = tree();
    put(root, 'pylib/litellm_init.pth', 'import os');
    mkdirSync(path.join(root, 'venv/lib'), { recursive: true });
    symlinkSync('../../pylib', path.join(root, 'venv/lib/site-packages'));
    const r = await hits(root, [PTH]);
    expect(r.paths).toEqual(['/venv/lib/site-packages/litellm_init.pth']);
  });

  it('lists no files when the scan has no file indicators', async () => {
    const root = tree();
    put(root, 'venv/lib/python3.12/site-packages/litellm_init.pth', 'x');
    expect((await platformOf(root, [])).files).toBeUndefined();
  });

  it('agrees with find on generated trees', async () => {
    // Its share of npm run fuzz's budget (FUZZ_RUNS=100000 is 300 trees), not the whole budget: each tree is written to disk.
    const runs = oracleRuns(20, 0.003);
    const seed = Number(process.env.FUZZ_SEED ?? 1);
    let throughLinks = 0;
    for (let run = 0; run < runs; run++) {
      const rng = seeded(seed * 1000 + run);
      const root = tree();
      const names = ['site-packages', 'lib', 'node_modules', '.cache', 'a b', 'ünï', '.git', 'x'];
      for (let i = 0; i < 30; i++) {
        const depth = 1 + Math.floor(rng() * 5);
        const parts = Array.from({ length: depth }, () => names[Math.floor(rng() * names.length)]!);
        const file = rng() < 0.4 ? 'litellm_init.pth' : rng() < 0.5 ? 'litellm_init.pth.bak' : 'other.pth';
        put(root, [...parts, file].join('/'), String(i));
      }
      // One symlinked folder inside the tree (never to one of its own ancestors, so no loop): find -L follows it.
      const dirs = execFileSync('find', [root, '-mindepth', '1', '-type', 'd', '-not', '-path', '*/.git*'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
      const from = dirs[Math.floor(rng() * dirs.length)]!;
      // Mostly a folder holding the file, so the link gives it a path the glob matches.
      const holders = dirs.filter((d) => existsSync(path.join(d, 'litellm_init.pth')));
      const pool = holders.length > 0 && rng() < 0.7 ? holders : dirs;
      const to = pool[Math.floor(rng() * pool.length)]!;
      const at = path.join(from, rng() < 0.8 ? 'site-packages' : 'lnk');
      const ancestor = !path.relative(to, at).startsWith('..');
      if (!ancestor && !existsSync(at)) symlinkSync(path.relative(from, to) || '.', at);
      const found = execFileSync('find', ['-L', root, '-path', '*/.git', '-prune', '-o', '-type', 'f', '-path', '*/site-packages/litellm_init.pth', '-print'], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map((f) => `/${path.relative(root, f)}`)
        .sort();
      const r = await hits(root, [PTH]);
      expect(r.paths, `run ${run}`).toEqual(found);
      throughLinks += found.filter((f) => lstatSync(root + f.slice(0, f.lastIndexOf('/'))).isSymbolicLink()).length;
    }
    // The generator must exercise the links: some matches are only reachable through one.
    expect(throughLinks).toBeGreaterThan(0);
  });
});
