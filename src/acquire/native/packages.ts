// Kept files -> packages: run each file's cataloger at every path a program in the image sees it by
// (symlinked folders resolved), then merge one package per ecosystem/name/version/location.
import type { Package } from '../../model/package.js';
import { catalogerFor } from './catalogers/index.js';
import type { CatalogResult } from './catalogers/index.js';
import type { CatalogContext, FileLookup } from './catalogers/cataloger.js';
import { fileTimeOf } from './file-times.js';
import type { KeptFile, LayerTimes } from './layered-files.js';
import type { Limits } from './limits.js';
import { isNodeLookupPath } from './catalogers/npm.js';
import { basename, dirname } from './paths.js';
import type { ZipOnPath } from './python-zips.js';
import { visiblePaths, linkAliases, linkAliasesOf, type LinkAliases } from './symlinks.js';

export interface CatalogSink {
  note: (text: string) => void;
  /** A file that is there but cannot be read makes the platform unknown. */
  error: (text: string) => void;
}

/**
 * `linkHistory` is the image's symlinks at the end of each layer that changed them (LayeredFiles.linkHistory):
 * a file a later layer deleted is catalogued at every path a program saw it by while it was there, and a file
 * still there at paths only earlier links showed (a symlinked node_modules a later layer removed), as deleted.
 * `zipsOnPath` are the distributions of the zips on Python's path (python-zips.ts), merged with the rest.
 */
export function catalogFiles(
  final: KeptFile[],
  removed: KeptFile[],
  limits: Limits,
  sink: CatalogSink,
  layerTimes: ReadonlyMap<string, LayerTimes> = new Map(),
  linkHistory: readonly ReadonlyMap<string, string>[] = [],
  nodeFolders: readonly string[] = [],
  bunCaches: readonly string[] = [],
  zipsOnPath: readonly ZipOnPath[] = [],
): Package[] {
  const context: CatalogContext = { nodeFolders: new Set(nodeFolders), bunCaches };
  const merged = new Map<string, Package>();
  const said = new Set<string>();
  const once = (say: (t: string) => void) => (t: string) => {
    if (!said.has(t)) say(t);
    said.add(t);
  };
  const note = once(sink.note);
  const error = once(sink.error);
  const add = (file: KeptFile, at: string, deleted: boolean, lookup: FileLookup) => {
    const result = file.found ? foundAt(file, at) : readKept(file, at, limits, lookup, context);
    if (result) addResult(file, result, deleted);
  };
  const addResult = (file: KeptFile, result: CatalogResult, deleted: boolean) => {
    result.notes.forEach(note);
    // What a later layer deleted is not there to be loaded: its unreadable files are remarks, not unknowns.
    (result.errors ?? []).forEach(deleted ? (t) => note(`in a layer a later one deleted: ${t}`) : error);
    const written = fileTimeOf(file, layerTimes);
    for (const found of result.packages) {
      const artifact = `${found.resolved ?? ''}\0${found.integrity?.join(' ') ?? ''}`;
      // The purl tells apart what only its qualifiers do (a Multi-Arch: same library's amd64 and i386 instances).
      const key = `${deleted}\0${found.location ?? ''}\0${found.ecosystem}\0${found.name}\0${found.version}\0${artifact}\0${found.purl ?? ''}`;
      const existing = merged.get(key);
      if (existing) {
        if (!existing.paths.includes(found.path)) existing.paths.push(found.path);
        if (written && !existing.written?.some((w) => w.path === written.path)) (existing.written ??= []).push(written);
        continue;
      }
      const pkg: Package = { ecosystem: found.ecosystem, name: found.name, version: found.version, paths: [found.path], layer: file.layer };
      if (found.purl) pkg.purl = found.purl;
      if (deleted) pkg.deleted = true;
      if (found.location) pkg.location = found.location;
      if (found.resolved !== undefined) pkg.resolved = found.resolved;
      if (found.integrity !== undefined) pkg.integrity = found.integrity;
      if (written) pkg.written = [written];
      merged.set(key, pkg);
    }
  };
  // Files kept only for the file indicators are no cataloger's: at an aliased path one might want them.
  const files = new Map(final.filter(catalogued).map((f) => [f.path, f]));
  const aliases = linkAliases(final);
  const lookupFinal = withListing((p: string) => files.get(p) ?? files.get(aliases.realpath(p) ?? ''), files.keys(), (d) => aliases.realpath(d) ?? d);
  const earlier = earlierViews(linkHistory);
  for (const file of files.values()) {
    const now = visiblePaths(file.path, aliases);
    for (const at of now) add(file, at, false, lookupFinal);
    // The last tree is the final one: what only the trees before it showed, the build could load and the image no longer does.
    const before = earlier(file, file.firstLinks, linkHistory.length - 2).filter((at) => !now.includes(at));
    for (const at of before) add(file, at, true, besideReal(file, at, lookupFinal));
  }
  for (const { file, result, deleted } of zipsOnPath) addResult(file, result, deleted);
  symlinkLoopsNodeRefuses(final, aliases).forEach(error);
  const gone = new Map(removed.filter(catalogued).map((f) => [f.path, f]));
  const lookupGone = Object.assign(withListing((p: string) => gone.get(p), gone.keys(), (d) => d), { gone: true as const, final: lookupFinal });
  for (const file of removed) {
    if (!catalogued(file)) continue;
    const views = file.firstLinks === undefined ? [file.path] : earlier(file, file.firstLinks, file.lastLinks ?? file.firstLinks);
    for (const at of views.length > 0 ? views : [file.path]) add(file, at, true, besideReal(file, at, lookupGone));
  }
  return dropDeletedStillPresent([...merged.values()]);
}

/** Symlinks, files kept for the file indicators alone and zips whose body was not held are no cataloger's to read. */
const catalogued = (f: KeptFile) => f.link === undefined && f.recordOnly === undefined && (f.zip === undefined || f.found !== undefined);

/** The most link trees one file is looked up in: beyond it, the latest ones it lived under (and the first). */
const LINK_GENERATIONS = 64;

/** A look-up that can also name the kept files directly in a folder (`real` resolves the folder as the image does). */
function withListing(lookup: (p: string) => KeptFile | undefined, paths: Iterable<string>, real: (dir: string) => string): FileLookup {
  let byDir: Map<string, string[]> | undefined;
  const list = (dir: string) => {
    if (!byDir) {
      byDir = new Map();
      for (const p of paths) {
        const d = dirname(p);
        const names = byDir.get(d) ?? [];
        names.push(basename(p));
        byDir.set(d, names);
      }
    }
    return byDir.get(real(dir)) ?? [];
  };
  return Object.assign(lookup, { list });
}

/** A cataloger's look-up of a file beside `at` (a view of `file`), answered from beside the file's real path. */
function besideReal(file: KeptFile, at: string, lookup: FileLookup): FileLookup {
  if (at === file.path) return lookup;
  const viewDir = dirname(at);
  const realDir = dirname(file.path);
  const beside = (p: string) => lookup(p) ?? (dirname(p) === viewDir ? lookup(realDir === '' ? basename(p) : `${realDir}/${basename(p)}`) : undefined);
  const list = (dir: string) => {
    const own = lookup.list?.(dir) ?? [];
    if (own.length > 0 || !(dir === viewDir || dir.startsWith(`${viewDir}/`))) return own;
    const under = realDir + dir.slice(viewDir.length);
    return lookup.list?.(under.startsWith('/') ? under.slice(1) : under) ?? [];
  };
  return Object.assign(beside, { list }, lookup.gone ? { gone: true as const } : {}, lookup.final ? { final: lookup.final } : {});
}

/** The paths a file was seen by under the link trees `from`..`to` (indexes into the history), each tree's aliases built once. */
function earlierViews(history: readonly ReadonlyMap<string, string>[]) {
  const built = new Map<number, LinkAliases>();
  const aliasesAt = (g: number) => {
    let a = built.get(g);
    if (!a) built.set(g, (a = linkAliasesOf(history[g] as ReadonlyMap<string, string>)));
    return a;
  };
  return (file: KeptFile, from: number | undefined, to: number): string[] => {
    if (from === undefined || to < from || history.length === 0) return [];
    const out = new Set<string>();
    const first = Math.max(from, 0);
    const last = Math.min(to, history.length - 1);
    const start = Math.max(first, last - LINK_GENERATIONS + 1);
    const gens = start > first ? [first] : [];
    for (let g = start; g <= last; g++) gens.push(g);
    for (const g of gens) for (const at of visiblePaths(file.path, aliasesAt(g))) out.add(at);
    return [...out];
  };
}

/**
 * A symlink that cannot be resolved (a loop, or more than 40 links) where Node looks for packages: reading
 * `<node_modules>/<name>/package.json` fails with ELOOP, which Node's package.json reader turns into
 * ERR_INVALID_PACKAGE_CONFIG (only ENOENT and ENOTDIR mean "no package here"), so `require` throws there
 * instead of going on to the next node_modules. The runtime refuses; the platform is unknown, never clean.
 * Checked at every path the link is seen by (its folder may be a symlinked node_modules).
 */
function symlinkLoopsNodeRefuses(final: readonly KeptFile[], aliases: LinkAliases): string[] {
  const out: string[] = [];
  for (const f of final) {
    if (f.link === undefined || aliases.realpath(f.path) !== undefined) continue;
    const name = basename(f.path);
    const dir = dirname(f.path);
    const views = dir === '' ? [name] : visiblePaths(dir, aliases).map((d) => `${d}/${name}`);
    const at = views.find(isNodeLookupPath);
    if (at !== undefined) out.push(`npm: symlink loop at /${at} (-> ${JSON.stringify(f.link)}): node cannot read a package.json there (ELOOP, ERR_INVALID_PACKAGE_CONFIG)`);
  }
  return out;
}

function readKept(file: KeptFile, at: string, limits: Limits, lookup: FileLookup, context: CatalogContext): CatalogResult | undefined {
  const cataloger = catalogerFor(at);
  if (!cataloger) return undefined;
  if (file.unreadBytes !== undefined) return cataloger.catalogUnread?.(at, file.unreadBytes, context) ?? { packages: [], notes: [] };
  return cataloger.catalog(at, file.content, limits, lookup, context);
}

/** A content cataloger's result for a file, at one of the paths programs see it by (a symlinked folder). */
function foundAt(file: KeptFile, at: string): CatalogResult {
  const found = file.found as CatalogResult;
  if (at === file.path) return found;
  const from = `/${file.path}`;
  return { ...found, packages: found.packages.map((p) => (p.path.startsWith(from) ? { ...p, path: `/${at}${p.path.slice(from.length)}` } : p)) };
}

/**
 * A deleted copy of a package that is still installed at the same path (dpkg status rewritten by
 * every apt layer, package.json rewritten unchanged) adds nothing: keep deleted only where it is gone.
 */
function dropDeletedStillPresent(packages: Package[]): Package[] {
  const present = new Set<string>();
  for (const p of packages) if (!p.deleted) for (const path of p.paths) present.add(`${p.ecosystem}\0${p.name}\0${p.version}\0${path}`);
  return packages.filter((p) => {
    if (!p.deleted) return true;
    p.paths = p.paths.filter((path) => !present.has(`${p.ecosystem}\0${p.name}\0${p.version}\0${path}`));
    return p.paths.length > 0;
  });
}
