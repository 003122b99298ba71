// The acquisition interface: each way of getting an image's packages returns a result or says "not mine".
import type { FileIndicator } from '../model/ioc.js';
import type { AcquireOutcome, Target } from '../model/target.js';

export interface AcquireContext {
  signal?: AbortSignal;
  insecureRegistries: string[];
  /** Input errors in user-given files; they make the run exit 2 after the report is written. */
  inputErrors: string[];
  /** Progress: the link about to try this target (for the spinner's "current stage"). */
  onStage?: (target: Target, link: string) => void;
  /** The scan's file indicators: the native reader records and hashes the files that could match them. */
  fileIndicators?: readonly FileIndicator[];
}

export interface Acquirer {
  name: string;
  acquire(target: Target, ctx: AcquireContext): Promise<AcquireOutcome>;
}

export function notMine(reason: string): AcquireOutcome {
  return { ok: false, notMine: reason };
}

/** "Not mine" because of the target's kind (an SBOM-file reader asked about a registry image), not this image. */
export function notApplicable(reason: string): AcquireOutcome {
  return { ok: false, notMine: reason, applies: false };
}
