// DSSE signature verification with a public key (ECDSA, Ed25519, RSA) over the pre-authentication encoding.
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.js';
import { InputError } from '../../errors.js';

export type KeyType = 'ecdsa-p256' | 'ecdsa-p384' | 'ecdsa-p521' | 'ed25519' | 'rsa' | 'rsa-pss';

export interface VerifyResult {
  verified: boolean;
  keyType?: KeyType;
  reason: string;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export const DsseEnvelope = lazySchema(() =>
  z.object({
    payloadType: z.string(),
    payload: z.string().regex(BASE64, 'payload is not base64'),
    signatures: z.array(z.looseObject({ sig: z.string(), keyid: z.string().optional() })).nullish(),
  }),
);
export type DsseEnvelope = z.infer<typeof DsseEnvelope>;

/** DSSE v1 pre-authentication encoding: what is actually signed, so the payload type cannot be swapped. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** A public key from PEM (SPKI or PKCS#1); InputError naming the file when it is not one. */
export function loadPublicKey(pem: string, file: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch (err) {
    throw new InputError(file, `not a PEM public key (${err instanceof Error ? err.message : String(err)})`);
  }
}

const CURVES: Record<string, { type: KeyType; hash: string }> = {
  prime256v1: { type: 'ecdsa-p256', hash: 'sha256' },
  secp384r1: { type: 'ecdsa-p384', hash: 'sha384' },
  secp521r1: { type: 'ecdsa-p521', hash: 'sha512' },
};

/** The key's type, and the ways a signature by it may be written (tried in order). */
function verifiers(key: KeyObject): { type: KeyType; attempts: { label: string; check: (data: Buffer, sig: Buffer) => boolean }[] } | undefined {
  const kind = key.asymmetricKeyType;
  if (kind === 'ed25519') return { type: 'ed25519', attempts: [{ label: 'Ed25519', check: (d, s) => verify(null, d, key, s) }] };
  if (kind === 'ec') {
    const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!curve) return undefined;
    // cosign writes ASN.1 DER; other signers write the fixed-width r||s of IEEE P1363.
    return {
      type: curve.type,
      attempts: [
        { label: 'DER', check: (d, s) => verify(curve.hash, d, { key, dsaEncoding: 'der' }, s) },
        { label: 'IEEE-P1363', check: (d, s) => verify(curve.hash, d, { key, dsaEncoding: 'ieee-p1363' }, s) },
      ],
    };
  }
  if (kind === 'rsa' || kind === 'rsa-pss') {
    const pss = { label: 'RSA-PSS', check: (d: Buffer, s: Buffer) => verify('sha256', d, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, s) };
    if (kind === 'rsa-pss') return { type: 'rsa-pss', attempts: [pss] };
    return { type: 'rsa', attempts: [{ label: 'PKCS#1 v1.5', check: (d, s) => verify('sha256', d, { key, padding: constants.RSA_PKCS1_PADDING }, s) }, pss] };
  }
  return undefined;
}

function safely(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    // A malformed signature (wrong length, bad DER) is simply not a valid one.
    return false;
  }
}

/**
 * Verifies a DSSE envelope against one public key: verified when any of its signatures is valid over
 * PAE(payloadType, payload). Every way of failing is a reason, never an exception.
 */
export function verifyEnvelope(envelope: unknown, key: KeyObject): VerifyResult {
  const how = verifiers(key);
  if (!how) return { verified: false, reason: `unsupported key type ${key.asymmetricKeyType ?? 'unknown'}` };
  const parsed = DsseEnvelope.safeParse(envelope);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { verified: false, keyType: how.type, reason: `not a DSSE envelope: ${issue?.path.join('.') || 'document'}: ${issue?.message ?? 'schema mismatch'}` };
  }
  const sigs = parsed.data.signatures ?? [];
  if (sigs.length === 0) return { verified: false, keyType: how.type, reason: 'envelope has no signatures' };
  const data = pae(parsed.data.payloadType, Buffer.from(parsed.data.payload, 'base64'));
  for (const [i, s] of sigs.entries()) {
    if (!BASE64.test(s.sig)) continue;
    const sig = Buffer.from(s.sig, 'base64');
    const ok = how.attempts.find((a) => safely(() => a.check(data, sig)));
    if (ok) return { verified: true, keyType: how.type, reason: `signature ${i + 1} of ${sigs.length} verified with the ${how.type} key (${ok.label})` };
  }
  return { verified: false, keyType: how.type, reason: `none of ${sigs.length} signature(s) verifies with the given ${how.type} key` };
}
