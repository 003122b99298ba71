// Signed SLSA provenance beside a registry image (cosign's .att tag on the real registry): its build times are
// used, labelled verified, only when the signature checks with the given key; an unverified one only under
// --allow-unverified-attestations, and then it ranks below the config's own time.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attestationAcquirer } from '../../../src/acquire/attestation/acquirer.js';
import type { AcquireContext } from '../../../src/acquire/acquirer.js';
import { RegistryClient } from '../../../src/adapters/oci/client.js';
import type { Target } from '../../../src/model/target.js';
import { cyclonedxStatement, keySignedBundle } from '../../helpers/attestations.js';
import { digestOf, pushContent } from '../../helpers/push.js';
import { registryAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../../helpers/registry.js';

if (!registryAvailable) {
  if (process.env.CI) throw new Error(SKIP_MESSAGE);
  console.warn(SKIP_MESSAGE);
}

const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const IMG = `sha256:${'4'.repeat(64)}`;
const ctx = (): AcquireContext => ({ insecureRegistries: [], inputErrors: [] });

function provenance(digest: string, finished: string): object {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'shop/web', digest: { sha256: digest.slice(7) } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: { buildDefinition: { buildType: 'https://actions.github.io/buildtypes/workflow/v1' }, runDetails: { builder: { id: 'https://github.com/actions/runner' }, metadata: { startedOn: '2026-03-31T00:55:00Z', finishedOn: finished } } },
  };
}

/** A bare DSSE envelope, as the layers of cosign's .att manifests hold them. */
const envelope = (bundle: Buffer) => Buffer.from(JSON.stringify((JSON.parse(bundle.toString()) as { dsseEnvelope: unknown }).dsseEnvelope));

describe.skipIf(!registryAvailable)('signed SLSA provenance beside a registry image', () => {
  let reg: TestRegistry;
  let source: RegistryClient;
  const target = (repo: string): Target & { kind: 'registry' } => ({ kind: 'registry', ref: `${reg.host}/${repo}@${IMG}`, registry: reg.host, repository: repo, digest: IMG });

  async function pushAtt(repo: string, envelopes: Buffer[]) {
    const config = Buffer.from('{}');
    const layers = envelopes.map((e) => ({ mediaType: 'application/vnd.dsse.envelope.v1+json', digest: digestOf(e), size: e.length }));
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length }, layers }));
    await pushContent(reg.url, repo, { blobs: [config, ...envelopes], manifests: [{ bytes: manifest, mediaType: 'application/vnd.oci.image.manifest.v1+json', tags: [`${IMG.replace(':', '-')}.att`] }] });
  }

  beforeAll(async () => {
    reg = await startRegistry();
    source = new RegistryClient({ insecureRegistries: [reg.host], credentials: async () => undefined, retry: { retries: 0, timeoutMs: 5000 } });
    const sbom = envelope(keySignedBundle(cyclonedxStatement(IMG, [['lodash', '4.17.21']]), keys.privateKey));
    await pushAtt('shop/signed', [sbom, envelope(keySignedBundle(provenance(IMG, '2026-03-31T01:10:00Z'), keys.privateKey))]);
    await pushAtt('shop/forged', [sbom, envelope(keySignedBundle(provenance(IMG, '2026-03-31T01:10:00Z'), other.privateKey))]);
    await pushAtt('shop/elsewhere', [sbom, envelope(keySignedBundle(provenance(`sha256:${'5'.repeat(64)}`, '2026-03-31T01:10:00Z'), keys.privateKey))]);
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('a provenance signed with the key gives verified build times that decide over the SBOM time', async () => {
    const out = await attestationAcquirer({ source, key: keys.publicKey }).acquire(target('shop/signed'), ctx());
    if (!out.ok) throw new Error(out.notMine);
    const created = out.image.platforms[0]!.created!;
    expect(created).toMatchObject({ reliable: true, value: '2026-03-31T01:10:00Z' });
    expect(created.source).toBe(`SLSA provenance v1 runDetails.metadata.finishedOn (attestation at ${reg.host}/shop/signed:${IMG.replace(':', '-')}.att, signature verified)`);
    expect(created.sources?.filter((s) => s.kind === 'provenance').map((s) => s.verified)).toEqual([true, true]);
  });

  it('a provenance signed by another key is not used, with a note; under --allow-unverified it is used labelled unverified', async () => {
    const strict = await attestationAcquirer({ source, key: keys.publicKey }).acquire(target('shop/forged'), ctx());
    if (!strict.ok) throw new Error(strict.notMine);
    const p = strict.image.platforms[0]!;
    expect(p.created?.sources?.some((s) => s.kind === 'provenance') ?? false).toBe(false);
    expect(p.notes.join('\n')).toMatch(/SLSA provenance at .* not used: signature not verified/);
    const loose = await attestationAcquirer({ source, key: keys.publicKey, allowUnverified: true }).acquire(target('shop/forged'), ctx());
    if (!loose.ok) throw new Error(loose.notMine);
    const prov = loose.image.platforms[0]!.created?.sources?.filter((s) => s.kind === 'provenance') ?? [];
    expect(prov.map((s) => [s.verified, /signature not verified/.test(s.source)])).toEqual([
      [false, true],
      [false, true],
    ]);
  });

  it('a signed provenance about another digest gives no time', async () => {
    const out = await attestationAcquirer({ source, key: keys.publicKey }).acquire(target('shop/elsewhere'), ctx());
    if (!out.ok) throw new Error(out.notMine);
    expect(out.image.platforms[0]!.created?.sources?.some((s) => s.kind === 'provenance') ?? false).toBe(false);
  });
});
