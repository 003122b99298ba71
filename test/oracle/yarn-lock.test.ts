// Differential test: yarn.lock (v1) files Debian's Yarn 1 writes, read by `sbom-hunt scan dir:`, against what Yarn
// installs. Generated projects over tarballs `npm pack` made, served by a loopback registry (nothing touches the
// network): scoped, dotted, underscored and capitalised names, pre-release and build-metadata versions, one
// package at several versions (nested copies), ranges that share an entry, `npm:` aliases, optional and
// OS-restricted packages, dev dependencies, a `file:` tarball, a `file:` folder, a git dependency from a local
// repository by tag, a tarball URL, and workspaces. Yarn installs with --ignore-platform, so every locked package
// is on disk; the oracle is every package.json under node_modules (the installed name and version, build metadata
// dropped as Yarn drops it when it writes and lists a version; symlinked workspaces are the project's own), one per
// name and version, which must equal sbom-hunt's list for the lockfile.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryByFile } from '../helpers/lockfile-oracle.js';
import { type NpmDef, npmTarballName, serveNpmRegistry, writeNpmPackage } from '../helpers/npm-registry.js';
import { npmSources } from '../helpers/npm-projects.js';
import { seeded } from '../helpers/random.js';
import { cachedBuild, haveTool } from '../helpers/real-tools.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

const run = promisify(execFile);
const RUNS = oracleRuns(4, 0.0004);
const hasYarn = haveTool('yarnpkg', 'yarnpkg');
// Debian's yarn finds its modules through Debian's node search path; another node on PATH needs it spelled out.
const YARN_ENV = { NODE_PATH: '/usr/share/nodejs' };

const REGISTRY: NpmDef[] = [
  { name: 'leaf', version: '1.0.0' },
  { name: 'leaf', version: '1.2.0' },
  { name: 'leaf', version: '2.0.0' },
  { name: 'leaf', version: '3.0.0-beta.1' },
  { name: '@acme/util', version: '0.1.0' },
  { name: '@acme/util', version: '0.1.5+build.7', dependencies: { leaf: '^1.0.0' } },
  { name: '@acme/http', version: '1.0.0', dependencies: { leaf: '^1.0.0' } },
  { name: '@acme/http', version: '1.1.0-rc.1', dependencies: { leaf: '>=1.2.0 <2', '@acme/util': '0.1.0' } },
  { name: '@acme/http', version: '2.0.0', dependencies: { leaf: '^2.0.0', '@acme/util': '^0.1.0' } },
  { name: 'mid', version: '1.0.0', dependencies: { leaf: '^1.0.0', 'dot.name': '*' } },
  { name: 'mid', version: '2.0.0', dependencies: { leaf: '2.0.0', '@acme/http': '^1.0.0' } },
  { name: 'dot.name', version: '1.0.0' },
  { name: 'under_score', version: '0.0.1', dependencies: { mid: '^2.0.0' } },
  { name: 'BigName', version: '4.0.0' },
  { name: 'mac-only', version: '1.0.0', os: ['darwin'], cpu: ['arm64'] },
  { name: 'watcher', version: '1.0.0', optionalDependencies: { 'mac-only': '^1.0.0' }, dependencies: { leaf: '~1.2.0' } },
  { name: 'urlpkg', version: '1.0.0', dependencies: { 'dot.name': '^1.0.0' } },
];
/** Ranges a project may ask for, per registry package. */
const RANGES: Record<string, string[]> = {
  leaf: ['^1.0.0', '1.0.0', '^2.0.0', '3.0.0-beta.1', '*'],
  '@acme/http': ['^1.0.0', '1.1.0-rc.1', '^2.0.0'],
  '@acme/util': ['0.1.5+build.7', '~0.1.0'],
  mid: ['^1.0.0', '^2.0.0'],
  'dot.name': ['^1.0.0'],
  under_score: ['0.0.1'],
  BigName: ['^4.0.0'],
  watcher: ['^1.0.0'],
};
const FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

type Rand = () => number;
type Manifest = Record<string, unknown> & Partial<Record<(typeof FIELDS)[number], Record<string, string>>>;
const pick = <T>(r: Rand, xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;

/** A project's package.json, `${REGISTRY}` standing for the registry's URL; `full` takes every optional part. */
function generate(r: Rand, sources: string, full: boolean): { manifest: Manifest; workspace?: Manifest } {
  const has = (p: number) => r() < p || full;
  const manifest: Manifest = { name: 'app', version: '1.0.0', private: true };
  const add = (field: (typeof FIELDS)[number], name: string, range: string) => ((manifest[field] ??= {})[name] = range);
  for (const [name, ranges] of Object.entries(RANGES)) if (has(0.6)) add(pick(r, FIELDS), name, pick(r, ranges));
  if (has(0.5)) add('dependencies', 'leaf-old', `npm:leaf@${pick(r, ['^1.0.0', '1.2.0'])}`);
  if (has(0.4)) add('dependencies', 'tarred', 'file:./vendor/tarred-1.0.0.tgz');
  if (has(0.4)) add('devDependencies', 'localdir', 'file:./localdir');
  if (has(0.4)) add('dependencies', 'gitdep', `git+file://${sources}/gitdep#v1`);
  if (has(0.3)) add('dependencies', 'urlpkg', '${REGISTRY}urlpkg/-/urlpkg-1.0.0.tgz');
  if (!has(0.4)) return { manifest };
  manifest.workspaces = ['packages/*'];
  const workspace: Manifest = { name: '@app/ws', version: '0.0.0', dependencies: { leaf: pick(r, ['^2.0.0', '^1.0.0']), mid: pick(r, RANGES.mid!) } };
  return { manifest, workspace };
}

/**
 * `name version` of every package.json under node_modules (symlinks are workspaces), one per name and version,
 * the version as Yarn records it.
 */
async function installed(dir: string, out = new Set<string>()): Promise<Set<string>> {
  const modules = join(dir, 'node_modules');
  if (!existsSync(modules)) return out;
  for (const entry of await readdir(modules, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.isSymbolicLink()) continue;
    const dirs = entry.name.startsWith('@') ? (await readdir(join(modules, entry.name), { withFileTypes: true })).filter((e) => !e.isSymbolicLink()).map((e) => join(modules, entry.name, e.name)) : [join(modules, entry.name)];
    for (const pkg of dirs) {
      const json = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { name: string; version: string };
      // Yarn records and lists a version without its build metadata (`yarn list` says 0.1.5 for 0.1.5+build.7).
      out.add(`${json.name} ${json.version.replace(/\+.*$/, '')}`);
      await installed(pkg, out);
    }
  }
  return out;
}

const GIT_DEP: NpmDef = { name: 'gitdep', version: '0.5.0-alpha', dependencies: { leaf: '^1.0.0' } };
const TARRED: NpmDef = { name: 'tarred', version: '1.0.0', dependencies: { '@acme/util': '^0.1.0' } };
const LOCALDIR: NpmDef = { name: 'localdir', version: '2.3.4', dependencies: { BigName: '*' } };

let root = '';
const cases: { dir: string; manifest: Manifest; lockfile: string; expected: string[] }[] = [];
let ours = new Map<string, string[]>();

async function installProject(project: ReturnType<typeof generate>, sources: string, cache: string): Promise<string> {
  const { stdout: version } = await run('yarnpkg', ['--version'], { env: { ...process.env, ...YARN_ENV } });
  return cachedBuild('yarn-case', { project, sources, version }, async (dir) => {
    const registry = await serveNpmRegistry(join(sources, 'registry'));
    try {
      const text = JSON.stringify(project.manifest, null, 2).replaceAll('${REGISTRY}', registry.url);
      await writeFile(join(dir, 'package.json'), text);
      if (project.workspace) {
        await mkdir(join(dir, 'packages', 'ws'), { recursive: true });
        await writeFile(join(dir, 'packages', 'ws', 'package.json'), JSON.stringify(project.workspace));
      }
      await mkdir(join(dir, 'vendor'));
      await copyFile(join(sources, 'tarred', npmTarballName(TARRED)), join(dir, 'vendor', npmTarballName(TARRED)));
      await writeNpmPackage(join(dir, 'localdir'), LOCALDIR);
      await writeFile(join(dir, '.yarnrc'), `registry "${registry.url}"\ndisable-self-update-check true\n`);
      const env = { ...process.env, ...YARN_ENV, HOME: join(cache, 'home'), YARN_CACHE_FOLDER: join(cache, 'yarn') };
      await run('yarnpkg', ['install', '--non-interactive', '--no-progress', '--ignore-platform', '--ignore-scripts', '--silent'], { cwd: dir, env });
      const all = await installed(dir);
      if (project.workspace) await installed(join(dir, 'packages', 'ws'), all);
      await writeFile(join(dir, 'oracle.json'), JSON.stringify([...all].sort()));
    } finally {
      registry.server.close();
    }
  });
}

beforeAll(async () => {
  if (!hasYarn) return;
  root = await mkdtemp(join(tmpdir(), 'yarn-oracle-'));
  const sources = await npmSources('npm-sources', REGISTRY, GIT_DEP, TARRED);
  const seed = oracleSeed(1e9);
  const r = seeded(seed);
  for (let i = 0; i < RUNS; i++) {
    const project = generate(r, sources, i === 0);
    const dir = await installProject(project, sources, join(root, 'cache'));
    await mkdir(join(root, 'scan', `p${i}`), { recursive: true });
    await copyFile(join(dir, 'yarn.lock'), join(root, 'scan', `p${i}`, 'yarn.lock'));
    await copyFile(join(dir, 'package.json'), join(root, 'scan', `p${i}`, 'package.json'));
    cases.push({ dir, manifest: project.manifest, lockfile: `/p${i}/yarn.lock`, expected: JSON.parse(readFileSync(join(dir, 'oracle.json'), 'utf8')) as string[] });
  }
  ours = await inventoryByFile(join(root, 'scan'));
  let disagreements = 0;
  for (const c of cases) if (JSON.stringify([...new Set(ours.get(c.lockfile))]) !== JSON.stringify(c.expected)) disagreements++;
  recordOracle('yarn-lock', cases.length, disagreements, `seed ${seed}`);
}, 300_000);
afterAll(() => (root && !process.env.KEEP_ORACLE ? rm(root, { recursive: true, force: true }) : undefined));

describe.skipIf(!hasYarn)('yarn.lock (v1) agrees with what Yarn installs', () => {
  it('on generated projects installed offline', () => {
    expect(cases.length).toBe(RUNS);
    for (const c of cases) expect([...new Set(ours.get(c.lockfile))], `${c.dir}\n${JSON.stringify(c.manifest, null, 2)}`).toEqual(c.expected);
  });

  it('the generated projects cover what they are for', () => {
    const all = cases.flatMap((c) => c.expected);
    for (const p of ['gitdep 0.5.0-alpha', 'tarred 1.0.0', 'mac-only 1.0.0', 'localdir 2.3.4']) expect(all).toContain(p);
    expect(cases.some((c) => c.expected.filter((p) => p.startsWith('leaf ')).length > 1)).toBe(true);
  });
});
