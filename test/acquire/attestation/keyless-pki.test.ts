// Keyless bundles made by a private Sigstore instance (test CA, test log key), checked by the real verifier:
// what passes, and every way a certificate, log entry or statement can fail.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAttestedSbom } from '../../../src/acquire/attestation/envelopes.js';
import { loadKeylessPolicy, verifyBundle, type KeylessPolicy } from '../../../src/acquire/attestation/keyless.js';
import { createTestSigstore, opensslAvailable } from '../../helpers/sigstore-pki.js';

const ISSUER = 'https://issuer.example';
const statement = (digest = 'a'.repeat(64)) => ({
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name: 'shop/web', digest: { sha256: digest } }],
  predicateType: 'https://cyclonedx.org/bom',
  predicate: { bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ type: 'library', name: 'axios', version: '1.14.1', purl: 'pkg:npm/axios@1.14.1' }] },
});

describe.skipIf(!opensslAvailable)('keyless bundles from a private Sigstore instance', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sbom-hunt-pki-'));
  const sigstore = createTestSigstore();
  const root = sigstore.writeTrustedRoot(path.join(dir, 'root.json'));
  let policy: KeylessPolicy;
  beforeAll(async () => {
    policy = await loadKeylessPolicy(root, { certificateIdentity: 'ci@example.com', certificateOidcIssuer: ISSUER });
  });

  it('verifies a bundle signed for the expected identity, and reads its SBOM', () => {
    const bundle = sigstore.signStatement(statement());
    const r = verifyBundle(bundle, policy);
    expect(r.reason).toMatch(/^keyless: certificate for ci@example\.com issued by https:\/\/issuer\.example, chained to .+root\.json \(no SCT check: the trusted root lists no CT log\); transparency log entry \d+ integrated /);
    expect(r.verified).toBe(true);
    const read = readAttestedSbom(JSON.stringify(bundle), 'bundle.json', { keyless: policy, allowUnverified: false });
    if ('refused' in read) throw new Error(read.refused);
    expect(read.sbom.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['axios@1.14.1']);
  });

  it('refuses another identity and another issuer', () => {
    expect(verifyBundle(sigstore.signStatement(statement(), { identity: 'mallory@example.com' }), policy).reason).toMatch(/expected ci@example\.com, got mallory@example\.com/);
    expect(verifyBundle(sigstore.signStatement(statement(), { issuer: 'https://evil.example' }), policy)).toEqual({
      verified: false,
      reason: 'keyless: UNTRUSTED_SIGNER_ERROR: invalid certificate extension - expected issuer=https://issuer.example, got issuer=https://evil.example',
    });
  });

  it('refuses a certificate from another instance’s CA', async () => {
    const other = createTestSigstore();
    expect(verifyBundle(other.signStatement(statement()), await loadKeylessPolicy(other.writeTrustedRoot(path.join(dir, 'other.json')), { certificateIdentity: 'ci@example.com', certificateOidcIssuer: ISSUER })).verified).toBe(true);
    expect(verifyBundle(other.signStatement(statement()), policy)).toEqual({ verified: false, reason: 'keyless: CERTIFICATE_ERROR: Failed to verify certificate chain' });
  });

  it('refuses a statement changed after signing', () => {
    const bundle = sigstore.signStatement(statement()) as { dsseEnvelope: { payload: string } };
    bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement('b'.repeat(64)))).toString('base64');
    expect(verifyBundle(bundle, policy)).toEqual({ verified: false, reason: 'keyless: TLOG_BODY_ERROR: DSSE payload hash mismatch' });
  });

  it('refuses a signature logged after the certificate expired', () => {
    const late = sigstore.signStatement(statement(), { integratedOffset: 3 * 86_400 });
    // The chain is checked at the log's integrated time, two days after the one-day certificate ended.
    expect(verifyBundle(late, policy)).toEqual({ verified: false, reason: 'keyless: CERTIFICATE_ERROR: Failed to verify certificate chain' });
  });
});
