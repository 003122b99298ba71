// Package identity from a purl (parsed by packageurl-js), falling back to the document's own fields.
import { PackageURL } from 'packageurl-js';
import { normalizeEcosystem } from '../match/ecosystem.js';
import type { Package } from '../model/package.js';

export interface PurlIdentity {
  ecosystem: string;
  name: string;
  version?: string;
}

// In these types the namespace names a distro or vendor, not part of the package's own name.
const VENDOR_NAMESPACE = new Set(['deb', 'rpm', 'apk', 'alpine', 'alpm', 'qpkg', 'oci']);

/** Identity from a purl, or undefined when the purl is missing or unusable (ko writes `pkg:golang/@?type=module`). */
export function parsePurl(purl: string | undefined): PurlIdentity | undefined {
  if (!purl) return undefined;
  let parsed: PackageURL;
  try {
    parsed = PackageURL.fromString(purl);
  } catch {
    return undefined;
  }
  const { type, namespace, name, version } = parsed;
  // packageurl-js reads `pkg:golang/@` as the name "@": an empty name with an empty version.
  if (!name || name === '@') return undefined;
  return { ecosystem: normalizeEcosystem(type), name: qualifiedName(type, namespace ?? undefined, name), version: version ?? undefined };
}

function qualifiedName(type: string, namespace: string | undefined, name: string): string {
  if (!namespace || VENDOR_NAMESPACE.has(type)) return name;
  if (type === 'maven') return `${namespace}:${name}`;
  return `${namespace}/${name}`;
}

/** What a document says about a package besides its purl. */
export interface PackageFields {
  purl?: string | undefined;
  name?: string | undefined;
  version?: string | undefined;
  /** Ecosystem hint from the document (syft `type`, grype `language`), used only without a usable purl. */
  ecosystem?: string | undefined;
  paths: string[];
}

export function toPackage(f: PackageFields): Package {
  const id = parsePurl(f.purl);
  const pkg: Package = {
    ecosystem: id?.ecosystem ?? normalizeEcosystem(f.ecosystem),
    name: id?.name ?? f.name ?? '',
    version: id?.version ?? f.version ?? '',
    paths: f.paths,
  };
  if (f.purl) pkg.purl = f.purl;
  return pkg;
}
