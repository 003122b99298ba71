// The directory acquirer over a real temporary tree: lockfiles, installed packages, skipped folders, symlinks, bad files.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcquireContext } from '../../../src/acquire/acquirer.js';
import { directoryAcquirer } from '../../../src/acquire/directory.js';
import type { AcquiredImage, AcquiredPlatform } from '../../../src/model/target.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/lockfiles');
let base: string;
let root: string;

function put(rel: string, content: string): void {
  const full = path.join(base, rel);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, content);
}

function copy(fixture: string, rel: string): void {
  mkdirSync(path.dirname(path.join(base, rel)), { recursive: true });
  cpSync(path.join(FIXTURES, fixture), path.join(base, rel));
}

const pkgJson = (name: string, version: string) => JSON.stringify({ name, version });

beforeAll(() => {
  base = mkdtempSync(path.join(tmpdir(), 'sbom-hunt-dir-'));
  root = path.join(base, 'project');
  copy('npm-v3/package-lock.json', 'project/app/package-lock.json');
  put('project/app/node_modules/axios/package.json', pkgJson('axios', '1.14.1'));
  put('project/app/node_modules/axios/node_modules/plain-crypto-js/package.json', pkgJson('plain-crypto-js', '4.2.1'));
  put('project/app/node_modules/.cache/babel/node_modules/cached-only/package.json', pkgJson('cached-only', '1.0.0'));
  put('project/app/node_modules/some-dep/yarn.lock', '# yarn lockfile v1\n\n\nbundled-only@^1.0.0:\n  version "1.0.0"\n');
  put('project/.git/package-lock.json', '{"lockfileVersion": 3, "packages": {"node_modules/git-only": {"version": "1.0.0"}}}');
  put('project/.git/objects/node_modules/git-obj/package.json', pkgJson('git-obj', '1.0.0'));
  copy('poetry-2.0/poetry.lock', 'project/py/poetry.lock');
  put('project/py/.venv/lib/python3.12/site-packages/requests-2.32.3.dist-info/METADATA', 'Metadata-Version: 2.1\nName: requests\nVersion: 2.32.3\n');
  put('project/py/.venv/lib/python3.12/site-packages/somepkg/requirements.txt', 'vendored-only==1.0.0\n');
  copy('bad-pnpm-yaml/pnpm-lock.yaml', 'project/broken/pnpm-lock.yaml');
  put('outside/requirements.txt', 'outside-only-py==1.0.0\n');
  put('outside/node_modules/outside-only/package.json', pkgJson('outside-only', '1.0.0'));
  symlinkSync(path.join(base, 'outside'), path.join(root, 'linked'));
  symlinkSync(path.join(base, 'outside/requirements.txt'), path.join(root, 'py/requirements.txt'));
  symlinkSync(path.join(root, 'py'), path.join(root, 'py-again'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

function ctx(): AcquireContext {
  return { insecureRegistries: [], inputErrors: [] };
}

async function acquireDir(dir: string, c = ctx()): Promise<AcquiredImage> {
  const outcome = await directoryAcquirer.acquire({ kind: 'directory', ref: dir, path: dir }, c);
  if (!outcome.ok) throw new Error(outcome.notMine);
  return outcome.image;
}

describe('directory acquirer', () => {
  let platform: AcquiredPlatform;
  beforeAll(async () => {
    const image = await acquireDir(root);
    expect(image.platforms).toHaveLength(1);
    platform = image.platforms[0]!;
  });

  it('reads the lockfile with its chain and the installed copy beside it', () => {
    const hits = platform.packages.filter((p) => p.name === 'plain-crypto-js' && p.version === '4.2.1');
    expect(hits.map((p) => p.paths[0]).sort()).toEqual(['/app/node_modules/axios/node_modules/plain-crypto-js/package.json', '/app/package-lock.json']);
    expect(hits.find((p) => p.paths[0] === '/app/package-lock.json')?.dependencyPath).toEqual(['axios@1.14.1']);
    expect(platform.evidence).toEqual({
      kind: 'lockfile',
      detail: `${root}: 2 lockfile(s) (/app/package-lock.json, /py/poetry.lock), 3 installed package(s)`,
    });
  });

  it('runs the native catalogers for Python installs too', () => {
    expect(platform.packages.some((p) => p.ecosystem === 'pypi' && p.name === 'requests' && p.paths[0]!.includes('.venv'))).toBe(true);
    expect(platform.packages.filter((p) => p.name === 'markupsafe').map((p) => p.paths)).toEqual([['/py/poetry.lock']]);
  });

  it('skips .git, node_modules/.cache and lockfiles shipped inside installed packages', () => {
    const names = platform.packages.map((p) => p.name);
    for (const skipped of ['git-only', 'git-obj', 'cached-only', 'bundled-only', 'vendored-only']) expect(names).not.toContain(skipped);
  });

  it('never follows a symlink, and says so for one that leaves the tree', () => {
    const names = platform.packages.map((p) => p.name);
    expect(names).not.toContain('outside-only');
    expect(names).not.toContain('outside-only-py');
    expect(platform.packages.some((p) => p.paths[0]!.startsWith('/py-again/'))).toBe(false);
    expect(platform.notes).toContain('directory: skipped /linked: a symlink out of the scanned tree');
    expect(platform.notes).toContain('directory: skipped /py/requirements.txt: a symlink out of the scanned tree');
    expect(platform.notes.some((n) => n.includes('/py-again'))).toBe(false);
  });

  it('reports a malformed lockfile by its full path and line, and reads the rest', () => {
    expect(platform.errors).toEqual([`${path.join(root, 'broken/pnpm-lock.yaml')}:8: not valid YAML: All mapping items must start at the same column at line 8, column 1:`]);
    expect(platform.packages.length).toBeGreaterThan(20);
  });
});

describe('directory acquirer, other targets', () => {
  it('says not mine to anything but a directory target', async () => {
    const outcome = await directoryAcquirer.acquire({ kind: 'sbom-file', ref: 'x', path: 'x' }, ctx());
    expect(outcome).toEqual({ ok: false, notMine: 'not a directory', applies: false });
  });

  it('reports a file over the size cap instead of reading it', async () => {
    put('big/node_modules/huge/package.json', `{"name":"huge","version":"1.0.0","pad":"${'x'.repeat(9 * 1024 ** 2)}"}`);
    const image = await acquireDir(path.join(base, 'big'));
    expect(image.platforms[0]!.packages).toEqual([]);
    expect(image.platforms[0]!.errors).toHaveLength(1);
    expect(image.platforms[0]!.errors[0]).toMatch(/huge\/package\.json: \d+ bytes, more than the 8388608 read from one file$/);
  });

  it('never blocks on a FIFO: one named by a requirements include is reported, the rest read', async () => {
    put('fifo/requirements.txt', '-r piped.txt\nrequests==2.32.3\n');
    execFileSync('mkfifo', [path.join(base, 'fifo/piped.txt')]);
    const image = await acquireDir(path.join(base, 'fifo'));
    expect(image.platforms[0]!.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['requests@2.32.3']);
    expect(image.platforms[0]!.errors.join('\n')).toMatch(/piped\.txt.*not a regular file/);
  }, 10_000);

  it('stops when the scan is aborted', async () => {
    const target = { kind: 'directory' as const, ref: root, path: root };
    await expect(directoryAcquirer.acquire(target, { ...ctx(), signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
  });

  it('makes a missing directory an input error', async () => {
    const c = ctx();
    const image = await acquireDir(path.join(base, 'nope'), c);
    expect(image.platforms).toEqual([]);
    expect(image.errors).toEqual([`${path.join(base, 'nope')}: not a directory`]);
    expect(c.inputErrors).toEqual(image.errors);
  });

  it('names a bad file under the path as the user wrote it, not its resolved form', async () => {
    const viaLink = path.join(base, 'project-link');
    symlinkSync(root, viaLink);
    const image = await acquireDir(viaLink);
    expect(image.platforms[0]!.errors).toEqual([expect.stringMatching(new RegExp(`^${viaLink}/broken/pnpm-lock\\.yaml:8: `))]);
  });

  it("reads the package.json beside a yarn.lock for the project's own dependencies", async () => {
    copy('yarn-classic/yarn.lock', 'yarn-app/yarn.lock');
    put('yarn-app/package.json', JSON.stringify({ dependencies: { axios: '^1.14.1', 'follow-redirects': '^1.15.0' } }));
    const image = await acquireDir(path.join(base, 'yarn-app'));
    const chain = (name: string) => image.platforms[0]!.packages.find((p) => p.name === name)?.dependencyPath;
    expect(chain('follow-redirects')).toEqual([]);
    expect(chain('plain-crypto-js')).toEqual(['axios@1.14.1']);
  });

  it('reads the pyproject.toml beside a poetry.lock', async () => {
    copy('poetry-2.0/poetry.lock', 'poetry-app/poetry.lock');
    put('poetry-app/pyproject.toml', '[tool.poetry]\nname = "app"\n\n[tool.poetry.dependencies]\npython = "^3.11"\nflask = "^3.0"\nmarkupsafe = "^2.1"\n');
    const image = await acquireDir(path.join(base, 'poetry-app'));
    expect(image.platforms[0]!.packages.find((p) => p.name === 'markupsafe')?.dependencyPath).toEqual([]);
  });

  it('calls the evidence native when only installed packages are there', async () => {
    const withLockfile = await acquireDir(path.join(base, 'outside'));
    expect(withLockfile.platforms[0]!.evidence?.kind).toBe('lockfile');
    put('installed-only/node_modules/left-pad/package.json', pkgJson('left-pad', '1.3.0'));
    const installedOnly = await acquireDir(path.join(base, 'installed-only'));
    expect(installedOnly.platforms[0]!.evidence?.kind).toBe('native');
    expect(installedOnly.platforms[0]!.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['left-pad@1.3.0']);
  });
});
