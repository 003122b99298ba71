// A loaded, validated, folded IOC set kept on disk next to the SBOM cache, keyed by the SHA-256 of every
// feed file's bytes and the loader's version: an unchanged 200,000-record feed loads without parsing it.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { cachePath, type CacheLocation } from '../acquire/cache/paths.js';
import { logDebug } from '../cli/log.js';
import type { IocSet } from '../model/ioc.js';
import { decodeValue, encodeValue } from './compiled-codec.js';

/**
 * Bump when what the loader makes of a file changes (a schema, a decoder, folding) or this file's shape does:
 * a compiled set from another version is a miss.
 */
export const IOC_LOADER_VERSION = 2;

const MAGIC = 'sbom-hunt compiled IOCs';

/** One feed file as it was read: its path as the incidents name it, and the SHA-256 of its bytes. */
export interface FeedFile {
  file: string;
  sha256: string;
}

/** `<cache dir>/iocs`, beside the SBOM cache's database; undefined when caching is off (`--no-cache`). */
export function iocCacheDir(loc: CacheLocation = {}, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const db = cachePath(loc, env);
  return db === undefined ? undefined : path.join(path.dirname(db), 'iocs');
}

export const sha256 = (buf: Buffer | string): string => createHash('sha256').update(buf).digest('hex');

const payloadSum = (body: Buffer): string => `crc32:${crc32(body).toString(16)}:${body.length}`;

/** One cache file per list of IOC paths as given (and the folder they were given from): it is replaced when the feed changes. */
function entryPath(dir: string, paths: readonly string[]): string {
  return path.join(dir, `${sha256(JSON.stringify([IOC_LOADER_VERSION, process.cwd(), paths])).slice(0, 32)}.json`);
}

interface Header {
  magic: string;
  version: number;
  paths: string[];
  files: FeedFile[];
  /**
   * CRC-32 of the payload (the bytes after the header line), with its length: a flipped bit or a truncated write is
   * a miss, never a wrong answer. Not a SHA-256: this guards against damage, not a writer (who could write any
   * header), and hashing a 200,000-record payload cost a fifth of the load.
   */
  payload: string;
}

/** A decoded payload is a set only if it has a set's shape; the checksum already rules out damage, this rules out a foreign writer. */
function asSet(v: unknown): IocSet {
  const set = v as IocSet;
  if (!set || !Array.isArray(set.incidents) || !Array.isArray(set.files)) throw new Error('not an IOC set');
  for (const inc of set.incidents) {
    if (typeof inc?.id !== 'string' || !Array.isArray(inc.packages) || !Array.isArray(inc.windows) || typeof inc.file !== 'string') throw new Error('an incident without id, packages, windows or file');
  }
  return set;
}

const sameFiles = (a: readonly FeedFile[], b: readonly FeedFile[]): boolean => a.length === b.length && a.every((f, i) => f.file === b[i]!.file && f.sha256 === b[i]!.sha256);

/**
 * The compiled set for these paths when every file is the one it was compiled from (same paths, same bytes,
 * same loader version); else undefined. An unreadable, corrupt or truncated cache file is a miss with a debug line.
 */
export function readCompiled(dir: string, paths: readonly string[], files: readonly FeedFile[]): IocSet | undefined {
  const file = entryPath(dir, paths);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') logDebug(`compiled IOC cache ${file}: cannot read (${(e as Error).message}); loading the feed`);
    return undefined;
  }
  try {
    const nl = bytes.indexOf(10);
    if (nl === -1) throw new Error('no header line');
    const header = JSON.parse(bytes.toString('utf8', 0, nl)) as Header;
    if (header.magic !== MAGIC || header.version !== IOC_LOADER_VERSION) throw new Error(`written by loader version ${String(header.version)}, this is ${IOC_LOADER_VERSION}`);
    if (JSON.stringify(header.paths) !== JSON.stringify(paths) || !Array.isArray(header.files) || !sameFiles(header.files, files)) {
      logDebug(`compiled IOC cache ${file}: the feed changed since it was compiled; loading it`);
      return undefined;
    }
    const body = bytes.subarray(nl + 1);
    if (payloadSum(body) !== header.payload) throw new Error('its content does not match its checksum (corrupt or truncated)');
    return asSet(decodeValue(body));
  } catch (e) {
    logDebug(`compiled IOC cache ${file}: ignored, ${(e as Error).message}; loading the feed`);
    return undefined;
  }
}

/** Writes the compiled set (to a temporary name, then renamed over the old one); a failure is a debug line only. */
export function writeCompiled(dir: string, paths: readonly string[], files: readonly FeedFile[], set: IocSet): void {
  const file = entryPath(dir, paths);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const body = encodeValue({ incidents: set.incidents, files: set.files });
    const header: Header = { magic: MAGIC, version: IOC_LOADER_VERSION, paths: [...paths], files: [...files], payload: payloadSum(body) };
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]));
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    logDebug(`compiled IOC cache ${file}: not written (${(e as Error).message})`);
  }
}
