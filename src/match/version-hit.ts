// Whether a version is one an IOC entry names (exactly, in the ecosystem's order, by range, or any version), and the match it makes.
import type { Match } from '../model/finding.js';
import type { Package } from '../model/package.js';
import type { IocEntry } from './ioc-index.js';
import { normalizeVersion, versionInRange, versionsEqual } from './versions.js';

type Hit = Pick<Match, 'matchedBy' | 'matchKind' | 'iocVersion'>;

/** Distinct package versions remembered per IOC entry: a fleet repeats the same few, a hostile SBOM cannot grow it past this. */
const REMEMBERED_VERSIONS = 4096;

/**
 * How a package version hits an IOC entry, if it does. Remembered per entry and version (the answer depends on
 * nothing else): 200 SBOMs of one fleet compare the same versions of the same names again and again, and each
 * comparison in the ecosystem's order parses both sides (the matching's largest cost before).
 */
export function versionHit(entry: IocEntry, version: string): Readonly<Hit> | undefined {
  const seen = entry.hits?.get(version);
  if (seen !== undefined) return seen === null ? undefined : seen;
  const hit = compareVersion(entry, version);
  const hits = (entry.hits ??= new Map());
  if (hits.size < REMEMBERED_VERSIONS) hits.set(version, hit ?? null);
  return hit;
}

function compareVersion(entry: IocEntry, version: string): Hit | undefined {
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

export const DOWNLOAD_CACHE_DETAIL = "its tarball is in npm's download cache (_cacache): the build fetched it";

/** The match of a package against one IOC entry, by how it hit; name and version are the package's own. */
export function buildMatch(pkg: Package, entry: IocEntry, hit: Pick<Match, 'matchedBy' | 'matchKind' | 'iocVersion'>): Match {
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
  return match;
}
