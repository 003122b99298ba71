// Differential test: pnpm-lock.yaml files the real pnpm writes (not packaged by Debian: scripts/setup.sh installs
// the exact PNPM_VERSION it names from the npm registry into ~/.cache/sbom-hunt-tools), read by `sbom-hunt scan dir:`, against what pnpm installs.
// Generated projects over tarballs `npm pack` made, served by a loopback registry (test/helpers/npm-registry.ts;
// nothing touches the network): scoped, dotted, underscored and capitalised names, pre-release and build-metadata
// versions, one package at several versions, peer dependencies resolved differently per importer (pnpm's
// `name@version(peer@version)` snapshots), `npm:` aliases, optional OS/CPU-restricted packages installed for every
// platform (supportedArchitectures), dev dependencies, a `file:` tarball and folder, a `link:` folder, a git
// dependency from a local repository by tag, a tarball URL, and a workspace. The oracle is every package folder
// pnpm put in its virtual store (node_modules/.pnpm/*/node_modules/<name>, a real folder; symlinks there are
// dependencies, and links and workspaces are the project's own): the installed name and version, one per name
// and version, which must equal sbom-hunt's list for the lockfile.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { inventoryByFile } from '../helpers/lockfile-oracle.js';
import { type NpmDef, npmTarballName, serveNpmRegistry, writeNpmPackage } from '../helpers/npm-registry.js';
import { npmSources } from '../helpers/npm-projects.js';
import { seeded } from '../helpers/random.js';
import { cachedBuild } from '../helpers/real-tools.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

const run = promisify(execFile);
const RUNS = oracleRuns(4, 0.0004);
const PNPM_VERSION = /^PNPM_VERSION=(\S+)$/m.exec(readFileSync(join(repoRoot, 'scripts', 'setup.sh'), 'utf8'))?.[1];
const PNPM = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sbom-hunt-tools', `pnpm-${PNPM_VERSION}`, 'node_modules', '.bin', 'pnpm');
const hasPnpm = existsSync(PNPM);
if (!hasPnpm && process.env.CI) throw new Error(`${PNPM} is missing: scripts/setup.sh installs pnpm ${PNPM_VERSION}, and CI needs it`);

type Def = NpmDef & { peerDependencies?: Record<string, string> };
const REGISTRY: Def[] = [
  { name: 'leaf', version: '1.0.0' },
  { name: 'leaf', version: '1.2.0' },
  { name: 'leaf', version: '2.0.0' },
  { name: 'leaf', version: '3.0.0-beta.1' },
  { name: '@acme/util', version: '0.1.0' },
  { name: '@acme/util', version: '0.1.5+build.7', dependencies: { leaf: '^1.0.0' } },
  { name: '@acme/http', version: '1.0.0', dependencies: { leaf: '^1.0.0' } },
  { name: '@acme/http', version: '2.0.0-rc.1', dependencies: { leaf: '^2.0.0', '@acme/util': '^0.1.0' } },
  { name: 'plugin', version: '1.0.0', peerDependencies: { leaf: '>=1.0.0' }, dependencies: { 'dot.name': '*' } },
  { name: 'mid', version: '1.0.0', dependencies: { plugin: '^1.0.0', leaf: '^1.0.0' } },
  { name: 'mid', version: '2.0.0', dependencies: { plugin: '^1.0.0', leaf: '2.0.0', '@acme/http': '^1.0.0' } },
  { name: 'dot.name', version: '1.0.0' },
  { name: 'under_score', version: '0.0.1', dependencies: { mid: '^2.0.0' } },
  { name: 'BigName', version: '4.0.0' },
  { name: 'mac-only', version: '1.0.0', os: ['darwin'], cpu: ['arm64'] },
  { name: 'watcher', version: '1.0.0', optionalDependencies: { 'mac-only': '^1.0.0' }, dependencies: { leaf: '~1.2.0' } },
  { name: 'urlpkg', version: '1.0.0', dependencies: { 'dot.name': '^1.0.0' } },
];
const RANGES: Record<string, string[]> = {
  leaf: ['^1.0.0', '1.0.0', '^2.0.0', '3.0.0-beta.1'],
  '@acme/http': ['^1.0.0', '2.0.0-rc.1'],
  // pnpm 12 finds no version for the exact spec 0.1.5+build.7 (the packument has it): reached by range only.
  '@acme/util': ['~0.1.0', '^0.1.0'],
  mid: ['^1.0.0', '^2.0.0'],
  plugin: ['^1.0.0'],
  'dot.name': ['^1.0.0'],
  under_score: ['0.0.1'],
  BigName: ['^4.0.0'],
  watcher: ['^1.0.0'],
};
const FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;
const GIT_DEP: Def = { name: 'gitdep', version: '0.5.0-alpha', dependencies: { leaf: '^1.0.0' } };
const TARRED: Def = { name: 'tarred', version: '1.0.0', dependencies: { '@acme/util': '^0.1.0' } };
const LOCALDIR: Def = { name: 'localdir', version: '2.3.4', dependencies: { BigName: '*' } };
const LINKED: Def = { name: 'linked', version: '9.9.9', dependencies: { 'dot.name': '*' } };

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
  if (has(0.3)) add('dependencies', 'linked', 'link:./linked');
  if (has(0.4)) add('dependencies', 'gitdep', `git+file://${sources}/gitdep#v1`);
  if (has(0.3)) add('dependencies', 'urlpkg', '${REGISTRY}urlpkg/-/urlpkg-1.0.0.tgz');
  if (!has(0.4)) return { manifest };
  add('dependencies', '@app/ws', 'workspace:*');
  const workspace: Manifest = { name: '@app/ws', version: '0.0.0', dependencies: { leaf: pick(r, ['^2.0.0', '^1.0.0']), plugin: '^1.0.0', mid: pick(r, RANGES.mid!) } };
  return { manifest, workspace };
}

/** `name version` of every real package folder in pnpm's virtual store. */
async function installed(dir: string): Promise<string[]> {
  const out = new Set<string>();
  const store = join(dir, 'node_modules', '.pnpm');
  for (const key of await readdir(store, { withFileTypes: true })) {
    const modules = join(store, key.name, 'node_modules');
    if (!key.isDirectory() || !existsSync(modules)) continue;
    for (const entry of await readdir(modules, { withFileTypes: true })) {
      const dirs = entry.name.startsWith('@') ? (await readdir(join(modules, entry.name), { withFileTypes: true })).map((e) => ({ e, path: join(modules, entry.name, e.name) })) : [{ e: entry, path: join(modules, entry.name) }];
      for (const { e, path } of dirs) {
        if (!e.isDirectory() || e.isSymbolicLink()) continue;
        const json = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { name: string; version: string };
        out.add(`${json.name} ${json.version}`);
      }
    }
  }
  return [...out].sort();
}

let root = '';
const cases: { dir: string; manifest: Manifest; lockfile: string; expected: string[] }[] = [];
let ours = new Map<string, string[]>();

async function installProject(project: ReturnType<typeof generate>, sources: string, cache: string): Promise<string> {
  const { stdout: version } = await run(PNPM, ['--version']);
  return cachedBuild('pnpm-case', { project, sources, version }, async (dir) => {
    const registry = await serveNpmRegistry(join(sources, 'registry'));
    try {
      await writeFile(join(dir, 'package.json'), JSON.stringify(project.manifest, null, 2).replaceAll('${REGISTRY}', registry.url));
      const settings = ['supportedArchitectures:', '  os: [current, darwin, win32]', '  cpu: [current, arm64]'];
      if (project.workspace) {
        await mkdir(join(dir, 'packages', 'ws'), { recursive: true });
        await writeFile(join(dir, 'packages', 'ws', 'package.json'), JSON.stringify(project.workspace));
        settings.unshift('packages:', '  - packages/*');
      }
      await writeFile(join(dir, 'pnpm-workspace.yaml'), `${settings.join('\n')}\n`);
      await mkdir(join(dir, 'vendor'));
      await copyFile(join(sources, 'tarred', npmTarballName(TARRED)), join(dir, 'vendor', npmTarballName(TARRED)));
      await writeNpmPackage(join(dir, 'localdir'), LOCALDIR);
      await writeNpmPackage(join(dir, 'linked'), LINKED);
      const env = { ...process.env, HOME: join(cache, 'home'), npm_config_update_notifier: 'false', CI: 'true' };
      await run(PNPM, ['install', `--registry=${registry.url}`, `--store-dir=${join(cache, 'store')}`, '--ignore-scripts', '--reporter=silent'], { cwd: dir, env });
      await writeFile(join(dir, 'oracle.json'), JSON.stringify(await installed(dir)));
    } finally {
      registry.server.close();
    }
  });
}

beforeAll(async () => {
  if (!hasPnpm) return console.warn(`SKIPPED: ${PNPM} is missing (scripts/setup.sh installs it); the pnpm-lock.yaml oracle does not run`);
  root = await mkdtemp(join(tmpdir(), 'pnpm-oracle-'));
  const sources = await npmSources('pnpm-sources', REGISTRY, GIT_DEP, TARRED);
  const seed = oracleSeed(1e9);
  const r = seeded(seed);
  for (let i = 0; i < RUNS; i++) {
    const project = generate(r, sources, i === 0);
    const dir = await installProject(project, sources, join(root, 'cache'));
    await mkdir(join(root, 'scan', `p${i}`), { recursive: true });
    // The folder dependency's package.json is part of the project as an image holds it: pnpm reads it at install.
    await mkdir(join(root, 'scan', `p${i}`, 'localdir'));
    for (const f of ['pnpm-lock.yaml', 'package.json', 'localdir/package.json']) await copyFile(join(dir, f), join(root, 'scan', `p${i}`, f));
    cases.push({ dir, manifest: project.manifest, lockfile: `/p${i}/pnpm-lock.yaml`, expected: JSON.parse(readFileSync(join(dir, 'oracle.json'), 'utf8')) as string[] });
  }
  ours = await inventoryByFile(join(root, 'scan'));
  let disagreements = 0;
  for (const c of cases) if (JSON.stringify([...new Set(ours.get(c.lockfile))]) !== JSON.stringify(c.expected)) disagreements++;
  recordOracle('pnpm-lock', cases.length, disagreements, `seed ${seed}`);
}, 300_000);
afterAll(() => (root && !process.env.KEEP_ORACLE ? rm(root, { recursive: true, force: true }) : undefined));

describe.skipIf(!hasPnpm)('pnpm-lock.yaml agrees with what pnpm installs', () => {
  it('on generated projects installed offline', () => {
    expect(cases.length).toBe(RUNS);
    for (const c of cases) expect([...new Set(ours.get(c.lockfile))], `${c.dir}\n${JSON.stringify(c.manifest, null, 2)}`).toEqual(c.expected);
  });

  it('the generated projects cover what they are for', () => {
    const all = cases.flatMap((c) => c.expected);
    for (const p of ['gitdep 0.5.0-alpha', 'tarred 1.0.0', 'mac-only 1.0.0', 'localdir 2.3.4', 'plugin 1.0.0']) expect(all).toContain(p);
    expect(all).not.toContain('linked 9.9.9');
    expect(cases.some((c) => c.expected.filter((p) => p.startsWith('leaf ')).length > 1)).toBe(true);
  });
});
