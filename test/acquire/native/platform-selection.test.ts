// Platform selection as runtimes do it: containerd's matcher looks at an index entry's platform only
// (annotations and artifactType play no part), so every entry a runtime could pull is read, and what is
// not read (attestations, artifacts, other platforms) is named with why.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactReason, ImageManifest } from '../../../src/acquire/native/manifest.js';
import { readImage } from '../../../src/acquire/native/read-image.js';
import { buildIocIndex } from '../../../src/match/ioc-index.js';
import { judgeImage } from '../../../src/match/verdict.js';
import type { ImageStore } from '../../../src/model/oci.js';
import { incident, ioc, iocSet } from '../../match/helpers.js';
import { buildImageLayout, MT, npmPackageFiles, sha256, type BuiltLayout, type ImageSpec, type PlatformSpec } from '../../helpers/image-builder.js';

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'platform-select-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const build = (spec: ImageSpec) => buildImageLayout(join(root, `img${n++}`), spec);

function memoryStore(blobs: Map<string, Buffer>, rootDigest: string): ImageStore {
  const get = (digest: string) => {
    const bytes = blobs.get(digest);
    if (!bytes) throw new Error(`no blob ${digest}`);
    return bytes;
  };
  return {
    label: 'memory',
    getRootManifest: async () => ({ bytes: get(rootDigest), mediaType: MT.ociIndex, digest: rootDigest }),
    getManifest: async (digest) => ({ bytes: get(digest), mediaType: 'application/octet-stream', digest }),
    openBlob: async (desc) => Readable.from([get(desc.digest)]),
  };
}

/** Rewrites the root index's entries and stores the new index; returns its digest. */
function rewriteIndex(built: BuiltLayout, edit: (entries: Record<string, unknown>[]) => Record<string, unknown>[]): string {
  const index = JSON.parse(built.blobs.get(built.indexDigest)!.toString()) as { manifests: Record<string, unknown>[] };
  const bytes = Buffer.from(JSON.stringify({ ...index, manifests: edit(index.manifests) }));
  built.blobs.set(sha256(bytes), bytes);
  return sha256(bytes);
}

const axios = (version: string, extra: Partial<PlatformSpec> = {}): PlatformSpec => ({ architecture: 'amd64', layers: [{ files: npmPackageFiles('app/node_modules', 'axios', version) }], ...extra });
const ATTESTATION_LABEL = { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': `sha256:${'0'.repeat(64)}` };

describe('index entries a runtime would pull are read, whatever their labels say', () => {
  const forged: [string, Partial<PlatformSpec>][] = [
    ['an attestation annotation', { entry: { annotations: ATTESTATION_LABEL } }],
    ['an artifactType on the entry', { entry: { artifactType: 'application/vnd.example.sbom' } }],
    ['an artifactType in the manifest', { manifest: { artifactType: 'application/vnd.example.sbom' } }],
    ['all three', { entry: { annotations: ATTESTATION_LABEL, artifactType: 'x/y' }, manifest: { artifactType: 'x/y' } }],
    ['no platform on the entry', { entry: { platform: undefined } }],
  ];
  it.each(forged)('a linux/amd64 image manifest with %s is read', async (_what, extra) => {
    const built = await build({ platforms: [axios('1.14.0'), { ...axios('1.14.1', extra), architecture: 'arm64' }] });
    const img = await readImage(await openLayout(built), { ref: 'forged' });
    expect(img.errors).toEqual([]);
    expect(img.platforms.map((p) => p.packages.map((x) => `${x.name}@${x.version}`))).toEqual([['axios@1.14.0'], ['axios@1.14.1']]);
    expect(img.skipped).toEqual([]);
  });

  it('an image manifest at unknown/unknown with tar layers is read (a runtime pulling every platform unpacks it)', async () => {
    const built = await build({ platforms: [axios('1.14.0'), axios('1.14.1', { os: 'unknown', architecture: 'unknown' })] });
    const img = await readImage(await openLayout(built), { ref: 'x' });
    expect(img.platforms.map((p) => [p.platform, p.packages[0]?.version])).toEqual([
      ['linux/amd64', '1.14.0'],
      ['unknown/unknown', '1.14.1'],
    ]);
  });

  it('with --platform, an entry without a platform is read when its config has that platform (containerd checks the config)', async () => {
    const built = await build({ platforms: [{ ...axios('1.14.1', { entry: { platform: undefined } }) }, axios('1.14.0', { architecture: 'arm64' })] });
    const amd = await readImage(await openLayout(built), { ref: 'x', platform: 'linux/amd64' });
    expect(amd.platforms.map((p) => [p.platform, p.packages[0]?.version])).toEqual([['linux/amd64', '1.14.1']]);
    expect(amd.skipped?.map((s) => s.reason)).toEqual(['not the requested platform linux/amd64']);
    const arm = await readImage(await openLayout(built), { ref: 'x', platform: 'linux/arm64' });
    expect(arm.platforms.map((p) => [p.platform, p.packages[0]?.version])).toEqual([['linux/arm64', '1.14.0']]);
    expect(arm.skipped?.map((s) => s.reason)).toEqual(['its config says linux/amd64, not the requested platform linux/arm64']);
  });
});

describe('entries not read are recognised by content and named', () => {
  it('attestations (in-toto layers) and artifacts (no runtime layer) are listed in skipped with why', async () => {
    const built = await build({ platforms: [axios('1.14.1')], attestations: true, artifacts: true });
    const img = await readImage(await openLayout(built), { ref: 'x' });
    expect(img.platforms).toHaveLength(1);
    expect(img.skipped?.map((s) => [s.platform ?? '', s.reason])).toEqual([
      ['unknown/unknown', 'attestation manifest (only in-toto layers)'],
      ['', 'artifact application/vnd.example.sbom: config application/vnd.oci.empty.v1+json, no layer a runtime unpacks (layer types: application/vnd.oci.empty.v1+json)'],
      ['linux/amd64', 'artifact: config application/vnd.cncf.helm.config.v1+json, no layer a runtime unpacks (layer types: application/vnd.oci.empty.v1+json)'],
    ]);
    const judged = judgeImage(img, buildIocIndex(iocSet(incident('axios-2026-03', [ioc('npm', 'axios', ['1.14.1'])]))));
    expect(judged.verdict).toBe('affected');
    expect(judged.reasons.filter((r) => r.startsWith('index entry'))).toHaveLength(3);
  });

  it('an in-toto manifest at linux/amd64 without any label is still an attestation; stripping the label changes nothing', async () => {
    const built = await build({ platforms: [axios('1.14.0')], attestations: true });
    const rootDigest = rewriteIndex(built, (entries) => entries.map((e) => (e.platform && (e.platform as { os: string }).os === 'unknown' ? { mediaType: e.mediaType, digest: e.digest, size: e.size, platform: { os: 'linux', architecture: 'amd64' } } : e)));
    const img = await readImage(memoryStore(built.blobs, rootDigest), { ref: 'x' });
    expect(img.errors).toEqual([]);
    expect(img.platforms.map((p) => p.platform)).toEqual(['linux/amd64']);
    expect(img.skipped?.map((s) => [s.platform, s.reason])).toEqual([['linux/amd64', 'attestation manifest (only in-toto layers)']]);
  });

  it('an index of nothing but attestations is unknown, not clean', async () => {
    const built = await build({ platforms: [axios('1.14.0')], attestations: true });
    const rootDigest = rewriteIndex(built, (entries) => entries.filter((e) => (e.platform as { os: string }).os === 'unknown'));
    const img = await readImage(memoryStore(built.blobs, rootDigest), { ref: 'x' });
    expect(img.platforms).toEqual([]);
    expect(img.errors.join()).toContain('the index lists no image platforms');
  });
});

describe('artifactReason: content decides', () => {
  const m = (config: string, layers: string[], artifactType?: string) =>
    ImageManifest.parse({ schemaVersion: 2, ...(artifactType ? { artifactType } : {}), config: { mediaType: config, digest: 'sha256:0', size: 0 }, layers: layers.map((mediaType) => ({ mediaType, digest: 'sha256:0', size: 0 })) });
  const cases: [string, ImageManifest, boolean][] = [
    ['image config, gzip layers', m(MT.ociConfig, ['application/vnd.oci.image.layer.v1.tar+gzip']), true],
    ['image config, no layers (an empty image)', m(MT.ociConfig, []), true],
    ['docker config, docker layers', m(MT.dockerConfig, ['application/vnd.docker.image.rootfs.diff.tar.gzip']), true],
    ['artifactType with a zstd layer', m('application/vnd.oci.empty.v1+json', ['application/vnd.oci.image.layer.v1.tar+zstd'], 'x/y'), true],
    ['foreign layer beside an in-toto one', m(MT.ociConfig, ['application/vnd.in-toto+json', 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip']), true],
    ['image config, in-toto layers (BuildKit attestation)', m(MT.ociConfig, ['application/vnd.in-toto+json']), false],
    ['image config, in-toto DSSE layers', m(MT.ociConfig, ['application/vnd.in-toto.spdx+dsse+json'.replace('+dsse', '')]), false],
    ['empty config, empty layer', m('application/vnd.oci.empty.v1+json', ['application/vnd.oci.empty.v1+json'], 'application/vnd.dev.cosign.artifact.sig.v1+json'), false],
    ['helm chart', m('application/vnd.cncf.helm.config.v1+json', ['application/vnd.cncf.helm.chart.content.v1.tar+gzip']), false],
  ];
  it.each(cases)('%s: read=%s', (_what, manifest, read) => {
    expect(artifactReason(manifest) === undefined).toBe(read);
  });
});

async function openLayout(built: BuiltLayout): Promise<ImageStore> {
  return memoryStore(built.blobs, built.indexDigest);
}
