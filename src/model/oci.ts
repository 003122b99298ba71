// OCI content types shared by every image store (layout on disk, docker archive, registry).
import type { Readable } from 'node:stream';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
  artifactType?: string;
}

export interface FetchedManifest {
  /** Raw bytes, exactly as served: their digest is verified by the caller. */
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

/**
 * Where an image's content lives. The native reader walks indexes, manifests, configs and layers
 * through this interface only, so an OCI layout, a docker archive and a registry read the same way.
 */
export interface ImageStore {
  /** A short label for messages: a path or `host/repo`. */
  readonly label: string;
  /** The root manifest or index of the image: by tag, by digest, or the layout's single entry. */
  getRootManifest(): Promise<FetchedManifest>;
  /** A manifest or index by digest (children of an index). */
  getManifest(digest: string): Promise<FetchedManifest>;
  /** A blob (config or layer) as a stream of its stored (compressed) bytes; the caller verifies the digest. */
  openBlob(desc: Descriptor): Promise<Readable>;
}
