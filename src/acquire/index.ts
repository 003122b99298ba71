// Stage 2, image -> packages: run a target through the chain; each link says "not mine" as a value.
import type { AcquiredImage, Target } from '../model/target.js';
import type { AcquireContext, Acquirer } from './acquirer.js';

/** Run the chain for one target; a target no link takes is `unknown` with every link's reason. */
export async function acquireTarget(target: Target, ctx: AcquireContext, chain: Acquirer[]): Promise<AcquiredImage> {
  const declined: string[] = [];
  for (const link of chain) {
    ctx.onStage?.(target, link.name);
    try {
      const outcome = await link.acquire(target, ctx);
      if (outcome.ok) return outcome.image;
      declined.push(`${link.name}: ${outcome.notMine}`);
    } catch (err) {
      // A failure on one image goes into its reasons; the scan goes on.
      return { ref: target.ref, platforms: [], errors: [`${link.name}: ${errorText(err)}`] };
    }
  }
  return { ref: target.ref, platforms: [], errors: [`no way to read this target (${declined.join('; ')})`] };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
