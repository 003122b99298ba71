// `sbom-hunt cache prune --older-than 30d`: an age from the command line, and the run's cache policy from its flags.
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.js';
import { UsageError } from '../../errors.js';
import type { CachePolicy } from './strength.js';

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const Age = lazySchema(() =>
  z.string().trim().regex(/^\d+[mhdw]$/, 'an age like 90m, 12h, 30d or 4w'),
);

/** The moment `age` before `now`; a UsageError naming the flag when the text is not an age. */
export function olderThan(age: string, now: Date = new Date(), flag = '--older-than'): Date {
  const parsed = Age.safeParse(age);
  if (!parsed.success) throw new UsageError(`${flag}: expected ${parsed.error.issues[0]?.message ?? 'an age'}, got "${age}"`);
  const unit = UNITS[parsed.data.slice(-1)]!;
  return new Date(now.getTime() - Number(parsed.data.slice(0, -1)) * unit);
}

export interface PolicyFlags {
  /** The cosign policy's label (policyLabel) when --key or a certificate identity was given. */
  verifier?: string;
  /** `--allow-unverified-attestations`. */
  allowUnverified?: boolean;
  /** Only signed SBOMs will do (e.g. `--sbom-sources cosign`). */
  requireVerified?: boolean;
}

/** What this run accepts from the cache: never weaker than what it would accept fresh. */
export function cachePolicyFor(flags: PolicyFlags): CachePolicy {
  const minStrength = flags.requireVerified ? 'verified' : flags.allowUnverified ? 'unverified' : 'scanned';
  return { minStrength, ...(flags.verifier ? { verifier: flags.verifier } : {}) };
}
