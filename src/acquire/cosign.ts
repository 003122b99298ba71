// Acquire a signed SBOM attestation through `cosign verify-attestation`: cosign checks the signature, we read the SBOM.
import { sbomFacts } from '../formats/decoder.js';
import {
  cosignVersion,
  isNoAttestation,
  policyLabel,
  SBOM_ATTESTATION_TYPES,
  verifyAttestation,
  type CosignPolicy,
  type SbomAttestationType,
} from '../adapters/cosign.js';
import { toolAvailability } from '../adapters/exec.js';
import type { DecodedSbom } from '../formats/index.js';
import type { AcquiredImage, AcquireOutcome, Target } from '../model/target.js';
import type { Acquirer } from './acquirer.js';
import { notApplicable, notMine } from './acquirer.js';
import { decodeToolOutput, DEFAULT_TOOL_TIMEOUT_MS, failedImage, toolFailure } from './tools.js';
import { sbomCreated } from '../match/build-time.js';

export interface CosignAcquireOptions {
  /** Without a policy cosign cannot verify anything, and this link steps aside. */
  policy?: CosignPolicy;
  timeoutMs?: number;
  types?: readonly SbomAttestationType[];
}

/** cosign reads attestations from a registry, and only a digest names exactly the image that runs. */
export function cosignRef(target: Target): string | undefined {
  if (target.kind !== 'registry' || !target.digest) return undefined;
  return `${target.registry}/${target.repository}@${target.digest}`;
}

/** The chain names the link already: the reason starts at the command. */
function reasonOf(err: unknown): string {
  return toolFailure('cosign', err).slice('cosign: '.length);
}

function imageFrom(target: Target & { kind: 'registry' }, sbom: DecodedSbom, detail: string): AcquiredImage {
  return {
    ref: target.ref,
    ...(target.digest ? { digest: target.digest } : {}),
    platforms: [
      {
        ...(target.digest ? { digest: target.digest } : {}),
        packages: sbom.packages,
        ...sbomFacts(sbom),
        ...(sbom.created ? { created: sbomCreated(sbom.created, 'attested SBOM creation time')! } : {}),
        evidence: { kind: 'cosign', verified: true, format: sbom.format, detail },
        errors: [],
        notes: [],
      },
    ],
    errors: [],
  };
}

/**
 * Tries each SBOM type in turn. No attestation, or none that verifies, is "not mine": the next link
 * (syft, native) can still read the image. So is a cosign failure, whose reason is kept for the report.
 */
export function cosignAcquirer(opts: CosignAcquireOptions = {}): Acquirer {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  return {
    name: 'cosign',
    async acquire(target, ctx): Promise<AcquireOutcome> {
      const ref = cosignRef(target);
      if (target.kind !== 'registry') return notApplicable('cosign reads registry images');
      if (!ref) return notMine('cosign needs a registry image pinned by digest');
      if (!opts.policy) return notMine('no --key or certificate identity given to verify attestations with');
      if (!toolAvailability('cosign').available) return notMine('cosign not installed');
      const run = { timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) };
      const misses: string[] = [];
      for (const type of opts.types ?? SBOM_ATTESTATION_TYPES) {
        let text: string;
        try {
          text = await verifyAttestation(ref, type, opts.policy, run);
        } catch (err) {
          if (!isNoAttestation(err)) return notMine(reasonOf(err));
          misses.push(type);
          continue;
        }
        let sbom: DecodedSbom;
        try {
          sbom = decodeToolOutput(text, `cosign verify-attestation --type ${type} ${ref}`, (f) => f.startsWith('in-toto/'));
        } catch (err) {
          return notMine(reasonOf(err));
        }
        // cosign checked the signature; the statement must also be about this image, not another one.
        if (sbom.subject?.digest && sbom.subject.digest !== target.digest) {
          return failedImage(target, `cosign: attestation subject ${sbom.subject.digest} is not the image ${target.digest}`);
        }
        const version = await cosignVersion(run);
        return { ok: true, image: imageFrom(target, sbom, `cosign ${version ?? '(version unknown)'} verify-attestation --type ${type}, ${policyLabel(opts.policy)}`) };
      }
      return notMine(`no ${misses.join(' or ')} attestation verified under ${policyLabel(opts.policy)}`);
    },
  } satisfies Acquirer;
}
