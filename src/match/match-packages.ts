// Packages x IOC index -> matches. Exact names only: never a prefix, substring or "similar" name.
import type { Match } from '../model/finding.js';
import type { Package } from '../model/package.js';
import { lookupEntries, type IocEntry, type IocIndex } from './ioc-index.js';
import { normalizeVersion, versionInRange, versionsEqual } from './versions.js';

export const DOWNLOAD_CACHE_DETAIL = "its tarball is in npm's download cache (_cacache): the build fetched it";

/** A match with what the verdict needs to explain it. */
export interface DetailedMatch {
  match: Match;
  pkg: Package;
  entry: IocEntry;
  /** The SBOM gave no ecosystem, so only the exact name tied the package to the IOC: lower confidence. */
  byNameOnly: boolean;
}

function versionHit(entry: IocEntry, version: string): Pick<Match, 'matchedBy' | 'matchKind' | 'iocVersion'> | undefined {
  const eco = entry.ioc.ecosystem;
  if (version !== '') {
    const v = normalizeVersion(eco, version);
    if (entry.versions.has(v)) return { matchedBy: 'version', matchKind: 'package-version', iocVersion: v };
    const equal = entry.versionList.find((iv) => versionsEqual(eco, iv, v));
    if (equal !== undefined) return { matchedBy: 'version', matchKind: 'package-version', iocVersion: equal };
    const hit = entry.ranges.find((r) => r.range !== undefined && versionInRange(v, r.range));
    if (hit !== undefined) return { matchedBy: 'range', matchKind: 'package-range', iocVersion: hit.text };
  }
  if (entry.ioc.anyVersion) return { matchedBy: 'any-version', matchKind: 'package-any-version', iocVersion: '' };
  return undefined;
}

/**
 * Without an ecosystem the SBOM cannot say which registry a package came from, so an IOC of any
 * ecosystem is a candidate, but only on the exact name (as the IOC wrote it or in canonical form):
 * case and separator folding differ per ecosystem and would widen a guess into a false alarm.
 */
function candidates(pkg: Package, index: IocIndex): IocEntry[] | undefined {
  return pkg.ecosystem === '' ? index.byName.get(pkg.name.trim()) : lookupEntries(index, pkg.ecosystem, pkg.name);
}

/** Every (package, IOC) hit, with the evidence needed to explain it. */
export function matchPackagesDetailed(pkgs: readonly Package[], index: IocIndex): DetailedMatch[] {
  const out: DetailedMatch[] = [];
  for (const pkg of pkgs) {
    const entries = candidates(pkg, index);
    if (entries === undefined) continue;
    for (const entry of entries) {
      const hit = versionHit(entry, pkg.version);
      if (!hit) continue;
      const match: Match = {
        incident: entry.incident.id,
        ecosystem: entry.ioc.ecosystem,
        name: pkg.name,
        version: pkg.version,
        paths: pkg.paths,
        ...hit,
        // A tarball in a download cache was fetched by the build, not installed: suspect, as a deleted layer is.
        inFinalFilesystem: pkg.deleted !== true && pkg.location === undefined,
      };
      if (pkg.location === 'download-cache') match.detail = DOWNLOAD_CACHE_DETAIL;
      const reference = entry.ioc.reference ?? entry.incident.references[0];
      if (reference !== undefined) match.reference = reference;
      if (pkg.dependencyPath !== undefined) match.dependencyPath = pkg.dependencyPath;
      out.push({ match, pkg, entry, byNameOnly: pkg.ecosystem === '' });
    }
  }
  return out;
}

/** Matches of packages against the IOC index; cost grows with the packages, not with the IOCs. */
export function matchPackages(pkgs: readonly Package[], index: IocIndex): Match[] {
  return matchPackagesDetailed(pkgs, index).map((d) => d.match);
}
