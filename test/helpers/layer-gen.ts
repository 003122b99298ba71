// Generated layer sequences for the layer-apply differentials (Go's model of containerd's archive.Apply, umoci),
// and the comparison of sbom-hunt's npm packages against a runtime's final tree (hex path -> node).
import { posix } from 'node:path';
import type { readImage } from '../../src/acquire/native/read-image.js';
import type { Package } from '../../src/model/package.js';
import { sha256, type FileSpec, type LayerSpec } from './image-builder.js';
import type { GoApply, GoNode } from './go-oracle.js';
import { seeded } from './random.js';

const NAMES = ['axios', 'lodash', 'left-pad', '@acme/http', 'plain-crypto-js'];
const ROOTS = ['app/node_modules', 'srv/node_modules', 'app/node_modules/lodash/node_modules', 'opt/tool/node_modules'];
/** Folders that are no node_modules: packages there are loadable only through a symlinked node_modules. */
const LINKED_ROOTS = ['opt/nm', 'usr/share/js'];
const PACKAGE_JSON = /(^|\/)node_modules\/((?:@[^/]+\/)?[^/@][^/]*)\/package\.json$/;

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function manifest(name: string, version: string): string {
  return JSON.stringify({ name, version });
}

/** Every package.json the generator can write, by the sha256 of its bytes: what version the runtime's file holds. */
const VERSION_BY_HASH = new Map(
  NAMES.flatMap((n) => [0, 1, 2, 3].flatMap((l) => [0, 1, 2, 3, 4, 5].flatMap((o) => [`1.${l}.${o}`, `2.${l}.${o}`]))).map((v) => v)
    .flatMap((v) => NAMES.map((n) => [sha256(Buffer.from(manifest(n, v))).slice(7), v] as const)),
);

/** Every package.json the generator can write, by the sha256 of its bytes: the name and version it declares. */
const IDENTITY_BY_HASH = new Map(
  NAMES.flatMap((n) => [...VERSION_BY_HASH.values()].map((v) => [sha256(Buffer.from(manifest(n, v))).slice(7), { name: n, version: v }] as const)),
);

/** Member times: the usual, fractions, the epoch, before it, past what a timespec holds (containerd sets the epoch). */
const MTIMES = [1_774_919_520, 1_774_919_521, 1_774_919_520.123456, 0, 315_532_800, -1.5, 9_300_000_000_000, 1_700_000_000.9999];

/**
 * One generated image: 1 to 4 layers of random operations over a small set of package folders. With `times`, each
 * written file and hard link gets a member time drawn from its own stream (the operations of a seed stay the same
 * with or without times, so a recorded seed names the same image in every differential).
 */
/**
 * A member name spelt as an attacker or an odd tool spells it, naming the same place once containerd has
 * cleaned it (Go's filepath.Clean, then fs.RootPath holding `..` at the root).
 */
function oddName(r: Rand, p: string): string {
  switch (Math.floor(r() * 6)) {
    case 0:
      return `/${p}`;
    case 1:
      return `./${p}`;
    case 2:
      return `../../${p}`;
    case 3:
      return `zz/../${p}`;
    case 4:
      return `/../${p.replace('/', '//')}`;
    default:
      return `${p.replace('/', '/./')}`;
  }
}

export function generateImage(seed: number, options: { times?: boolean; linkedRoots?: boolean; oddNames?: boolean } = {}): LayerSpec[] {
  const r = seeded(seed);
  // With oddNames, about half the members (and hard links' targets) are renamed from a stream of their own.
  const nr = seeded(seed ^ 0x0dd_0dd5);
  const odd = (p: string) => (options.oddNames && nr() < 0.5 ? oddName(nr, p) : p);
  // With linkedRoots, packages are also written to and linked from folders that are no node_modules.
  const roots = options.linkedRoots ? [...ROOTS, ...LINKED_ROOTS] : ROOTS;
  const tr = seeded(seed ^ 0x5eed_71e5);
  const t = (): { mtime?: number } => (options.times ? { mtime: pick(tr, MTIMES) } : {});
  const layers: LayerSpec[] = [];
  const count = 1 + Math.floor(r() * 4);
  for (let l = 0; l < count; l++) {
    const files: FileSpec[] = [];
    const ops = 1 + Math.floor(r() * 6);
    for (let o = 0; o < ops; o++) {
      const root = pick(r, roots);
      const name = pick(r, NAMES);
      const dir = `${root}/${name}`;
      const roll = r();
      if (roll < 0.45) files.push({ path: `${dir}/package.json`, content: manifest(name, `1.${l}.${o}`), ...t() });
      else if (roll < 0.58) files.push({ path: r() < 0.5 ? dir : `${dir}/package.json`, content: '', whiteout: true });
      else if (roll < 0.66) files.push({ path: root, content: '', opaque: true });
      else if (roll < 0.76) {
        // A package folder (or a whole node_modules) that is a symlink elsewhere in the image.
        const target = pick(r, roots);
        const link = r() < 0.5 ? posix.relative(posix.dirname(root), target) || '.' : `/${target}`;
        files.push({ path: r() < 0.5 ? root : dir, type: 'symlink', linkname: link });
      } else if (roll < 0.84) {
        const first = `${dir}/package.json`;
        files.push({ path: first, content: manifest(name, `2.${l}.${o}`), ...t() });
        const other = pick(r, NAMES);
        // The link's own time lands on the inode both names share (containerd's chtimes after the link).
        files.push({ path: `${pick(r, roots)}/${other}/package.json`, type: 'hardlink', linkname: first, ...t() });
      } else if (roll < 0.9) files.push({ path: dir, content: 'a file where a folder was' });
      else files.push({ path: `${dir}`, type: 'dir' });
    }
    const named = files.map((f) => ({ ...f, path: odd(f.path), ...(f.type === 'hardlink' && f.linkname ? { linkname: odd(f.linkname) } : {}) }));
    layers.push({ files: named, compression: 'none' });
  }
  return layers;
}

/** Resolves a path through the oracle tree's symlinks (as the kernel would inside the container), to its node. */
export function resolveIn(files: Map<string, GoNode>, path: string, depth = 0): GoNode | undefined {
  if (depth > 40) return undefined;
  const parts = path.split('/').filter(Boolean);
  let current = '';
  for (let i = 0; i < parts.length; i++) {
    const next = `${current}/${parts[i]}`;
    const node = files.get(next);
    if (node?.type === 'symlink' && node.linkname !== undefined) {
      // The oracle writes names and link targets hex-encoded (they are bytes, not always UTF-8).
      const linkname = Buffer.from(node.linkname, 'hex').toString('utf8');
      const target = linkname.startsWith('/') ? linkname : posix.join(current || '/', linkname);
      const rest = parts.slice(i + 1).join('/');
      return resolveIn(files, posix.normalize(`${target}/${rest}`), depth + 1);
    }
    if (i < parts.length - 1 && node && node.type !== 'dir') return undefined;
    current = next;
  }
  return files.get(current || '/');
}

/**
 * What Node could load from a runtime's tree: every `<node_modules>/<folder>/package.json` of the generator's
 * roots that resolves (through the tree's symlinks) to a file it wrote, as `folder@version` (the folder's name is
 * the package's identity, as sbom-hunt lists it).
 */
export function loadablePackages(oracle: GoApply): Set<string> {
  const out = new Set<string>();
  if (oracle.error) return out;
  const files = new Map(Object.entries(oracle.files).map(([hex, node]) => [Buffer.from(hex, 'hex').toString('utf8'), node]));
  for (const root of ROOTS) {
    for (const folder of NAMES) {
      const node = resolveIn(files, `/${root}/${folder}/package.json`);
      const id = node?.type === 'file' && node.sha256 ? IDENTITY_BY_HASH.get(node.sha256) : undefined;
      if (id) out.add(`${folder}@${id.version}`);
    }
  }
  return out;
}

export function compareApplied(read: Awaited<ReturnType<typeof readImage>>, oracle: GoApply): string | 'stricter' | 'laxer' | undefined {
  const platform = read.platforms[0];
  const ourErrors = [...read.errors, ...(platform?.errors ?? [])];
  // What the Go model says it does not model (aufs metadata, a symlink met where it expects a folder) proves nothing.
  if (oracle.error?.startsWith('model:')) return 'laxer';
  if (oracle.error) return ourErrors.length > 0 ? undefined : 'laxer';
  if (ourErrors.length > 0 || !platform) return 'stricter';
  const files = new Map(Object.entries(oracle.files).map(([hex, node]) => [Buffer.from(hex, 'hex').toString('utf8'), node]));
  const ours = new Map<string, string>();
  for (const p of platform.packages) {
    if (p.ecosystem !== 'npm' || p.deleted || p.location) continue;
    for (const path of p.paths) ours.set(`/${path.replace(/^\/+/, '')}`, p.version);
  }
  for (const [path, node] of files) {
    const m = PACKAGE_JSON.exec(path);
    if (!m || node.type !== 'file') continue;
    if (!ours.has(path)) return `the runtime's tree holds ${path}; sbom-hunt did not find it (found: ${[...ours.keys()].join(', ') || 'nothing'})`;
  }
  for (const [path, version] of ours) {
    const node = resolveIn(files, path);
    if (node?.type !== 'file') return `sbom-hunt found ${path}, which is not a file in the runtime's tree`;
    const written = node.sha256 ? VERSION_BY_HASH.get(node.sha256) : undefined;
    if (written !== undefined && written !== version) return `${path}: sbom-hunt read version ${version}, the runtime's file says ${written}`;
  }
  return undefined;
}

/**
 * Each package's file times are the times the runtime's tree has on those files, at every path it is seen by.
 * Only where the runtime applied the layers (a refused image has no tree to compare with; compareApplied judges it).
 */
export function compareTimes(read: Awaited<ReturnType<typeof readImage>>, oracle: GoApply): string | undefined {
  if (oracle.error) return undefined;
  const packages: readonly Package[] = read.platforms[0]?.packages ?? [];
  const files = new Map(Object.entries(oracle.files).map(([hex, node]) => [Buffer.from(hex, 'hex').toString('utf8'), node]));
  for (const p of packages) {
    if (p.ecosystem !== 'npm' || p.deleted || p.location) continue;
    const times = new Set((p.written ?? []).map((w) => Date.parse(w.time)));
    for (const w of p.written ?? []) {
      const node = files.get(w.path);
      if (node?.type !== 'file') return `${p.name}@${p.version}: sbom-hunt dated ${w.path}, which is not a file in the runtime's tree`;
      if (node.mtime !== Date.parse(w.time)) return `${w.path}: sbom-hunt says written ${w.time}, the runtime sets ${node.mtime === undefined ? 'no time' : new Date(node.mtime).toISOString()}`;
    }
    for (const path of p.paths) {
      const node = resolveIn(files, path);
      if (node?.mtime === undefined || !times.has(node.mtime)) return `${path}: the runtime's file has time ${node?.mtime}, sbom-hunt's ${p.name}@${p.version} lists ${[...times].join(', ') || 'none'}`;
    }
  }
  return undefined;
}
