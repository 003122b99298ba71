// Images held in memory for fuzzing and hostile tests: build from layer bytes and JSON documents, serve as an ImageStore.
import { Readable } from 'node:stream';
import type { Descriptor, FetchedManifest, ImageStore } from '../../src/model/oci.js';
import { MT, sha256 } from '../helpers/image-builder.js';

export interface MemoryImage {
  root: string;
  blobs: Map<string, Buffer>;
  /** Media types of manifests and indexes by digest, as a registry would serve them. */
  types: Map<string, string>;
}

export function addBlob(img: Pick<MemoryImage, 'blobs'>, bytes: Buffer): Descriptor & { bytes: Buffer } {
  const digest = sha256(bytes);
  img.blobs.set(digest, bytes);
  return { mediaType: '', digest, size: bytes.length, bytes };
}

/** The documents of a one-platform image, each open to mutation before it is sealed by its digest. */
export interface ImageDocs {
  layers: Buffer[];
  config: unknown;
  /** Receives the sealed config and layer descriptors; returns the manifest document. */
  manifest: (config: Descriptor, layers: Descriptor[]) => unknown;
  /** Receives the sealed manifest descriptor; returns an index document, or undefined for no index. */
  index?: (manifest: Descriptor) => unknown;
}

export const defaultManifest = (config: Descriptor, layers: Descriptor[]) => ({
  schemaVersion: 2,
  mediaType: MT.ociManifest,
  config: { ...config, mediaType: MT.ociConfig },
  layers: layers.map((l) => ({ ...l, mediaType: 'application/vnd.oci.image.layer.v1.tar' })),
});

export const defaultIndex = (m: Descriptor) => ({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: [{ ...m, mediaType: MT.ociManifest, platform: { os: 'linux', architecture: 'amd64' } }] });

export const defaultConfig = { created: '2026-03-30T12:00:00Z', os: 'linux', architecture: 'amd64', config: { Labels: {} }, rootfs: { type: 'layers', diff_ids: [] } };

/** Seals documents bottom-up, so each one is reachable and verifies whatever was done to it. */
export function sealImage(docs: ImageDocs): MemoryImage {
  const img: MemoryImage = { root: '', blobs: new Map(), types: new Map() };
  const layers = docs.layers.map((b) => ({ ...strip(addBlob(img, b)), mediaType: 'application/vnd.oci.image.layer.v1.tar' }));
  const config = { ...strip(addBlob(img, json(docs.config))), mediaType: MT.ociConfig };
  const manifest = strip(addBlob(img, json(docs.manifest(config, layers))));
  img.types.set(manifest.digest, MT.ociManifest);
  img.root = manifest.digest;
  const index = docs.index?.({ ...manifest, mediaType: MT.ociManifest });
  if (index !== undefined) {
    const idx = strip(addBlob(img, json(index)));
    img.types.set(idx.digest, MT.ociIndex);
    img.root = idx.digest;
  }
  return img;
}

function json(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v) ?? 'null');
}

function strip(d: Descriptor & { bytes: Buffer }): Descriptor {
  return { mediaType: d.mediaType, digest: d.digest, size: d.size };
}

/** An ImageStore over a MemoryImage; `chunk` splits blob streams to exercise chunk boundaries. */
export function memoryStore(img: MemoryImage, chunk = 64 * 1024): ImageStore {
  const fetch = (digest: string): FetchedManifest => {
    const bytes = img.blobs.get(digest);
    if (!bytes) throw new Error(`manifest ${digest} not found`);
    return { bytes, digest, mediaType: img.types.get(digest) ?? 'application/octet-stream' };
  };
  return {
    label: 'memory',
    getRootManifest: async () => fetch(img.root),
    getManifest: async (digest) => fetch(digest),
    openBlob: async (desc) => {
      const bytes = img.blobs.get(desc.digest);
      if (!bytes) throw new Error(`blob ${desc.digest} not found`);
      const parts: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
      return Readable.from(parts, { objectMode: false });
    },
  };
}
