// Differential: the npm packages sbom-hunt's native reader finds in an image against what Node itself loads.
// The oracle is the real `node` binary: the same tree is unpacked on disk and, from every real folder of it,
// `require.resolve(name, { paths: [folder] })` says which package folder `require(name)` loads (realpath'd, as
// Node's loader does). Generated trees mix nested and scoped node_modules, symlinked package folders, scope
// folders and node_modules (relative and absolute targets, chains, loops, dangling), a folder linked to an
// ancestor, rewritten package.json names and broken package.json files; and Node's global folders: a NODE_PATH
// (absolute and relative entries, resolved against the config's WorkingDir) and ~/.node_modules and
// ~/.node_libraries of the root user's HOME, set in the image config's Env and given to the oracle's node as its
// own NODE_PATH and HOME (Module._initPaths re-run per case).
//
// Agreement: every folder Node loads as `name` is listed as `name` with the version its package.json holds;
// whatever Node refuses to load (ERR_INVALID_PACKAGE_CONFIG) leaves the platform unknown; and every package
// sbom-hunt lists under its folder name is one Node loads from some folder (nothing phantom), except where a
// `node_modules` sits directly in another `node_modules` (Node never searches there; listed, which is safe).
//
// Absolute link targets are written to disk relative to the link's folder (which is a real folder: the
// generator never places an entry below a symlink), so the host's own root is never reached.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/acquire/native/read-image.js';
import { defaultConfig, defaultManifest, memoryStore, sealImage } from '../fuzz/memory-image.js';
import { buildTar, type TarFile } from '../helpers/tar.js';
import { seeded } from '../helpers/random.js';
import { oracleRuns, recordOracle, oracleSeed } from './tally.js';

const NAMES = ['axios', 'lodash', '@acme/http', '@acme/util', 'left-pad'] as const;
const BASES = ['', 'app', 'app/src', 'srv/web', 'opt/tool', 'home/u/proj'] as const;

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

type Entry = { type: 'dir' } | { type: 'file'; content: Buffer } | { type: 'symlink'; target: string };

/** A final filesystem: entries at real paths only (no entry below a symlink or a file). */
class Tree {
  readonly entries = new Map<string, Entry>();
  /** NODE_PATH entries as the image config's Env writes them (absolute, or relative to `workdir`). */
  nodePath: string[] = [];
  /** The config's WorkingDir (an image path without the leading `/`). */
  workdir = '';
  /** HOME in the config's Env, when set (else the root user's /root). */
  home: string | undefined;

  /** Adds an entry and its parent folders; false (nothing added) when the path is taken or lies below a non-folder. */
  add(path: string, entry: Entry): boolean {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const up = this.entries.get(parts.slice(0, i).join('/'));
      if (up && up.type !== 'dir') return false;
    }
    const here = this.entries.get(path);
    if (here && !(here.type === 'dir' && entry.type === 'dir')) return false;
    for (let i = 1; i < parts.length; i++) {
      const up = parts.slice(0, i).join('/');
      if (!this.entries.has(up)) this.entries.set(up, { type: 'dir' });
    }
    this.entries.set(path, entry);
    return true;
  }

  /** A folder with a package.json and the index.js Node loads by default. */
  addPackage(folder: string, packageJson: Buffer): boolean {
    if (!this.add(`${folder}/package.json`, { type: 'file', content: packageJson })) return false;
    return this.add(`${folder}/index.js`, { type: 'file', content: Buffer.from('module.exports = 1;\n') });
  }

  /** A symlink at `path` to `target` (an image path), written absolute or relative to the link's folder. */
  link(r: Rand, path: string, target: string): boolean {
    const rel = posix.relative(posix.dirname(path), target) || '.';
    return this.add(path, { type: 'symlink', target: r() < 0.5 ? `/${target}` : rel });
  }
}

/** package.json text: mostly valid (sometimes naming another package), sometimes what Node cannot load. */
function packageJson(r: Rand, name: string, version: string): Buffer {
  const declared = r() < 0.2 ? pick(r, NAMES) : name;
  const valid = JSON.stringify({ name: declared, version });
  const roll = r();
  if (roll < 0.82) return Buffer.from(valid);
  if (roll < 0.85) return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)]);
  if (roll < 0.87) return Buffer.from(`{"version":"0.0.0","name":${JSON.stringify(declared)},"version":${JSON.stringify(version)}}`);
  if (roll < 0.9) return Buffer.from(valid.slice(0, Math.floor(r() * valid.length)));
  if (roll < 0.93) return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(valid, 'utf16le')]);
  return Buffer.from(pick(r, ['[]', 'null', '"x"', '', '{"name": "x",}', `{"name":${JSON.stringify(declared)}}`]));
}

/** One generated tree: 2 to 9 operations, each an install, a link of some kind, or both. */
function generate(seed: number): Tree {
  const r = seeded(seed);
  const t = new Tree();
  const ops = 2 + Math.floor(r() * 8);
  const folders: string[] = [];
  // Node's global folders, for a third of the trees: what `require` finds there when no node_modules has it.
  const globals: string[] = [];
  if (r() < 0.35) {
    t.workdir = pick(r, ['', 'app', 'srv/web']);
    for (const entry of ['/opt/libs', 'vendor/libs', '/srv/shared/js', ''].filter(() => r() < 0.4)) {
      t.nodePath.push(entry);
      if (entry) globals.push(entry.startsWith('/') ? entry.slice(1) : posix.join(t.workdir, entry));
    }
    if (r() < 0.3) t.home = pick(r, ['/home/node', '/']);
    const home = (t.home ?? '/root').slice(1);
    globals.push(posix.join(home, '.node_modules'), posix.join(home, '.node_libraries'));
  }
  for (let o = 0; o < ops; o++) {
    const name = pick(r, NAMES);
    const version = `1.${seed % 1000}.${o}`;
    const nested = folders.length > 0 && r() < 0.25 ? pick(r, folders) : undefined;
    const base = nested ?? pick(r, BASES);
    const nm = base ? `${base}/node_modules` : 'node_modules';
    const at = `${nm}/${name}`;
    const roll = r();
    if (globals.length > 0 && r() < 0.3) {
      // A package folder in a global folder (NODE_PATH, ~/.node_modules), or one linked there.
      const folder = `${pick(r, globals)}/${name}`.replace(/^\//, '');
      if (r() < 0.8) t.addPackage(folder, packageJson(r, name, version));
      else {
        t.addPackage(`store/${name}`, packageJson(r, name, version));
        t.link(r, folder, `store/${name}`);
      }
    } else if (roll < 0.4) {
      if (t.addPackage(at, packageJson(r, name, version))) folders.push(at);
    } else if (roll < 0.55) {
      // pnpm and workspaces: the package folder is a link into a store outside any node_modules, or inside one.
      const store = pick(r, [`store/${name.replace('/', '+')}@${version}`, `srv/pkgs/${name}`, `opt/store/node_modules/.pnpm/${name.replace('/', '+')}@${version}/node_modules/${name}`]);
      t.addPackage(store, packageJson(r, name, version));
      t.link(r, at, store);
    } else if (roll < 0.65) {
      // A whole node_modules that is a link to a folder of packages.
      const mods = pick(r, ['shared/mods', 'srv/lib/mods', 'opt/tool/node_modules', 'app/vendor']);
      t.addPackage(`${mods}/${name}`, packageJson(r, name, version));
      t.link(r, nm, mods);
    } else if (roll < 0.72) {
      // A scope folder that is a link.
      const scopes = pick(r, ['scopes/acme', 'srv/acme']);
      t.addPackage(`${scopes}/${pick(r, ['http', 'util'])}`, packageJson(r, '@acme/http', version));
      t.link(r, `${nm}/@acme`, scopes);
    } else if (roll < 0.78) {
      // A package folder linked to a folder above it: `require(name)` loads that folder's own package.json.
      t.addPackage(base || 'app', packageJson(r, name, version));
      t.link(r, at, pick(r, [base || 'app', posix.dirname(base || 'app') === '.' ? '' : posix.dirname(base)]));
    } else if (roll < 0.84) {
      // A link to another link (chains), or to nothing (dangling), or a loop.
      const other = pick(r, [...t.entries].filter(([, e]) => e.type === 'symlink').map(([p]) => p).concat(['nowhere/at/all', at]));
      t.link(r, at, other);
    } else if (roll < 0.9) {
      // A node_modules directly inside another one: Node never looks there.
      t.addPackage(`${nm}/node_modules/${name}`, packageJson(r, name, version));
    } else if (roll < 0.95) {
      // A nested install below an existing package.
      const parent = folders.length > 0 ? pick(r, folders) : 'app/node_modules/lodash';
      const folder = `${parent}/node_modules/${name}`;
      if (t.addPackage(folder, packageJson(r, name, version))) folders.push(folder);
    } else {
      t.add(`${nm}/${name}`, { type: 'file', content: Buffer.from('not a folder') });
    }
  }
  return t;
}

function writeTree(root: string, t: Tree): void {
  mkdirSync(root, { recursive: true });
  for (const [path, e] of t.entries) {
    const host = join(root, path);
    if (e.type === 'dir') mkdirSync(host, { recursive: true });
    else if (e.type === 'file') writeFileSync(host, e.content);
    else symlinkSync(e.target.startsWith('/') ? posix.relative(posix.dirname(path), e.target.slice(1)) || '.' : e.target, host);
  }
}

function layerOf(t: Tree): TarFile[] {
  return [...t.entries].map(([path, e]): TarFile => {
    if (e.type === 'dir') return { path, type: 'dir' };
    if (e.type === 'file') return { path, content: e.content };
    return { path, type: 'symlink', linkname: e.target };
  });
}

interface NodeAnswer {
  /** name -> real package folders (relative to the case root) Node loads it from, with the version there. */
  loads: { name: string; folder: string; version: string | null }[];
  refusals: string[];
  /** Files Node loads as a module by name with no package folder around them (no version to list). */
  files: string[];
}

// Runs in one `node` process over every case: from each real folder, which folder `require(name)` loads.
const ORACLE = `
const fs = require('node:fs'), path = require('node:path');
const Module = require('node:module');
const [names, ...cases] = JSON.parse(fs.readFileSync(0, 'utf8'));
const out = cases.map(({ root, nodePath, home }) => {
  // The process's own global folders, as node sets them at start-up from its environment.
  process.env.NODE_PATH = nodePath;
  process.env.HOME = home;
  Module._initPaths();
  const dirs = [root];
  for (let i = 0; i < dirs.length; i++)
    for (const d of fs.readdirSync(dirs[i], { withFileTypes: true })) if (d.isDirectory()) dirs.push(path.join(dirs[i], d.name));
  const loads = new Map(), refusals = new Set(), files = new Set();
  for (const dir of dirs) for (const name of names) {
    let file;
    try { file = require.resolve(name, { paths: [dir] }); }
    catch (e) { if (e.code !== 'MODULE_NOT_FOUND') refusals.add(name + ' from /' + path.relative(root, dir) + ': ' + e.message.split('\\n')[0].replace(root, '')); continue; }
    if (!file.startsWith(root + '/')) continue;
    // A file loaded as the module itself (node_modules/axios as a file): code with no package.json, no version.
    if (path.basename(file) !== 'index.js') { files.add(path.relative(root, file)); continue; }
    const folder = path.relative(root, path.dirname(file));
    let version = null;
    try { const v = JSON.parse(fs.readFileSync(path.join(root, folder, 'package.json'), 'utf8').replace(/^\\uFEFF/, '')).version; version = typeof v === 'string' ? v : ''; } catch {}
    loads.set(name + '\\0' + folder, { name, folder, version });
  }
  return { loads: [...loads.values()], refusals: [...refusals], files: [...files] };
});
process.stdout.write(JSON.stringify(out));
`;

/** What the node of the image would be given: NODE_PATH entries and HOME, as host paths inside the case's root. */
function nodeEnvOf(root: string, t: Tree): { root: string; nodePath: string; home: string } {
  const inRoot = (p: string) => join(root, posix.resolve('/', t.workdir, p).slice(1));
  return { root, nodePath: t.nodePath.map((e) => (e === '' ? '' : inRoot(e))).join(':'), home: inRoot(t.home ?? '/root') };
}

function askNode(cases: { root: string; nodePath: string; home: string }[]): NodeAnswer[] {
  const env = { PATH: process.env.PATH ?? '', HOME: join(tmpdir(), 'no-such-home') };
  const stdout = execFileSync(process.execPath, ['-e', ORACLE], { input: JSON.stringify([NAMES, ...cases]), env, encoding: 'utf8', maxBuffer: 256 * 1024 ** 2 });
  return JSON.parse(stdout) as NodeAnswer[];
}

/** The image config that gives the image's node the tree's NODE_PATH, HOME and working directory. */
function configOf(t: Tree): typeof defaultConfig {
  const env = [...(t.nodePath.length > 0 ? [`NODE_PATH=${t.nodePath.join(':')}`] : []), ...(t.home === undefined ? [] : [`HOME=${t.home}`])];
  return { ...defaultConfig, config: { ...defaultConfig.config, ...(env.length > 0 ? { Env: env } : {}), ...(t.workdir ? { WorkingDir: `/${t.workdir}` } : {}) } };
}

const FOLDER_NAMED = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/;
const NESTED_NODE_MODULES = /(?:^|\/)node_modules\/node_modules\//;

type Verdict = { kind: 'agree' } | { kind: 'stricter'; why: string } | { kind: 'extra'; why: string } | { kind: 'disagree'; why: string };

function compare(root: string, read: Awaited<ReturnType<typeof readImage>>, node: NodeAnswer): Verdict {
  const platform = read.platforms[0];
  const errors = [...read.errors, ...(platform?.errors ?? [])];
  if (node.refusals.length > 0) return errors.length > 0 ? { kind: 'agree' } : { kind: 'disagree', why: `node refuses (${node.refusals[0]}), sbom-hunt reports no error` };
  if (errors.length > 0 || !platform) return { kind: 'stricter', why: errors[0] ?? 'no platform' };
  const ours = new Map<string, Set<string>>();
  const extras: string[] = [];
  for (const p of platform.packages) {
    if (p.ecosystem !== 'npm' || p.deleted || p.location) continue;
    for (const path of p.paths) {
      let real: string;
      try {
        real = posix.dirname(realpathSync(join(root, path)).slice(root.length + 1));
      } catch {
        return { kind: 'disagree', why: `sbom-hunt lists ${p.name}@${p.version} at ${path}, which does not resolve on disk` };
      }
      const key = `${p.name}\0${real}`;
      ours.set(key, (ours.get(key) ?? new Set()).add(p.version));
      // The entry under the folder's own name (not the declared one) must be a folder Node loads.
      if (FOLDER_NAMED.exec(path)?.[1] === p.name && !node.loads.some((l) => l.name === p.name && l.folder === real)) {
        // A folder inside a node_modules/node_modules (by the path listed or by its real folder, reached through a
        // symlink) is listed though Node never looks there: an extra, counted, not a wrong verdict (seed 813332).
        if (!NESTED_NODE_MODULES.test(path) && !NESTED_NODE_MODULES.test(`${real}/`)) return { kind: 'disagree', why: `sbom-hunt lists ${p.name}@${p.version} at ${path} (real folder /${real}); node loads no ${p.name} from there` };
        extras.push(path);
      }
    }
  }
  for (const l of node.loads) {
    const versions = ours.get(`${l.name}\0${l.folder}`);
    if (!versions) return { kind: 'disagree', why: `node loads ${l.name} from /${l.folder} (version ${l.version}); sbom-hunt does not list it there` };
    if (l.version !== null && !versions.has(l.version)) return { kind: 'disagree', why: `node loads ${l.name} from /${l.folder}, version ${l.version}; sbom-hunt says ${[...versions].join(', ')}` };
  }
  return extras.length > 0 ? { kind: 'extra', why: extras[0] as string } : { kind: 'agree' };
}

const work = mkdtempSync(join(tmpdir(), 'sbom-hunt-node-oracle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm packages: sbom-hunt agrees with node require.resolve inside the unpacked tree', () => {
  it('on generated trees: every folder node loads is listed with its version, nothing phantom, refusals unknown', async () => {
    const seed = oracleSeed(1e6);
    const count = oracleRuns(300, 0.01);
    const counts = { agree: 0, stricter: 0, extra: 0, disagree: 0 };
    const disagreements: string[] = [];
    const stricter: string[] = [];
    const batch = 250;
    for (let start = 0; start < count; start += batch) {
      const seeds = Array.from({ length: Math.min(batch, count - start) }, (_, i) => seed + start + i);
      const trees = seeds.map(generate);
      const roots = seeds.map((s) => join(work, `root-${s}`));
      trees.forEach((t, i) => writeTree(roots[i] as string, t));
      const answers = askNode(roots.map((r, i) => nodeEnvOf(realpathSync(r), trees[i] as Tree)));
      for (const [i, t] of trees.entries()) {
        const s = seeds[i] as number;
        const img = sealImage({ layers: [buildTar(layerOf(t))], config: configOf(t), manifest: defaultManifest });
        const read = await readImage(memoryStore(img), { ref: `case-${s}` });
        const v = compare(realpathSync(roots[i] as string), read, answers[i] as NodeAnswer);
        counts[v.kind] += 1;
        if (v.kind === 'disagree') disagreements.push(`seed ${s}: ${v.why}; tree ${JSON.stringify(layerOf(t).map((f) => [f.path, f.linkname ?? f.type ?? String(f.content)]))}`);
        if (v.kind === 'stricter') stricter.push(`seed ${s}: ${v.why}`);
      }
      for (const root of roots) rmSync(root, { recursive: true, force: true });
    }
    recordOracle('node-resolve', count, counts.disagree, `seed ${seed}: ${counts.agree} agree, ${counts.stricter} unknown where node loads everything, ${counts.extra} listing a node_modules inside a node_modules`);
    if (stricter.length > 0) console.log(`first unknown-where-node-loads: ${stricter.slice(0, 3).join(' | ')}`);
    expect(disagreements.slice(0, 3)).toEqual([]);
  }, 3_600_000);
});
