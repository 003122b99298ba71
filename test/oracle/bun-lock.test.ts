// Differential test: bun.lock files bun writes, one release per lockfile version (not packaged by Debian:
// scripts/setup.sh installs the exact BUN_VERSIONS it names, bun's platform package from the npm registry, into
// ~/.cache/sbom-hunt-tools), read by
// `sbom-hunt scan dir:`, against what bun installs. Generated projects over tarballs `npm pack` made, served by a
// loopback registry (test/helpers/npm-registry.ts; nothing touches the network): scoped, dotted, underscored and
// capitalised names, pre-release and build-metadata versions, one package at several versions (nested copies
// keyed by install path), `npm:` aliases, peer dependencies, optional OS/CPU-restricted packages installed for
// every platform (--os='*' --cpu='*'), dev dependencies, `overrides`, a `catalog:` dependency,
// `patchedDependencies`, a `file:` tarball and folder, a `link:` folder, a git dependency from a local repository
// by tag, a tarball URL, and workspaces that depend on each other (`workspace:*`, and on the root, which bun locks
// as `root:`). bun installs with the hoisted linker; the oracle is every package.json under node_modules of the
// project and its workspace (symlinks are the project's own), one per name and version. bun.lock records no
// version for a git, tarball or URL dependency (only its source, and a commit or an integrity): sbom-hunt reads
// a tarball in the tree whose bytes have the locked integrity for its package.json, and lists git and URL
// dependencies by name with no version (unknown, with a note), so the oracle's version for those is blank.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bunLockParser } from '../../src/acquire/lockfiles/bun.js';
import { inventoryByFile } from '../helpers/lockfile-oracle.js';
import { installedPackages } from '../helpers/node-modules.js';
import { type NpmRegistry, npmTarballName, serveNpmRegistry, writeNpmPackage } from '../helpers/npm-registry.js';
import { FIELDS, LINKED, LOCALDIR, type Manifest, PATCH, pick, RANGES, type Rand, TARRED, npmProjectSources } from '../helpers/npm-projects.js';
import { seeded } from '../helpers/random.js';
import { cachedBuild, pinnedVersions, setupTool } from '../helpers/real-tools.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

const run = promisify(execFile);
/** One release per bun.lock version (setup.sh says which: 1.1 writes 0 when asked for text, 1.2 writes 1, 1.4 writes 2). */
const VERSIONS = pinnedVersions('BUN_VERSIONS');
const NEWEST = VERSIONS.at(-1)!;
const runsOf = (version: string) => (version === NEWEST ? oracleRuns(4, 0.0004) : oracleRuns(2, 0.0002));
const BINARY = `node_modules/@oven/bun-linux-${process.arch === 'arm64' ? 'aarch64' : 'x64'}/bin/bun`;
const BUNS = VERSIONS.map((version) => ({ version, path: setupTool('bun', version, BINARY), ...capabilities(version) }));
const hasBun = BUNS.every((b) => b.path);

/**
 * What a release can be asked for, as the releases run here behave: bun 1.1 has no --os/--cpu (so no
 * OS-restricted package is generated for it, since it would not install one) nor --linker (it always hoists),
 * writes text only when asked, and has no catalogs; 1.1 and 1.2 take `link:` for a globally registered link,
 * find no tag in a `git+file:` repository and refuse a workspace that depends on the root.
 */
function capabilities(version: string): { modern: boolean; sources: boolean } {
  const [major, minor] = version.split('.').map(Number);
  return { modern: major! > 1 || minor! >= 2, sources: major! > 1 || minor! >= 3 };
}
type Bun = (typeof BUNS)[number];

/** Packages whose bun.lock entry names a source and no version (a tarball in the tree is read for its version). */
const UNVERSIONED = new Set(['gitdep', 'urlpkg']);

/** A project's package.json, `${REGISTRY}` standing for the registry's URL; `full` takes every optional part. */
function generate(r: Rand, sources: string, full: boolean, bun: Bun): { manifest: Manifest; workspace?: Manifest } {
  const has = (p: number) => r() < p || full;
  const manifest: Manifest = { name: 'app', version: '1.0.0', private: true };
  const add = (field: (typeof FIELDS)[number], name: string, range: string) => ((manifest[field] ??= {})[name] = range);
  for (const [name, ranges] of Object.entries(RANGES)) if (has(0.6) && (bun.modern || name !== 'watcher')) add(pick(r, FIELDS), name, pick(r, ranges));
  if (has(0.5)) add('dependencies', 'leaf-old', `npm:leaf@${pick(r, ['^1.0.0', '1.2.0'])}`);
  if (has(0.3)) manifest.overrides = { '@acme/util': pick(r, ['0.1.0', '0.1.5+build.7']) };
  if (has(0.3)) manifest.patchedDependencies = { 'dot.name@1.0.0': 'patches/extra.patch' };
  if (has(0.4)) add('dependencies', 'tarred', 'file:./vendor/tarred-1.0.0.tgz');
  if (has(0.4)) add('devDependencies', 'localdir', 'file:./localdir');
  if (has(0.3) && bun.sources) add('dependencies', 'linked', 'link:./linked');
  if (has(0.4) && bun.sources) add('dependencies', 'gitdep', `git+file://${sources}/gitdep#v1`);
  if (has(0.3)) add('dependencies', 'urlpkg', '${REGISTRY}urlpkg/-/urlpkg-1.0.0.tgz');
  if (!has(0.4)) return { manifest };
  const catalog = { BigName: '^4.0.0' };
  manifest.workspaces = has(0.5) && bun.modern ? { packages: ['packages/*'], catalog } : ['packages/*'];
  if (has(0.5)) add('dependencies', '@app/ws', 'workspace:*');
  const workspace: Manifest = { name: '@app/ws', version: '0.0.0', dependencies: { leaf: pick(r, ['^2.0.0', '^1.0.0']), mid: pick(r, RANGES.mid!) } };
  if (!Array.isArray(manifest.workspaces)) workspace.dependencies!.BigName = 'catalog:';
  if (has(0.5) && bun.sources) workspace.dependencies!.app = 'workspace:*';
  return { manifest, workspace };
}

let root = '';
const cases: { version: string; dir: string; manifest: Manifest; lockfile: string; expected: string[] }[] = [];
let ours = new Map<string, string[]>();

/** Installs one project over the run's registry (bun caches packuments with their tarball URLs too). */
async function installProject(bun: Bun, project: ReturnType<typeof generate>, sources: string, registry: NpmRegistry, cache: string): Promise<string> {
  return cachedBuild('bun-case-3', { project, sources, version: bun.version }, async (dir) => {
    await writeFile(join(dir, 'package.json'), JSON.stringify(project.manifest, null, 2).replaceAll('${REGISTRY}', registry.url));
    if (project.workspace) {
      await mkdir(join(dir, 'packages', 'ws'), { recursive: true });
      await writeFile(join(dir, 'packages', 'ws', 'package.json'), JSON.stringify(project.workspace));
    }
    await mkdir(join(dir, 'vendor'));
    await copyFile(join(sources, 'tarred', npmTarballName(TARRED)), join(dir, 'vendor', npmTarballName(TARRED)));
    await writeNpmPackage(join(dir, 'localdir'), LOCALDIR);
    await writeNpmPackage(join(dir, 'linked'), LINKED);
    await mkdir(join(dir, 'patches'));
    await writeFile(join(dir, 'patches', 'extra.patch'), PATCH);
    const env = { PATH: process.env.PATH, HOME: join(cache, `home-${bun.version}`), DO_NOT_TRACK: '1', BUN_INSTALL_CACHE_DIR: join(cache, `bun-${bun.version}`) };
    const flags = bun.modern ? ['--linker=hoisted', '--os=*', '--cpu=*'] : ['--save-text-lockfile'];
    const args = ['install', `--registry=${registry.url}`, ...flags, '--ignore-scripts', '--no-progress', '--no-summary'];
    await run(bun.path!, args, { cwd: dir, env }).catch((e: { stderr?: string; stdout?: string }) => {
      throw new Error(`bun ${bun.version} install in ${dir} failed:\n${e.stderr ?? ''}${e.stdout ?? ''}${String(e)}\n${readFileSync(join(dir, 'package.json'), 'utf8')}`);
    });
    // bun copies a `file:` folder dependency or links it (seen in a project with workspaces): installed either way.
    const folders = new Set(['localdir']);
    const all = await installedPackages(dir, new Set(), folders);
    if (project.workspace) await installedPackages(join(dir, 'packages', 'ws'), all, folders);
    const expected = [...all].map((p) => (UNVERSIONED.has(p.split(' ')[0]!) ? `${p.split(' ')[0]} ` : p));
    await writeFile(join(dir, 'oracle.json'), JSON.stringify([...new Set(expected)].sort()));
  });
}

beforeAll(async () => {
  if (!hasBun) return;
  root = await mkdtemp(join(tmpdir(), 'bun-oracle-'));
  const sources = await npmProjectSources();
  const seed = oracleSeed(1e9);
  const r = seeded(seed);
  const registry = await serveNpmRegistry(join(sources, 'registry'));
  try {
    for (const bun of BUNS) {
      for (let i = 0; i < runsOf(bun.version); i++) {
        const project = generate(r, sources, i === 0, bun);
        const dir = await installProject(bun, project, sources, registry, join(root, 'cache'));
        const at = join(root, 'scan', bun.version, `p${i}`);
        await mkdir(join(at, 'localdir'), { recursive: true });
        await mkdir(join(at, 'vendor'));
        // The folder dependency's package.json and the tarball are part of the project as an image holds it: bun reads them at install.
        for (const f of ['bun.lock', 'package.json', 'localdir/package.json', `vendor/${npmTarballName(TARRED)}`]) await copyFile(join(dir, f), join(at, f));
        const expected = JSON.parse(readFileSync(join(dir, 'oracle.json'), 'utf8')) as string[];
        cases.push({ version: bun.version, dir, manifest: project.manifest, lockfile: `/${bun.version}/p${i}/bun.lock`, expected });
      }
    }
  } finally {
    registry.server.close();
  }
  ours = await inventoryByFile(join(root, 'scan'));
  let disagreements = 0;
  for (const c of cases) if (JSON.stringify([...new Set(ours.get(c.lockfile))]) !== JSON.stringify(c.expected)) disagreements++;
  recordOracle('bun-lock', cases.length, disagreements, `seed ${seed}`);
}, 300_000);
afterAll(() => (root && !process.env.KEEP_ORACLE ? rm(root, { recursive: true, force: true }) : undefined));

describe.skipIf(!hasBun)(`bun.lock agrees with what bun ${VERSIONS.join(', ')} install`, () => {
  it('on generated projects installed offline', () => {
    expect(cases.length).toBe(VERSIONS.reduce((n, v) => n + runsOf(v), 0));
    for (const c of cases) expect([...new Set(ours.get(c.lockfile))], `bun ${c.version}: ${c.dir}\n${JSON.stringify(c.manifest, null, 2)}`).toEqual(c.expected);
  });

  it('each release writes its own lockfile version', () => {
    const versions = new Map(cases.map((c) => [c.version, /"lockfileVersion": (\d+)/.exec(readFileSync(join(c.dir, 'bun.lock'), 'utf8'))?.[1]]));
    expect(new Set(versions.values()).size, JSON.stringify([...versions])).toBe(VERSIONS.length);
  });

  // What was installed was asked for: each package has a chain from the project's own dependencies (the report's `via`).
  it('every package is reached from what the project asked for', () => {
    for (const c of cases) {
      const readFile = (f: string) => readFileSync(join(c.dir, f), 'utf8');
      const readBytes = (f: string) => readFileSync(join(c.dir, f));
      const { packages } = bunLockParser.parse(readFile('bun.lock'), '/bun.lock', { readFile, readBytes });
      expect(packages.filter((p) => !p.dependencyPath).map((p) => `${p.name}@${p.version}`), `bun ${c.version}: ${c.dir}`).toEqual([]);
    }
  });

  it('the generated projects cover what they are for', () => {
    const all = cases.flatMap((c) => c.expected);
    for (const p of ['gitdep ', 'tarred 1.0.0', 'urlpkg ', 'mac-only 1.0.0', 'localdir 2.3.4', 'plugin 1.0.0', '@acme/util 0.1.5+build.7']) expect(all).toContain(p);
    for (const p of ['linked 9.9.9', '@app/ws 0.0.0', 'app 1.0.0']) expect(all).not.toContain(p);
    expect(cases.some((c) => c.expected.filter((p) => p.startsWith('leaf ')).length > 1)).toBe(true);
    const locks = cases.map((c) => readFileSync(join(c.dir, 'bun.lock'), 'utf8')).join('\n');
    for (const s of ['"app@root:"', '"patchedDependencies"', '"overrides"', '"catalog"', '@workspace:packages/ws', '@link:', '@git+file:']) expect(locks).toContain(s);
  });
});
