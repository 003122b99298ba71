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
import { folderTimesHold, settled, vouches } from './feed-stamps.js';

/**
 * Bump when what the loader makes of a file changes (a schema, a decoder, folding) or this file's shape does:
 * a compiled set from another version is a miss.
 */
export const IOC_LOADER_VERSION = 8;

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

/**
 * One folder's walk as a later load can take it again: every folder it read, in order, with the stampOf of each
 * one's stat taken before it was listed, and the files it found. A folder's stat changes when an entry is added to
 * it, removed or renamed (its mtime and ctime; dev and ino when it is replaced or something is mounted on it), so
 * when every folder's stat is the one recorded, and was settled then (feed-stamps.ts), each listing is the one
 * recorded and the walk need not read them again: a stat costs a third of a listing (200,000 folders: 0.6 s
 * against 1.8 s). The files themselves are still stat'ed one by one: an edit in place changes no folder.
 */
export interface FolderWalk {
  /** The folders read, the folder given first; walk order. */
  dirs: readonly string[];
  /** stampsOf the folders with their stats' stamps. */
  stamps: string;
  /** The files found, walk order. */
  files: readonly string[];
}

/**
 * The walks as kept: each folder as its parent's index and its name (the first, the folder given, as given), each
 * file as its folder's index and its name, flattened. A tenth of the size of the paths written out (a 200,000-record
 * tree: 28 MB), and the paths are made again as the walk joined them.
 */
interface KeptWalk {
  dirs: (number | string)[];
  stamps: string;
  files: (number | string)[];
}

function keepWalk(walk: FolderWalk): KeptWalk {
  const top = walk.dirs[0];
  if (top === undefined) throw new Error('a folder walk without its folder');
  const at = new Map<string, number>([[top, 0]]);
  /** [index of the folder it is in, its name]: below the folder given a path is its folder's joined with a separator, in it path.join's. */
  const place = (p: string): [number, string] => {
    const cut = p.lastIndexOf(path.sep);
    const name = p.slice(cut + 1);
    const parent = at.get(p.slice(0, cut)) ?? (path.join(top, name) === p ? 0 : undefined);
    if (parent === undefined) throw new Error(`${p} is not in a folder walked before it`);
    return [parent, name];
  };
  const dirs: (number | string)[] = [-1, top];
  for (let i = 1; i < walk.dirs.length; i++) {
    const d = walk.dirs[i]!;
    dirs.push(...place(d));
    at.set(d, i);
  }
  const files: (number | string)[] = [];
  for (const f of walk.files) files.push(...place(f));
  const kept = { dirs, stamps: walk.stamps, files };
  // Kept only if it reads back as it was: a path the walk joined some other way would name other files.
  const back = walkOf(kept);
  const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(back.dirs, walk.dirs) || !same(back.files, walk.files)) throw new Error('a folder walk that does not read back as it was');
  return kept;
}

/** The walk back from its kept form, each path joined as walk() joins it; throws on a shape keepWalk does not write. */
function walkOf(kept: KeptWalk): FolderWalk {
  const { dirs: d, files: f } = kept;
  if (!Array.isArray(d) || !Array.isArray(f) || typeof kept.stamps !== 'string' || d[0] !== -1 || typeof d[1] !== 'string') throw new Error('a folder walk of another shape');
  const top = d[1];
  const dirs: string[] = [top];
  /** The paths of the (folder index, name) pairs of `pairs` from `from` on, each joined onto its folder's path. */
  const joined = (pairs: readonly (number | string)[], from: number, out: string[]): string[] => {
    if ((pairs.length - from) % 2 !== 0) throw new Error('a folder walk of another shape');
    for (let i = from; i < pairs.length; i += 2) {
      const parent = pairs[i];
      const name = pairs[i + 1];
      if (typeof parent !== 'number' || typeof name !== 'string' || !(parent >= 0 && parent < dirs.length)) throw new Error('a folder walk of another shape');
      out.push(parent === 0 ? path.join(top, name) : `${dirs[parent]!}${path.sep}${name}`);
    }
    return out;
  };
  joined(d, 2, dirs);
  return { dirs, stamps: kept.stamps, files: joined(f, 0, []) };
}

/** Per path given, in order: its walk if it was a folder, null if a file. */
export type FeedListing = readonly (FolderWalk | null)[];

/** What a cache file says the folders given held: their walks, and when the stats of their folders were taken. */
export interface RecordedListing {
  /** clockNs before the recorded stats were taken: what they are settled against. */
  since: bigint;
  walks: FeedListing;
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
  /** The bytes of the folder walks (KeptWalk | null per path, as JSON), the line after the header. */
  walksBytes: number;
  listBytes: number;
  /**
   * checksumOf the file list and of the payload: a flipped bit or a truncated write is a miss, never a wrong
   * answer. Not a SHA-256: this guards against damage, not a writer (who could write any header), and hashing a
   * 200,000-record payload cost a fifth of the load.
   */
  list: string;
  walks: string;
  payload: string;
}

/** SHA-256 over each file's name and stamp, in order (no path holds a NUL): a header's `stamps`, a walk's. */
export function stampsOf(files: readonly { file: string; stamp: string }[]): string {
  const h = new StampHash();
  for (const f of files) h.add(f.file, f.stamp);
  return h.digest();
}

/**
 * stampsOf, one file at a time: the text gathered and hashed 64 KiB at a time (the same digest; a hash update per
 * file was 0.2 s of a 200,000-folder hit).
 */
class StampHash {
  private readonly h = createHash('sha256');
  private text = '';

  add(file: string, stamp: string): void {
    this.text += `${file}\0${stamp}\0`;
    if (this.text.length >= 1 << 16) {
      this.h.update(this.text);
      this.text = '';
    }
  }

  digest(): string {
    return this.h.update(this.text).digest('hex');
  }
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
  return header.count === probes.length && stampsVouch(probes.map((p) => p.file), probes, since, header.stamps);
}

/**
 * Whether each of `names` has its stat (`stats`, in order; undefined where none could be taken) settled as of
 * `since`, and stampsOf them all is `digest`: then every stat is the one recorded, and all of them vouch at once.
 */
function stampsVouch(names: readonly string[], stats: readonly ({ stamp: string; newestNs: bigint } | undefined)[], since: bigint, digest: string): boolean {
  if (stats.length !== names.length) return false;
  const h = new StampHash();
  for (const [i, name] of names.entries()) {
    const s = stats[i];
    if (s === undefined || !settled(s.newestNs, since)) return false;
    h.add(name, s.stamp);
  }
  return h.digest() === digest;
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

/** An open cache file: its header, and where its walks, its list and its payload start. */
interface Entry {
  fd: number;
  size: number;
  header: Header;
  walksAt: number;
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
  const walksAt = nl + 1;
  const listAt = walksAt + header.walksBytes + 1;
  const bodyAt = listAt + header.listBytes + 1;
  const length = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;
  if (!length(header.walksBytes) || !length(header.listBytes) || bodyAt > size || readAt(fd, 1, listAt - 1)[0] !== 10 || readAt(fd, 1, bodyAt - 1)[0] !== 10) throw new Error('no file list');
  return { fd, size, header, walksAt, listAt, bodyAt };
}

function walksOf(e: Entry): FeedListing {
  const bytes = readAt(e.fd, e.header.walksBytes, e.walksAt);
  if (checksumOf(bytes) !== e.header.walks) throw new Error('its folder walks do not match their checksum (corrupt)');
  const kept = JSON.parse(bytes.toString('utf8')) as unknown;
  if (!Array.isArray(kept) || kept.length !== e.header.paths.length) throw new Error('folder walks of another shape');
  return kept.map((k: KeptWalk | null) => (k === null ? null : walkOf(k)));
}

/**
 * What the cache file for these paths recorded of their folders' walks; undefined when there is none (no cache
 * file, another version, other paths, damage: a debug line, as a miss has). Whether a walk still holds is the
 * loader's to check (it stats the folders: stampsOf them, settled against `since`, must be the walk's `stamps`).
 */
export function readListing(dir: string, paths: readonly string[]): RecordedListing | undefined {
  const file = entryPath(dir, paths);
  const fd = openEntry(file);
  if (fd === undefined) return undefined;
  try {
    const entry = openedEntry(fd);
    if (JSON.stringify(entry.header.paths) !== JSON.stringify(paths)) return undefined;
    return { since: BigInt(entry.header.since), walks: walksOf(entry) };
  } catch (e) {
    logDebug(`compiled IOC cache ${file}: its folder walks not used, ${(e as Error).message}`);
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether the folders' stats now (`stats`: each of the walk's folders, in order; undefined where one could not be
 * taken) show the walk recorded: where folders' times hold (feed-stamps.ts folderTimesHold), each settled as of
 * `since` and as recorded.
 */
export function walkVouches(walk: FolderWalk, stats: readonly ({ stamp: string; newestNs: bigint } | undefined)[], since: bigint): boolean {
  const top = walk.dirs[0];
  return top !== undefined && folderTimesHold(top, stats) && stampsVouch(walk.dirs, stats, since, walk.stamps);
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

/** The folder walks a load hands readCompiled: what it found, and whether the cache should keep them afresh. */
export interface WalksFound {
  listing: FeedListing;
  /**
   * Some folder was walked (its recorded walk did not vouch) and every folder's stat is settled by now: recorded,
   * the next load need not walk again.
   */
  refresh: boolean;
  /** How many of the folders given were walked again (their recorded walk did not vouch, or there was none). */
  walked: number;
}

/**
 * The compiled set for these paths when every file is the one it was compiled from (same paths, same bytes, same
 * loader version); else undefined. A file whose stat vouches for it is not read (`digest` is not called). An
 * unreadable, corrupt or truncated cache file is a miss with a debug line. A hit that had to read files that are
 * settled by now (`now`: clockNs before `probes`' stats), or that had to walk folders settled by now (`walks`),
 * records their stats, so the next load need not read or walk them.
 */
export function readCompiled(dir: string, paths: readonly string[], now: bigint, probes: readonly FeedProbe[], walks?: WalksFound): IocSet | undefined {
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
    const folders = walks === undefined ? '' : `; ${walks.walked} of ${walks.listing.filter((w) => w !== null).length} folders walked again`;
    logDebug(`compiled IOC cache ${file}: used; ${probes.length - check.hashed} of ${probes.length} feed files unchanged by their stat, ${check.hashed} read and hashed${folders}`);
    if ((files !== undefined && check.settledNow > 0) || walks?.refresh === true) {
      const known = (files ??= listOf(entry));
      const fresh = probes.map((p, i) => ({ file: p.file, sha256: known[i]!.sha256, stamp: p.stamp }));
      writeEntry(file, entry.header, now, fresh, walks?.listing ?? walksOf(entry), (out) => copyBody(entry, out), 'stats not refreshed');
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
function writeEntry(file: string, header: Pick<Header, 'paths' | 'payload'>, since: bigint, files: readonly FeedFile[], listing: FeedListing, body: (fd: number) => void, failed: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    if (listing.length !== header.paths.length) throw new Error('a folder walk per path given is needed');
    const walks = Buffer.from(JSON.stringify(listing.map((w) => (w === null ? null : keepWalk(w)))));
    const list = Buffer.from(JSON.stringify(files));
    const head: Header = {
      magic: MAGIC, version: IOC_LOADER_VERSION, paths: header.paths, since: String(since), count: files.length, stamps: stampsOf(files),
      walksBytes: walks.length, listBytes: list.length, list: checksumOf(list), walks: checksumOf(walks), payload: header.payload,
    };
    mkdirSync(path.dirname(file), { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, [Buffer.from(`${JSON.stringify(head)}\n`), walks, Buffer.from('\n'), list, Buffer.from('\n')]);
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

/**
 * Writes the compiled set of `files`, whose stats were taken after `since` (clockNs) and before their bytes were read,
 * and the walks of the folders among `paths` (whose folders' stats were taken after `since` too).
 */
export function writeCompiled(dir: string, paths: readonly string[], since: bigint, files: readonly FeedFile[], listing: FeedListing, set: IocSet): void {
  const file = entryPath(dir, paths);
  let body: Buffer[];
  try {
    body = encodeValueParts({ incidents: set.incidents, files: set.files });
  } catch (e) {
    logDebug(`compiled IOC cache ${file}: not written (${(e as Error).message})`);
    return;
  }
  writeEntry(file, { paths: [...paths], payload: checksumOf(...body) }, since, files, listing, (fd) => writeAll(fd, body), 'not written');
}
