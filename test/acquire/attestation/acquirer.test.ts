// End to end: cosign-style attestations (tag sha256-<hex>.att, DSSE layers) pushed to a real registry, read and verified.
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attestationAcquirer, type AttestationAcquireOptions } from '../../../src/acquire/attestation/acquirer.js';
import type { AcquireContext } from '../../../src/acquire/acquirer.js';
import { RegistryClient } from '../../../src/adapters/oci/client.js';
import type { Target } from '../../../src/model/target.js';
import { digestOf, pushContent } from '../../helpers/push.js';
import { registryAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { realWorldOrSkip } from '../../helpers/stand-in.js';

if (!registryAvailable) console.warn(SKIP_MESSAGE);
const rw = realWorldOrSkip('attestation acquirer with recorded cosign envelopes');

const CENTOS = 'sha256:be65f488b7764ad3638f236b7b515b3678369a5124c47b8d32916d6487418ea4';
const OTHER = `sha256:${'7'.repeat(64)}`;
const NONE = `sha256:${'6'.repeat(64)}`;
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ctx = (): AcquireContext => ({ insecureRegistries: [], inputErrors: [] });

interface Env {
  payloadType: string;
  payload: string;
  signatures: { keyid?: string; sig: string }[];
}

/** The recorded envelope re-signed with the test key, over the DSSE PAE written out here. */
function resigned(env: Env): Env {
  const body = Buffer.from(env.payload, 'base64');
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${env.payloadType.length} ${env.payloadType} ${body.length} `), body]);
  return { ...env, signatures: [{ keyid: '', sig: sign('sha256', pae, keys.privateKey).toString('base64') }] };
}

/** An .att manifest as cosign writes it: an empty config and one DSSE layer per envelope. */
function attManifest(envelopes: Buffer[], config: Buffer) {
  const layers = envelopes.map((e) => ({ mediaType: 'application/vnd.dsse.envelope.v1+json', digest: digestOf(e), size: e.length, annotations: { predicateType: 'x' } }));
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
      layers,
    }),
  );
}

describe.skipIf(!registryAvailable || !rw)('attestation acquirer against a real registry', () => {
  let reg: TestRegistry;
  let source: RegistryClient;
  const target = (digest: string): Target & { kind: 'registry' } => ({ kind: 'registry', ref: `${reg.host}/shop/web@${digest}`, registry: reg.host, repository: 'shop/web', digest });
  const acquirer = (o: Partial<AttestationAcquireOptions>) => attestationAcquirer({ source, ...o });

  beforeAll(async () => {
    reg = await startRegistry();
    source = new RegistryClient({ insecureRegistries: [reg.host], credentials: async () => undefined, retry: { retries: 0, timeoutMs: 5000 } });
    const real = JSON.parse(readFileSync(path.join(rw!, 'cosign/trivy-verify-attestation-centos-7-cyclonedx.intoto.jsonl'), 'utf8')) as Env;
    const custom = readFileSync(path.join(rw!, 'cosign/trivy-cosign-custom-predicate.att.json'));
    const signedHere = Buffer.from(JSON.stringify(resigned(real)));
    const original = Buffer.from(JSON.stringify(real));
    const config = Buffer.from('{}');
    // CENTOS: a provenance-like custom predicate beside the SBOM; OTHER: CENTOS's attestation copied under another image's tag.
    const centosAtt = attManifest([custom, signedHere], config);
    const otherAtt = attManifest([signedHere], config);
    await pushContent(reg.url, 'shop/web', {
      blobs: [config, custom, signedHere, original],
      manifests: [
        { bytes: centosAtt, mediaType: 'application/vnd.oci.image.manifest.v1+json', tags: [`${CENTOS.replace(':', '-')}.att`] },
        { bytes: otherAtt, mediaType: 'application/vnd.oci.image.manifest.v1+json', tags: [`${OTHER.replace(':', '-')}.att`] },
      ],
    });
    await pushContent(reg.url, 'shop/api', {
      blobs: [config, original],
      manifests: [{ bytes: attManifest([original], config), mediaType: 'application/vnd.oci.image.manifest.v1+json', tags: [`${CENTOS.replace(':', '-')}.att`] }],
    });
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('reads the SBOM attestation about the digest, verified with the key, skipping other predicates', async () => {
    const outcome = await acquirer({ key: keys.publicKey, keyLabel: '/k/cosign.pub' }).acquire(target(CENTOS), ctx());
    if (!outcome.ok) throw new Error(outcome.notMine);
    const p = outcome.image.platforms[0]!;
    expect(p.packages.map((x) => `${x.name}@${x.version}`)).toEqual(expect.arrayContaining(['bash@4.2.46-31.el7', 'openssl-libs@1.0.2k-16.el7']));
    expect(p.evidence).toMatchObject({ kind: 'attestation', verified: true, format: 'in-toto/cyclonedx-json-1.4' });
    expect(p.evidence?.detail).toBe(
      `${reg.host}/shop/web:${CENTOS.replace(':', '-')}.att: signature verified with /k/cosign.pub: signature 1 of 1 verified with the ecdsa-p256 key (DER)`,
    );
    expect(p.notes).toEqual([]);
    expect(outcome.image.digest).toBe(CENTOS);
  });

  it('does not take a signed statement about another image, found under this image’s tag', async () => {
    expect(await acquirer({ key: keys.publicKey }).acquire(target(OTHER), ctx())).toEqual({
      ok: false,
      notMine: `no referrers (no referrers API, no ${OTHER.replace(':', '-')} tag); no SBOM attestation about ${OTHER} among 1 at ${OTHER.replace(':', '-')}.att`,
    });
  });

  it('refuses an attestation the key did not sign, unless unverified ones are allowed', async () => {
    const api: Target = { ...target(CENTOS), repository: 'shop/api' };
    expect(await acquirer({ key: keys.publicKey }).acquire(api, ctx())).toEqual({
      ok: false,
      notMine: `no referrers (no referrers API, no ${CENTOS.replace(':', '-')} tag); ${reg.host}/shop/api:${CENTOS.replace(':', '-')}.att: attestation signature not verified: envelope 1 of 1: none of 1 signature(s) verifies with the given ecdsa-p256 key`,
    });
    const allowed = await acquirer({ key: keys.publicKey, allowUnverified: true }).acquire(api, ctx());
    if (!allowed.ok) throw new Error(allowed.notMine);
    expect(allowed.image.platforms[0]!.evidence?.verified).toBe(false);
    expect(allowed.image.platforms[0]!.notes).toEqual(['SBOM read from an attestation whose signature was not verified']);
  });

  it('steps aside when there is no attestation, no key, or no digest', async () => {
    const none = NONE.replace(':', '-');
    expect(await acquirer({ key: keys.publicKey }).acquire(target(NONE), ctx())).toEqual({
      ok: false,
      notMine: `no referrers (no referrers API, no ${none} tag); no attestation stored at ${none}.att`,
    });
    expect(await acquirer({}).acquire(target(CENTOS), ctx())).toEqual({
      ok: false,
      notMine: 'no --key or --trusted-root to verify attestations with (--allow-unverified-attestations reads them unchecked)',
    });
    const byTag: Target = { kind: 'registry', ref: 'x', registry: reg.host, repository: 'shop/web', tag: '1' };
    expect(await acquirer({ key: keys.publicKey }).acquire(byTag, ctx())).toEqual({ ok: false, notMine: 'attestations are looked up for registry images pinned by digest' });
  });

  it('says when the registry cannot be read', async () => {
    const down = new RegistryClient({ insecureRegistries: ['127.0.0.1'], credentials: async () => undefined, retry: { retries: 0, timeoutMs: 2000 } });
    const t: Target = { ...target(CENTOS), registry: '127.0.0.1:9', ref: 'x' };
    const outcome = await attestationAcquirer({ source: down, key: keys.publicKey }).acquire(t, ctx());
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.notMine).toMatch(new RegExp(`^cannot list referrers: 127\\.0\\.0\\.1:9: .+; cannot read ${CENTOS.replace(':', '-')}\\.att: `));
  });
});
