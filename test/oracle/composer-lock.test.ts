// Differential test: composer.lock files Debian's Composer writes, read by `sbom-hunt scan dir:`, against Composer's
// own listing. Generated projects over local repositories only (packagist.org off, nothing touches the network):
// an artifact repository of zips (several versions of one package, pre-release stabilities beta/RC/alpha, a
// two-segment version, a tag-style `v1.0.0`, a package that replaces another, platform requirements php/ext-*/
// lib-* that are not packages, a package's requirements spelled in capitals, which Composer refuses only in the root), a git repository read as a vcs repository (tags `v0.9.0` and `1.0.0-alpha2`, the
// branch `dev-main`), a path repository, and an inline package repository fetching a file:// zip; require and
// require-dev. `composer update` resolves and installs; the oracle is `composer show --locked` (the lockfile as
// Composer reads it, packages and packages-dev), which `composer show` (what was installed) must equal. sbom-hunt
// writes a tag's `v` off (`v1.0.0` is 1.0.0 to Composer's VersionParser, and to advisories), so the oracle does too.
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryByFile } from '../helpers/lockfile-oracle.js';
import { seeded } from '../helpers/random.js';
import { cachedBuild, haveTool } from '../helpers/real-tools.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

const run = promisify(execFile);
const RUNS = oracleRuns(4, 0.0004);
const hasComposer = haveTool('composer', 'composer') && haveTool('zip', 'zip') && havePhpZip();

/** Composer reads an artifact repository through PHP's zip extension (Debian's php-zip). */
function havePhpZip(): boolean {
  try {
    execFileSync('php', ['-r', 'exit(extension_loaded("zip") ? 0 : 1);'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI) throw new Error("PHP's zip extension is missing: scripts/setup.sh installs php-zip, and CI needs it");
    console.warn('SKIPPED: php-zip is not installed (apt-get install php-zip); the composer.lock oracle does not run');
    return false;
  }
}

interface ComposerDef {
  name: string;
  version?: string;
  require?: Record<string, string>;
  replace?: Record<string, string>;
}
const ARTIFACTS: ComposerDef[] = [
  { name: 'acme/leaf', version: 'v1.0.0', require: { php: '>=7.0', 'ext-json': '*' } },
  { name: 'acme/leaf', version: '1.1.0' },
  { name: 'acme/leaf', version: '2.0.0-beta1', require: { 'lib-pcre': '*' } },
  { name: 'acme/util', version: '1.2', require: { 'acme/leaf': '>=1.0' } },
  { name: 'acme/util', version: '1.3.0-RC2', require: { 'acme/leaf': '*' } },
  { name: 'acme/http', version: '1.0.0', require: { 'Acme/Util': '^1.0', 'PSR/log': '^1.1' } },
  { name: 'acme/http', version: '2.0.0', require: { 'acme/util': '>=1.2', 'psr/log': '^3.0' } },
  { name: 'psr/log', version: '1.1.4' },
  { name: 'psr/log', version: '3.0.0', require: { php: '>=8.0.0' } },
  { name: 'new-vendor/log_bridge.v2', version: '0.3.0', replace: { 'old-vendor/log-bridge': 'self.version' }, require: { 'psr/log': '*' } },
];
const RANGES: Record<string, string[]> = {
  'acme/leaf': ['^1.0', '2.0.0-beta1@beta', '*'],
  'acme/util': ['1.2', '1.3.0-RC2@RC', '^1.0'],
  'acme/http': ['^1.0', '^2.0'],
  'psr/log': ['>=1.0', '*'],
  'new-vendor/log_bridge.v2': ['^0.3'],
  'acme/gitpkg': ['^0.9', '1.0.0-alpha2@alpha', 'dev-main'],
  'acme/local': ['*'],
  'acme/urlpkg': ['0.0.7'],
};

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;

async function zipPackage(zipFile: string, def: ComposerDef, work: string): Promise<void> {
  await mkdir(work, { recursive: true });
  await writeFile(join(work, 'composer.json'), JSON.stringify({ ...def, autoload: {} }));
  await run('zip', ['-q', '-X', zipFile, 'composer.json'], { cwd: work });
}

async function writeSources(dir: string): Promise<void> {
  await mkdir(join(dir, 'artifacts'));
  for (const [i, def] of ARTIFACTS.entries()) await zipPackage(join(dir, 'artifacts', `${i}.zip`), def, join(dir, 'work', String(i)));
  await zipPackage(join(dir, 'urlpkg.zip'), { name: 'acme/urlpkg', version: '0.0.7', require: { 'acme/leaf': '*' } }, join(dir, 'work', 'url'));
  const repo = join(dir, 'gitpkg');
  await mkdir(repo);
  const git = (...args: string[]) => run('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo });
  await git('init', '-q', '-b', 'main');
  for (const [tag, require] of [['v0.9.0', { 'acme/leaf': '>=1.0' }], ['1.0.0-alpha2', { 'acme/util': '*' }], ['', { 'psr/log': '*' }]] as const) {
    await writeFile(join(repo, 'composer.json'), JSON.stringify({ name: 'acme/gitpkg', require }));
    await git('add', '.');
    await git('commit', '-qm', tag || 'main');
    if (tag) await git('tag', tag);
  }
}

/** A project's composer.json; `full` takes every optional part. */
function generate(r: Rand, sources: string, full: boolean): Record<string, unknown> {
  const has = (p: number) => r() < p || full;
  const require: Record<string, string> = { php: '>=7.4', 'ext-json': '*' };
  const requireDev: Record<string, string> = {};
  for (const [name, ranges] of Object.entries(RANGES)) {
    if (!has(0.5)) continue;
    (r() < 0.3 ? requireDev : require)[name] = pick(r, ranges);
  }
  return {
    name: 'app/app',
    'minimum-stability': 'stable',
    repositories: [
      { 'packagist.org': false },
      { type: 'artifact', url: join(sources, 'artifacts') },
      { type: 'vcs', url: join(sources, 'gitpkg') },
      { type: 'path', url: 'local/pkg', options: { symlink: false } },
      { type: 'package', package: { name: 'acme/urlpkg', version: '0.0.7', dist: { type: 'zip', url: `file://${join(sources, 'urlpkg.zip')}` }, require: { 'acme/leaf': '*' } } },
    ],
    require,
    'require-dev': requireDev,
  };
}

interface Shown {
  name: string;
  version: string;
}
/** `composer show` prints a branch version with its commit beside it (`dev-main 6c10b64`); the version is the first word. */
const key = (p: Shown) => `${p.name} ${p.version.split(' ')[0]!.replace(/^v(?=\d)/, '')}`;

let root = '';
const cases: { dir: string; manifest: unknown; lockfile: string; locked: string[]; installed: string[] }[] = [];
let ours = new Map<string, string[]>();

async function installProject(manifest: Record<string, unknown>, sources: string, home: string): Promise<string> {
  const { stdout: version } = await run('composer', ['--version']);
  return cachedBuild('composer-case', { manifest, sources, version }, async (dir) => {
    await writeFile(join(dir, 'composer.json'), JSON.stringify(manifest, null, 2));
    await mkdir(join(dir, 'local', 'pkg'), { recursive: true });
    await writeFile(join(dir, 'local', 'pkg', 'composer.json'), JSON.stringify({ name: 'acme/local', version: '3.1.4', require: { 'psr/log': '*' } }));
    const env = { ...process.env, COMPOSER_HOME: home, COMPOSER_CACHE_DIR: join(home, 'cache'), COMPOSER_NO_AUDIT: '1' };
    await run('composer', ['update', '--no-interaction', '--no-progress', '--quiet', '--no-audit'], { cwd: dir, env });
    const show = async (...args: string[]) => JSON.parse((await run('composer', ['show', '--format=json', ...args], { cwd: dir, env })).stdout) as Record<string, Shown[]>;
    await writeFile(join(dir, 'oracle.json'), JSON.stringify({ locked: (await show('--locked')).locked ?? [], installed: (await show()).installed ?? [] }));
  });
}

beforeAll(async () => {
  if (!hasComposer) return;
  root = await mkdtemp(join(tmpdir(), 'composer-oracle-'));
  const sources = await cachedBuild('composer-sources', { ARTIFACTS }, writeSources);
  const seed = oracleSeed(1e9);
  const r = seeded(seed);
  // A drawn set of requirements may have no solution (acme/http 2 needs psr/log 3, acme/http 1 psr/log 1):
  // Composer says so, and the next one is drawn.
  let unsolvable = 0;
  for (let i = 0; i < RUNS; i++) {
    const manifest = generate(r, sources, i === 0);
    const dir = await installProject(manifest, sources, join(root, 'home')).catch((err: Error) => {
      if (!/could not be resolved/.test(err.message) || ++unsolvable > RUNS) throw err;
      return undefined;
    });
    if (dir === undefined) {
      i--;
      continue;
    }
    await mkdir(join(root, 'scan', `p${i}`), { recursive: true });
    for (const f of ['composer.lock', 'composer.json']) await copyFile(join(dir, f), join(root, 'scan', `p${i}`, f));
    const oracle = JSON.parse(readFileSync(join(dir, 'oracle.json'), 'utf8')) as { locked: Shown[]; installed: Shown[] };
    cases.push({ dir, manifest, lockfile: `/p${i}/composer.lock`, locked: oracle.locked.map(key).sort(), installed: oracle.installed.map(key).sort() });
  }
  ours = await inventoryByFile(join(root, 'scan'));
  let disagreements = 0;
  for (const c of cases) if (JSON.stringify(ours.get(c.lockfile) ?? []) !== JSON.stringify(c.locked)) disagreements++;
  recordOracle('composer-lock', cases.length, disagreements, `seed ${seed}, ${unsolvable} unsolvable drawn`);
}, 300_000);
afterAll(() => (root && !process.env.KEEP_ORACLE ? rm(root, { recursive: true, force: true }) : undefined));

describe.skipIf(!hasComposer)('composer.lock agrees with Composer', () => {
  it('on generated projects installed offline', () => {
    expect(cases.length).toBe(RUNS);
    for (const c of cases) {
      const why = `${c.dir}\n${JSON.stringify(c.manifest, null, 2)}`;
      expect(ours.get(c.lockfile) ?? [], why).toEqual(c.locked);
      expect(c.installed, why).toEqual(c.locked);
    }
  });

  it('the generated projects cover what they are for', () => {
    const all = cases.flatMap((c) => c.locked);
    for (const name of ['acme/gitpkg', 'acme/local', 'acme/urlpkg', 'new-vendor/log_bridge.v2']) expect(all.some((p) => p.startsWith(`${name} `))).toBe(true);
    expect(all.some((p) => /-(beta|RC|alpha)/i.test(p))).toBe(true);
  });
});
