// Acquire from an SBOM file given by the user: decode it, keep where it came from. An attestation file is
// checked against --key or --trusted-root when one is given; a failed check refuses it like a registry one.
import { sbomFacts } from '../formats/decoder.js';
import type { DecodedSbom } from '../formats/index.js';
import { decodeFileAnywhere, outcomeError } from './decode-pool.js';
import { InputError } from '../errors.js';
import type { AcquiredImage, AcquiredPlatform } from '../model/target.js';
import type { Evidence } from '../model/package.js';
import type { Acquirer } from './acquirer.js';
import { notApplicable } from './acquirer.js';
import { readAttestedSbom, type AttestedSbomPolicy } from './attestation/envelopes.js';
import { sbomCreated } from '../match/build-time.js';

/** The SBOM and its evidence; an attestation is verified only when the run has a key or a trusted root. */
function readSbomFile(sbom: DecodedSbom, text: string | undefined, file: string, policy: AttestedSbomPolicy): { sbom: DecodedSbom; evidence: Evidence } | { refused: string } {
  if (sbom.attestation === undefined) return { sbom, evidence: { kind: 'sbom-file', format: sbom.format, detail: file } };
  if (!policy.key && !policy.keyless) {
    return { sbom, evidence: { kind: 'sbom-file', format: sbom.format, verified: false, detail: `${file} (attestation read from a file: signature not verified)` } };
  }
  const read = readAttestedSbom(text ?? '', file, policy);
  if ('refused' in read) return { refused: `${file}: ${read.refused}` };
  return { sbom: read.sbom, evidence: { ...read.evidence, kind: 'sbom-file' } };
}

function platformOf(sbom: DecodedSbom, evidence: Evidence): AcquiredPlatform {
  const attested = sbom.attestation !== undefined;
  return {
    packages: sbom.packages,
    ...(sbom.packageTotal !== undefined ? { packageTotal: sbom.packageTotal } : {}),
    ...sbomFacts(sbom),
    created: sbomCreated(sbom.created, attested ? 'attestation SBOM creation time' : 'SBOM creation time'),
    evidence,
    errors: [],
    notes: attested && !evidence.verified ? ['SBOM read from an attestation whose signature was not verified'] : [],
  };
}

export function createSbomFileAcquirer(policy: AttestedSbomPolicy = { allowUnverified: true }): Acquirer {
  return {
    name: 'sbom-file',
    async acquire(target, ctx) {
      if (target.kind !== 'sbom-file') return notApplicable('not an SBOM file');
      const image: AcquiredImage = { ref: target.ref, platforms: [], errors: [] };
      // Read and decoded on a worker thread when the bundled CLI has them: the same code, the same answer.
      const outcome = await decodeFileAnywhere(target.path);
      if (!outcome.ok && outcome.kind === 'read') {
        const msg = `${target.path}: cannot read: ${outcome.code}`;
        ctx.inputErrors.push(msg);
        image.errors.push(msg);
        return { ok: true, image };
      }
      try {
        if (!outcome.ok) throw outcomeError(outcome);
        const read = readSbomFile(outcome.sbom, outcome.text, target.path, policy);
        // A signature that does not verify leaves the image unknown, shown with the reason: not an input error.
        if ('refused' in read) {
          image.errors.push(read.refused);
          return { ok: true, image };
        }
        const { sbom, evidence } = read;
        if (sbom.subject?.digest) image.digest = sbom.subject.digest;
        if (sbom.subject) image.describes = sbom.subject;
        image.platforms.push(platformOf(sbom, evidence));
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        ctx.inputErrors.push(err.message);
        image.errors.push(err.message);
      }
      return { ok: true, image };
    },
  } satisfies Acquirer;
}

/** The file reader with no key: attestations are read and marked unverified. */
export const sbomFileAcquirer = createSbomFileAcquirer();
