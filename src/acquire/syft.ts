// Acquire by running syft on the image (registry by digest, OCI layout, docker archive).
import { sbomFacts } from '../formats/decoder.js';
import { toolAvailability } from '../adapters/exec.js';
import { runSyftScan, syftSource, type SyftScan } from '../adapters/syft.js';
import type { AcquiredImage, AcquireOutcome, Target } from '../model/target.js';
import type { AcquireContext, Acquirer } from './acquirer.js';
import { notApplicable, notMine } from './acquirer.js';
import {
  createdFromConfig,
  credentialFor,
  decodeToolOutput,
  DEFAULT_TOOL_TIMEOUT_MS,
  failedImage,
  targetDigest,
  toolFailure,
  type ToolAcquireOptions,
} from './tools.js';

export interface SyftAcquireOptions extends ToolAcquireOptions {
  /** `os/arch` to pick from a multi-platform index; syft's own default is the host's platform. */
  platform?: string;
}

/** Why syft cannot take this target, or undefined when it can. */
export function syftDeclines(target: Target): AcquireOutcome | undefined {
  if (!syftSource(target)) return notApplicable(`syft does not read ${target.kind} targets`);
  if (!toolAvailability('syft').available) return notMine('syft not installed');
  return undefined;
}

/** Runs syft and builds the image; a failure is this image's error. Shared with the grype acquirer. */
export async function scanWithSyft(
  target: Target,
  ctx: AcquireContext,
  opts: SyftAcquireOptions,
): Promise<{ outcome: AcquireOutcome; scan?: SyftScan }> {
  let scan: SyftScan;
  try {
    scan = await runSyftScan(target, {
      timeoutMs: opts.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      credential: await credentialFor(target, opts),
      insecureRegistries: ctx.insecureRegistries,
      ...(opts.platform ? { platform: opts.platform } : {}),
    });
  } catch (err) {
    return { outcome: failedImage(target, toolFailure('syft', err)) };
  }
  try {
    const decoded = decodeToolOutput(scan.text, `syft scan ${scan.source}`, (f) => f === 'syft-json');
    const digest = targetDigest(target) ?? decoded.subject?.digest;
    const created = createdFromConfig(scan.imageConfig, scan.manifestDigest ?? scan.source);
    const image: AcquiredImage = {
      ref: target.ref,
      ...(digest ? { digest } : {}),
      platforms: [
        {
          ...(scan.platform ? { platform: scan.platform } : {}),
          ...(scan.manifestDigest ? { digest: scan.manifestDigest } : {}),
          packages: decoded.packages,
          ...sbomFacts(decoded),
          ...(created ? { created } : {}),
          evidence: { kind: 'syft', format: decoded.format, detail: `syft ${scan.toolVersion ?? '(version unknown)'} scan ${scan.source}` },
          errors: [],
          notes: scanNotes(target, scan),
        },
      ],
      errors: [],
    };
    return { outcome: { ok: true, image }, scan };
  } catch (err) {
    return { outcome: failedImage(target, toolFailure('syft', err)) };
  }
}

function scanNotes(target: Target, scan: SyftScan): string[] {
  const notes: string[] = [];
  if (target.kind === 'registry' && !target.digest) notes.push('scanned by tag: the digest was not known, so the result may not match what runs');
  const asked = targetDigest(target);
  // An index digest resolves to one platform's manifest: the other platforms were not read.
  if (asked && scan.manifestDigest && scan.manifestDigest !== asked) {
    notes.push(`syft read one platform (${scan.platform ?? 'host default'}, ${scan.manifestDigest}) of ${asked}; other platforms of a multi-platform image were not read`);
  }
  return notes;
}

export function syftAcquirer(opts: SyftAcquireOptions = {}): Acquirer {
  return {
    name: 'syft',
    async acquire(target, ctx) {
      const declined = syftDeclines(target);
      if (declined) return declined;
      return (await scanWithSyft(target, ctx, opts)).outcome;
    },
  } satisfies Acquirer;
}
