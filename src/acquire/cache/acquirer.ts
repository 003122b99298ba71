// The cache as the chain's first link, and the wrapper that stores what the other links acquire.
import type { FileIndicator } from '../../model/ioc.js';
import type { AcquiredImage, AcquiredPlatform, Target } from '../../model/target.js';
import { fileIndicatorKey } from '../../match/match-files.js';
import type { Acquirer } from '../acquirer.js';
import { notMine } from '../acquirer.js';
import type { CacheStore } from './store.js';
import type { CachePolicy } from './strength.js';

/** Only a digest names content; a tag or a file path may point at something else tomorrow. */
function digestOf(target: Target): string | undefined {
  return target.kind === 'registry' || target.kind === 'oci-layout' ? target.digest : undefined;
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function cacheAcquirer(store: CacheStore, policy: CachePolicy): Acquirer {
  return {
    name: 'cache',
    async acquire(target, ctx) {
      const digest = digestOf(target);
      if (!digest) return notMine('no digest to look up');
      let hit;
      try {
        hit = store.get(digest, policy);
      } catch (err) {
        // A cache that cannot be read only costs time: the next links acquire the image.
        return notMine(`cache unreadable: ${reasonOf(err)}`);
      }
      if (!hit) return notMine(`not cached at ${policy.minStrength} strength or better`);
      if (hit.method === 'native' && !hit.image.platforms.every((p) => looked(p, ctx.fileIndicators ?? []))) {
        return notMine('cached native read did not look for every file indicator of this scan');
      }
      return { ok: true, image: { ...hit.image, ref: target.ref } };
    },
  } satisfies Acquirer;
}

/**
 * Stores a finished acquisition when it is complete and error-free; returns whether it did.
 * A failure to write is a warning, never the image's problem.
 */
export function storeAcquired(store: CacheStore, target: Target, image: AcquiredImage, policy: CachePolicy, warn?: (m: string) => void): boolean {
  const digest = digestOf(target);
  // A result read by tag, or about another digest than asked for, must not answer for the digest later.
  if (!digest || (image.digest && image.digest !== digest) || image.errors.length > 0) return false;
  try {
    return store.put({ digest, ref: image.ref, platforms: image.platforms, ...(image.skipped ? { skipped: image.skipped } : {}), ...(policy.verifier ? { verifier: policy.verifier } : {}) });
  } catch (err) {
    warn?.(`cache: could not store ${image.ref}: ${reasonOf(err)}`);
    return false;
  }
}

/** The chain with the cache in front and every other link's successful results stored. */
export function withCache(chain: readonly Acquirer[], store: CacheStore, policy: CachePolicy, warn?: (m: string) => void): Acquirer[] {
  const storing = chain.map(
    (link): Acquirer => ({
      name: link.name,
      async acquire(target, ctx) {
        const outcome = await link.acquire(target, ctx);
        if (outcome.ok) storeAcquired(store, target, outcome.image, policy, warn);
        return outcome;
      },
    }),
  );
  return [cacheAcquirer(store, policy), ...storing];
}

/** A native read answers for file indicators only when it looked for each of them. */
function looked(p: AcquiredPlatform, indicators: readonly FileIndicator[]): boolean {
  if (indicators.length === 0) return true;
  const checked = new Set(p.files?.checked ?? []);
  return indicators.every((f) => checked.has(fileIndicatorKey(f)));
}
