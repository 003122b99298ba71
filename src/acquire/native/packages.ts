// Kept files -> packages: run each file's cataloger, then merge one package per ecosystem/name/version.
import type { Package } from '../../model/package.js';
import { catalogerFor } from './catalogers/index.js';
import type { KeptFile } from './layered-files.js';
import type { Limits } from './limits.js';

export function catalogFiles(final: KeptFile[], removed: KeptFile[], limits: Limits, note: (t: string) => void): Package[] {
  const merged = new Map<string, Package>();
  const add = (file: KeptFile, deleted: boolean) => {
    const cataloger = catalogerFor(file.path);
    if (!cataloger) return;
    const result =
      file.unreadBytes !== undefined
        ? (cataloger.catalogUnread?.(file.path, file.unreadBytes) ?? { packages: [], notes: [] })
        : cataloger.catalog(file.path, file.content, limits);
    result.notes.forEach(note);
    for (const found of result.packages) {
      const key = `${deleted}\0${found.ecosystem}\0${found.name}\0${found.version}`;
      const existing = merged.get(key);
      if (existing) {
        if (!existing.paths.includes(found.path)) existing.paths.push(found.path);
        continue;
      }
      const pkg: Package = { ecosystem: found.ecosystem, name: found.name, version: found.version, paths: [found.path], layer: file.layer };
      if (found.purl) pkg.purl = found.purl;
      if (deleted) pkg.deleted = true;
      merged.set(key, pkg);
    }
  };
  for (const file of final) add(file, false);
  for (const file of removed) add(file, true);
  return dropDeletedStillPresent([...merged.values()]);
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
