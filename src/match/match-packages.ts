// Packages x IOC index -> matches. Exact names only: never a prefix, substring or "similar" name.
import type { Match } from '../model/finding.js';
import type { Package } from '../model/package.js';
import { artifactMatches } from './artifact-match.js';
import { lookupEntries, type IocEntry, type IocIndex } from './ioc-index.js';
import { buildMatch, versionHit } from './version-hit.js';
import { versionProblem } from './versions.js';

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
  // The common case (each purl once, or repeated with the same name and version) builds no string and no set.
  const first = new Map<string, Package>();
  const split = new Map<string, Set<string>>();
  for (const p of pkgs) {
    if (!p.purl) continue;
    const seen = first.get(p.purl);
    if (seen === undefined) first.set(p.purl, p);
    else if (seen.name !== p.name || seen.version !== p.version) {
      const ids = split.get(p.purl) ?? new Set([`${seen.name}@${seen.version}`]);
      split.set(p.purl, ids.add(`${p.name}@${p.version}`));
    }
  }
  const out = new Map<string, string>();
  for (const [purl, ids] of split) out.set(purl, `its purl ${purl} and its name and version disagree (${[...ids].join(' vs ')}): both were matched`);
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

/** A package an incident names whose version cannot be compared with the versions it lists: it is unknown for it. */
export interface Uncomparable {
  incident: string;
  why: string;
}

/**
 * Why a version cannot be compared with an IOC entry: NO_VERSION (an unpinned requirement, a git dependency), or
 * the ecosystem's reason it cannot order it against the entry's ranges. Undefined when the comparison says
 * something (a hit, or a version that is surely not the IOC's), or when the entry matches any version. It depends
 * on the version and the entry only, so a candidate list can remember it (quiet).
 */
const NO_VERSION = 'no version';
function uncomparableVersion(entry: IocEntry, version: string): string | undefined {
  if (entry.ioc.anyVersion) return undefined;
  if (version.trim() === '') return NO_VERSION;
  return entry.ranges.length > 0 ? versionProblem(entry.ioc.ecosystem, version) : undefined;
}

/** The reason a package is unknown for an entry's incident, naming where it was found; undefined when it is not. */
function uncomparable(pkg: Package, entry: IocEntry): string | undefined {
  const why = uncomparableVersion(entry, pkg.version);
  if (why === undefined) return undefined;
  const where = `${pkg.name} at ${pkg.paths[0] ?? '(no path)'}${pkg.deleted ? ' (deleted by a later layer)' : ''}`;
  return why === NO_VERSION
    ? `${where} has no version: not compared with the versions ${entry.incident.id} lists`
    : `${where}: ${why}: not compared with the ranges ${entry.incident.id} lists`;
}

/** Distinct versions remembered per candidate list, as versionHit remembers them per entry. */
const REMEMBERED_VERSIONS = 4096;

/**
 * Candidate lists (one per ecosystem and name the IOCs list) -> the versions for which no entry of the list hits
 * nor is uncomparable: a fleet asks about the same few versions of the same base packages again and again, and
 * a name 20 entries list would otherwise cost 20 lookups per package.
 */
const quietVersions = new WeakMap<readonly IocEntry[], Map<string, boolean>>();

function quiet(candidates: readonly IocEntry[], version: string): boolean {
  let seen = quietVersions.get(candidates);
  const known = seen?.get(version);
  if (known !== undefined) return known;
  const answer = candidates.every((entry) => versionHit(entry, version) === undefined && uncomparableVersion(entry, version) === undefined);
  if (!seen) quietVersions.set(candidates, (seen = new Map()));
  if (seen.size < REMEMBERED_VERSIONS) seen.set(version, answer);
  return answer;
}

/**
 * Every (package, IOC) hit, with the evidence needed to explain it. `unknown`, when given, collects the packages
 * an incident names whose version could not be compared with it (never a silent miss).
 */
export function matchPackagesDetailed(pkgs: readonly Package[], index: IocIndex, unknown?: Uncomparable[]): DetailedMatch[] {
  const out: DetailedMatch[] = [];
  // Built at the first hit: most images hit nothing, and the table is only read for a package that did.
  let conflicts: Map<string, string> | undefined;
  for (const pkg of pkgs) {
    const candidates = iocCandidates(pkg, index);
    // What the lockfile says it fetched: a tarball URL or integrity can name an IOC package the entry's name hides.
    const artifact = pkg.resolved !== undefined || pkg.integrity !== undefined;
    if ((candidates === undefined || quiet(candidates, pkg.version)) && !artifact) continue;
    const own: DetailedMatch[] = [];
    for (const entry of candidates ?? []) {
      const hit = versionHit(entry, pkg.version);
      if (!hit) {
        const why = unknown && uncomparable(pkg, entry);
        if (why) unknown!.push({ incident: entry.incident.id, why });
        continue;
      }
      const d: DetailedMatch = { match: buildMatch(pkg, entry, hit), pkg, entry, byNameOnly: pkg.ecosystem === '' };
      const conflict = pkg.purl !== undefined ? (conflicts ??= purlConflicts(pkgs)).get(pkg.purl) : undefined;
      if (conflict !== undefined) {
        d.conflict = conflict;
        d.match.detail ??= conflict;
      }
      own.push(d);
    }
    if (artifact) own.push(...artifactMatches(pkg, index, own));
    out.push(...own);
  }
  return out;
}

/** Matches of packages against the IOC index; cost grows with the packages, not with the IOCs. */
export function matchPackages(pkgs: readonly Package[], index: IocIndex): Match[] {
  return matchPackagesDetailed(pkgs, index).map((d) => d.match);
}
