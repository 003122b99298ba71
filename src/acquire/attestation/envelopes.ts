// An attestation document (DSSE envelopes, one per line or pretty-printed, or Sigstore bundles) checked against a key.
import { KeyObject } from 'node:crypto';
import { decodeSbom, type DecodedSbom } from '../../formats/index.js';
import { parseJsonValues } from '../../formats/json-text.js';
import type { Evidence } from '../../model/package.js';
import { isSigstoreBundle, verifyBundle, type KeylessPolicy } from './keyless.js';
import { verifyEnvelope, type VerifyResult } from './verify.js';

export interface AttestationVerification {
  /** True only when there is at least one envelope and every one verifies: their SBOMs are read together. */
  verified: boolean;
  envelopes: VerifyResult[];
  reason: string;
}

function envelopeOf(value: unknown): unknown {
  const v = value as { dsseEnvelope?: unknown } | null;
  return v && typeof v === 'object' && 'dsseEnvelope' in v ? v.dsseEnvelope : value;
}

/** One envelope or bundle against a public key (its DSSE signature) or a keyless policy (the whole bundle). */
function verifyValue(value: unknown, by: KeyObject | KeylessPolicy): VerifyResult {
  if (by instanceof KeyObject) return verifyEnvelope(envelopeOf(value), by);
  if (!isSigstoreBundle(value)) return { verified: false, reason: 'keyless verification needs a Sigstore bundle: a bare DSSE envelope carries no certificate' };
  return verifyBundle(value, by);
}

/** Verifies every envelope in the document. Throws InputError only when the text is not JSON at all. */
export function verifyAttestationDocument(text: string, file: string, by: KeyObject | KeylessPolicy): AttestationVerification {
  const envelopes = parseJsonValues(text.replace(/^\uFEFF/, ''), file).map((v) => verifyValue(v, by));
  if (envelopes.length === 0) return { verified: false, envelopes, reason: 'no envelope found' };
  const bad = envelopes.findIndex((e) => !e.verified);
  if (bad >= 0) return { verified: false, envelopes, reason: `envelope ${bad + 1} of ${envelopes.length}: ${envelopes[bad]!.reason}` };
  return { verified: true, envelopes, reason: envelopes.length === 1 ? envelopes[0]!.reason : `all ${envelopes.length} envelopes verified` };
}

export interface AttestedSbomPolicy {
  key?: KeyObject;
  /** Label for the key in evidence (its file path). */
  keyLabel?: string;
  /** `--trusted-root` with the identity flags: used when no key is given. */
  keyless?: KeylessPolicy;
  /** `--allow-unverified-attestations`: read an SBOM whose signature was not (or could not be) checked. */
  allowUnverified: boolean;
}

/**
 * The SBOM in an attestation, with evidence saying whether its signature was verified; or why it was
 * refused. An unverified attestation is refused unless the user allowed it: anyone can push one.
 */
export function readAttestedSbom(
  text: string,
  file: string,
  policy: AttestedSbomPolicy,
): { sbom: DecodedSbom; evidence: Evidence } | { refused: string } {
  const by = policy.key ?? policy.keyless;
  const check = by ? verifyAttestationDocument(text, file, by) : undefined;
  if (!check?.verified && !policy.allowUnverified) {
    return { refused: check ? `attestation signature not verified: ${check.reason}` : 'attestation signature not checked: no --key or --trusted-root given' };
  }
  const sbom = decodeSbom(text, file);
  const verifiedBy = policy.key ? `with ${policy.keyLabel ?? 'the given key'}: ` : '';
  const how = check?.verified ? `verified ${verifiedBy}${check.reason}` : `NOT verified (${check?.reason ?? 'no key or trusted root given'})`;
  return { sbom, evidence: { kind: 'attestation', verified: !!check?.verified, format: sbom.format, detail: `${file}: signature ${how}` } };
}
