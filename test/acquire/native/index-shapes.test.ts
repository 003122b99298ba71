// Generated index shapes against a model of what a runtime pulls. containerd's matcher (and moby's, skopeo's
// ChooseInstance) looks at an entry's platform only, flattening nested indexes; labels such as
// vnd.docker.reference.type and artifactType play no part. So, for every generated index: each entry whose
// manifest holds a layer a runtime unpacks is read (with --platform: when its platform, or for an entry with
// none its config's, is the one asked for); every other entry is named in `skipped` with why (in-toto layers
// only: an attestation; no runtime layer: an artifact; another platform); nothing is dropped unnamed, and an
// index with nothing read is unknown.
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../../src/acquire/native/read-image.js';
import { addBlob, memoryStore, type MemoryImage } from '../../fuzz/memory-image.js';
import { runs } from '../../fuzz/harness.js';
import { layerTar, MT, npmPackageFiles } from '../../helpers/image-builder.js';
import { seeded } from '../../helpers/random.js';
import { oracleSeed } from '../../oracle/tally.js';

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'unknown/unknown', 'windows/amd64', undefined] as const;
const ATTESTATION_LABEL = { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': `sha256:${'0'.repeat(64)}` };
type Kind = 'image' | 'attestation' | 'artifact';

interface Expected {
  /** axios versions of the entries a runtime pulls. */
  read: string[];
  /** Entries not read, by the start of the reason sbom-hunt must give. */
  skipped: string[];
}

const platformOf = (s: string) => {
  const [os, architecture, variant] = s.split('/');
  return { os, architecture, ...(variant ? { variant } : {}) };
};

function put(img: MemoryImage, doc: unknown, type?: string) {
  const d = addBlob(img, Buffer.from(JSON.stringify(doc)));
  if (type) img.types.set(d.digest, type);
  return { digest: d.digest, size: d.size };
}

/** One manifest of a kind, decorated with labels that must not matter; returns its index entry. */
function entry(img: MemoryImage, r: Rand, kind: Kind, version: string, platform: string | undefined, configPlatform: string): Record<string, unknown> {
  const docker = kind === 'image' && r() < 0.3;
  let layers: Record<string, unknown>[];
  let config: Record<string, unknown>;
  if (kind === 'artifact') {
    config = { mediaType: 'application/vnd.oci.empty.v1+json', ...put(img, {}) };
    layers = [{ mediaType: pick(r, ['application/vnd.oci.empty.v1+json', 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', 'application/spdx+json']), ...put(img, { spdxVersion: 'SPDX-2.3' }) }];
  } else {
    const tar = layerTar({ files: npmPackageFiles('app/node_modules', 'axios', version) });
    const gz = r() < 0.5;
    const bytes = gz ? zlib.gzipSync(tar) : tar;
    const d = addBlob(img, bytes);
    const layerType = docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : gz ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar';
    const intoto = { mediaType: 'application/vnd.in-toto+json', ...put(img, { _type: 'https://in-toto.io/Statement/v0.1', predicateType: 'https://slsa.dev/provenance/v0.2', subject: [] }), annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } };
    layers = kind === 'attestation' ? [intoto] : [{ mediaType: layerType, digest: d.digest, size: d.size }, ...(r() < 0.2 ? [intoto] : [])];
    const cfg = { created: '2026-03-30T12:00:00Z', ...platformOf(configPlatform), config: { Labels: {} }, rootfs: { type: 'layers', diff_ids: [] } };
    config = { mediaType: docker ? MT.dockerConfig : MT.ociConfig, ...put(img, cfg) };
  }
  const manifestType = docker ? MT.dockerManifest : MT.ociManifest;
  const manifest = { schemaVersion: 2, mediaType: manifestType, config, layers, ...(r() < 0.2 ? { artifactType: 'application/vnd.example.sbom' } : {}) };
  const annotations = kind !== 'artifact' && r() < 0.3 ? ATTESTATION_LABEL : kind === 'attestation' && r() < 0.6 ? ATTESTATION_LABEL : undefined;
  return {
    mediaType: manifestType,
    ...put(img, manifest, manifestType),
    ...(platform ? { platform: platformOf(platform) } : {}),
    ...(annotations ? { annotations } : {}),
    ...(r() < 0.15 ? { artifactType: 'application/vnd.example.thing' } : {}),
  };
}

function generate(seed: number): { img: MemoryImage; want: string | undefined; expected: Expected } {
  const r = seeded(seed);
  const img: MemoryImage = { root: '', blobs: new Map(), types: new Map() };
  const want = r() < 0.4 ? pick(r, ['linux/amd64', 'linux/arm64']) : undefined;
  const expected: Expected = { read: [], skipped: [] };
  const top: Record<string, unknown>[] = [];
  const nested: Record<string, unknown>[] = [];
  const count = 1 + Math.floor(r() * 6);
  for (let i = 0; i < count; i++) {
    const kind = pick(r, ['image', 'image', 'image', 'attestation', 'artifact'] as const);
    const platform = kind === 'attestation' && r() < 0.6 ? 'unknown/unknown' : pick(r, PLATFORMS);
    const configPlatform = platform && platform !== 'unknown/unknown' ? platform : pick(r, ['linux/amd64', 'linux/arm64']);
    const version = `1.${seed % 1000}.${i}`;
    (r() < 0.2 ? nested : top).push(entry(img, r, kind, version, platform, configPlatform));
    const offered = !want || platform === undefined || platform === want;
    if (!offered) expected.skipped.push('not the requested platform');
    else if (kind === 'attestation') expected.skipped.push('attestation manifest');
    else if (kind === 'artifact') expected.skipped.push('artifact');
    else if (want && platform === undefined && configPlatform !== want) expected.skipped.push('its config says');
    else expected.read.push(version);
  }
  if (nested.length > 0) top.push({ mediaType: MT.ociIndex, ...put(img, { schemaVersion: 2, mediaType: MT.ociIndex, manifests: nested }, MT.ociIndex) });
  const rootType = r() < 0.3 ? MT.dockerList : MT.ociIndex;
  img.root = put(img, { schemaVersion: 2, mediaType: rootType, manifests: top }, rootType).digest;
  expected.read.sort();
  expected.skipped.sort();
  return { img, want, expected };
}

describe('index shapes: every entry a runtime could pull is read, every other entry is named with why', () => {
  it('on generated indexes (nested, docker and OCI, forged labels, attestations, artifacts, --platform)', async () => {
    const seed = oracleSeed(1e6);
    const count = runs(300);
    const disagreements: string[] = [];
    let read = 0;
    let skipped = 0;
    for (let s = seed; s < seed + count; s++) {
      const { img, want, expected } = generate(s);
      const got = await readImage(memoryStore(img), { ref: `case-${s}`, ...(want ? { platform: want } : {}) });
      const versions = got.platforms.flatMap((p) => p.packages.filter((x) => x.name === 'axios').map((x) => x.version)).sort();
      const reasons = (got.skipped ?? []).map((x) => x.reason);
      const skippedOk = reasons.length === expected.skipped.length && [...reasons].sort().every((why, i) => why.startsWith(expected.skipped[i] as string));
      const unknownOk = expected.read.length > 0 ? got.errors.length === 0 : got.errors.length > 0;
      if (JSON.stringify(versions) !== JSON.stringify(expected.read) || !skippedOk || !unknownOk) {
        disagreements.push(`seed ${s} (--platform ${want ?? 'none'}): read ${JSON.stringify(versions)} skipped ${JSON.stringify(reasons)} errors ${JSON.stringify(got.errors)}; expected read ${JSON.stringify(expected.read)} skipped ${JSON.stringify(expected.skipped)}`);
      }
      read += versions.length;
      skipped += reasons.length;
    }
    console.log(`index shapes: ${count} indexes from seed ${seed}, ${read} entries read, ${skipped} skipped with a reason, ${disagreements.length} disagreements`);
    expect(disagreements.slice(0, 3)).toEqual([]);
  }, 600_000);
});
