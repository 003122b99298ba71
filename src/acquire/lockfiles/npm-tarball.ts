// The package.json inside an npm package tarball (`npm pack` output: gzip, then tar with one top folder), for
// lockfiles that lock a tarball in the tree by its hash and not its version (bun.lock's `name@./vendor/x.tgz`).
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { BLOCK, isZeroBlock, readHeader } from '../native/tar-header.js';
import { isRecord } from './lockfile.js';

/** More than a package tarball holds before its package.json is read is not looked through. */
const MAX_UNPACKED = 64 * 1024 * 1024;

/** Whether the bytes have an SRI integrity (`sha512-<base64>`, as npm and bun write it; sha1, sha256, sha384 too). */
export function hasIntegrity(bytes: Buffer, integrity: string): boolean {
  const [, algorithm, digest] = /^(sha1|sha256|sha384|sha512)-(.+)$/.exec(integrity) ?? [];
  return algorithm !== undefined && createHash(algorithm).update(bytes).digest('base64') === digest;
}

/**
 * Name and version of the tarball's top-level package.json (`package/package.json`, or whatever one folder npm
 * packed into), or a reason it has none: not gzip, not tar, larger unpacked than MAX_UNPACKED, no such file.
 */
export function tarballManifest(bytes: Buffer): { name?: string; version?: string } | string {
  let tar: Buffer;
  try {
    tar = gunzipSync(bytes, { maxOutputLength: MAX_UNPACKED });
  } catch (e) {
    return `not a gzip file within ${MAX_UNPACKED} bytes unpacked (${(e as Error).message})`;
  }
  let pax: string | undefined;
  for (let off = 0; off + BLOCK <= tar.length; ) {
    const block = tar.subarray(off, off + BLOCK);
    if (isZeroBlock(block)) break;
    let header;
    try {
      header = readHeader(block);
    } catch (e) {
      return (e as Error).message;
    }
    const body = tar.subarray(off + BLOCK, off + BLOCK + header.size);
    off += BLOCK + Math.ceil(header.size / BLOCK) * BLOCK;
    // A PAX header may carry the next entry's long name.
    if (header.typeflag === 'x') {
      pax = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1];
      continue;
    }
    const name = pax ?? header.name;
    pax = undefined;
    if ((header.typeflag !== '0' && header.typeflag !== '\0') || !/^[^/]+\/package\.json$/.test(name)) continue;
    try {
      const json: unknown = JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
      if (!isRecord(json)) return `${name} is not a JSON object`;
      return { ...(typeof json.name === 'string' ? { name: json.name } : {}), ...(typeof json.version === 'string' ? { version: json.version } : {}) };
    } catch (e) {
      return `${name} is not JSON (${(e as Error).message})`;
    }
  }
  return 'no package.json in its top folder';
}
