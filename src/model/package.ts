// A software package found in an image or SBOM, with where it was found.

/** Canonical ecosystem names, as OSV spells them but lower-cased. Others pass through lower-cased. */
export type Ecosystem = 'npm' | 'pypi' | 'maven' | 'go' | 'deb' | 'apk' | 'rpm' | 'gem' | 'cargo' | 'nuget' | (string & {});

export interface Package {
  /** Canonical ecosystem (see normalizeEcosystem in match/ecosystem.ts). Empty string when unknown. */
  ecosystem: Ecosystem;
  /** Name as the ecosystem writes it: npm `@scope/name`, maven `group:artifact`, go module path. */
  name: string;
  /** Version string as found; empty string when the source gave none. */
  version: string;
  purl?: string;
  /** File paths of the package inside the image (absolute, `/`-separated), when known. */
  paths: string[];
  /**
   * True when the package was present in a lower image layer but deleted by a later one
   * (so it is not in the final filesystem, but the build ran it).
   */
  deleted?: boolean;
  /**
   * `download-cache`: found only in a package manager's download cache (npm's _cacache): the build fetched
   * it, which makes an IOC match `suspect`, not `affected`.
   */
  location?: 'download-cache';
  /** Layer digest the package was read from (native reader). */
  layer?: string;
  /**
   * From a lockfile that records the dependency graph: the `name@version` chain from a direct dependency
   * of the project down to this package's parent (`['axios@1.14.1']` for a package axios pulls in).
   * Empty for a direct dependency; absent when the lockfile does not say.
   */
  dependencyPath?: string[];
  /**
   * Set by a decoder when the document's own name or version disagree with the purl it gives (which `name` and
   * `version` follow): the other identity, which decodeSbom lists as a package of its own so both are matched.
   */
  declared?: { name: string; version: string };
  /** This entry is a component's own name and version, listed beside the identity its disagreeing purl gives. */
  fromFields?: true;
  /**
   * From a lockfile or npm's hidden lockfile: the tarball URL the package manager fetches for this entry
   * (npm/yarn `resolved`, pnpm `resolution.tarball`), as written. It may name another package than the entry.
   */
  resolved?: string;
  /** The entry's tarball integrity, normalised to `sha512-<hex>` / `sha1-<hex>` (match/integrity.ts). */
  integrity?: string[];
  /**
   * Native reader: when each file the package was read from was written, as its tar member says (one per
   * real path). A build-time source for the packages an IOC names (docs/ioc-format.md).
   */
  written?: FileTime[];
}

/** When a file in an image was written: its tar member's mtime, as the runtime sets it on the path. */
export interface FileTime {
  /** Absolute path of the file in the image (its real path, not a symlinked view of it). */
  path: string;
  /** ISO 8601, to the millisecond. */
  time: string;
  /** The layer whose member set the time. */
  layer?: string;
  /** Why the time says nothing, when it does not: every member of its layer carries this one time (clamped). */
  note?: string;
}

/** Where an image's package list came from. Version strings are evidence, not proof. */
export interface Evidence {
  kind: 'sbom-file' | 'attestation' | 'buildkit-attestation' | 'cosign' | 'syft' | 'grype' | 'native' | 'cache' | 'lockfile';
  /** For attestations: whether a signature was verified, and how. */
  verified?: boolean;
  /** Human detail: file path, tool version, key used, SBOM format. */
  detail?: string;
  /** SBOM format the packages were decoded from, e.g. `spdx-json-2.3`. */
  format?: string;
  /** Which reader and version produced the packages (native: `sbom-hunt-native/N`); the cache re-reads other versions. */
  reader?: string;
  /** For a cached answer (`kind: cache`): how the SBOM was first obtained. */
  cachedFrom?: Exclude<Evidence['kind'], 'cache'>;
}
