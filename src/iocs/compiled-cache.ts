// A loaded, validated, folded IOC set kept on disk next to the SBOM cache, keyed by the SHA-256 of every
// feed file's bytes and the loader's version: an unchanged 200,000-record feed loads without parsing it, and
// (its files' stats unchanged and settled, feed-stamps.ts) without reading it.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writevSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { cachePath, type CacheLocation } from '../acquire/cache/paths.js';
import { logDebug } from '../cli/log.js';
import type { IocSet } from '../model/ioc.js';
import { DECODE_CHUNK, decodeValueFrom, encodeValueParts, type ByteReader } from './compiled-codec.js';
import { settled, vouches } from './feed-stamps.js';

/**
 * Bump when what the loader makes of a file changes (a schema, a decoder, folding) or this file's shape does:
 * a compiled set from another version is a miss.
 */
export const IOC_LOADER_VERSION = 7;

const MAGIC = 'sbom-hunt compiled IOCs';

/** One feed file as it was read: its path as the incidents name it, the SHA-256 of its bytes, and its stamp (stampOf the stat taken before they were read). */
export interface FeedFile {
  file: string;
  sha256: string;
  stamp: string;
}

/** A feed file as this load finds it: its stat (taken after the load's `since`), and its digest, read and hashed on demand. */
export interface FeedProbe {
  readonly file: string;
  /** stampOf its stat (feed-stamps.ts), taken before `digest` reads it. */
  readonly stamp: string;
  /** newestNs of that stat. */
  readonly newestNs: bigint;
  /** The SHA-256 of its bytes, undefined if they cannot be read; the loader keeps the bytes for a decode on a miss. */
  digest(): string | undefined;
}

/** `<cache dir>/iocs`, beside the SBOM cache's database; undefined when caching is off (`--no-cache`). */
export function iocCacheDir(loc: CacheLocation = {}, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const db = cachePath(loc, env);
  return db === undefined ? undefined : path.join(path.dirname(db), 'iocs');
}

export const sha256 = (buf: Buffer | string): string => createHash('sha256').update(buf).digest('hex');

/** How a header writes a checksum: the CRC-32 of `length` bytes. */
const checksumText = (crc: number, length: number): string => `crc32:${crc.toString(16)}:${length}`;

/** The checksum of the bytes of the parts one after the other. */
function checksumOf(...parts: Buffer[]): string {
  let crc = 0;
  let length = 0;
  for (const p of parts) {
    crc = crc32(p, crc);
    length += p.length;
  }
  return checksumText(crc, length);
}

/** One cache file per list of IOC paths as given (and the folder they were given from): it is replaced when the feed changes. */
function entryPath(dir: string, paths: readonly string[]): string {
  return path.join(dir, `${sha256(JSON.stringify([IOC_LOADER_VERSION, process.cwd(), paths])).slice(0, 32)}.json`);
}

/**
 * The first line of a cache file. The second is the file list (FeedFile[] as JSON, `listBytes` long), the rest the
 * payload. The list is read only when some file's stat does not vouch for it: parsing 200,000 entries cost a folder
 * feed's hit a tenth of its time, and `stamps` answers for all of them at once.
 */
interface Header {
  magic: string;
  version: number;
  paths: string[];
  /** clockNs before the first of the files' stats was taken (decimal): what their stamps are settled against. */
  since: string;
  /** How many files the list holds, and stampsOf it. */
  count: number;
  stamps: string;
  listBytes: number;
  /**
   * checksumOf the file list and of the payload: a flipped bit or a truncated write is a miss, never a wrong
   * answer. Not a SHA-256: this guards against damage, not a writer (who could write any header), and hashing a
   * 200,000-record payload cost a fifth of the load.
   */
  list: string;
  payload: string;
}

/** SHA-256 over each file's name and stamp, in order (no path holds a NUL). */
function stampsOf(files: readonly { file: string; stamp: string }[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(`${f.file}\0${f.stamp}\0`);
  return h.digest('hex');
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

/** How the feed compares with the one compiled: undefined if a file differs, else how many files had to be read (and of those, how many are settled now). */
interface FeedCheck {
  hashed: number;
  settledNow: number;
}

/** Whether every file has the stamp recorded, settled when it was recorded: then none need be read, nor the list. */
function allVouch(header: Header, probes: readonly FeedProbe[], since: bigint): boolean {
  return header.count === probes.length && probes.every((p) => settled(p.newestNs, since)) && stampsOf(probes) === header.stamps;
}

/**
 * Each file in the order compiled, trusted by its stat (feed-stamps.ts vouches) or else read, hashed and compared;
 * the first that differs ends the check. `now`: this load's clockNs, for which of the read files are settled.
 */
function checkFeed(files: readonly FeedFile[], probes: readonly FeedProbe[], since: bigint, now: bigint): FeedCheck | undefined {
  if (!Array.isArray(files) || files.length !== probes.length) return undefined;
  const check: FeedCheck = { hashed: 0, settledNow: 0 };
  for (const [i, p] of probes.entries()) {
    const was = files[i]!;
    if (was.file !== p.file) return undefined;
    if (vouches(p.stamp, p.newestNs, was.stamp, since)) continue;
    check.hashed++;
    if (typeof was.sha256 !== 'string' || p.digest() !== was.sha256) return undefined;
    if (settled(p.newestNs, now)) check.settledNow++;
  }
  return check;
}

/** The longest header line read: a longer first line is not one this loader wrote. */
const HEADER_MAX = 1 << 20;

/** An open cache file: its header, and where its list and its payload start. */
interface Entry {
  fd: number;
  size: number;
  header: Header;
  listAt: number;
  bodyAt: number;
}

/** Reads `length` bytes at `position`, or throws if the file ends first. */
function readAt(fd: number, length: number, position: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let got = 0; got < length; ) {
    const n = readSync(fd, out, got, length - got, position + got);
    if (n === 0) throw new Error('truncated');
    got += n;
  }
  return out;
}

/** The header of an open cache file; throws if it is not one (no header, another version, a list past its end). */
function openedEntry(fd: number): Entry {
  const size = fstatSync(fd).size;
  let nl = -1;
  let head: Buffer = Buffer.alloc(0);
  for (let want = 4096; nl === -1 && head.length < Math.min(size, HEADER_MAX); want *= 4) {
    head = readAt(fd, Math.min(size, want, HEADER_MAX), 0);
    nl = head.indexOf(10);
  }
  if (nl === -1) throw new Error('no header');
  const header = JSON.parse(head.toString('utf8', 0, nl)) as Header;
  if (header.magic !== MAGIC || header.version !== IOC_LOADER_VERSION) throw new Error(`written by loader version ${String(header.version)}, this is ${IOC_LOADER_VERSION}`);
  const listAt = nl + 1;
  const bodyAt = listAt + header.listBytes + 1;
  if (!Number.isSafeInteger(header.listBytes) || header.listBytes < 0 || bodyAt > size || readAt(fd, 1, bodyAt - 1)[0] !== 10) throw new Error('no file list');
  return { fd, size, header, listAt, bodyAt };
}

function listOf(e: Entry): FeedFile[] {
  const list = readAt(e.fd, e.header.listBytes, e.listAt);
  if (checksumOf(list) !== e.header.list) throw new Error('its file list does not match its checksum (corrupt)');
  return JSON.parse(list.toString('utf8')) as FeedFile[];
}

/**
 * The payload decoded as it is read, DECODE_CHUNK bytes at a time, and checked against its checksum once read: a
 * 200,000-record feed's 54 MB were read into one buffer (and checksummed there), a fifth of a hit.
 */
function payloadOf(e: Entry): unknown {
  let at = e.bodyAt;
  let crc = 0;
  const read: ByteReader = (into) => {
    const n = readSync(e.fd, into, 0, into.length, at);
    crc = crc32(into.subarray(0, n), crc);
    at += n;
    return n;
  };
  const value = decodeValueFrom(read, e.size - e.bodyAt);
  if (at !== e.size || checksumText(crc, e.size - e.bodyAt) !== e.header.payload) throw new Error('its content does not match its checksum (corrupt or truncated)');
  return value;
}

/** The cache file opened, undefined (with a debug line unless there is none) if it cannot be. */
function openEntry(file: string): number | undefined {
  try {
    return openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') logDebug(`compiled IOC cache ${file}: cannot read (${(e as Error).message}); loading the feed`);
    return undefined;
  }
}

/**
 * The compiled set for these paths when every file is the one it was compiled from (same paths, same bytes, same
 * loader version); else undefined. A file whose stat vouches for it is not read (`digest` is not called). An
 * unreadable, corrupt or truncated cache file is a miss with a debug line. A hit that had to read files that are
 * settled by now (`now`: clockNs before `probes`' stats) records their stats, so the next load need not read them.
 */
export function readCompiled(dir: string, paths: readonly string[], now: bigint, probes: readonly FeedProbe[]): IocSet | undefined {
  const file = entryPath(dir, paths);
  const fd = openEntry(file);
  if (fd === undefined) return undefined;
  try {
    const entry = openedEntry(fd);
    const since = BigInt(entry.header.since);
    let files: FeedFile[] | undefined;
    let check: FeedCheck | undefined;
    if (JSON.stringify(entry.header.paths) === JSON.stringify(paths)) {
      if (allVouch(entry.header, probes, since)) check = { hashed: 0, settledNow: 0 };
      else check = checkFeed((files = listOf(entry)), probes, since, now);
    }
    if (check === undefined) {
      logDebug(`compiled IOC cache ${file}: the feed changed since it was compiled; loading it`);
      return undefined;
    }
    const set = asSet(payloadOf(entry));
    logDebug(`compiled IOC cache ${file}: used; ${probes.length - check.hashed} of ${probes.length} feed files unchanged by their stat, ${check.hashed} read and hashed`);
    if (files !== undefined && check.settledNow > 0) {
      const known = files;
      const fresh = probes.map((p, i) => ({ file: p.file, sha256: known[i]!.sha256, stamp: p.stamp }));
      writeEntry(file, entry.header, now, fresh, (out) => copyBody(entry, out), 'stats not refreshed');
    }
    return set;
  } catch (e) {
    logDebug(`compiled IOC cache ${file}: ignored, ${(e as Error).message}; loading the feed`);
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Copies an open cache file's payload, as it is, to the end of `out`. */
function copyBody(e: Entry, out: number): void {
  const buf = Buffer.allocUnsafe(DECODE_CHUNK);
  for (let at = e.bodyAt; at < e.size; ) {
    const n = readSync(e.fd, buf, 0, Math.min(buf.length, e.size - at), at);
    if (n === 0) throw new Error('the cache file shrank while it was copied');
    writeAll(out, [buf.subarray(0, n)]);
    at += n;
  }
}

/**
 * Writes a cache file (to a temporary name, then renamed over the old one) of `files`, whose stats were taken after
 * `since` (clockNs) and before their bytes were read, its payload written by `body`; a failure is a debug line only.
 */
function writeEntry(file: string, header: Pick<Header, 'paths' | 'payload'>, since: bigint, files: readonly FeedFile[], body: (fd: number) => void, failed: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const list = Buffer.from(JSON.stringify(files));
    const head: Header = { magic: MAGIC, version: IOC_LOADER_VERSION, paths: header.paths, since: String(since), count: files.length, stamps: stampsOf(files), listBytes: list.length, list: checksumOf(list), payload: header.payload };
    mkdirSync(path.dirname(file), { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, [Buffer.from(`${JSON.stringify(head)}\n`), list, Buffer.from('\n')]);
      body(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true, recursive: true });
    logDebug(`compiled IOC cache ${file}: ${failed} (${(e as Error).message})`);
  }
}

/** Writes the parts, one after the other, to the end of `fd` (as writeSync of them joined would, without joining them). */
function writeAll(fd: number, parts: Buffer[]): void {
  let at = 0;
  while (at < parts.length) {
    // writev may write less than asked: what it wrote is dropped from the front, and the rest written again.
    let n = writevSync(fd, parts.slice(at, at + 1024));
    if (n === 0 && parts.slice(at).some((p) => p.length > 0)) throw new Error('the file system took no more bytes');
    while (at < parts.length && n >= parts[at]!.length) n -= parts[at++]!.length;
    if (n > 0) parts[at] = parts[at]!.subarray(n);
  }
}

/** Writes the compiled set of `files`, whose stats were taken after `since` (clockNs) and before their bytes were read. */
export function writeCompiled(dir: string, paths: readonly string[], since: bigint, files: readonly FeedFile[], set: IocSet): void {
  const file = entryPath(dir, paths);
  let body: Buffer[];
  try {
    body = encodeValueParts({ incidents: set.incidents, files: set.files });
  } catch (e) {
    logDebug(`compiled IOC cache ${file}: not written (${(e as Error).message})`);
    return;
  }
  writeEntry(file, { paths: [...paths], payload: checksumOf(...body) }, since, files, (fd) => writeAll(fd, body), 'not written');
}
