// Small OCI images for the registry tests: a config, one layer of chosen bytes, a manifest; indexes over them.
import { randomBytes } from 'node:crypto';
import { digestOf, type PushContent } from '../../helpers/push.js';

export interface TestImage extends PushContent {
  digest: string;
  manifest: Buffer;
  config: Buffer;
  layer: Buffer;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** An image whose layer is `layerSize` random bytes (the registry does not look inside layers). */
export function makeImage(tags: string[], layerSize = 2048, architecture = 'amd64'): TestImage {
  const layer = randomBytes(layerSize);
  const config = Buffer.from(
    JSON.stringify({ architecture, os: 'linux', created: '2026-01-02T03:04:05Z', rootfs: { type: 'layers', diff_ids: [digestOf(layer)] } }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(layer), size: layer.length }],
    }),
  );
  return {
    blobs: [config, layer],
    manifests: [{ bytes: manifest, mediaType: OCI_MANIFEST, tags }],
    digest: digestOf(manifest),
    manifest,
    config,
    layer,
  };
}

/** A multi-platform index over images, pushed after them. */
export function makeIndex(tags: string[], images: TestImage[]): PushContent & { digest: string; index: Buffer } {
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: images.map((img) => ({
        mediaType: OCI_MANIFEST,
        digest: img.digest,
        size: img.manifest.length,
        platform: { os: 'linux', architecture: (JSON.parse(img.config.toString()) as { architecture: string }).architecture },
      })),
    }),
  );
  return {
    blobs: images.flatMap((i) => i.blobs),
    manifests: [...images.flatMap((i) => i.manifests.map((m) => ({ ...m, tags: [] }))), { bytes: index, mediaType: OCI_INDEX, tags }],
    digest: digestOf(index),
    index,
  };
}
