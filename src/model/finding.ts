// Matches of packages against IOCs, and the scanned image results they roll up into.
import type { Evidence } from './package.js';
import type { Verdict } from './verdict.js';

export interface Match {
  incident: string;
  ecosystem: string;
  name: string;
  version: string;
  /** Paths of the package inside the image. */
  paths: string[];
  /** How the IOC matched: an exact version, a range, or any version (name-only IOC). */
  matchedBy: 'version' | 'range' | 'any-version';
  /** The IOC version or range that matched (empty for any-version). */
  iocVersion: string;
  reference?: string;
  /**
   * For lockfile findings: the `name@version` chain from a direct dependency down to this package's parent
   * (`['axios@1.14.1']` for the transitive plain-crypto-js); `[]` for a direct dependency.
   */
  dependencyPath?: string[];
  /** False when the package is only in a lower layer that a later layer deleted. */
  inFinalFilesystem: boolean;
}

export interface WindowCheck {
  incident: string;
  start: string;
  end: string;
  /** inside: built inside; outside; unreliable: timestamp missing or at the epoch. */
  outcome: 'inside' | 'outside' | 'unreliable';
}

export interface CreatedTime {
  /** ISO timestamp as read, or undefined when missing. */
  value?: string;
  /** Where it came from: config `created`, label `org.opencontainers.image.created`, SBOM metadata. */
  source?: string;
  reliable: boolean;
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

/** The judged result for one image (or one SBOM file). Top-level fields summarise all platforms. */
export interface ImageResult {
  ref: string;
  digest?: string;
  /** Worst verdict across platforms. */
  verdict: Verdict;
  reasons: string[];
  packageCount: number;
  created?: CreatedTime;
  windows: WindowCheck[];
  source?: Evidence;
  matches: Match[];
  /** Every platform's own result; one entry for a single-platform image. */
  platforms: PlatformResult[];
  workloads: Workload[];
}
