// What a lockfile entry fetches (resolved URL, integrity), and the entries whose tarball is another package than they say.
import { normalizeIntegrity } from '../../match/integrity.js';
import { displayUrl, sameIdentity, tarballIdentity } from '../../match/tarball-url.js';
import type { Package } from '../../model/package.js';
import type { DependencyGraph } from './graph.js';
import type { LockedPackage } from './lockfile.js';

/** A resolved URL with yarn v1's `#<sha1>` fragment split off as an integrity of its own. */
export function splitResolved(resolved: string): { url: string; sha1?: string } {
  const hash = resolved.indexOf('#');
  if (hash < 0) return { url: resolved };
  const fragment = resolved.slice(hash + 1);
  return /^[0-9a-f]{40}$/i.test(fragment) ? { url: resolved.slice(0, hash), sha1: fragment } : { url: resolved };
}

/** The `resolved` and normalised `integrity` fields a Package gets from a locked entry. */
export function artifactFields(node: Pick<LockedPackage, 'resolved' | 'integrity'>): Pick<Package, 'resolved' | 'integrity'> {
  const out: Pick<Package, 'resolved' | 'integrity'> = {};
  const hashes = new Set<string>();
  if (node.resolved !== undefined && node.resolved !== '') {
    const { url, sha1 } = splitResolved(node.resolved);
    out.resolved = url;
    if (sha1 !== undefined) hashes.add(`sha1-${sha1.toLowerCase()}`);
  }
  // An integrity that is not a hash is not evidence either way; the entry is still read by name and version.
  for (const h of node.integrity ? (normalizeIntegrity(node.integrity) ?? []) : []) hashes.add(h);
  if (hashes.size > 0) out.integrity = [...hashes].sort();
  return out;
}

/** `foo@1.0.0` when the entry names itself so, and its resolved URL is a registry tarball of another package or version. */
export function identityDisagreement(pkg: Pick<Package, 'name' | 'version' | 'resolved'>): string | undefined {
  if (pkg.resolved === undefined) return undefined;
  const fetched = tarballIdentity(pkg.resolved);
  if (!fetched || sameIdentity(fetched, pkg)) return undefined;
  return `${pkg.name}@${pkg.version || '(no version)'} resolves to the tarball of ${fetched.name}@${fetched.version} (${displayUrl(pkg.resolved)})`;
}

/** One note per entry whose resolved tarball is another package than the entry says it is. */
export function artifactNotes(graph: DependencyGraph, file: string): string[] {
  const notes: string[] = [];
  for (const [id, node] of graph.nodes) {
    const resolved = node.resolved === undefined ? undefined : splitResolved(node.resolved).url;
    const said = identityDisagreement({ name: node.name, version: node.version, ...(resolved !== undefined ? { resolved } : {}) });
    if (said !== undefined) notes.push(`${file}: entry ${node.entry ?? id}: ${said}; matched as both`);
  }
  return notes;
}
