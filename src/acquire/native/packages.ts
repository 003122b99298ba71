// Kept files -> packages: run each file's cataloger at every path a program in the image sees it by
// (symlinked folders resolved), then merge one package per ecosystem/name/version/location.
import type { Package } from '../../model/package.js';
import { catalogerFor } from './catalogers/index.js';
import type { CatalogResult } from './catalogers/index.js';
import { fileTimeOf } from './file-times.js';
import type { KeptFile, LayerTimes } from './layered-files.js';
import type { Limits } from './limits.js';
import { isNodeLookupPath } from './catalogers/npm.js';
import { basename, dirname } from './paths.js';
import { visiblePaths, linkAliases, type LinkAliases } from './symlinks.js';

export interface CatalogSink {
  note: (text: string) => void;
  /** A file that is there but cannot be read makes the platform unknown. */
  error: (text: string) => void;
}

export function catalogFiles(final: KeptFile[], removed: KeptFile[], limits: Limits, sink: CatalogSink, layerTimes: ReadonlyMap<string, LayerTimes> = new Map()): Package[] {
  const merged = new Map<string, Package>();
  const said = new Set<string>();
  const once = (say: (t: string) => void) => (t: string) => {
    if (!said.has(t)) say(t);
    said.add(t);
  };
  const note = once(sink.note);
  const error = once(sink.error);
  const add = (file: KeptFile, at: string, deleted: boolean, lookup: (p: string) => KeptFile | undefined) => {
    const result = file.found ? foundAt(file, at) : readKept(file, at, limits, lookup);
    if (!result) return;
    result.notes.forEach(note);
    // What a later layer deleted is not there to be loaded: its unreadable files are remarks, not unknowns.
    (result.errors ?? []).forEach(deleted ? (t) => note(`in a layer a later one deleted: ${t}`) : error);
    const written = fileTimeOf(file, layerTimes);
    for (const found of result.packages) {
      const artifact = `${found.resolved ?? ''}\0${found.integrity?.join(' ') ?? ''}`;
      const key = `${deleted}\0${found.location ?? ''}\0${found.ecosystem}\0${found.name}\0${found.version}\0${artifact}`;
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
  const files = new Map(final.filter((f) => f.link === undefined && f.recordOnly === undefined).map((f) => [f.path, f]));
  const aliases = linkAliases(final);
  const lookupFinal = (p: string) => files.get(p) ?? files.get(aliases.realpath(p) ?? '');
  for (const file of files.values()) for (const at of visiblePaths(file.path, aliases)) add(file, at, false, lookupFinal);
  symlinkLoopsNodeRefuses(final, aliases).forEach(error);
  const gone = new Map(removed.filter((f) => f.link === undefined && f.recordOnly === undefined).map((f) => [f.path, f]));
  const lookupGone = (p: string) => gone.get(p);
  for (const file of removed) if (file.link === undefined && file.recordOnly === undefined) add(file, file.path, true, lookupGone);
  return dropDeletedStillPresent([...merged.values()]);
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

function readKept(file: KeptFile, at: string, limits: Limits, lookup: (p: string) => KeptFile | undefined): CatalogResult | undefined {
  const cataloger = catalogerFor(at);
  if (!cataloger) return undefined;
  if (file.unreadBytes !== undefined) return cataloger.catalogUnread?.(at, file.unreadBytes) ?? { packages: [], notes: [] };
  return cataloger.catalog(at, file.content, limits, lookup);
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
