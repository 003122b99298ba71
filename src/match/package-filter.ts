// Which of an SBOM's packages the verdict can use, decided where the SBOM is decoded (the decode workers), so only
// those cross to the main thread: structured-clone copies of 800 packages per file were the main thread's largest
// cost on a fleet of SBOM files after the IOC load. The rule is the matcher's own lookup (iocCandidates and
// lookupEntries: ecosystem and normalised name), every package without an ecosystem (the matcher looks those up by
// name in every ecosystem's IOCs; they are few, and keeping them spares the index its by-name table), every package the
// artifact matcher reads (a tarball URL or integrity), plus every package sharing a purl with a kept one (purl
// conflicts are told from them). test/match/package-filter.test.ts holds judgePlatform on the kept packages to
// judgePlatform on all of them. Not used when the report lists the packages (--include-packages).
import type { Package } from '../model/package.js';
import { lookupEcosystem } from './ecosystem.js';
import type { IocIndex } from './ioc-index.js';
import { normalizePackageName } from './names.js';

export interface PackageFilter {
  /** Ecosystem -> the normalised names the IOCs list (the index's byEcosystem keys). */
  ecosystems: Map<string, Set<string>>;
}

export function packageFilterOf(index: IocIndex): PackageFilter {
  const ecosystems = new Map<string, Set<string>>();
  for (const [eco, names] of index.byEcosystem) ecosystems.set(eco, new Set(names.keys()));
  return { ecosystems };
}

function named(pkg: Package, f: PackageFilter): boolean {
  if (pkg.resolved !== undefined || pkg.integrity !== undefined) return true;
  if (pkg.ecosystem === '') return true;
  const eco = lookupEcosystem(f.ecosystems, pkg.ecosystem);
  return f.ecosystems.get(eco)?.has(normalizePackageName(eco, pkg.name)) ?? false;
}

/** The packages the verdict can use, in their order; the same array when it needs all of them. */
export function packagesToJudge(pkgs: Package[], f: PackageFilter): Package[] {
  const keep = pkgs.map((p) => named(p, f));
  const purls = new Set<string>();
  pkgs.forEach((p, i) => {
    if (keep[i] && p.purl !== undefined) purls.add(p.purl);
  });
  const out = purls.size === 0 ? pkgs.filter((_, i) => keep[i]) : pkgs.filter((p, i) => keep[i] || (p.purl !== undefined && purls.has(p.purl)));
  return out.length === pkgs.length ? pkgs : out;
}
