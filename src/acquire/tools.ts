// Shared by the tool-backed acquirers (syft, grype, cosign): options, credentials, and results built from a tool's SBOM.
import type { ToolCredential } from '../adapters/syft.js';
import { InputError } from '../errors.js';
import { decodeSbom, type DecodedSbom } from '../formats/index.js';
import type { CreatedTime } from '../model/finding.js';
import type { AcquireOutcome, Target } from '../model/target.js';
import { createdTime, parseImageConfig } from './native/config.js';

export interface ToolAcquireOptions {
  /** Time limit for one tool run on one image. */
  timeoutMs?: number;
  /** Registry credentials (the OCI adapter's lookup fits); passed to the tool by environment only. */
  credentials?: (registry: string) => Promise<ToolCredential | undefined>;
}

export const DEFAULT_TOOL_TIMEOUT_MS = 10 * 60_000;

/** The digest the target is pinned to, when it is. */
export function targetDigest(target: Target): string | undefined {
  return target.kind === 'registry' || target.kind === 'oci-layout' ? target.digest : undefined;
}

/** An image that could not be read: `unknown`, with the reason, and the scan goes on. */
export function failedImage(target: Target, message: string): AcquireOutcome {
  const digest = targetDigest(target);
  return { ok: true, image: { ref: target.ref, ...(digest ? { digest } : {}), platforms: [], errors: [message] } };
}

export async function credentialFor(target: Target, opts: ToolAcquireOptions): Promise<ToolCredential | undefined> {
  if (target.kind !== 'registry' || !opts.credentials) return undefined;
  return opts.credentials(target.registry);
}

/**
 * Decodes what a tool printed. The output is the tool's, not the user's, so a bad document is this
 * image's error (InputError with the command as its "file"), never one of the run's input errors.
 */
export function decodeToolOutput(text: string, label: string, expected: (format: string) => boolean): DecodedSbom {
  if (!text.trim()) throw new InputError(label, 'printed nothing');
  const decoded = decodeSbom(text, label);
  if (!expected(decoded.format)) throw new InputError(label, `printed ${decoded.format}, not the format asked for`);
  return decoded;
}

/** The build time from the image config syft embeds; a config that will not parse tells nothing. */
export function createdFromConfig(config: Buffer | undefined, label: string): CreatedTime | undefined {
  if (!config) return undefined;
  try {
    return createdTime(parseImageConfig(config, label));
  } catch {
    return { reliable: false };
  }
}

/** One line for an image's reasons, from anything thrown while running or reading a tool. */
export function toolFailure(tool: string, err: unknown): string {
  // Not index.ts's errorText: the chain imports this file, and a cycle would load it half-initialised.
  const text = err instanceof Error ? err.message : String(err);
  return text.startsWith(`${tool}: `) ? text : `${tool}: ${text}`;
}
