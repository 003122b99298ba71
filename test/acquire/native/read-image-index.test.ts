import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../../src/acquire/native/read-image.js';
import { openOciDir } from '../../../src/inventory/oci-dir.js';
import type { ImageStore } from '../../../src/model/oci.js';
import { buildImageLayout, MT, npmPackageFiles, sha256, type BuiltLayout, type ImageSpec } from '../../helpers/image-builder.js';

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'read-index-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const build = (spec: ImageSpec) => buildImageLayout(join(root, `img${n++}`), spec);

/** Serves a built image from memory, with a root chosen by the test (so indexes can be nested by hand). */
function memoryStore(blobs: Map<string, Buffer>, rootDigest: string, rootType = 'application/json'): ImageStore {
  const get = (digest: string) => {
    const bytes = blobs.get(digest);
    if (!bytes) throw new Error(`no blob ${digest}`);
    return bytes;
  };
  return {
    label: 'memory',
    getRootManifest: async () => ({ bytes: get(rootDigest), mediaType: rootType, digest: rootDigest }),
    getManifest: async (digest) => ({ bytes: get(digest), mediaType: 'application/octet-stream', digest }),
    openBlob: async (desc) => Readable.from([get(desc.digest)]),
  };
}

function wrapInIndex(built: BuiltLayout, times: number): string {
  let digest = built.indexDigest;
  for (let i = 0; i < times; i++) {
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: [{ mediaType: MT.ociIndex, digest, size: built.blobs.get(digest)!.length }] }));
    digest = sha256(bytes);
    built.blobs.set(digest, bytes);
  }
  return digest;
}

const platform = (architecture: string, version: string, variant?: string) => ({
  architecture,
  ...(variant ? { variant } : {}),
  layers: [{ files: npmPackageFiles('app/node_modules', 'axios', version) }],
});

describe('readImage: indexes', () => {
  it('reads every platform, skips attestation manifests and artifacts without making them unknown', async () => {
    const built = await build({ platforms: [platform('amd64', '1.14.1'), platform('arm', '1.14.0', 'v7')], attestations: true, artifacts: true });
    const img = await readImage(await openOciDir(built.dir), { ref: 'multi' });
    expect(img.errors).toEqual([]);
    expect(img.digest).toBe(built.indexDigest);
    expect(img.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm/v7']);
    expect(img.platforms.map((p) => p.digest)).toEqual(built.images[0]!.platforms.map((p) => p.digest));
    expect(img.platforms.map((p) => p.errors)).toEqual([[], []]);
    expect(img.platforms.map((p) => p.packages.map((x) => x.version))).toEqual([['1.14.1'], ['1.14.0']]);
  });

  it('reads only the requested platform, and says so when the index lacks it', async () => {
    const built = await build({ platforms: [platform('amd64', '1.14.1'), platform('arm64', '1.14.0')] });
    const arm = await readImage(await openOciDir(built.dir), { ref: 'x', platform: 'linux/arm64' });
    expect(arm.platforms.map((p) => p.platform)).toEqual(['linux/arm64']);
    const none = await readImage(await openOciDir(built.dir), { ref: 'x', platform: 'linux/s390x' });
    expect(none.platforms).toEqual([]);
    expect(none.errors.join()).toMatch(/no platform linux\/s390x.*linux\/amd64, linux\/arm64/);
  });

  it('reads Docker manifest lists and schema 2 manifests', async () => {
    const built = await build({ platforms: [platform('amd64', '1.14.1'), platform('arm64', '1.14.1')], mediaTypes: 'docker' });
    const img = await readImage(await openOciDir(built.dir), { ref: 'docker' });
    expect(img.errors).toEqual([]);
    expect(img.platforms.map((p) => [p.platform, p.packages[0]?.name])).toEqual([
      ['linux/amd64', 'axios'],
      ['linux/arm64', 'axios'],
    ]);
  });

  it('follows nested indexes up to the depth limit, naming the limit beyond it', async () => {
    const built = await build({ platforms: [platform('amd64', '1.14.1')], index: true });
    const nested = wrapInIndex(built, 2);
    const ok = await readImage(memoryStore(built.blobs, nested), { ref: 'nested' });
    expect(ok.errors).toEqual([]);
    expect(ok.platforms.map((p) => p.packages[0]?.version)).toEqual(['1.14.1']);
    const deep = await readImage(memoryStore(built.blobs, nested), { ref: 'nested', limits: { maxIndexDepth: 1 } });
    expect(deep.errors.join()).toContain('maxIndexDepth');
  });

  it('stops at the manifest limit with an image error naming it', async () => {
    const built = await build({ platforms: [platform('amd64', '1'), platform('arm64', '2'), platform('386', '3')] });
    const img = await readImage(await openOciDir(built.dir), { ref: 'x', limits: { maxManifests: 2 } });
    expect(img.platforms.map((p) => p.errors.length > 0)).toEqual([false, true, true]);
    expect(img.platforms[1]!.errors.join()).toContain('maxManifests');
  });

  it('reads at most maxPlatforms platforms and says the rest were not read', async () => {
    const built = await build({ platforms: [platform('amd64', '1'), platform('arm64', '2'), platform('386', '3')] });
    const img = await readImage(await openOciDir(built.dir), { ref: 'x', limits: { maxPlatforms: 2 } });
    expect(img.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(img.errors).toEqual(['limit maxPlatforms exceeded: more than 2 platforms']);
  });

  it('a manifest whose bytes do not match the digest makes that platform unknown, not the others', async () => {
    const built = await build({ platforms: [platform('amd64', '1.14.1'), platform('arm64', '1.14.1')] });
    const bad = built.images[0]!.platforms[1]!.digest;
    built.blobs.set(bad, Buffer.from(built.blobs.get(bad)!.toString().replace('"schemaVersion":2', '"schemaVersion":2 ')));
    const img = await readImage(memoryStore(built.blobs, built.indexDigest, MT.ociIndex), { ref: 'x' });
    expect(img.platforms[0]!.errors).toEqual([]);
    expect(img.platforms[1]!.errors.join()).toMatch(new RegExp(`manifest ${bad}: digest mismatch`));
  });

  it('an index entry of a type it cannot read is an unknown platform, not dropped', async () => {
    const built = await build({ platforms: [platform('amd64', '1.14.1')], index: true });
    const schema1 = Buffer.from(JSON.stringify({ schemaVersion: 1, name: 'x', fsLayers: [] }));
    built.blobs.set(sha256(schema1), schema1);
    const entries = [
      ...JSON.parse(built.blobs.get(built.indexDigest)!.toString()).manifests,
      { mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws', digest: sha256(schema1), size: schema1.length, platform: { os: 'linux', architecture: 's390x' } },
    ];
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: entries }));
    built.blobs.set(sha256(index), index);
    const img = await readImage(memoryStore(built.blobs, sha256(index)), { ref: 'x' });
    expect(img.platforms.map((p) => [p.platform, p.errors.length])).toEqual([
      ['linux/amd64', 0],
      ['linux/s390x', 1],
    ]);
    expect(img.platforms[1]!.errors[0]).toContain('schema 1 is not supported');
  });

  it('root failures go into the image errors', async () => {
    const img = await readImage(memoryStore(new Map([[sha256(Buffer.from('{}')), Buffer.from('{}')]]), sha256(Buffer.from('{}'))), { ref: 'x' });
    expect(img.platforms).toEqual([]);
    expect(img.errors.join()).toContain('unknown document type');
    const schema1 = Buffer.from(JSON.stringify({ schemaVersion: 1, fsLayers: [] }));
    const old = await readImage(memoryStore(new Map([[sha256(schema1), schema1]]), sha256(schema1)), { ref: 'x' });
    expect(old.errors.join()).toContain('schema 1 is not supported');
  });

  it('an artifact at the root is an image error, not a clean image', async () => {
    const built = await build({ platforms: [platform('amd64', '1')], artifacts: true });
    const artifact = built.manifests.find((m) => m.bytes.includes('artifactType'))!;
    const img = await readImage(memoryStore(built.blobs, artifact.digest), { ref: 'x' });
    expect(img.platforms).toEqual([]);
    expect(img.errors.join()).toContain('not a container image: artifact application/vnd.example.sbom');
  });
});

describe('readImage: stores that send bytes in small pieces', () => {
  it('sniffs compression across one-byte chunks and reads the layer', async () => {
    const built = await build({ platforms: [{ layers: [{ files: npmPackageFiles('n/node_modules', 'axios', '1.14.1'), compression: 'none', mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }, { files: npmPackageFiles('m/node_modules', 'b', '1.0.0') }] }] });
    const store = memoryStore(built.blobs, built.indexDigest, MT.ociManifest);
    const chunked = { ...store, openBlob: async (desc: Parameters<ImageStore['openBlob']>[0]) => Readable.from([...built.blobs.get(desc.digest)!].map((b) => Buffer.from([b]))) };
    const img = await readImage(chunked, { ref: 'x' });
    expect(img.platforms[0]!.errors).toEqual([]);
    expect(img.platforms[0]!.packages.map((p) => p.name).sort()).toEqual(['axios', 'b']);
  });
});
