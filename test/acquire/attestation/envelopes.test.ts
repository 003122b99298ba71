import { generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAttestedSbom, verifyAttestationDocument } from '../../../src/acquire/attestation/envelopes.js';
import { verifyEnvelope } from '../../../src/acquire/attestation/verify.js';
import { realWorldOrSkip } from '../../helpers/stand-in.js';

const rw = realWorldOrSkip('DSSE verification of recorded cosign envelopes');
const read = (f: string) => readFileSync(path.join(rw!, 'cosign', f), 'utf8');
const someKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });

const ENVELOPE_FILES = [
  'trivy-verify-attestation-centos-7-cyclonedx.intoto.jsonl',
  'trivy-verify-attestation-cosign-Data-wrapper.cdx.intoto.jsonl',
  'grype-alpine-syft-predicate.att.json',
  'grype-alpine-cyclonedx-predicate.att.json',
  'trivy-cosign-custom-predicate.att.json',
  'cosign-oci-attestation.sigstore.json',
  'trivy-sbom-attestation.sigstore-bundle.json',
];

describe.skipIf(!rw)('real cosign envelopes', () => {
  it.each(ENVELOPE_FILES)('%s: reported unverified under a key that did not sign it', (file) => {
    const result = verifyAttestationDocument(read(file), file, someKey.publicKey);
    expect(result.verified).toBe(false);
    expect(result.reason).toBe('envelope 1 of 1: none of 1 signature(s) verifies with the given ecdsa-p256 key');
  });

  // The two Sigstore bundles carry their signer's certificate, so the real signatures can be checked
  // against the real key: the DER and PAE handling meets cosign's own output. (Trusting that
  // certificate would need Fulcio's chain and an identity policy, which this check does not claim.)
  it.each(['cosign-oci-attestation.sigstore.json', 'trivy-sbom-attestation.sigstore-bundle.json'])(
    '%s: the real signature verifies with the key from its own certificate, and fails once tampered',
    (file) => {
      const bundle = JSON.parse(read(file)) as { verificationMaterial: { certificate: { rawBytes: string } }; dsseEnvelope: { payload: string } };
      const key = new X509Certificate(Buffer.from(bundle.verificationMaterial.certificate.rawBytes, 'base64')).publicKey;
      expect(verifyAttestationDocument(read(file), file, key)).toMatchObject({
        verified: true,
        reason: 'signature 1 of 1 verified with the ecdsa-p256 key (DER)',
      });
      const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8').replace('sha256', 'sha512');
      const tampered = { ...bundle.dsseEnvelope, payload: Buffer.from(payload).toString('base64') };
      expect(verifyEnvelope(tampered, key).verified).toBe(false);
    },
  );

  it('refuses the SBOM of an unverified attestation unless allowed, and says so when allowed', () => {
    const file = 'trivy-verify-attestation-centos-7-cyclonedx.intoto.jsonl';
    expect(readAttestedSbom(read(file), file, { key: someKey.publicKey, allowUnverified: false })).toEqual({
      refused: 'attestation signature not verified: envelope 1 of 1: none of 1 signature(s) verifies with the given ecdsa-p256 key',
    });
    expect(readAttestedSbom(read(file), file, { allowUnverified: false })).toEqual({ refused: 'attestation signature not checked: no --key or --trusted-root given' });
    const allowed = readAttestedSbom(read(file), file, { key: someKey.publicKey, allowUnverified: true });
    if ('refused' in allowed) throw new Error(allowed.refused);
    expect(allowed.evidence).toMatchObject({ kind: 'attestation', verified: false, format: 'in-toto/cyclonedx-json-1.4' });
    expect(allowed.evidence.detail).toContain('signature NOT verified');
    expect(allowed.sbom.packages.map((p) => p.name)).toEqual(expect.arrayContaining(['bash', 'openssl-libs']));
  });

  it('reads the SBOM of a real statement re-signed here, as verified', () => {
    const file = 'trivy-verify-attestation-centos-7-cyclonedx.intoto.jsonl';
    const real = JSON.parse(read(file)) as { payloadType: string; payload: string };
    const body = Buffer.from(real.payload, 'base64');
    const signed = Buffer.concat([Buffer.from(`DSSEv1 ${real.payloadType.length} ${real.payloadType} ${body.length} `), body]);
    const envelope = { ...real, signatures: [{ keyid: '', sig: sign('sha256', signed, someKey.privateKey).toString('base64') }] };
    const result = readAttestedSbom(`${JSON.stringify(envelope)}\n`, 'resigned.jsonl', { key: someKey.publicKey, keyLabel: '/k/cosign.pub', allowUnverified: false });
    if ('refused' in result) throw new Error(result.refused);
    expect(result.evidence).toEqual({
      kind: 'attestation',
      verified: true,
      format: 'in-toto/cyclonedx-json-1.4',
      detail: 'resigned.jsonl: signature verified with /k/cosign.pub: signature 1 of 1 verified with the ecdsa-p256 key (DER)',
    });
    expect(result.sbom.subject?.digest).toBe('sha256:be65f488b7764ad3638f236b7b515b3678369a5124c47b8d32916d6487418ea4');
  });

  it('needs every envelope of a stream to verify', () => {
    const file = 'trivy-verify-attestation-centos-7-cyclonedx.intoto.jsonl';
    const real = JSON.parse(read(file)) as { payloadType: string; payload: string };
    const body = Buffer.from(real.payload, 'base64');
    const signed = Buffer.concat([Buffer.from(`DSSEv1 ${real.payloadType.length} ${real.payloadType} ${body.length} `), body]);
    const good = { ...real, signatures: [{ sig: sign('sha256', signed, someKey.privateKey).toString('base64') }] };
    const result = verifyAttestationDocument(`${JSON.stringify(good)}\n${read(file)}`, 'two.jsonl', someKey.publicKey);
    expect(result.verified).toBe(false);
    expect(result.envelopes.map((e) => e.verified)).toEqual([true, false]);
    expect(result.reason).toMatch(/^envelope 2 of 2: /);
  });
});
