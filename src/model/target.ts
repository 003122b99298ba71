// What inventory hands to acquisition (a target), and what acquisition hands back (an acquired image).
import type { Evidence, FileTime, Package } from './package.js';
import type { CreatedTime } from './finding.js';

/** Something to scan, as found by an inventory source. */
export type Target =
  | { kind: 'sbom-file'; ref: string; path: string }
  | { kind: 'oci-layout'; ref: string; path: string; digest?: string }
  | { kind: 'docker-archive'; ref: string; path: string }
  | {
      kind: 'registry';
      ref: string;
      registry: string;
      repository: string;
      tag?: string;
      digest?: string;
      /** Listed by tag (a `registry:` listing, an image list): pinned to the digest its tag names before it is read. */
      pinTag?: boolean;
      /** Milliseconds the tag-to-digest lookup took: spent from the image's --image-timeout. */
      lookupMs?: number;
    }
  | { kind: 'directory'; ref: string; path: string };

export type TargetKind = Target['kind'];

/** Packages read from one platform of an image (or from one SBOM). */
export interface AcquiredPlatform {
  platform?: string;
  digest?: string;
  packages: Package[];
  /** How many packages the platform holds when `packages` lists only some (a hunt over the cache index). */
  packageTotal?: number;
  created?: CreatedTime;
  evidence?: Evidence;
  /** Why the platform could not be fully read. Non-empty makes it `unknown`. */
  errors: string[];
  /** Informational remarks that belong in the report's reasons (e.g. skipped unsafe paths). */
  notes: string[];
  /** The files file indicators are matched against; absent when the source lists no files (they cannot be checked). */
  files?: FileListing;
  /** What the manifest and config say (layers, config digest): image indicators need no layer read. */
  image?: ImageFacts;
}

/** An image platform as its manifest and config describe it. */
export interface ImageFacts {
  /** Config digest (`docker images`' IMAGE ID). */
  config?: string;
  /** Layer blob digests as the manifest lists them, bottom first. */
  layers: string[];
  /** The config's `rootfs.diff_ids` (digests of the uncompressed layers), bottom first. */
  diffIds: string[];
}

/** One file of a platform, as file indicators need it. */
export interface FileRecord {
  /** Absolute path in the image (`/usr/lib/python3.12/site-packages/litellm_init.pth`); one record per path a program sees. */
  path: string;
  /** Bytes, when known. */
  size?: number;
  /** Lower-case hex SHA-256 of the content, when it was hashed (native) or the SBOM gives it. */
  sha256?: string;
  /** Layer digest the file was read from (native reader). */
  layer?: string;
  /** Only in a layer that a later layer deleted or replaced: the build had it, the final filesystem does not. */
  deleted?: boolean;
  /** The path is a symlink (its target as written); size and hash are its target's, when that was recorded. */
  link?: string;
  /** Native reader: when the file was written (its tar mtime), a build-time source when an indicator matches it. */
  written?: FileTime;
}

/**
 * `native`: the reader looked at every regular file of every layer for the file indicators whose keys are in
 * `checked` (see match/file-key.ts) and lists those that could match, hashed where an indicator needs it.
 * `sbom`: the files an SBOM lists, with the hashes it gives.
 */
export interface FileListing {
  kind: 'native' | 'sbom';
  records: FileRecord[];
  checked?: string[];
}

/**
 * The image an SBOM says it describes (CycloneDX metadata.component, SPDX's described package, syft's source):
 * what a reader searches a report for when the scanned thing is only an SBOM file's path.
 */
export interface DescribedImage {
  name?: string;
  version?: string;
  /** `sha256:...` when the SBOM names the image's digest. */
  digest?: string;
  purl?: string;
  /** `alg:hex`, lower-case algorithm without dashes (`sha256:…`), as the SBOM lists them. */
  hashes?: string[];
}

export interface AcquiredImage {
  ref: string;
  /** From an SBOM file: the image it describes. */
  describes?: DescribedImage;
  /** Manifest or index digest, `sha256:...`, when known. */
  digest?: string;
  platforms: AcquiredPlatform[];
  /** Image-level failures: nothing could be read. Non-empty makes the image `unknown`. */
  errors: string[];
  /** Index entries not read as platforms (attestations, artifacts, another platform than asked for), with why. */
  skipped?: SkippedEntry[];
}

export interface SkippedEntry {
  digest: string;
  platform?: string;
  reason: string;
}

/** One link of the acquisition chain returns a result or says, as a value, that the target is not its. */
/** `applies: false`: this link never reads targets of this kind, so its reason is no help to the person reading an unknown. */
export type AcquireOutcome = { ok: true; image: AcquiredImage } | { ok: false; notMine: string; applies?: false };
