// Stage 2, image -> packages: run a target through the chain; each link says "not mine" as a value.
import type { AcquiredImage, Target } from '../model/target.js';
import type { AcquireContext, Acquirer } from './acquirer.js';

/** Run the chain for one target; a target no link takes is `unknown` with every link's reason. */
export async function acquireTarget(target: Target, ctx: AcquireContext, chain: Acquirer[]): Promise<AcquiredImage> {
  const declined: string[] = [];
  const inapplicable: string[] = [];
  for (const link of chain) {
    ctx.onStage?.(target, link.name);
    try {
      const outcome = await link.acquire(target, ctx);
      if (outcome.ok) return withTargetDigest(outcome.image, target);
      (outcome.applies === false ? inapplicable : declined).push(`${link.name}: ${outcome.notMine}`);
    } catch (err) {
      // A failure on one image goes into its reasons; the scan goes on.
      return withTargetDigest({ ref: target.ref, platforms: [], errors: [`${link.name}: ${errorText(err)}`] }, target);
    }
  }
  // The cause first, and only the links that could have read this kind of target: a registry image's reason
  // does not list the SBOM-file and directory readers.
  const why = declined.length > 0 ? `${declined.join('; ')} (no SBOM source could read it)` : `no SBOM source reads ${target.kind} targets (${inapplicable.join('; ')})`;
  return withTargetDigest({ ref: target.ref, platforms: [], errors: [why] }, target);
}

/** An image that ends unknown still carries the digest its tag was resolved to, so on-call can pin it. */
function withTargetDigest(image: AcquiredImage, target: Target): AcquiredImage {
  if (image.digest || !('digest' in target) || !target.digest) return image;
  return { ...image, digest: target.digest };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
