// A dpkg package's purl, as syft and trivy write it, with the distribution the image's os-release names.
import { purlString } from '../../../formats/purl-lib.js';
import type { FileLookup } from './cataloger.js';
import type { DpkgRecord } from './dpkg-record.js';

/** The distribution os-release names: the purl's namespace (its ID) and distro qualifier (ID-VERSION_ID). */
export interface Distro {
  id: string;
  versionId?: string;
}

/**
 * os-release as the image has it (either path), or undefined when it has none or it names no usable ID. For a
 * database a later layer deleted: the os-release deleted with it, else the final tree's (the image's distribution).
 */
export function distroOf(lookup: FileLookup | undefined): Distro | undefined {
  const at = (p: string) => lookup?.(p) ?? lookup?.final?.(p);
  const file = at('etc/os-release') ?? at('usr/lib/os-release');
  if (!file || file.unreadBytes !== undefined) return undefined;
  const fields = new Map<string, string>();
  for (const line of file.content.toString('utf8').split('\n')) {
    const m = /^([A-Z_]+)=(?:"([^"]*)"|'([^']*)'|(\S*))\s*$/.exec(line);
    if (m) fields.set(m[1]!, m[2] ?? m[3] ?? m[4] ?? '');
  }
  const id = fields.get('ID')?.toLowerCase();
  if (!id || !/^[a-z0-9._-]+$/.test(id)) return undefined;
  const versionId = fields.get('VERSION_ID');
  return versionId && /^[A-Za-z0-9._~-]+$/.test(versionId) ? { id, versionId } : { id };
}

/**
 * The package's purl as syft and trivy write it: pkg:deb/<os-release ID>/<name>@<version>?arch=<arch>&distro=<ID>-<VERSION_ID>
 * (the version whole, epoch included), and `upstream=<source>[@<version>]` from the Source field. The architecture tells a Multi-Arch: same library's instances apart; with
 * no os-release the namespace and distro are left out rather than guessed.
 */
export function debPurl(e: DpkgRecord, distro: Distro | undefined): string | undefined {
  const qualifiers: Record<string, string> = {};
  if (e.arch) qualifiers.arch = e.arch;
  if (distro?.versionId) qualifiers.distro = `${distro.id}-${distro.versionId}`;
  // The source package when it is not the binary's own name and version (glibc for libc6; bash@5.2.15-2 for a binNMU).
  const upstream = e.source && (e.source.name !== e.name || (e.source.version !== undefined && e.source.version !== e.version));
  if (upstream) qualifiers.upstream = e.source!.version !== undefined ? `${e.source!.name}@${e.source!.version}` : e.source!.name;
  try {
    return purlString('deb', distro?.id, e.name, e.version || undefined, Object.keys(qualifiers).length ? qualifiers : undefined);
  } catch {
    return undefined;
  }
}
