// SBOM attestations as cosign writes them, signed with a key: an in-toto statement about an image digest
// with a CycloneDX predicate, DSSE-signed, wrapped in a Sigstore v0.3 bundle.
import { sign, type KeyObject } from 'node:crypto';

export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** An in-toto v1 statement about `digest` whose CycloneDX predicate lists these npm packages. */
export function cyclonedxStatement(digest: string, packages: readonly [string, string][], subjectName = 'shop/web'): object {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: subjectName, digest: { sha256: digest.replace(/^sha256:/, '') } }],
    predicateType: 'https://cyclonedx.org/bom',
    predicate: {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      components: packages.map(([name, version]) => ({ type: 'library', name, version, purl: `pkg:npm/${name}@${version}` })),
    },
  };
}

/** DSSE v1 pre-authentication encoding, written out here rather than taken from the code under test. */
export function dssePae(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${payloadType.length} ${payloadType} ${payload.length} `), payload]);
}

/** The statement in a DSSE envelope signed with `key`, in a v0.3 bundle that names a public key (no certificate). */
export function keySignedBundle(statement: object, key: KeyObject): Buffer {
  const payload = Buffer.from(JSON.stringify(statement));
  const sig = sign('sha256', dssePae(PAYLOAD_TYPE, payload), key);
  const dsseEnvelope = { payloadType: PAYLOAD_TYPE, payload: payload.toString('base64'), signatures: [{ keyid: '', sig: sig.toString('base64') }] };
  return Buffer.from(JSON.stringify({ mediaType: BUNDLE_MEDIA_TYPE, verificationMaterial: { publicKey: { hint: '' }, tlogEntries: [] }, dsseEnvelope }));
}
