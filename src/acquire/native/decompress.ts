// Layer compression: chosen by magic bytes first (media types lie, notably in docker archives), media type second.
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';

export type Compression = 'gzip' | 'zstd' | 'none';

export function sniffCompression(head: Buffer): Compression | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return head.length >= 4 ? 'none' : undefined;
}

export function compressionFromMediaType(mediaType: string): Compression {
  if (/gzip$/.test(mediaType)) return 'gzip';
  if (/zstd$/.test(mediaType)) return 'zstd';
  return 'none';
}

/** The zlib functions used; a parameter so that tests can stand in for an older Node. */
export interface ZlibLike {
  createGunzip: typeof zlib.createGunzip;
  createZstdDecompress?: unknown;
}

/** Whether this Node can read zstd layers (zlib.createZstdDecompress arrived in Node 22.15 / 23.8). */
export function zstdSupported(lib: ZlibLike = zlib): boolean {
  return typeof lib.createZstdDecompress === 'function';
}

/** A decompressing stream, or undefined for an uncompressed layer. */
export function createDecompressor(compression: Compression, lib: ZlibLike = zlib): Transform | undefined {
  if (compression === 'gzip') return lib.createGunzip({ chunkSize: 256 * 1024 });
  if (compression === 'zstd') {
    if (!zstdSupported(lib)) throw new Error(`zstd layers need Node >= 22.15 (this is ${process.version}, zlib has no zstd)`);
    return (lib.createZstdDecompress as (o?: object) => Transform)({ chunkSize: 256 * 1024 });
  }
  return undefined;
}
