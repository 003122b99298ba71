// Differential test: yarn.lock files Yarn 2+ (berry) writes, one release per lockfile version (not packaged by
// Debian: scripts/setup.sh installs the exact YARN_BERRY_VERSIONS it names from the npm registry into
// ~/.cache/sbom-hunt-tools), read by
// `sbom-hunt scan dir:`, against what Yarn installs. Generated projects over tarballs `npm pack` made, served by a
// loopback registry (test/helpers/npm-registry.ts; nothing touches the network): scoped, dotted, underscored and
// capitalised names, pre-release and build-metadata versions, one package at several versions (nested copies),
// ranges that share an entry, `npm:` aliases, `patch:` dependencies (a patch file applied to a registry
// package), `resolutions` that force a transitive version, peer dependencies, optional OS/CPU-restricted packages
// installed for every platform (supportedArchitectures), dev dependencies, a `file:` tarball and folder, `link:`
// and `portal:` folders, a tarball URL (whose tarball the registry serves at a URL Yarn does not derive, so the
// lockfile binds it as `::__archiveUrl=`), `catalog:` ranges (Yarn 4.10+, from .yarnrc.yml), and workspaces that
// depend on each other (`workspace:`). Yarn installs
// with nodeLinker: node-modules; the oracle is every package.json under node_modules of the project, its
// workspaces and its portal folder (symlinked folders are the project's own), one per name and version, which
// must equal sbom-hunt's list for the lockfile.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { yarnLockParser } from '../../src/acquire/lockfiles/yarn.js';
import { inventoryByFile } from '../helpers/lockfile-oracle.js';
import { installedPackages } from '../helpers/node-modules.js';
import { type NpmRegistry, npmTarballName, serveNpmRegistry, writeNpmPackage } from '../helpers/npm-registry.js';
import { type Def, FIELDS, LINKED, LOCALDIR, type Manifest, PATCH, pick, RANGES, type Rand, TARRED, npmProjectSources } from '../helpers/npm-projects.js';
import { seeded } from '../helpers/random.js';
import { cachedBuild, pinnedVersions, setupTool } from '../helpers/real-tools.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

const run = promisify(execFile);
/** One release per lockfile version Yarn 2+ writes (setup.sh says which); the newest gets the most cases. */
const VERSIONS = pinnedVersions('YARN_BERRY_VERSIONS');
const NEWEST = VERSIONS.at(-1)!;
const runsOf = (version: string) => (version === NEWEST ? oracleRuns(4, 0.0004) : oracleRuns(2, 0.0002));
const YARNS = VERSIONS.map((version) => ({ version, path: setupTool('yarn', version, 'node_modules/@yarnpkg/cli-dist/bin/yarn.js') }));
const hasYarn = YARNS.every((y) => y.path);

const PORTALED: Def = { name: 'portaled', version: '8.8.8', dependencies: { leaf: '2.0.0' } };

/** A project's package.json, `${REGISTRY}` standing for the registry's URL; `full` takes every optional part. */
/** Yarn 4.10 brought catalogs (`catalog:` ranges from .yarnrc.yml). */
const hasCatalogs = (version: string) => {
  const [major, minor] = version.split('.').map(Number);
  return major! > 4 || (major === 4 && minor! >= 10);
};

type Project = { manifest: Manifest; workspace?: Manifest; catalogs?: boolean };

function generate(r: Rand, full: boolean, catalogs: boolean): Project {
  const has = (p: number) => r() < p || full;
  const manifest: Manifest = { name: 'app', version: '1.0.0', private: true };
  const add = (field: (typeof FIELDS)[number], name: string, range: string) => ((manifest[field] ??= {})[name] = range);
  for (const [name, ranges] of Object.entries(RANGES)) if (has(0.6)) add(pick(r, FIELDS), name, pick(r, ranges));
  if (has(0.5)) add('dependencies', 'leaf-old', `npm:leaf@${pick(r, ['^1.0.0', '1.2.0'])}`);
  if (has(0.4)) add('dependencies', 'patched-mid', `patch:mid@npm%3A${pick(r, ['^1.0.0', '2.0.0'])}#./patches/extra.patch`);
  if (has(0.3)) manifest.resolutions = { '@acme/util': pick(r, ['0.1.0', '0.1.5+build.7']) };
  if (has(0.4)) add('dependencies', 'tarred', 'file:./vendor/tarred-1.0.0.tgz');
  if (has(0.4)) add('devDependencies', 'localdir', 'file:./localdir');
  if (has(0.3)) add('dependencies', 'linked', 'link:./linked');
  if (has(0.3)) add('dependencies', 'portaled', 'portal:./portaled');
  if (has(0.3)) add('dependencies', 'urlpkg', '${REGISTRY}urlpkg/-/urlpkg-1.0.0.tgz');
  const withCatalogs = catalogs && has(0.4);
  if (withCatalogs) {
    // Moved, not added: the range loop may have put dot.name under another field, and Yarn would record that one.
    for (const f of FIELDS) delete manifest[f]?.['dot.name'];
    add('dependencies', 'dot.name', 'catalog:');
  }
  if (!has(0.4)) return { manifest, ...(withCatalogs ? { catalogs: true } : {}) };
  manifest.workspaces = ['packages/*'];
  if (has(0.5)) add('dependencies', '@app/ws', 'workspace:^');
  const workspace: Manifest = { name: '@app/ws', version: '0.0.0', dependencies: { leaf: pick(r, ['^2.0.0', '^1.0.0']), mid: pick(r, RANGES.mid!) } };
  if (has(0.5)) workspace.dependencies!.app = 'workspace:*';
  if (withCatalogs) workspace.dependencies!.BigName = 'catalog:tools';
  return { manifest, workspace, ...(withCatalogs ? { catalogs: true } : {}) };
}

/** Yarn's settings for one project: the loopback registry, node_modules, every platform, nothing from the user. */
function yarnrc(registry: string, cache: string, catalogs: boolean): string {
  const catalog = catalogs ? ['catalog:', '  dot.name: ^1.0.0', 'catalogs:', '  tools:', '    BigName: ^4.0.0'] : [];
  return [
    ...catalog,
    `npmRegistryServer: "${registry}"`,
    'unsafeHttpWhitelist: ["127.0.0.1"]',
    'nodeLinker: node-modules',
    'enableTelemetry: false',
    'enableGlobalCache: false',
    `cacheFolder: "${cache}"`,
    'enableImmutableInstalls: false',
    'enableScripts: false',
    'enableProgressBars: false',
    'supportedArchitectures: { os: [current, darwin], cpu: [current, arm64] }',
    '',
  ].join('\n');
}

let root = '';
const cases: { version: string; dir: string; manifest: Manifest; lockfile: string; expected: string[] }[] = [];
let ours = new Map<string, string[]>();

/**
 * Installs one project over the run's registry. Yarn keeps the packuments it fetched under HOME and the URLs in
 * them, so every case of a run shares one registry (a registry per case left the next install fetching from a
 * closed port); the cached build's key leaves the port out, since what Yarn writes does not depend on it.
 */
async function installProject(yarn: (typeof YARNS)[number], project: Project, sources: string, registry: NpmRegistry, cache: string): Promise<string> {
  return cachedBuild('yarn-berry-case', { project, sources, version: yarn.version }, async (dir) => {
    await writeFile(join(dir, 'package.json'), JSON.stringify(project.manifest, null, 2).replaceAll('${REGISTRY}', registry.url));
    if (project.workspace) {
      await mkdir(join(dir, 'packages', 'ws'), { recursive: true });
      await writeFile(join(dir, 'packages', 'ws', 'package.json'), JSON.stringify(project.workspace));
    }
    await mkdir(join(dir, 'vendor'));
    await copyFile(join(sources, 'tarred', npmTarballName(TARRED)), join(dir, 'vendor', npmTarballName(TARRED)));
    await writeNpmPackage(join(dir, 'localdir'), LOCALDIR);
    await writeNpmPackage(join(dir, 'linked'), LINKED);
    await writeNpmPackage(join(dir, 'portaled'), PORTALED);
    await mkdir(join(dir, 'patches'));
    await writeFile(join(dir, 'patches', 'extra.patch'), PATCH);
    await writeFile(join(dir, 'yarn.lock'), '');
    await writeFile(join(dir, '.yarnrc.yml'), yarnrc(registry.url, join(cache, `yarn-${yarn.version}`), project.catalogs === true));
    const env = { PATH: process.env.PATH, HOME: join(cache, `home-${yarn.version}`), YARN_IGNORE_PATH: '1' };
    // Yarn reports what went wrong on stdout.
    await run(process.execPath, [yarn.path!, 'install'], { cwd: dir, env }).catch((e: { stdout?: string }) => {
      throw new Error(`yarn install in ${dir} failed:\n${e.stdout ?? String(e)}\n${readFileSync(join(dir, 'package.json'), 'utf8')}`);
    });
    const all = await installedPackages(dir);
    for (const sub of ['packages/ws', 'portaled']) await installedPackages(join(dir, sub), all);
    await writeFile(join(dir, 'oracle.json'), JSON.stringify([...all].sort()));
  });
}

beforeAll(async () => {
  if (!hasYarn) return;
  root = await mkdtemp(join(tmpdir(), 'yarn-berry-oracle-'));
  const sources = await npmProjectSources();
  const seed = oracleSeed(1e9);
  const r = seeded(seed);
  const registry = await serveNpmRegistry(join(sources, 'registry'));
  try {
    for (const yarn of YARNS) {
      for (let i = 0; i < runsOf(yarn.version); i++) {
        const project = generate(r, i === 0, hasCatalogs(yarn.version));
        const dir = await installProject(yarn, project, sources, registry, join(root, 'cache'));
        const at = join(root, 'scan', yarn.version, `p${i}`);
        await mkdir(at, { recursive: true });
        // .yarnrc.yml holds the catalogs, which the lockfile does not copy.
        for (const f of ['yarn.lock', 'package.json', '.yarnrc.yml']) await copyFile(join(dir, f), join(at, f));
        const expected = JSON.parse(readFileSync(join(dir, 'oracle.json'), 'utf8')) as string[];
        cases.push({ version: yarn.version, dir, manifest: project.manifest, lockfile: `/${yarn.version}/p${i}/yarn.lock`, expected });
      }
    }
  } finally {
    registry.server.close();
  }
  ours = await inventoryByFile(join(root, 'scan'));
  let disagreements = 0;
  for (const c of cases) if (JSON.stringify([...new Set(ours.get(c.lockfile))]) !== JSON.stringify(c.expected)) disagreements++;
  recordOracle('yarn-berry-lock', cases.length, disagreements, `seed ${seed}`);
}, 300_000);
afterAll(() => (root && !process.env.KEEP_ORACLE ? rm(root, { recursive: true, force: true }) : undefined));

describe.skipIf(!hasYarn)(`yarn.lock (berry) agrees with what Yarn ${VERSIONS.join(', ')} install`, () => {
  it('on generated projects installed offline', () => {
    expect(cases.length).toBe(VERSIONS.reduce((n, v) => n + runsOf(v), 0));
    for (const c of cases) expect([...new Set(ours.get(c.lockfile))], `Yarn ${c.version}: ${c.dir}\n${JSON.stringify(c.manifest, null, 2)}`).toEqual(c.expected);
  });

  it('each release writes its own lockfile version', () => {
    const versions = new Map(cases.map((c) => [c.version, /^__metadata:\n {2}version: (\d+)$/m.exec(readFileSync(join(c.dir, 'yarn.lock'), 'utf8'))?.[1]]));
    expect(new Set(versions.values()).size, JSON.stringify([...versions])).toBe(VERSIONS.length);
  });

  // What was installed was asked for: each package has a chain from the project's own dependencies (the report's `via`).
  it('every package is reached from what the project asked for', () => {
    for (const c of cases) {
      const manifest: unknown = JSON.parse(readFileSync(join(c.dir, 'package.json'), 'utf8'));
      const readFile = (f: string) => readFileSync(join(c.dir, f), 'utf8');
      const { packages } = yarnLockParser.parse(readFile('yarn.lock'), '/yarn.lock', { manifest, readFile });
      expect(packages.filter((p) => !p.dependencyPath).map((p) => `${p.name}@${p.version}`), `Yarn ${c.version}: ${c.dir}`).toEqual([]);
    }
  });

  it('the generated projects cover what they are for', () => {
    const all = cases.flatMap((c) => c.expected);
    for (const p of ['tarred 1.0.0', 'mac-only 1.0.0', 'localdir 2.3.4', 'plugin 1.0.0', 'urlpkg 1.0.0', '@acme/util 0.1.5+build.7']) expect(all).toContain(p);
    for (const p of ['linked 9.9.9', 'portaled 8.8.8', '@app/ws 0.0.0', 'app 1.0.0']) expect(all).not.toContain(p);
    expect(cases.some((c) => c.expected.filter((p) => p.startsWith('leaf ')).length > 1)).toBe(true);
    const locks = cases.map((c) => readFileSync(join(c.dir, 'yarn.lock'), 'utf8')).join('\n');
    for (const s of ['@patch:mid@npm%3A', '::__archiveUrl=', '@portal:', '@link:', '@workspace:packages/ws', '__metadata:', 'dot.name: "catalog:"', 'BigName: "catalog:tools"']) expect(locks).toContain(s);
  });
});
