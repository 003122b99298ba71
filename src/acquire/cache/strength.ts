// How an SBOM was obtained and verified, as an order: a stricter run never reuses a weaker entry.
import type { Evidence } from '../../model/package.js';
import type { AcquiredPlatform } from '../../model/target.js';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** unverified: an attestation whose signature was not checked; scanned: read from the image bytes by digest; verified: signature checked. */
export const STRENGTHS = ['unverified', 'scanned', 'verified'] as const;
export type Strength = (typeof STRENGTHS)[number];

export function strengthRank(s: Strength): number {
  return STRENGTHS.indexOf(s);
}

/** What a run accepts from the cache. `verifier` names the key or identity a verified entry must match. */
export interface CachePolicy {
  minStrength: Strength;
  verifier?: string;
}

/** The strength of an acquisition, or undefined when it is not worth caching (user files, cache hits, lockfiles). */
export function strengthOf(evidence: Evidence | undefined): Strength | undefined {
  switch (evidence?.kind) {
    case 'cosign':
    case 'attestation':
    case 'buildkit-attestation':
      return evidence.verified ? 'verified' : 'unverified';
    case 'syft':
    case 'grype':
    case 'native':
      return 'scanned';
    default:
      return undefined;
  }
}

/**
 * An entry verified under another key or identity proves nothing to this run's policy: it counts as
 * unverified here.
 */
export function effectiveStrength(stored: Strength, storedVerifier: string, policy: CachePolicy): Strength {
  if (stored === 'verified' && policy.verifier !== undefined && storedVerifier !== policy.verifier) return 'unverified';
  return stored;
}

/** The strength to store under, or undefined when the acquisition must not be cached. */
export function cacheableStrength(entry: { digest: string; platforms: readonly AcquiredPlatform[] }): Strength | undefined {
  if (!DIGEST.test(entry.digest) || entry.platforms.length === 0) return undefined;
  const strengths = entry.platforms.map((p) => (p.errors.length === 0 ? strengthOf(p.evidence) : undefined));
  const kinds = new Set(entry.platforms.map((p) => p.evidence?.kind));
  if (kinds.size !== 1 || strengths.some((s) => s === undefined)) return undefined;
  // Platforms read differently would be one entry at the weakest of them.
  return STRENGTHS[Math.min(...strengths.map((s) => strengthRank(s!)))];
}
