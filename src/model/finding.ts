// Matches of packages against IOCs, and the scanned image results they roll up into.
import type { Evidence } from './package.js';
import type { DescribedImage } from './target.js';
import type { Verdict } from './verdict.js';

/**
 * Which kind of evidence tied an image to an incident (docs/report-schema.md#matchkind):
 * a package by exact version, by range or by name alone (every version); a file by path or by hash; an
 * image by name, by digest, or by carrying a compromised image's layers as its base; a lockfile entry by
 * its resolved tarball URL or by its integrity hash.
 */
export const MATCH_KINDS = [
  'package-version',
  'package-range',
  'package-any-version',
  'file-path',
  'file-hash',
  'image-name',
  'image-digest',
  'base-image-layers',
  'lockfile-resolved-url',
  'lockfile-integrity',
] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

/** The coarse kind kept from report schema 1.0 (`version`, `range`, `any-version`), extended for the new kinds. */
export const MATCHED_BY = ['version', 'range', 'any-version', 'file', 'image', 'integrity'] as const;

export interface Match {
  incident: string;
  ecosystem: string;
  name: string;
  version: string;
  /** Paths of the package inside the image. */
  paths: string[];
  /**
   * How the IOC matched: an exact version, a range, or any version (name-only IOC); `file`, `image` and
   * `integrity` for the indicator kinds of the same names (matchKind says more).
   */
  matchedBy: (typeof MATCHED_BY)[number];
  /** The evidence kind, finer than matchedBy. */
  matchKind: MatchKind;
  /**
   * The IOC value that matched: version or range (empty for any-version), the file glob or SHA-256, the image
   * ref or digest, the base image's ref (or its top layer digest), the integrity hash.
   */
  iocVersion: string;
  /** A sentence the finding adds to its reason (`its purl says axios@1.14.1`, `built FROM docker.io/x:1`). */
  detail?: string;
  /** For files: the layer the file was read from, when the reader knows it. */
  layer?: string;
  /** For files: the SHA-256 of the file's content, when it was hashed. */
  sha256?: string;
  reference?: string;
  /**
   * For lockfile findings: the `name@version` chain from a direct dependency down to this package's parent
   * (`['axios@1.14.1']` for the transitive plain-crypto-js); `[]` for a direct dependency.
   */
  dependencyPath?: string[];
  /** False when the package is only in a lower layer that a later layer deleted, or only in a download cache. */
  inFinalFilesystem: boolean;
}

export interface WindowCheck {
  incident: string;
  start: string;
  end: string;
  /** inside: built inside; outside; unreliable: timestamp missing or at the epoch. */
  outcome: 'inside' | 'outside' | 'unreliable';
  /** `push` when the registry's push time (an upper bound on the build) decided; absent when the build time did. */
  basis?: 'build' | 'push' | 'file';
  /** The file whose write time decided (`basis: file`): a file of a package the incident names, written inside the window. */
  file?: { path: string; time: string; package: string; layer?: string; deleted?: boolean };
  /** Why, when the push time decided: `first pushed 2026-03-30T10:00:00Z (Docker Hub tag_last_pushed), before the window opened`. */
  reason?: string;
  /**
   * 1.6, only in a bulk run (src/model/bulk.ts): on an entry for every incident (`incident: "*"`), how many windows
   * had this outcome; `start` and `end` are the earliest start and the latest end among them.
   */
  incidents?: number;
}

/** Where a time came from. `push` and `file` are observations (an upper and a lower bound); the rest are build-time claims. */
export const TIME_SOURCE_KINDS = ['provenance', 'config', 'label', 'history', 'sbom', 'registry-created', 'push', 'file'] as const;
export type TimeSourceKind = (typeof TIME_SOURCE_KINDS)[number];

/** One time an image carries or a registry reports, labelled, with why it is not trusted when it is not. */
export interface TimeSource {
  kind: TimeSourceKind;
  /** Human label: `config created`, `SLSA provenance buildFinishedOn`, `registry push time (Docker Hub tag_last_pushed)`. */
  source: string;
  /** ISO timestamp as read. */
  value: string;
  reliable: boolean;
  /** Why it is not reliable (placeholder, in the future, after the push time, not verified). */
  note?: string;
  /** Provenance: whether a signature over it was verified. */
  verified?: boolean;
}

export interface CreatedTime {
  /** ISO timestamp as read, or undefined when missing: the build time that decided. */
  value?: string;
  /** Where it came from: config `created`, label `org.opencontainers.image.created`, SBOM metadata. */
  source?: string;
  reliable: boolean;
  /** Why the build time is unreliable, when it is. */
  note?: string;
  /** The earliest push time a registry reported for this digest: the build happened before it. */
  pushed?: string;
  /** Which registry API gave `pushed`. */
  pushedSource?: string;
  /** Every time source seen, the deciding one among them. */
  sources?: TimeSource[];
}

/** One platform of an image (or the single platform of a non-index image). */
export interface PlatformResult {
  platform?: string;
  digest?: string;
  verdict: Verdict;
  reasons: string[];
  packageCount: number;
  created?: CreatedTime;
  windows: WindowCheck[];
  matches: Match[];
  source?: Evidence;
  /** 1.2, only with `--include-packages` (and for `-f cyclonedx` / `-f spdx-json`): every package read. */
  packages?: InventoryPackage[];
  /**
   * 1.5. Incidents the platform could not be fully checked for although it has a verdict above unknown (an
   * indicator it could not look for, part of it unread): for those it is unknown, whatever else it holds.
   */
  unchecked?: UncheckedIncident[];
}

/** An incident a platform or image was not fully checked for, and why. */
export interface UncheckedIncident {
  incident: string;
  why: string;
}

/** One package as read from the platform, for the inventory output. */
export interface InventoryPackage {
  ecosystem: string;
  name: string;
  version: string;
  purl?: string;
  paths: string[];
  layer?: string;
  /** In a lower layer, deleted by a later one: not in the final filesystem. */
  deleted?: boolean;
  location?: 'download-cache';
}

/** A workload that runs an image (filled by the Kubernetes inventory). */
export interface Workload {
  context: string;
  namespace: string;
  kind: string;
  name: string;
  container: string;
  pods: number;
}

/** One acknowledgement in force on an image: which incident, what it was, who said so, why, until when, and where. */
export interface AppliedAcknowledgement {
  incident: string;
  was: 'affected' | 'suspect';
  reason: string;
  who: string;
  expires?: string;
  /** `FILE:LINE` of the ignore-file entry, or `FILE (statement N)` of the OpenVEX statement. */
  source: string;
}

/** The judged result for one image (or one SBOM file). Top-level fields summarise all platforms. */
export interface ImageResult {
  /**
   * Absent for an image (or SBOM file). `source`: not an image but a part of the inventory that could not be
   * enumerated or yielded nothing (a catalog that refused, an empty `sbom:` folder, a malformed `--images`
   * line, a missing shard); always `unknown`, counted against coverage.
   */
  kind?: 'source';
  ref: string;
  digest?: string;
  /** Worst verdict across platforms. */
  verdict: Verdict;
  reasons: string[];
  packageCount: number;
  created?: CreatedTime;
  windows: WindowCheck[];
  source?: Evidence;
  /** 1.2. From an SBOM file: the image the SBOM says it describes. */
  describes?: DescribedImage;
  /** 1.3. The incidents a person acknowledged for this image, with what the verdict was without them. */
  acknowledged?: AppliedAcknowledgement[];
  matches: Match[];
  /** Every platform's own result; one entry for a single-platform image. */
  platforms: PlatformResult[];
  workloads: Workload[];
  /** 1.5. As on a platform: the incidents this image, affected or suspect for another, was not fully checked for. */
  unchecked?: UncheckedIncident[];
}
