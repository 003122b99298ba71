// Differential test: Yarn Plug'n'Play projects as the real Yarn (the YARN_BERRY_VERSIONS scripts/setup.sh installs)
// lays them out, against what their .pnp.cjs makes Node load. Each case is a generated project (the registry
// packages of test/helpers/npm-projects.ts, `npm:` aliases, a `patch:` and a `file:` tarball under other names,
// a `file:` folder, `link:` and `portal:` folders, workspaces depending on each other, unplugged packages; the
// state inlined in .pnp.cjs or in .pnp.data.json) installed with the PnP linker from the
// loopback registry into a stand-in for an image's root (`<case>/root`: the project at /app, HOME at /root), with
// its zip cache wherever one of Yarn's settings puts it: the project's .yarn/cache, a relative or absolute
// `cacheFolder`, the global cache (`enableGlobalCache`, Yarn 4's default), a `globalFolder`, those from the
// project's .yarnrc.yml, the HOME-level ~/.yarnrc.yml or YARN_CACHE_FOLDER / YARN_GLOBAL_FOLDER /
// YARN_ENABLE_GLOBAL_CACHE / XDG_DATA_HOME in the Env (set in the image config's Env as well). A project cache
// Yarn also mirrors into the global cache (enableMirror, the default): the moved ones are not mirrored, so the
// image holds the zips only where the setting moved them.
//
// The oracle is the project's own .pnp.cjs run by node (`node -r ./.pnp.cjs`): every locator the PnP API lists
// but the top-level workspace, with a package at its packageLocation (an optional package for another platform
// keeps a locator with nothing there), by the name it is required as and the version of the package.json Node
// reads there: inside a zip through PnP's zip-aware fs (linkType HARD), or in the project's own folders (SOFT:
// workspaces, `link:` and `portal:` folders). The case's root read as a one-layer image by sbom-hunt must list
// exactly that set (a package.json that names its package otherwise is listed under that name too, and says so;
// the base package a `patch:` one is made from is in the cache too and may be listed), with no error; and the
// zips must be where the case's setting put them (the case tests what it means to).
import { execFile } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { folderImagePlatform, loopbackRegistry } from '../helpers/cache-oracle.js';
import { npmTarballName, writeNpmPackage } from '../helpers/npm-registry.js';
import { LINKED, LOCALDIR, type Manifest, PATCH, pick, RANGES, type Rand, TARRED, npmProjectSources } from '../helpers/npm-projects.js';
import { seeded } from '../helpers/random.js';
import { cachedBuild, pinnedVersions, setupTool } from '../helpers/real-tools.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

const run = promisify(execFile);
const VERSIONS = pinnedVersions('YARN_BERRY_VERSIONS');
const NEWEST = VERSIONS.at(-1)!;
// One case per older version and the rest for the newest: consecutive cases take consecutive placements, so every
// run tries each of them once.
const runsOf = (version: string) => (version === NEWEST ? oracleRuns(PLACEMENTS.length - VERSIONS.length + 1, 0.0003) : oracleRuns(1, 0.0001));
const YARNS = VERSIONS.map((version) => ({ version, path: setupTool('yarn', version, 'node_modules/@yarnpkg/cli-dist/bin/yarn.js') }));
const hasYarn = YARNS.every((y) => y.path);
/** A `portal:` folder: a package whose own dependencies Yarn installs, under another name than the dependency's. */
const PORTAL = { name: 'portal-pkg', version: '5.6.7', dependencies: { leaf: '^2.0.0' } };

/**
 * Where a case keeps its zips, and how it tells Yarn: settings for the project's and HOME's .yarnrc.yml and for
 * the Env, `ROOT` standing for the image's root (the case's root folder on the host, `` in the image); `cache` is
 * the folder the zips must end up in, as an image path.
 */
interface Placement {
  name: string;
  project?: Record<string, string | boolean>;
  home?: Record<string, string | boolean>;
  env?: Record<string, string>;
  cache: string;
}

const PLACEMENTS: Placement[] = [
  { name: 'project cache', project: { enableGlobalCache: false }, cache: 'app/.yarn/cache' },
  { name: 'relative cacheFolder', project: { enableGlobalCache: false, enableMirror: false, cacheFolder: './deps/zips' }, cache: 'app/deps/zips' },
  { name: 'cacheFolder outside the project', project: { enableGlobalCache: false, enableMirror: false, cacheFolder: '../srv/yarn-zips' }, cache: 'srv/yarn-zips' },
  { name: 'global cache', project: { enableGlobalCache: true }, cache: 'root/.yarn/berry/cache' },
  { name: 'globalFolder', project: { enableGlobalCache: true, globalFolder: 'ROOT/opt/yarn' }, cache: 'opt/yarn/cache' },
  { name: 'HOME .yarnrc.yml cacheFolder', home: { enableGlobalCache: false, enableMirror: false, cacheFolder: 'ROOT/var/lib/zips' }, cache: 'var/lib/zips' },
  { name: 'HOME .yarnrc.yml globalFolder', home: { globalFolder: 'ROOT/usr/local/share/yarn-global' }, project: { enableGlobalCache: true }, cache: 'usr/local/share/yarn-global/cache' },
  { name: 'YARN_CACHE_FOLDER', env: { YARN_ENABLE_GLOBAL_CACHE: 'false', YARN_ENABLE_MIRROR: 'false', YARN_CACHE_FOLDER: 'ROOT/var/cache/yarn' }, cache: 'var/cache/yarn' },
  { name: 'YARN_GLOBAL_FOLDER', env: { YARN_ENABLE_GLOBAL_CACHE: 'true', YARN_GLOBAL_FOLDER: 'ROOT/opt/berry' }, cache: 'opt/berry/cache' },
  { name: 'XDG_DATA_HOME', env: { YARN_ENABLE_GLOBAL_CACHE: 'true', XDG_DATA_HOME: 'ROOT/usr/share' }, cache: 'usr/share/yarn/berry/cache' },
];

interface Shape {
  root: Manifest;
  /** Workspaces under app/packages/<name>. */
  workspaces: Manifest[];
  placement: Placement;
  /** pnpEnableInlining: false writes the state to .pnp.data.json instead of into .pnp.cjs. */
  dataFile: boolean;
}

function dependencies(r: Rand, p: number): Record<string, string> {
  const deps: Record<string, string> = {};
  for (const [name, ranges] of Object.entries(RANGES)) if (r() < p) deps[name] = pick(r, ranges);
  return deps;
}

function generate(r: Rand, full: boolean, placement: Placement): Shape {
  const has = (p: number) => r() < p || full;
  const deps = dependencies(r, 0.4);
  if (has(0.3)) deps['leaf-old'] = `npm:leaf@${pick(r, ['^1.0.0', '1.2.0'])}`;
  if (has(0.3)) deps['patched-mid'] = `patch:mid@npm%3A${pick(r, ['^1.0.0', '2.0.0'])}#./patches/extra.patch`;
  if (has(0.3)) deps.renamed = `file:./vendor/${npmTarballName(TARRED)}`;
  if (has(0.3)) deps.localdir = 'file:./localdir';
  if (has(0.3)) deps.linked = 'link:./linked';
  if (has(0.3)) deps.portaled = 'portal:./portaldir';
  if (Object.keys(deps).length === 0) deps.mid = '^2.0.0';
  const root: Manifest = { name: 'app', version: '1.0.0', private: true, dependencies: deps };
  const workspaces: Manifest[] = [];
  if (has(0.4)) {
    workspaces.push({ name: 'ws-a', version: '0.1.0', dependencies: dependencies(r, 0.3) });
    workspaces.push({ name: '@app/ws-b', version: '0.2.0', dependencies: { 'ws-a': 'workspace:*', ...dependencies(r, 0.3) } });
    root.workspaces = ['packages/*'];
  }
  // Unplugged: extracted into .yarn/unplugged/<locator>/node_modules/<name>/ beside its zip.
  const direct = Object.keys(deps).filter((d) => d in RANGES);
  if (direct.length > 0 && has(0.4)) root.dependenciesMeta = { [pick(r, direct)]: { unplugged: true } };
  return { root, workspaces, placement, dataFile: r() < 0.3 };
}

const yaml = (settings: Record<string, string | boolean>, root: string) =>
  Object.entries(settings).map(([k, v]) => `${k}: ${typeof v === 'string' ? JSON.stringify(v.replace(/^ROOT/, root)) : v}`);

function yarnrc(registry: string, settings: Record<string, string | boolean> = {}, root: string, dataFile: boolean): string {
  const base = [`npmRegistryServer: "${registry}"`, 'unsafeHttpWhitelist: ["127.0.0.1"]', 'enableTelemetry: false', 'enableScripts: false', 'enableProgressBars: false', 'nodeLinker: pnp'];
  return [...base, ...(dataFile ? ['pnpEnableInlining: false'] : []), ...yaml(settings, root), ''].join('\n');
}

/** Every locator .pnp.cjs resolves to a package Yarn installed: `name@version`, and where its zips are. */
const PNP_ORACLE = `
const pnp = require('pnpapi');
const fs = require('fs');
const path = require('path');
const out = [];
for (const loc of pnp.getAllLocators()) {
  if (loc.name === null) continue;
  const info = pnp.getPackageInformation(loc);
  // The top-level workspace is the project itself: nothing requires it by name.
  if (!info || loc.reference === 'workspace:.') continue;
  // An optional package for another platform keeps a locator, and nothing is at its location.
  const file = path.join(info.packageLocation, 'package.json');
  if (!fs.existsSync(file)) continue;
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  // A package with peer dependencies sits at a virtual path (.yarn/__virtual__/...) that maps to its zip.
  // A patch: package is made from its base package's zip, which the cache keeps too.
  const base = loc.reference.startsWith('patch:') ? decodeURIComponent(loc.reference.slice(6).split('#')[0]) : undefined;
  const patchOf = base === undefined ? undefined : base.slice(0, base.indexOf('@', 1)) + '@' + json.version;
  out.push({ id: loc.name + '@' + json.version, location: pnp.resolveVirtual(info.packageLocation) ?? info.packageLocation, patchOf });
}
process.stdout.write(JSON.stringify(out));
`;

async function install(yarn: { version: string; path: string }, shape: Shape, registry: string, sources: string, d: string): Promise<void> {
  const root = join(d, 'root');
  const app = join(root, 'app');
  const home = join(root, 'root');
  await mkdir(join(app, 'vendor'), { recursive: true });
  await mkdir(join(app, 'patches'));
  await mkdir(home);
  await writeFile(join(app, 'package.json'), JSON.stringify(shape.root, null, 2));
  for (const ws of shape.workspaces) {
    await mkdir(join(app, 'packages', ws.name as string), { recursive: true });
    await writeFile(join(app, 'packages', ws.name as string, 'package.json'), JSON.stringify(ws, null, 2));
  }
  await copyFile(join(sources, 'tarred', npmTarballName(TARRED)), join(app, 'vendor', npmTarballName(TARRED)));
  await writeNpmPackage(join(app, 'localdir'), LOCALDIR);
  await writeNpmPackage(join(app, 'linked'), LINKED);
  await writeNpmPackage(join(app, 'portaldir'), PORTAL);
  await writeFile(join(app, 'patches', 'extra.patch'), PATCH);
  await writeFile(join(app, 'yarn.lock'), '');
  await writeFile(join(app, '.yarnrc.yml'), yarnrc(registry, shape.placement.project, root, shape.dataFile));
  if (shape.placement.home) await writeFile(join(home, '.yarnrc.yml'), `${yaml(shape.placement.home, root).join('\n')}\n`);
  await run(process.execPath, [yarn.path, 'install'], { cwd: app, env: yarnEnv(shape.placement, root) }).catch((e: { stdout?: string }) => {
    throw new Error(`yarn ${yarn.version} install in ${app} failed:\n${e.stdout ?? String(e)}\n${JSON.stringify(shape, null, 2)}`);
  });
}

function yarnEnv(placement: Placement, root: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: join(root, 'root'), YARN_IGNORE_PATH: '1' };
  for (const [k, v] of Object.entries(placement.env ?? {})) env[k] = v.replace(/^ROOT/, root);
  return env;
}

describe.skipIf(!hasYarn)(`Yarn Plug'n'Play projects as Yarn ${VERSIONS.join(', ')} install them`, () => {
  const oracle = loopbackRegistry('yarn-pnp-', async () => join(await npmProjectSources(), 'registry'));

  it('the native reader lists every package .pnp.cjs resolves, wherever the settings put the cache', async () => {
    const { work, registry } = oracle;
    const sources = await npmProjectSources();
    const seed = oracleSeed(1_000_000);
    const disagreements: string[] = [];
    const placed = new Set<string>();
    let cases = 0;
    for (const yarn of YARNS) {
      for (let i = 0; i < runsOf(yarn.version); i++, cases++) {
        const r = seeded(seed + cases);
        const placement = PLACEMENTS[(seed + cases) % PLACEMENTS.length]!;
        const shape = generate(r, i === 0, placement);
        const dir = await cachedBuild('yarn-pnp', { shape, version: yarn.version }, (d) => install({ version: yarn.version, path: yarn.path! }, shape, registry.url, sources, d));
        const root = join(dir, 'root');
        const app = join(root, 'app');
        const tag = `Yarn ${yarn.version}, seed ${seed + cases}, ${placement.name} (${dir})`;
        const answer = (await run(process.execPath, ['-r', './.pnp.cjs', '-e', PNP_ORACLE], { cwd: app, env: { PATH: process.env.PATH, HOME: join(root, 'root') } })).stdout;
        const resolved = JSON.parse(answer) as { id: string; location: string; patchOf?: string }[];
        const bases = new Set(resolved.map((p) => p.patchOf));
        const want = [...new Set(resolved.map((p) => p.id))].sort();
        const zips = new Set(resolved.map((p) => /^(.*)\/[^/]+\.zip\//.exec(relative(root, resolve(app, p.location)))?.[1]).filter((z) => z !== undefined));
        if ([...zips].some((z) => z !== placement.cache)) disagreements.push(`${tag}: Yarn put the zips in [${[...zips].join(', ')}], not ${placement.cache}`);
        placed.add(placement.name);

        const env = Object.entries(placement.env ?? {}).map(([k, v]) => `${k}=${v.replace(/^ROOT/, '')}`);
        const platform = await folderImagePlatform(join(work, `img-${cases}`), root, { Env: ['HOME=/root', ...env], WorkingDir: '/app' });
        for (const e of platform.errors) disagreements.push(`${tag}: ${e}`);
        const renamed = (p: { name: string; paths: string[] }) => p.paths.every((at) => platform.notes.some((n) => n.includes(`${at}: package.json names it ${JSON.stringify(p.name)}`)));
        const got = [...new Set(platform.packages.filter((p) => p.ecosystem === 'npm' && !renamed(p)).map((p) => `${p.name}@${p.version}`))].sort();
        // The base package of a `patch:` one is in the cache beside it: listed, though .pnp.cjs maps no name to it.
        const agree = want.every((p) => got.includes(p)) && got.every((p) => want.includes(p) || bases.has(p));
        if (!agree) disagreements.push(`${tag}: .pnp.cjs resolves [${want.join(', ')}]; sbom-hunt read [${got.join(', ')}]`);
      }
    }
    recordOracle('yarn-pnp', cases, disagreements.length, `seed ${seed}; placements ${[...placed].join(', ')}`);
    expect(disagreements.slice(0, 8)).toEqual([]);
  }, 600_000);
});
