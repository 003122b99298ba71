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

/** Whether this Node can read zstd layers (zlib.createZstdDecompress arrived in Node 22.15 / 23.8). */
export function zstdSupported(): boolean {
  return typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';
}

/** A decompressing stream, or undefined for an uncompressed layer. */
export function createDecompressor(compression: Compression): Transform | undefined {
  if (compression === 'gzip') return zlib.createGunzip({ chunkSize: 256 * 1024 });
  if (compression === 'zstd') {
    if (!zstdSupported()) throw new Error(`zstd layers need Node >= 22.15 (this is ${process.version}, zlib has no zstd)`);
    const create = (zlib as unknown as { createZstdDecompress: (o?: object) => Transform }).createZstdDecompress;
    return create({ chunkSize: 256 * 1024 });
  }
  return undefined;
}
