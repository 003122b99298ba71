// Lockfile entries matched by what they fetch: a resolved registry tarball URL that names an IOC package and
// version (whatever the entry calls itself), or an integrity that is one of an IOC's tarball hashes.
import type { Package } from '../model/package.js';
import { lookupEntries, type IocEntry, type IocIndex } from './ioc-index.js';
import type { DetailedMatch } from './match-packages.js';
import { displayUrl, sameIdentity, tarballIdentity } from './tarball-url.js';
import { buildMatch, versionHit } from './version-hit.js';

/** The entry as the lockfile names it. */
const said = (pkg: Package) => `${pkg.name}@${pkg.version || '(no version)'}`;

function byResolvedUrl(pkg: Package, index: IocIndex, seen: Set<IocEntry>): DetailedMatch[] {
  const fetched = pkg.resolved === undefined ? undefined : tarballIdentity(pkg.resolved);
  // When the URL agrees with the entry, the entry's own name and version already matched (or did not).
  if (!fetched || sameIdentity(fetched, pkg)) return [];
  const out: DetailedMatch[] = [];
  for (const entry of lookupEntries(index, 'npm', fetched.name) ?? []) {
    const hit = versionHit(entry, fetched.version);
    if (!hit || seen.has(entry)) continue;
    seen.add(entry);
    const match = buildMatch(pkg, entry, { matchedBy: hit.matchedBy, matchKind: 'lockfile-resolved-url', iocVersion: hit.iocVersion });
    match.name = fetched.name;
    match.version = fetched.version;
    match.detail = `lockfile resolved URL ${displayUrl(pkg.resolved!)} is the tarball of ${fetched.name}@${fetched.version}, though the entry says ${said(pkg)}`;
    out.push({ match, pkg, entry, byNameOnly: false });
  }
  return out;
}

function byIntegrity(pkg: Package, index: IocIndex, seen: Set<IocEntry>): DetailedMatch[] {
  const out: DetailedMatch[] = [];
  for (const hash of pkg.integrity ?? []) {
    for (const entry of index.byIntegrity.get(hash) ?? []) {
      if (seen.has(entry)) continue;
      seen.add(entry);
      const match = buildMatch(pkg, entry, { matchedBy: 'integrity', matchKind: 'lockfile-integrity', iocVersion: hash });
      match.detail = `lockfile integrity ${hash.slice(0, hash.indexOf('-') + 17)}… is a tarball of ${entry.ioc.name} the IOC lists${
        entry.ioc.name === pkg.name ? '' : `, though the entry says ${said(pkg)}`
      }`;
      out.push({ match, pkg, entry, byNameOnly: false });
    }
  }
  return out;
}

/** Matches by resolved URL and integrity that the entry's own name and version did not already make. */
export function artifactMatches(pkg: Package, index: IocIndex, already: readonly DetailedMatch[]): DetailedMatch[] {
  const seen = new Set(already.map((d) => d.entry));
  return [...byResolvedUrl(pkg, index, seen), ...byIntegrity(pkg, index, seen)];
}
