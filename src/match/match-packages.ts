// Packages x IOC index -> matches. Exact names only: never a prefix, substring or "similar" name.
import type { Match } from '../model/finding.js';
import type { Package } from '../model/package.js';
import { artifactMatches } from './artifact-match.js';
import { lookupEntries, type IocEntry, type IocIndex } from './ioc-index.js';
import { buildMatch, versionHit } from './version-hit.js';

export { DOWNLOAD_CACHE_DETAIL } from './version-hit.js';

/** A match with what the verdict needs to explain it. */
export interface DetailedMatch {
  match: Match;
  pkg: Package;
  entry: IocEntry;
  /** The SBOM gave no ecosystem, so only the exact name tied the package to the IOC: lower confidence. */
  byNameOnly: boolean;
  /** The component's purl and its own name and version name different packages; both were matched (and said so). */
  conflict?: string;
}

/**
 * Packages that share one purl but not one name and version: a component whose purl disagrees with its own
 * fields, listed once per identity by the decoder. Each side's finding names both.
 */
function purlConflicts(pkgs: readonly Package[]): Map<string, string> {
  const byPurl = new Map<string, Set<string>>();
  for (const p of pkgs) {
    if (!p.purl) continue;
    const ids = byPurl.get(p.purl) ?? new Set<string>();
    ids.add(`${p.name}@${p.version}`);
    byPurl.set(p.purl, ids);
  }
  const out = new Map<string, string>();
  for (const [purl, ids] of byPurl) {
    if (ids.size < 2) continue;
    out.set(purl, `its purl ${purl} and its name and version disagree (${[...ids].join(' vs ')}): both were matched`);
  }
  return out;
}

/**
 * Without an ecosystem the SBOM cannot say which registry a package came from, so an IOC of any
 * ecosystem is a candidate, but only on the exact name (as the IOC wrote it or in canonical form):
 * case and separator folding differ per ecosystem and would widen a guess into a false alarm.
 */
export function iocCandidates(pkg: Package, index: IocIndex): IocEntry[] | undefined {
  return pkg.ecosystem === '' ? index.byName.get(pkg.name.trim()) : lookupEntries(index, pkg.ecosystem, pkg.name);
}

/** Every (package, IOC) hit, with the evidence needed to explain it. */
export function matchPackagesDetailed(pkgs: readonly Package[], index: IocIndex): DetailedMatch[] {
  const out: DetailedMatch[] = [];
  const conflicts = purlConflicts(pkgs);
  for (const pkg of pkgs) {
    const own: DetailedMatch[] = [];
    const conflict = pkg.purl !== undefined ? conflicts.get(pkg.purl) : undefined;
    for (const entry of iocCandidates(pkg, index) ?? []) {
      const hit = versionHit(entry, pkg.version);
      if (!hit) continue;
      const d: DetailedMatch = { match: buildMatch(pkg, entry, hit), pkg, entry, byNameOnly: pkg.ecosystem === '' };
      if (conflict !== undefined) {
        d.conflict = conflict;
        d.match.detail ??= conflict;
      }
      own.push(d);
    }
    // What the lockfile says it fetched: a tarball URL or integrity can name an IOC package the entry's name hides.
    if (pkg.resolved !== undefined || pkg.integrity !== undefined) own.push(...artifactMatches(pkg, index, own));
    out.push(...own);
  }
  return out;
}

/** Matches of packages against the IOC index; cost grows with the packages, not with the IOCs. */
export function matchPackages(pkgs: readonly Package[], index: IocIndex): Match[] {
  return matchPackagesDetailed(pkgs, index).map((d) => d.match);
}
