// Keyless verification of the recorded cosign v3 bundles (Sigstore public-good, Fulcio certificates, Rekor
// entries) against the real public-good trusted root, offline; every way a bundle or a policy can be wrong.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKeylessPolicy, verifyBundle, type SignerIdentityFlags } from '../../src/acquire/attestation/keyless.js';
import { readAttestedSbom } from '../../src/acquire/attestation/envelopes.js';
import { InputError, UsageError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { publicGoodTrustedRoot, writeTrustedRoot } from '../helpers/sigstore-root.js';
import { realWorldOrSkip } from '../helpers/stand-in.js';

const dir = realWorldOrSkip('keyless bundle verification');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'sbom-hunt-keyless-'));
const rootFile = writeTrustedRoot(path.join(tmp, 'trusted_root.json'));
const GITHUB = 'https://github.com/login/oauth';
const COSIGN = { file: 'cosign/cosign-oci-attestation.sigstore.json', identity: 'cody@soyland.com', index: '175508996' };
const TRIVY = { file: 'cosign/trivy-sbom-attestation.sigstore-bundle.json', identity: 'thomas.grininger@ringodev.com' };

const bundle = (file: string) => JSON.parse(readFileSync(path.join(dir!, file), 'utf8')) as Record<string, unknown> & { dsseEnvelope: { payload: string } };
const policy = async (flags: SignerIdentityFlags, root = rootFile) => loadKeylessPolicy(root, flags);

describe.skipIf(!dir)('keyless verification of real cosign bundles', () => {
  it.each([
    ['exact identity and issuer', { certificateIdentity: COSIGN.identity, certificateOidcIssuer: GITHUB }],
    ['identity regexp', { certificateIdentityRegexp: '@soyland\\.com$', certificateOidcIssuer: GITHUB }],
    ['issuer regexp', { certificateIdentity: COSIGN.identity, certificateOidcIssuerRegexp: '^https://github\\.com/' }],
  ])('verifies with %s, naming the signer, the root and the log entry', async (_, flags) => {
    const r = verifyBundle(bundle(COSIGN.file), await policy(flags));
    expect(r.verified).toBe(true);
    expect(r.reason).toContain(`certificate for ${COSIGN.identity} issued by ${GITHUB}, chained to ${rootFile}`);
    expect(r.reason).toContain(`transparency log entry ${COSIGN.index} integrated 2025-02-28T19:18:11.000Z`);
  });

  it.each([
    ['another identity', { certificateIdentity: TRIVY.identity, certificateOidcIssuer: GITHUB }, /identity error - expected thomas\.grininger@ringodev\.com, got cody@soyland\.com/],
    ['another issuer', { certificateIdentity: COSIGN.identity, certificateOidcIssuer: 'https://accounts.google.com' }, /issuer/],
    ['an issuer regexp that does not match', { certificateIdentity: COSIGN.identity, certificateOidcIssuerRegexp: '^https://gitlab\\.com' }, /issuer https:\/\/github\.com\/login\/oauth does not match/],
  ])('refuses %s', async (_, flags, why) => {
    const r = verifyBundle(bundle(COSIGN.file), await policy(flags));
    expect(r.verified).toBe(false);
    expect(r.reason).toMatch(why);
  });

  it('refuses a bundle whose statement was changed after signing', async () => {
    const b = bundle(TRIVY.file);
    const statement = JSON.parse(Buffer.from(b.dsseEnvelope.payload, 'base64').toString('utf8')) as { predicate: { components: { version: string }[] } };
    statement.predicate.components[0]!.version = 'v9.9.9';
    b.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    const r = verifyBundle(b, await policy({ certificateIdentity: TRIVY.identity, certificateOidcIssuer: GITHUB }));
    expect(r).toMatchObject({ verified: false });
    expect(r.reason).toMatch(/^keyless: /);
  });

  it('refuses a certificate that does not chain to the trusted root', async () => {
    const root = publicGoodTrustedRoot() as { certificateAuthorities: { validFor: { end?: string } }[] };
    // Keep only the 2021-2022 Fulcio CA: the 2025 certificate was not issued by it.
    root.certificateAuthorities = root.certificateAuthorities.filter((ca) => ca.validFor.end);
    const other = writeTrustedRoot(path.join(tmp, 'old-ca-only.json'), root);
    const r = verifyBundle(bundle(COSIGN.file), await policy({ certificateIdentity: COSIGN.identity, certificateOidcIssuer: GITHUB }, other));
    expect(r.verified).toBe(false);
    expect(r.reason).toMatch(/CERTIFICATE|certificate|chain/);
  });

  it('refuses a bundle whose log entry is not signed by a log of the root', async () => {
    const root = publicGoodTrustedRoot() as { tlogs: { baseUrl: string }[] };
    root.tlogs = root.tlogs.filter((t) => t.baseUrl !== 'https://rekor.sigstore.dev');
    const other = writeTrustedRoot(path.join(tmp, 'other-log.json'), root);
    const r = verifyBundle(bundle(COSIGN.file), await policy({ certificateIdentity: COSIGN.identity, certificateOidcIssuer: GITHUB }, other));
    expect(r.verified).toBe(false);
    expect(r.reason).toMatch(/TLOG|log/i);
  });

  it('reads several roots from JSON lines (as `gh attestation trusted-root` writes them) and accepts any that verifies', async () => {
    const full = publicGoodTrustedRoot();
    const oldCa = { ...full, certificateAuthorities: (full.certificateAuthorities as { validFor: { end?: string } }[]).filter((ca) => ca.validFor.end) };
    const jsonl = path.join(tmp, 'trusted_root.jsonl');
    writeFileSync(jsonl, `${JSON.stringify(oldCa)}\n${JSON.stringify(full)}\n`);
    const flags = { certificateIdentity: COSIGN.identity, certificateOidcIssuer: GITHUB };
    expect(verifyBundle(bundle(COSIGN.file), await policy(flags, jsonl)).verified).toBe(true);
    writeFileSync(jsonl, `${JSON.stringify(oldCa)}\n${JSON.stringify(oldCa)}\n`);
    const r = verifyBundle(bundle(COSIGN.file), await policy(flags, jsonl));
    expect(r.verified).toBe(false);
    expect(r.reason).toMatch(/^keyless: root 1: .+; root 2: /);
  });

  it('does not throw on something that is not a bundle', async () => {
    const p = await policy({ certificateIdentity: COSIGN.identity, certificateOidcIssuer: GITHUB });
    expect(verifyBundle({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }, p)).toMatchObject({ verified: false, reason: expect.stringMatching(/^not a valid Sigstore bundle/) });
    expect(verifyBundle('text', p).verified).toBe(false);
  });

  it('reads the SBOM of a verified bundle, and refuses a bare envelope under a keyless policy', async () => {
    const text = readFileSync(path.join(dir!, TRIVY.file), 'utf8');
    const keyless = await policy({ certificateIdentity: TRIVY.identity, certificateOidcIssuer: GITHUB });
    const read = readAttestedSbom(text, TRIVY.file, { keyless, allowUnverified: false });
    expect(read).toMatchObject({ evidence: { kind: 'attestation', verified: true, format: 'in-toto/cyclonedx-json-1.4' } });
    const bare = JSON.stringify((JSON.parse(text) as { dsseEnvelope: unknown }).dsseEnvelope);
    expect(readAttestedSbom(bare, 'bare.json', { keyless, allowUnverified: false })).toEqual({
      refused: 'attestation signature not verified: envelope 1 of 1: keyless verification needs a Sigstore bundle: a bare DSSE envelope carries no certificate',
    });
  });

  it('checks an attestation file end to end through the CLI: verified, or unknown with the reason', async () => {
    const file = path.join(dir!, TRIVY.file);
    // The axios feed: trivy's CycloneDX lists no files, so the bundled feeds' file indicator would leave it unknown.
    const base = ['scan', `sbom:${file}`, '--ioc', path.resolve(import.meta.dirname, '../../iocs/axios-2026-03.yaml'), '--trusted-root', rootFile, '--certificate-oidc-issuer', GITHUB, '--format', 'json', '--fail-on', 'unknown'];
    const good = await runCli([...base, '--certificate-identity', TRIVY.identity]);
    expect(good.code, good.stderr).toBe(0);
    const ok = JSON.parse(good.stdout) as { images: { verdict: string; source: { kind: string; verified?: boolean; detail: string } }[] };
    expect(ok.images[0]!.verdict).toBe('clean');
    expect(ok.images[0]!.source).toMatchObject({ kind: 'sbom-file', verified: true, detail: expect.stringContaining(`certificate for ${TRIVY.identity}`) });
    const bad = await runCli([...base, '--certificate-identity', COSIGN.identity]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('"verdict": "unknown"');
    expect(bad.stdout).toContain(`expected ${COSIGN.identity}, got ${TRIVY.identity}`);
  });
});

describe('keyless policy from flags', () => {
  it('needs one identity form and one issuer form', async () => {
    await expect(loadKeylessPolicy(rootFile, { certificateOidcIssuer: GITHUB })).rejects.toThrow(UsageError);
    await expect(loadKeylessPolicy(rootFile, { certificateIdentity: 'a', certificateIdentityRegexp: 'b', certificateOidcIssuer: GITHUB })).rejects.toThrow(/give one of them, not both/);
    await expect(loadKeylessPolicy(rootFile, { certificateIdentity: 'a' })).rejects.toThrow(/--trusted-root needs --certificate-oidc-issuer/);
    await expect(loadKeylessPolicy(rootFile, { certificateIdentityRegexp: '(', certificateOidcIssuer: GITHUB })).rejects.toThrow(/--certificate-identity-regexp: not a regular expression/);
  });

  it('names the file and the field of a bad trusted root', async () => {
    const flags = { certificateIdentity: 'a', certificateOidcIssuer: GITHUB };
    const notJson = path.join(tmp, 'not.json');
    writeFileSync(notJson, '{ nope');
    await expect(loadKeylessPolicy(notJson, flags)).rejects.toThrow(InputError);
    await expect(loadKeylessPolicy(notJson, flags)).rejects.toThrow(/not\.json:1: not valid JSON/);
    await expect(loadKeylessPolicy(path.join(tmp, 'missing.json'), flags)).rejects.toThrow(/missing\.json: cannot read \(ENOENT\)/);
    const noLogs = writeTrustedRoot(path.join(tmp, 'no-logs.json'), { ...publicGoodTrustedRoot(), tlogs: [] });
    await expect(loadKeylessPolicy(noLogs, flags)).rejects.toThrow(/no-logs\.json \(tlogs\): lists no transparency log/);
    const foreign = writeTrustedRoot(path.join(tmp, 'foreign.json'), { mediaType: 'application/json', tlogs: [1], certificateAuthorities: [1] });
    await expect(loadKeylessPolicy(foreign, flags)).rejects.toThrow(/foreign\.json \(mediaType\): not a Sigstore trusted root media type/);
  });
});
