// The package.json inside an npm package tarball (`npm pack` output: gzip, then tar with one top folder), for
// lockfiles that lock a tarball in the tree by its hash and not its version (bun.lock's `name@./vendor/x.tgz`).
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { TarParser } from '../native/tar.js';
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
 * packed into), or a reason it has none: not gzip, not tar, larger unpacked than MAX_UNPACKED, no such file. The
 * tar is read by the layer reader (Go's archive/tar rules: PAX and GNU long names, sparse files), as npm's own tar
 * reads it, not by a second parser of its own.
 */
export function tarballManifest(bytes: Buffer): { name?: string; version?: string } | string {
  let tar: Buffer;
  try {
    tar = gunzipSync(bytes, { maxOutputLength: MAX_UNPACKED });
  } catch (e) {
    return `not a gzip file within ${MAX_UNPACKED} bytes unpacked (${(e as Error).message})`;
  }
  // npm and bun strip the top folder of every member and extract in order: the last package.json is the one on disk.
  let found: { name: string; body: Buffer } | undefined;
  const parser = new TarParser({
    onEntry: (entry) => entry.type === 'file' && /^[^/]+\/package\.json$/.test(entry.name),
    onBody: (entry, body) => {
      found = { name: entry.name, body };
    },
  });
  try {
    parser.write(tar);
    parser.end();
  } catch (e) {
    return `not a tar file a package manager can unpack (${(e as Error).message})`;
  }
  if (found === undefined) return 'no package.json in its top folder';
  try {
    const json: unknown = JSON.parse(found.body.toString('utf8').replace(/^\uFEFF/, ''));
    if (!isRecord(json)) return `${found.name} is not a JSON object`;
    return { ...(typeof json.name === 'string' ? { name: json.name } : {}), ...(typeof json.version === 'string' ? { version: json.version } : {}) };
  } catch (e) {
    return `${found.name} is not JSON (${(e as Error).message})`;
  }
}
