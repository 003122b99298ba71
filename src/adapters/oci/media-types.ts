// Manifest media types we ask registries for, and telling them apart from what we refuse.

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_SCHEMA1 = ['application/vnd.docker.distribution.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v1+prettyjws'];

export const MANIFEST_TYPES: readonly string[] = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST];

/** Schema 1 is never asked for: registries then convert or refuse instead of serving it. */
export const MANIFEST_ACCEPT = MANIFEST_TYPES.join(', ');

export function isSchema1(mediaType: string): boolean {
  return DOCKER_SCHEMA1.includes(mediaType);
}

/** `application/json; charset=utf-8` -> `application/json`. */
export function bareMediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Tags cosign and the OCI referrers fallback write next to images: `sha256-<hex>.sig`, `.att`,
 * `.sbom`, and bare `sha256-<hex>`. They hold signatures and SBOMs, not images to scan.
 */
export function isArtifactTag(tag: string): boolean {
  return /^(?:sha256-[0-9a-f]{64}|sha512-[0-9a-f]{128})(?:\.(?:sig|att|sbom))?$/.test(tag);
}
