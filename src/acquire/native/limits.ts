// Caps that keep a hostile image from exhausting memory, disk or time; hitting one makes a platform unknown.

export interface Limits {
  /** Decompressed bytes read from one layer. */
  maxLayerBytes: number;
  /** Largest single file kept for catalogers (package.json, METADATA, dpkg status...). */
  maxFileBytes: number;
  /** Largest yarn cache zip read (its central directory and package.json entries only). */
  maxZipBytes: number;
  /**
   * Largest executable held whole to read its Go build information. Larger ones are scanned as they
   * stream (Go 1.18+ build info); a pre-1.18 Go binary above it makes the platform unknown.
   */
  maxExecutableBytes: number;
  /** Largest Java archive (jar, war, ear) read, nested archives included. */
  maxJavaArchiveBytes: number;
  /** Tar entries in one layer. */
  maxEntriesPerLayer: number;
  /** Manifests and indexes fetched for one image, all platforms together. */
  maxManifests: number;
  /** Image platforms read from one index. */
  maxPlatforms: number;
  /** Nesting of indexes inside indexes. */
  maxIndexDepth: number;
  /** Bytes of one manifest, index or config. */
  maxManifestBytes: number;
  /** Layers in one platform. */
  maxLayers: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxLayerBytes: 8 * 1024 ** 3,
  maxFileBytes: 8 * 1024 ** 2,
  maxZipBytes: 64 * 1024 ** 2,
  maxExecutableBytes: 64 * 1024 ** 2,
  maxJavaArchiveBytes: 256 * 1024 ** 2,
  maxEntriesPerLayer: 1_000_000,
  maxManifests: 256,
  maxPlatforms: 256,
  maxIndexDepth: 4,
  maxManifestBytes: 4 * 1024 ** 2,
  maxLayers: 512,
};

export function resolveLimits(partial?: Partial<Limits>): Limits {
  return { ...DEFAULT_LIMITS, ...partial };
}

/** A limit was hit: the message names the limit so the report can say which. */
export class LimitError extends Error {
  override name = 'LimitError';
  constructor(
    readonly limit: keyof Limits,
    detail: string,
  ) {
    super(`limit ${limit} exceeded: ${detail}`);
  }
}
