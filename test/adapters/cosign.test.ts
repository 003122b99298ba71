import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cosignVersion, isNoAttestation, policyArgs, policyLabel, resetCosignVersion, verifyAttestation } from '../../src/adapters/cosign.js';
import { ToolError } from '../../src/errors.js';
import { installStandIns, realWorldOrSkip, type StandIns } from '../helpers/stand-in.js';

describe('policyArgs', () => {
  it.each([
    [{ key: '/keys/cosign.pub' }, ['--key', '/keys/cosign.pub'], 'key /keys/cosign.pub'],
    [
      { certificateIdentity: 'https://github.com/o/r/.github/workflows/b.yml@refs/heads/main', certificateOidcIssuer: 'https://token.actions.githubusercontent.com' },
      ['--certificate-identity', 'https://github.com/o/r/.github/workflows/b.yml@refs/heads/main', '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com'],
      'identity https://github.com/o/r/.github/workflows/b.yml@refs/heads/main issuer https://token.actions.githubusercontent.com',
    ],
    [
      { certificateIdentityRegexp: '^https://github.com/o/', certificateOidcIssuer: 'https://accounts.google.com' },
      ['--certificate-identity-regexp', '^https://github.com/o/', '--certificate-oidc-issuer', 'https://accounts.google.com'],
      'identity ~^https://github.com/o/ issuer https://accounts.google.com',
    ],
    [
      { certificateIdentity: 'ci@example.com', certificateOidcIssuerRegexp: '^https://(github|gitlab)\\.com', trustedRoot: '/etc/sigstore/root.json' },
      ['--certificate-identity', 'ci@example.com', '--certificate-oidc-issuer-regexp', '^https://(github|gitlab)\\.com', '--trusted-root', '/etc/sigstore/root.json'],
      'identity ci@example.com issuer ~^https://(github|gitlab)\\.com root /etc/sigstore/root.json',
    ],
  ])('%j', (policy, args, label) => {
    expect(policyArgs(policy)).toEqual(args);
    expect(policyLabel(policy)).toBe(label);
  });
});

describe('isNoAttestation', () => {
  it('tells "nothing verified" apart from other failures', () => {
    expect(isNoAttestation(new ToolError('cosign', 'cosign verify-attestation: exited with code 1: Error: no matching attestations: none'))).toBe(true);
    expect(isNoAttestation(new ToolError('cosign', 'x: exited with code 1: Error: none of the attestations matched the predicate type: cyclonedx'))).toBe(true);
    expect(isNoAttestation(new ToolError('cosign', 'x: exited with code 1: GET https://ghcr.io/v2/: UNAUTHORIZED'))).toBe(false);
    expect(isNoAttestation(new Error('no matching attestations'))).toBe(false);
  });
});

const rw = realWorldOrSkip('cosign adapter with recorded verify-attestation output');

describe.skipIf(!rw)('verifyAttestation with a stand-in', () => {
  let standIns: StandIns | undefined;
  afterEach(() => {
    standIns?.restore();
    resetCosignVersion();
  });

  it('runs verify-attestation with the type and key, the ref last, and returns the envelope lines', async () => {
    const file = path.join(rw!, 'cosign/trivy-verify-attestation-centos-7-cyclonedx.intoto.jsonl');
    standIns = installStandIns({ cosign: { byFirstArg: { 'verify-attestation': { stdoutFile: file, stderr: 'Verification for ghcr.io/o/app@sha256:… --' } } } });
    const out = await verifyAttestation('ghcr.io/o/app@sha256:1234', 'cyclonedx', { key: '/k/cosign.pub' }, { timeoutMs: 10_000 });
    expect(standIns.calls('cosign')[0]!.args).toEqual(['verify-attestation', '--type', 'cyclonedx', '--key', '/k/cosign.pub', 'ghcr.io/o/app@sha256:1234']);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(out).payloadType).toBe('application/vnd.in-toto+json');
  });

  it('asks cosign its version once per process', async () => {
    standIns = installStandIns({ cosign: { byFirstArg: { version: { stdout: '{"gitVersion":"v2.4.1","gitCommit":"abc","platform":"linux/amd64"}' } } } });
    expect(await cosignVersion({ timeoutMs: 5000 })).toBe('v2.4.1');
    expect(await cosignVersion({ timeoutMs: 5000 })).toBe('v2.4.1');
    expect(standIns.calls('cosign')).toHaveLength(1);
  });
});
