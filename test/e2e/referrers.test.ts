// End to end through the CLI: SBOM attestations stored as cosign v3 stores them (a Sigstore bundle in a
// manifest whose subject is the image), found through the referrers tag on the real registry (distribution
// 2.8 has no referrers API) and through the referrers API served by a front that forwards everything else.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { BUNDLE_MEDIA_TYPE, cyclonedxStatement, keySignedBundle } from '../helpers/attestations.js';
import { runCli } from '../helpers/cli.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { buildImageLayout, npmPackageFiles } from '../helpers/image-builder.js';
import { digestOf, pushContent, pushOciLayout } from '../helpers/push.js';
import { registryAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { createTestSigstore, opensslAvailable } from '../helpers/sigstore-pki.js';

if (!registryAvailable) console.warn(SKIP_MESSAGE);

const BUNDLE = BUNDLE_MEDIA_TYPE;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const EMPTY = Buffer.from('{}');
const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** A key-signed v0.3 bundle whose CycloneDX statement about `digest` lists these packages. */
function sbomBundle(digest: string, packages: [string, string][], key = signer.privateKey): Buffer {
  return keySignedBundle(cyclonedxStatement(digest, packages), key);
}

/** The referring manifest: empty config, the bundle as its one layer, the image as its subject. */
function bundleManifest(bundle: Buffer, subject: { digest: string; size: number }): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: BUNDLE,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digestOf(EMPTY), size: EMPTY.length },
      layers: [{ mediaType: BUNDLE, digest: digestOf(bundle), size: bundle.length }],
      subject: { mediaType: OCI_MANIFEST, digest: subject.digest, size: subject.size },
      annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': 'https://cyclonedx.org/bom' },
    }),
  );
}

/** A referrers index listing these referring manifests (what the API answers, and what the tag holds). */
function referrersIndex(manifests: Buffer[]): Buffer {
  const entries = manifests.map((m) => ({
    mediaType: OCI_MANIFEST,
    digest: digestOf(m),
    size: m.length,
    artifactType: BUNDLE,
    annotations: { 'dev.sigstore.bundle.predicateType': 'https://cyclonedx.org/bom' },
  }));
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }));
}

type Image = Report['images'][number];

describe.skipIf(!registryAvailable)('Sigstore bundle attestations found through referrers', () => {
  let reg: TestRegistry;
  let front: FaultProxy;
  let dir: string;
  let keyFile: string;
  let strangerKey: string;
  const digests: Record<string, { digest: string; size: number }> = {};
  let signedBundle: Buffer;

  /** Pushes a clean image (lodash only) as shop/web:<tag>; returns its manifest descriptor. */
  async function pushImage(tag: string) {
    const layout = await buildImageLayout(join(dir, tag), {
      ref: tag,
      platforms: [{ layers: [{ files: [...npmPackageFiles('app/node_modules', 'lodash', '4.17.21'), { path: 'etc/tag', content: tag }] }] }],
    });
    await pushOciLayout(reg.url, 'shop/web', layout.dir);
    return (digests[tag] = { digest: layout.images[0]!.digest, size: layout.images[0]!.size });
  }

  /** Attaches bundles to `subject` the way cosign does on a registry without the referrers API. */
  async function attach(subject: string, listed: Buffer[], blobs: Buffer[]) {
    await pushContent(reg.url, 'shop/web', {
      blobs: [EMPTY, ...blobs],
      manifests: [
        ...listed.map((bytes) => ({ bytes, mediaType: OCI_MANIFEST })),
        { bytes: referrersIndex(listed), mediaType: OCI_INDEX, tags: [subject.replace(':', '-')] },
      ],
    });
  }

  beforeAll(async () => {
    reg = await startRegistry();
    front = await startFaultProxy(reg.url);
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-referrers-'));
    keyFile = join(dir, 'cosign.pub');
    strangerKey = join(dir, 'stranger.pub');
    await writeFile(keyFile, signer.publicKey.export({ type: 'spki', format: 'pem' }));
    await writeFile(strangerKey, stranger.publicKey.export({ type: 'spki', format: 'pem' }));
    // signed: its bundle lists axios 1.14.1, which the clean layers do not have: an affected verdict proves the attestation was read.
    const signed = await pushImage('signed');
    const bundle = (signedBundle = sbomBundle(signed.digest, [['axios', '1.14.1'], ['lodash', '4.17.21']]));
    const referrer = bundleManifest(bundle, signed);
    await attach(signed.digest, [referrer], [bundle]);
    // borrowed: its referrers tag lists signed's bundle manifest, whose subject is another image.
    const borrowed = await pushImage('borrowed');
    await attach(borrowed.digest, [referrer], [bundle]);
    // api-only: no referrers tag; the front answers the referrers API for it.
    const apiOnly = await pushImage('api-only');
    const apiBundle = sbomBundle(apiOnly.digest, [['plain-crypto-js', '4.2.1']]);
    const apiReferrer = bundleManifest(apiBundle, apiOnly);
    await pushContent(reg.url, 'shop/web', { blobs: [EMPTY, apiBundle], manifests: [{ bytes: apiReferrer, mediaType: OCI_MANIFEST }] });
    front.addRule({ path: new RegExp(`^/v2/shop/web/referrers/${apiOnly.digest}`), fault: { kind: 'serve', contentType: OCI_INDEX, body: referrersIndex([apiReferrer]) } });
    // keyless: a bundle with a Fulcio-style certificate and a log entry from a private Sigstore instance.
    if (opensslAvailable) {
      const keyless = await pushImage('keyless');
      const sigstore = createTestSigstore();
      sigstore.writeTrustedRoot(join(dir, 'trusted_root.json'));
      const statement = cyclonedxStatement(keyless.digest, [['axios', '0.30.4']]);
      const kBundle = Buffer.from(JSON.stringify(sigstore.signStatement(statement, { identity: 'https://github.com/shop/web/.github/workflows/build.yml@refs/heads/main', issuer: 'https://token.actions.githubusercontent.com' })));
      await attach(keyless.digest, [bundleManifest(kBundle, keyless)], [kBundle]);
    }
  });
  afterAll(async () => {
    await front?.stop();
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function scan(host: string, tag: string, ...flags: string[]): Promise<Image> {
    const run = await runCli(['scan', `registry:${host}/shop/web:${tag}`, '--insecure-registry', host, '--no-cache', '--format', 'json', '--fail-on', 'none', '--allow-incomplete', ...flags]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.images).toHaveLength(1);
    return report.images[0]!;
  }

  it('reads the signed bundle listed under the referrers tag, verified with the key', async () => {
    const img = await scan(reg.host, 'signed', '--key', keyFile, '--sbom-sources', 'attestation');
    expect(img.verdict).toBe('affected');
    expect(img.source).toMatchObject({ kind: 'attestation', verified: true });
    expect(img.source?.detail).toContain(`shop/web@${digests.signed!.digest}: referrer sha256:`);
    expect(img.source?.detail).toContain('via the referrers tag: signature verified with');
  });

  it('finds the bundle through the referrers API when the registry answers it', async () => {
    const img = await scan(front.host, 'api-only', '--key', keyFile, '--sbom-sources', 'attestation');
    expect(img.verdict).toBe('affected');
    expect(img.source?.detail).toContain('via the referrers API');
    expect(front.requests.some((r) => r.path.startsWith('/v2/shop/web/referrers/'))).toBe(true);
  });

  it('falls back to the referrers tag when the referrers API is missing (404 through the same front)', async () => {
    const img = await scan(front.host, 'signed', '--key', keyFile, '--sbom-sources', 'attestation');
    expect(img.verdict).toBe('affected');
    expect(img.source?.detail).toContain('via the referrers tag');
  });

  it('still tries the referrers tag when the referrers API fails instead of being absent', async () => {
    front.addRule({ path: new RegExp(`^/v2/shop/web/referrers/${digests.signed!.digest}`), fault: { kind: 'status', status: 400 } });
    const img = await scan(front.host, 'signed', '--key', keyFile, '--sbom-sources', 'attestation');
    expect(img.verdict).toBe('affected');
    expect(img.source?.detail).toContain('via the referrers tag');
  });

  it('does not take a bundle blob that arrives with other bytes than its digest', async () => {
    // The front serves other bytes for the stored bundle (a still-valid bundle, one field changed).
    const forged = Buffer.from(signedBundle.toString().replace('"hint":""', '"hint":"forged"'));
    expect(digestOf(forged)).not.toBe(digestOf(signedBundle));
    front.addRule({ path: new RegExp(`^/v2/shop/web/blobs/${digestOf(signedBundle)}`), fault: { kind: 'serve', contentType: 'application/octet-stream', body: forged } });
    const img = await scan(front.host, 'signed', '--key', keyFile, '--sbom-sources', 'attestation');
    expect(img.verdict).toBe('unknown');
    expect(img.reasons.join(' ')).toContain(`blob ${digestOf(signedBundle)} arrived with digest ${digestOf(forged)}`);
  });

  it('does not take a bundle whose manifest names another image, even when the index lists it', async () => {
    const img = await scan(reg.host, 'borrowed', '--key', keyFile, '--sbom-sources', 'attestation');
    expect(img.verdict).toBe('unknown');
    expect(img.reasons.join(' ')).toContain(`has subject ${digests.signed!.digest}, not ${digests.borrowed!.digest}`);
    // With the layer reader after it, the image is read natively instead: lodash only, clean.
    const native = await scan(reg.host, 'borrowed', '--key', keyFile, '--sbom-sources', 'attestation,native');
    expect(native.verdict).toBe('clean');
    expect(native.source?.kind).toBe('native');
  });

  it.skipIf(!opensslAvailable)('verifies a keyless bundle against --trusted-root and the identity flags, offline', async () => {
    const flags = ['--trusted-root', join(dir, 'trusted_root.json'), '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com', '--sbom-sources', 'attestation'];
    const img = await scan(reg.host, 'keyless', ...flags, '--certificate-identity-regexp', '^https://github\\.com/shop/');
    expect(img.verdict).toBe('affected');
    expect(img.source).toMatchObject({ kind: 'attestation', verified: true });
    expect(img.source?.detail).toContain('signature verified keyless: certificate for https://github.com/shop/web/.github/workflows/build.yml@refs/heads/main');
    const other = await scan(reg.host, 'keyless', ...flags, '--certificate-identity', 'https://github.com/shop/api/.github/workflows/build.yml@refs/heads/main');
    expect(other.verdict).toBe('unknown');
    expect(other.reasons.join(' ')).toContain('UNTRUSTED_SIGNER_ERROR');
  });

  it('refuses a bundle the key did not sign, unless unverified attestations are allowed', async () => {
    const refused = await scan(reg.host, 'signed', '--key', strangerKey, '--sbom-sources', 'attestation');
    expect(refused.verdict).toBe('unknown');
    expect(refused.reasons.join(' ')).toContain('attestation signature not verified');
    const allowed = await scan(reg.host, 'signed', '--key', strangerKey, '--allow-unverified-attestations', '--sbom-sources', 'attestation');
    expect(allowed.verdict).toBe('affected');
    expect(allowed.source).toMatchObject({ kind: 'attestation', verified: false });
  });
});
