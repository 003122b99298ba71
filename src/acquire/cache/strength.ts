// How an SBOM was obtained and verified, as an order: a stricter run never reuses a weaker entry.
import type { Evidence } from '../../model/package.js';

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
