// Differential test: projects bun installs with its isolated linker (`bun install --linker isolated`, bun >= 1.2.19:
// the pinned BUN_VERSIONS from 1.2 on), where node_modules/<name> is a symlink into
// node_modules/.bun/<name>@<version>/node_modules/<name> and each package's own dependencies are symlinks beside
// it. Each case is a generated project (the registry packages of test/helpers/npm-projects.ts, `npm:` aliases,
// workspaces depending on each other, for the newest bun a git repository and a tarball URL) installed from the loopback registry into a stand-in for an image's root
// (`<case>/root`: the project at /app, HOME at /root), bun's install cache where one of its settings puts it: the
// default ~/.bun/install/cache, BUN_INSTALL_CACHE_DIR, or bunfig.toml's `[install.cache] dir` (absolute or
// relative to the project).
//
// The oracle is node itself, as in test/oracle/node-resolve.test.ts: from the project and each workspace, every
// dependency its package.json names is `require.resolve`d (`<name>/package.json`, realpath'd as Node's loader
// does), and so on from each package found, by the name it is required as (and an alias's own name) and the
// version its package.json holds.
// The case's root read as a one-layer image by sbom-hunt (symlinks as bun wrote them) must list exactly that set,
// with no error: from node_modules/.bun and from the cache folder, wherever the setting put it (the cache holds
// what bun fetched, which for these projects is what it installed).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { folderImagePlatform, loopbackRegistry } from '../helpers/cache-oracle.js';
import { type Manifest, pick, RANGES, type Rand, npmProjectSources } from '../helpers/npm-projects.js';
import { seeded } from '../helpers/random.js';
import { cachedBuild, pinnedVersions, setupTool } from '../helpers/real-tools.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

const run = promisify(execFile);
// The isolated linker came with bun 1.2.19.
const VERSIONS = pinnedVersions('BUN_VERSIONS').filter((v) => !v.startsWith('1.1.'));
const NEWEST = VERSIONS.at(-1)!;
const runsOf = (version: string) => (version === NEWEST ? oracleRuns(3, 0.0003) : oracleRuns(2, 0.0001));
const BINARY = `node_modules/@oven/bun-linux-${process.arch === 'arm64' ? 'aarch64' : 'x64'}/bin/bun`;
const BUNS = VERSIONS.map((version) => ({ version, path: setupTool('bun', version, BINARY) }));
const hasBun = BUNS.every((b) => b.path);

/** Where a case keeps bun's cache and how it tells bun (`ROOT` is the image's root); `cache` is the image path it ends up at. */
interface Placement {
  name: string;
  env?: Record<string, string>;
  bunfig?: string;
  cache: string;
}

const PLACEMENTS: Placement[] = [
  { name: 'default cache', cache: 'root/.bun/install/cache' },
  { name: 'BUN_INSTALL_CACHE_DIR', env: { BUN_INSTALL_CACHE_DIR: 'ROOT/var/cache/bun' }, cache: 'var/cache/bun' },
  { name: 'bunfig.toml absolute dir', bunfig: '[install.cache]\ndir = "ROOT/opt/bun-cache"\n', cache: 'opt/bun-cache' },
  { name: 'bunfig.toml relative dir', bunfig: '[install.cache]\ndir = "./.cache/bun"\n', cache: 'app/.cache/bun' },
];

interface Shape {
  root: Manifest;
  workspaces: Manifest[];
  placement: Placement;
}

function dependencies(r: Rand, p: number): Record<string, string> {
  const deps: Record<string, string> = {};
  for (const [name, ranges] of Object.entries(RANGES)) if (r() < p && name !== 'watcher') deps[name] = pick(r, ranges);
  return deps;
}

function generate(r: Rand, full: boolean, placement: Placement, newest: boolean, sources: string, registry: string): Shape {
  const has = (p: number) => r() < p || full;
  const deps = dependencies(r, 0.4);
  if (has(0.3)) deps['leaf-old'] = `npm:leaf@${pick(r, ['^1.0.0', '1.2.0'])}`;
  // bun 1.2 finds no tag in a git+file repository.
  if (newest && has(0.4)) deps.gitdep = `git+file://${sources}/gitdep#v1`;
  if (newest && has(0.4)) deps.urlpkg = `${registry}urlpkg/-/urlpkg-1.0.0.tgz`;
  if (Object.keys(deps).length === 0) deps.mid = '^2.0.0';
  const root: Manifest = { name: 'app', version: '1.0.0', private: true, dependencies: deps };
  const workspaces: Manifest[] = [];
  if (has(0.4)) {
    workspaces.push({ name: 'ws-a', version: '0.1.0', dependencies: dependencies(r, 0.3) });
    workspaces.push({ name: 'ws-b', version: '0.2.0', dependencies: { 'ws-a': 'workspace:*', ...dependencies(r, 0.3) } });
    root.workspaces = ['packages/*'];
  }
  return { root, workspaces, placement };
}

/** Every package Node loads from the project and its workspaces, following each package's dependencies from where it really is. */
const NODE_ORACLE = `
const fs = require('fs');
const path = require('path');
const seen = new Set();
const folders = new Set();
const queue = process.argv.slice(1).map((dir) => ({ dir, own: true }));
while (queue.length > 0) {
  const { dir, own } = queue.shift();
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const names = Object.keys({ ...json.dependencies, ...json.optionalDependencies, ...json.peerDependencies });
  for (const name of names) {
    let file;
    try { file = fs.realpathSync(require.resolve(name + '/package.json', { paths: [dir] })); } catch { continue; }
    const folder = path.dirname(file);
    const found = JSON.parse(fs.readFileSync(file, 'utf8'));
    // By the name it is required as, and (an npm: alias) by its own name, which its folder in .bun and the cache hold.
    for (const id of new Set([name, found.name])) seen.add(JSON.stringify([folder, id + '@' + found.version, found.name + '@' + found.version]));
    if (!folders.has(folder)) { folders.add(folder); queue.push({ dir: folder }); }
  }
}
process.stdout.write(JSON.stringify([...seen].map((s) => JSON.parse(s))));
`;

async function install(bun: { version: string; path: string }, shape: Shape, registry: string, d: string): Promise<void> {
  const root = join(d, 'root');
  const app = join(root, 'app');
  await mkdir(join(root, 'root'), { recursive: true });
  await mkdir(app, { recursive: true });
  await writeFile(join(app, 'package.json'), JSON.stringify(shape.root, null, 2));
  for (const ws of shape.workspaces) {
    await mkdir(join(app, 'packages', ws.name as string), { recursive: true });
    await writeFile(join(app, 'packages', ws.name as string, 'package.json'), JSON.stringify(ws, null, 2));
  }
  if (shape.placement.bunfig) await writeFile(join(app, 'bunfig.toml'), shape.placement.bunfig.replace('ROOT', root));
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: join(root, 'root'), DO_NOT_TRACK: '1' };
  for (const [k, v] of Object.entries(shape.placement.env ?? {})) env[k] = v.replace(/^ROOT/, root);
  await run(bun.path, ['install', `--registry=${registry}`, '--linker=isolated', '--ignore-scripts', '--no-progress', '--no-summary'], { cwd: app, env }).catch((e: { stderr?: string }) => {
    throw new Error(`bun ${bun.version} install in ${app} failed:\n${e.stderr ?? String(e)}\n${JSON.stringify(shape, null, 2)}`);
  });
}

describe.skipIf(!hasBun)(`bun's isolated linker as bun ${VERSIONS.join(', ')} lay it out`, () => {
  const oracle = loopbackRegistry('bun-isolated-', async () => join(await npmProjectSources(), 'registry'));

  it('the native reader lists every package node loads through node_modules/.bun, and the moved cache', async () => {
    const { work, registry } = oracle;
    const sources = await npmProjectSources();
    const seed = oracleSeed(1_000_000);
    const disagreements: string[] = [];
    const placed = new Set<string>();
    let cases = 0;
    for (const bun of BUNS) {
      for (let i = 0; i < runsOf(bun.version); i++, cases++) {
        const placement = PLACEMENTS[(seed + cases) % PLACEMENTS.length]!;
        const shape = generate(seeded(seed + cases), i === 0, placement, bun.version === NEWEST, sources, registry.url);
        // The cache's folder names carry the registry's host (bun 1.4) but no port: a cached build is as good on any port.
        const dir = await cachedBuild('bun-isolated', { shape: JSON.stringify(shape).replaceAll(registry.url, '${REGISTRY}'), version: bun.version }, (d) => install({ version: bun.version, path: bun.path! }, shape, registry.url, d));
        const root = join(dir, 'root');
        const app = join(root, 'app');
        const tag = `bun ${bun.version}, seed ${seed + cases}, ${placement.name} (${dir})`;
        const starts = [app, ...shape.workspaces.map((w) => join(app, 'packages', w.name as string))];
        const answer = JSON.parse((await run(process.execPath, ['-e', NODE_ORACLE, ...starts])).stdout) as [string, string, string][];
        // A workspace another one depends on is loaded through node_modules too (node_modules/ws-a -> packages/ws-a).
        const want = [...new Set(answer.map(([, id]) => id))].sort();
        const fetched = [...new Set(answer.filter(([folder]) => !folder.startsWith(`${app}/packages/`)).map(([, , own]) => own))];
        if (!answer.some(([folder]) => folder.includes('/node_modules/.bun/'))) disagreements.push(`${tag}: node loads nothing from node_modules/.bun: not an isolated layout`);
        if (!existsSync(join(root, placement.cache))) disagreements.push(`${tag}: bun's cache is not at /${placement.cache}`);
        placed.add(placement.name);

        const env = Object.entries(placement.env ?? {}).map(([k, v]) => `${k}=${v.replace(/^ROOT/, '')}`);
        const platform = await folderImagePlatform(join(work, `img-${cases}`), root, { Env: ['HOME=/root', ...env], WorkingDir: '/app' });
        for (const e of platform.errors) disagreements.push(`${tag}: ${e}`);
        const got = [...new Set(platform.packages.filter((p) => p.ecosystem === 'npm').map((p) => `${p.name}@${p.version}`))].sort();
        if (JSON.stringify(got) !== JSON.stringify(want)) disagreements.push(`${tag}: node loads [${want.join(', ')}]; sbom-hunt read [${got.join(', ')}]`);
        // Each package is also listed from the cache folder bun fetched it into.
        const inCache = new Set(platform.packages.filter((p) => p.paths.some((at) => at.startsWith(`/${placement.cache}/`))).map((p) => `${p.name}@${p.version}`));
        const uncached = fetched.filter((p) => !inCache.has(p));
        if (uncached.length > 0) disagreements.push(`${tag}: not listed from the cache at /${placement.cache}: ${uncached.join(', ')}`);
      }
    }
    recordOracle('bun-isolated', cases, disagreements.length, `seed ${seed}; placements ${[...placed].join(', ')}`);
    expect(disagreements.slice(0, 8)).toEqual([]);
  }, 600_000);
});
