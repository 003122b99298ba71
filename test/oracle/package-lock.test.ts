// Differential test: package-lock.json (lockfileVersion 1, 2 and 3) and npm-shrinkwrap.json files the real npm
// writes (the npm on PATH; `--lockfile-version 1|2|3`, `npm shrinkwrap`), read by `sbom-hunt scan dir:`, against
// what npm installs. Generated projects over tarballs `npm pack` made, served by a loopback registry
// (test/helpers/npm-registry.ts; nothing touches the network): scoped, dotted, underscored and capitalised names,
// pre-release and build-metadata versions, one package at several versions (nested node_modules), `npm:` aliases
// (a scoped one too), optional and OS/CPU-restricted packages (installed with --os darwin --cpu arm64, so every
// locked package is on disk), dev and peer dependencies, bundled dependencies, a `file:` tarball, a `file:` folder
// (a link), a git dependency from a local repository by tag, a tarball URL, and workspaces; the tarballs named
// `<name>-<version>.tgz` or not, which decides what a lockfileVersion 1 entry can say. The oracle is every
// package.json under node_modules (a real folder; symlinks are links to the project's own folders and
// workspaces), the name and version it declares, one per name and version; `npm ls --all --json --long` must say
// the same, and sbom-hunt's list for the lockfile must equal it; each chain sbom-hunt gives (`via …`) must be a
// path in npm ls's tree. npm's hidden lockfile (node_modules/.package-lock.json), which the image cataloger
// reads, must list the same.
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { copyFile, lstat, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmLockParser } from '../../src/acquire/lockfiles/npm.js';
import { npmLockfileCataloger } from '../../src/acquire/native/catalogers/npm-lockfile.js';
import { inventoryByFile } from '../helpers/lockfile-oracle.js';
import { type NpmDef, npmTarballName, serveNpmRegistry, writeNpmPackage } from '../helpers/npm-registry.js';
import { npmSources } from '../helpers/npm-projects.js';
import { seeded } from '../helpers/random.js';
import { cachedBuild, haveTool } from '../helpers/real-tools.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

const run = promisify(execFile);
// Every format once, and lockfileVersion 1 again with the other spec of each source (see the loop in beforeAll).
const RUNS = oracleRuns(5, 0.0004);
const hasNpm = haveTool('npm', 'npm');

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
  { name: 'plugin', version: '1.0.0', peerDependencies: { leaf: '>=1.0.0 || >=3.0.0-beta.0' }, dependencies: { 'dot.name': '*' } },
  { name: 'mid', version: '1.0.0', dependencies: { leaf: '^1.0.0', 'dot.name': '*', plugin: '^1.0.0' } },
  { name: 'mid', version: '2.0.0', dependencies: { leaf: '2.0.0', '@acme/http': '^1.0.0' } },
  { name: 'dot.name', version: '1.0.0' },
  { name: 'under_score', version: '0.0.1', dependencies: { mid: '^2.0.0' } },
  { name: 'BigName', version: '4.0.0' },
  { name: 'mac-only', version: '1.0.0', os: ['darwin'], cpu: ['arm64'] },
  { name: 'watcher', version: '1.0.0', optionalDependencies: { 'mac-only': '^1.0.0' }, dependencies: { leaf: '~1.2.0' } },
  // Its tarball carries its own copies: npm installs them from the tarball, never from the registry.
  {
    name: 'bundler',
    version: '1.0.0',
    dependencies: { 'dot.name': '^1.0.0' },
    bundled: [{ name: 'inner', version: '0.3.0-pre.2', dependencies: { leaf: '1.0.0' } }, { name: 'leaf', version: '1.0.0' }],
  },
  { name: 'urlpkg', version: '1.0.0', dependencies: { 'dot.name': '^1.0.0' } },
];
/** Ranges a project may ask for, per registry package. */
const RANGES: Record<string, string[]> = {
  leaf: ['^1.0.0', '1.0.0', '^2.0.0', '3.0.0-beta.1', '*'],
  '@acme/http': ['^1.0.0', '1.1.0-rc.1', '^2.0.0'],
  // npm finds no version for the exact spec 0.1.5+build.7 (ETARGET; the packument has it): reached by range only.
  '@acme/util': ['~0.1.5', '~0.1.0'],
  mid: ['^1.0.0', '^2.0.0'],
  plugin: ['^1.0.0'],
  'dot.name': ['^1.0.0'],
  under_score: ['0.0.1'],
  BigName: ['^4.0.0'],
  watcher: ['^1.0.0'],
  bundler: ['^1.0.0'],
};
const FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;
const GIT_DEP: NpmDef = { name: 'gitdep', version: '0.5.0-alpha', dependencies: { leaf: '^1.0.0' } };
const TARRED: NpmDef = { name: 'tarred', version: '1.0.0', dependencies: { '@acme/util': '^0.1.0' } };
const LOCALDIR: NpmDef = { name: 'localdir', version: '2.3.4', dependencies: { BigName: '*' } };
/** The lockfile each case has npm write, in turn, so that the quick runs cover every one. */
const FORMATS = [
  { lockfileVersion: 1, file: 'package-lock.json' },
  { lockfileVersion: 3, file: 'package-lock.json' },
  { lockfileVersion: 2, file: 'package-lock.json' },
  { lockfileVersion: 3, file: 'npm-shrinkwrap.json' },
] as const;
type Format = (typeof FORMATS)[number];

type Rand = () => number;
type Manifest = Record<string, unknown> & Partial<Record<(typeof FIELDS)[number], Record<string, string>>>;
const pick = <T>(r: Rand, xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;

/**
 * Where a project may take a package from other than the registry, each with whether a lockfileVersion 1 entry
 * can say its version: v1 writes the source in place of the version, and npm reads a version back only from a
 * tarball's file name, `<name>-<version>.tgz` (in a registry-layout URL, the name before `/-/` too); a git
 * dependency's it cannot. `${REGISTRY}` stands for the registry's URL, `${SOURCES}` for the built sources.
 */
const SOURCED: { name: string; field: (typeof FIELDS)[number]; p: number; specs: [spec: string, v1Names: boolean][] }[] = [
  { name: 'tarred', field: 'dependencies', p: 0.4, specs: [['file:./vendor/tarred-1.0.0.tgz', true], ['file:./vendor/tarred.tgz', false]] },
  { name: 'urlpkg', field: 'dependencies', p: 0.3, specs: [['${REGISTRY}urlpkg/-/urlpkg-1.0.0.tgz', true], ['${REGISTRY}files/-/urlpkg-1.0.0.tgz', false]] },
  { name: 'gitdep', field: 'dependencies', p: 0.4, specs: [['git+file://${SOURCES}/gitdep#v1', false]] },
];

/**
 * A project's package.json; `full` (the first cases) takes every optional part, and `variant` picks each
 * source's spec (else drawn), so that the quick runs cover both kinds of tarball name.
 */
function generate(r: Rand, full: boolean, variant?: number): { manifest: Manifest; workspace?: Manifest } {
  const has = (p: number) => r() < p || full;
  const manifest: Manifest = { name: 'app', version: '1.0.0', private: true };
  const add = (field: (typeof FIELDS)[number], name: string, range: string) => ((manifest[field] ??= {})[name] = range);
  for (const [name, ranges] of Object.entries(RANGES)) if (has(0.6)) add(pick(r, FIELDS), name, pick(r, ranges));
  if (has(0.5)) add('dependencies', 'leaf-old', `npm:leaf@${pick(r, ['^1.0.0', '1.2.0'])}`);
  if (has(0.3)) add('devDependencies', 'util-alias', 'npm:@acme/util@0.1.0');
  if (has(0.4)) add('devDependencies', 'localdir', 'file:./localdir');
  for (const s of SOURCED) {
    const spec = variant === undefined ? pick(r, s.specs) : s.specs[variant % s.specs.length]!;
    if (has(s.p)) add(s.field, s.name, spec[0]);
  }
  if (!has(0.4)) return { manifest };
  manifest.workspaces = ['packages/*'];
  const workspace: Manifest = { name: '@app/ws', version: '0.0.0', dependencies: { leaf: pick(r, ['^2.0.0', '^1.0.0']), mid: pick(r, RANGES.mid!) } };
  return { manifest, workspace };
}

/** `name version` of every real package folder under `dir`'s node_modules, nested ones included. */
async function installed(dir: string, out = new Set<string>()): Promise<Set<string>> {
  const modules = join(dir, 'node_modules');
  if (!existsSync(modules)) return out;
  for (const entry of await readdir(modules, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.isSymbolicLink()) continue;
    const dirs = entry.name.startsWith('@') ? (await readdir(join(modules, entry.name), { withFileTypes: true })).filter((e) => !e.isSymbolicLink()).map((e) => join(modules, entry.name, e.name)) : [join(modules, entry.name)];
    for (const pkg of dirs) {
      const json = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { name: string; version: string };
      out.add(`${json.name} ${json.version}`);
      await installed(pkg, out);
    }
  }
  return out;
}

interface LsNode {
  name?: string;
  version?: string;
  path?: string;
  missing?: boolean;
  peerDependencies?: Record<string, string>;
  dependencies?: Record<string, LsNode>;
}

/** `name version` of every package `npm ls --all --json --long` lists at a path of its own under node_modules. */
async function listed(node: LsNode, out = new Set<string>()): Promise<Set<string>> {
  for (const dep of Object.values(node.dependencies ?? {})) {
    if (dep.missing || !dep.path) continue;
    // A link's path is its target, the project's own folder (a workspace, a `file:` folder).
    const own = !dep.path.includes('/node_modules/') || (await lstat(dep.path)).isSymbolicLink();
    if (!own) out.add(`${dep.name} ${dep.version}`);
    await listed(dep, out);
  }
  return out;
}

/** npm ls's tree as edges between install paths (relative to the project), each labelled `name@version`. */
interface Tree {
  labels: Map<string, string>;
  children: Map<string, Set<string>>;
  /** What the project and its own folders (workspaces, `file:` folders) depend on. */
  direct: Set<string>;
  /** Labels of packages some package in the tree has as a peer dependency. */
  peers: Set<string>;
}

function treeOf(dir: string, ls: LsNode): Tree {
  const tree: Tree = { labels: new Map(), children: new Map(), direct: new Set(), peers: new Set() };
  const own = (path: string) => !path.split('/').includes('node_modules') || lstatSync(join(dir, path)).isSymbolicLink();
  const visit = (node: LsNode, at: string) => {
    for (const dep of Object.values(node.dependencies ?? {})) {
      if (dep.missing || !dep.path) continue;
      const path = relative(ls.path!, dep.path);
      // A link (its path is the link's or its target's) is one of the project's own folders: what it depends on is direct.
      if (own(path)) {
        visit(dep, path);
        continue;
      }
      tree.labels.set(path, `${dep.name}@${dep.version}`);
      if (node.peerDependencies && dep.name && Object.keys(node.peerDependencies).some((n) => dep.path!.endsWith(`/node_modules/${n}`))) tree.peers.add(`${dep.name}@${dep.version}`);
      if (own(at)) tree.direct.add(path);
      else tree.children.set(at, (tree.children.get(at) ?? new Set()).add(path));
      visit(dep, path);
    }
  };
  visit(ls, '');
  return tree;
}

/** Whether `chain` (direct dependency first, the package last) is a path in npm's tree; `name@` matches any version of name. */
function inTree(tree: Tree, chain: string[]): boolean {
  const fits = (path: string, label: string) => (label.endsWith('@') ? tree.labels.get(path)?.startsWith(label) : tree.labels.get(path) === label);
  let at = [...tree.direct].filter((p) => fits(p, chain[0]!));
  for (const label of chain.slice(1)) at = at.flatMap((p) => [...(tree.children.get(p) ?? [])].filter((c) => fits(c, label)));
  return at.length > 0;
}

/**
 * The chains sbom-hunt's lockfile reader gives (`via …`) that are not paths in npm's tree, and the packages given
 * none. Only a lockfileVersion 1 package that npm installed as a peer may have none: npm 7+ leaves peers out of
 * v1 `requires`, so the file does not say whose peer it is.
 */
function chainsNotInTree(dir: string, format: Format, tree: Tree): string[] {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as unknown;
  const { packages } = npmLockParser.parse(readFileSync(join(dir, format.file), 'utf8'), `/${format.file}`, { manifest });
  return packages
    .filter((p) => p.dependencyPath !== undefined || format.lockfileVersion !== 1 || !tree.peers.has(`${p.name}@${p.version}`))
    .map((p) => [...(p.dependencyPath ?? ['(none)']), `${p.name}@${p.version}`])
    .filter((chain) => !inTree(tree, chain))
    .map((chain) => chain.join(' > '));
}

const npmEnv = (cache: string): NodeJS.ProcessEnv => {
  // npm run passes its own configuration down as npm_config_* (userconfig, cache, ...): none of it may reach this npm.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, HOME: join(cache, 'home'), npm_config_cache: join(cache, 'npm'), npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' };
};

async function installProject(project: ReturnType<typeof generate>, format: Format, sources: string, cache: string): Promise<string> {
  const env = npmEnv(cache);
  const { stdout: version } = await run('npm', ['--version'], { env });
  return cachedBuild('npm-case', { project, format, sources, version, layout: 2 }, async (dir) => {
    const registry = await serveNpmRegistry(join(sources, 'registry'));
    try {
      await writeFile(join(dir, 'package.json'), JSON.stringify(project.manifest, null, 2).replaceAll('${REGISTRY}', registry.url).replaceAll('${SOURCES}', sources));
      if (project.workspace) {
        await mkdir(join(dir, 'packages', 'ws'), { recursive: true });
        await writeFile(join(dir, 'packages', 'ws', 'package.json'), JSON.stringify(project.workspace));
      }
      await mkdir(join(dir, 'vendor'));
      for (const name of [npmTarballName(TARRED), 'tarred.tgz']) await copyFile(join(sources, 'tarred', npmTarballName(TARRED)), join(dir, 'vendor', name));
      await writeNpmPackage(join(dir, 'localdir'), LOCALDIR);
      const args = ['install', `--registry=${registry.url}`, `--lockfile-version=${format.lockfileVersion}`, '--os=darwin', '--cpu=arm64', '--ignore-scripts', '--no-progress', '--loglevel=error'];
      await run('npm', args, { cwd: dir, env });
      if (format.file === 'npm-shrinkwrap.json') await run('npm', ['shrinkwrap', '--loglevel=error'], { cwd: dir, env });
      const all = await installed(dir);
      for (const ws of ['packages/ws', 'localdir']) await installed(join(dir, ws), all);
      const ls = await run('npm', ['ls', '--all', '--json', '--long'], { cwd: dir, env, maxBuffer: 64 << 20 });
      const tree = JSON.parse(ls.stdout) as LsNode;
      await writeFile(join(dir, 'oracle.json'), JSON.stringify({ installed: [...all].sort(), listed: [...(await listed(tree))].sort() }));
      await writeFile(join(dir, 'ls.json'), ls.stdout);
    } finally {
      registry.server.close();
    }
  });
}

/** What the lockfile can say of what npm installed: a v1 entry names no version for a source whose name does not. */
function lockfileSays(installed: string[], manifest: Manifest, format: Format): string[] {
  if (format.lockfileVersion !== 1) return installed;
  const unnamed = new Set(SOURCED.filter((s) => s.specs.some(([spec, names]) => !names && manifest[s.field]?.[s.name] === spec)).map((s) => s.name));
  return [...new Set(installed.map((p) => (unnamed.has(p.split(' ')[0]!) ? `${p.split(' ')[0]} ` : p)))].sort();
}

/** `name version` of every package sbom-hunt's image cataloger reads from npm's hidden lockfile. */
function hiddenLockfile(dir: string): string[] {
  const path = 'app/node_modules/.package-lock.json';
  const result = npmLockfileCataloger.catalog(path, readFileSync(join(dir, 'node_modules', '.package-lock.json')));
  expect([...(result.errors ?? []), ...result.notes]).toEqual([]);
  return [...new Set(result.packages.map((p) => `${p.name} ${p.version}`))].sort();
}

let root = '';
interface Case {
  dir: string;
  manifest: Manifest;
  format: Format;
  lockfile: string;
  /** What npm installed. */
  installed: string[];
  /** What the lockfile can say of it, which sbom-hunt's list must equal. */
  expected: string[];
  listed: string[];
  hidden: string[];
  /** Chains sbom-hunt gives that npm's tree does not have. */
  strayChains: string[];
}
const cases: Case[] = [];
let ours = new Map<string, string[]>();

beforeAll(async () => {
  if (!hasNpm) return;
  root = await mkdtemp(join(tmpdir(), 'npm-oracle-'));
  const sources = await npmSources('npm-lock-sources', REGISTRY, GIT_DEP, TARRED);
  const seed = oracleSeed(1e9);
  const r = seeded(seed);
  for (let i = 0; i < RUNS; i++) {
    // The first two rounds of formats take every optional part, the first each source's first spec, the second its second.
    const round = Math.floor(i / FORMATS.length);
    const project = round < 2 ? generate(r, true, round) : generate(r, false);
    const format = FORMATS[i % FORMATS.length]!;
    const dir = await installProject(project, format, sources, join(root, 'cache'));
    const scan = join(root, 'scan', `p${i}`);
    // The project's own folders' package.json files are part of the project as an image holds it.
    for (const f of [format.file, 'package.json', 'localdir/package.json', 'packages/ws/package.json']) {
      if (!existsSync(join(dir, f))) continue;
      await mkdir(join(scan, f, '..'), { recursive: true });
      await copyFile(join(dir, f), join(scan, f));
    }
    const oracle = JSON.parse(readFileSync(join(dir, 'oracle.json'), 'utf8')) as { installed: string[]; listed: string[] };
    cases.push({ dir, manifest: project.manifest, format, lockfile: `/p${i}/${format.file}`, installed: oracle.installed, expected: lockfileSays(oracle.installed, project.manifest, format), listed: oracle.listed, hidden: hiddenLockfile(dir), strayChains: chainsNotInTree(dir, format, treeOf(dir, JSON.parse(readFileSync(join(dir, 'ls.json'), 'utf8')) as LsNode)) });
  }
  ours = await inventoryByFile(join(root, 'scan'));
  let disagreements = 0;
  for (const c of cases) if (JSON.stringify([...new Set(ours.get(c.lockfile))]) !== JSON.stringify(c.expected) || JSON.stringify(c.hidden) !== JSON.stringify(c.installed) || c.strayChains.length > 0) disagreements++;
  recordOracle('package-lock', cases.length, disagreements, `seed ${seed}`);
}, 300_000);
afterAll(() => (root && !process.env.KEEP_ORACLE ? rm(root, { recursive: true, force: true }) : undefined));

describe.skipIf(!hasNpm)('package-lock.json agrees with what npm installs', () => {
  const about = (c: Case) => `${c.dir} (lockfileVersion ${c.format.lockfileVersion}, ${c.format.file})\n${JSON.stringify(c.manifest, null, 2)}`;

  it('npm ls lists what is on disk', () => {
    for (const c of cases) expect.soft(c.listed, about(c)).toEqual(c.installed);
  });

  it('on generated projects installed offline', () => {
    expect(cases.length).toBe(RUNS);
    for (const c of cases) expect.soft([...new Set(ours.get(c.lockfile))], about(c)).toEqual(c.expected);
  });

  it('each package comes with a chain that is a path in `npm ls --all`', () => {
    for (const c of cases) expect.soft(c.strayChains, about(c)).toEqual([]);
  });

  it("npm's hidden lockfile, as the image cataloger reads it", () => {
    for (const c of cases) expect.soft(c.hidden, about(c)).toEqual(c.installed);
  });

  it('the generated projects cover what they are for', () => {
    const all = cases.flatMap((c) => c.installed);
    for (const p of ['gitdep 0.5.0-alpha', 'tarred 1.0.0', 'mac-only 1.0.0', 'plugin 1.0.0', 'inner 0.3.0-pre.2', 'urlpkg 1.0.0']) expect(all).toContain(p);
    expect(all).not.toContain('localdir 2.3.4');
    expect(cases.some((c) => c.installed.filter((p) => p.startsWith('leaf ')).length > 1)).toBe(true);
    // lockfileVersion 1 cases with a source whose version its tarball's file name carries, and one whose does not.
    const v1 = cases.filter((c) => c.format.lockfileVersion === 1).flatMap((c) => c.expected);
    for (const p of ['gitdep ', 'tarred ', 'urlpkg ', 'tarred 1.0.0', 'urlpkg 1.0.0']) expect(v1).toContain(p);
    for (const f of FORMATS) expect(cases.some((c) => c.format === f)).toBe(true);
  });
});
