// IOC files, folders and zips on disk -> one validated IOC set; and the per-file summary behind `iocs lint`.
// The decoders (zod schemas, both YAML parsers) and folding are imported only when a file is to be decoded: a
// load answered by the compiled cache (and so `--version`) never evaluates them.
import { readdirSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { InputError } from '../errors.js';
import type { Incident, IocSet } from '../model/ioc.js';
import { readCompiled, readListing, sha256, stampsOf, walkVouches, writeCompiled, type FeedProbe, type FolderWalk, type RecordedListing, type WalksFound } from './compiled-cache.js';
import { clockNs, settled } from './feed-stamps.js';
import { IOC_EXTENSIONS, readReason as reason, type Candidate } from './files.js';
import { pathStat, statMany, type PathStat } from './stat-many.js';

export { IOC_EXTENSIONS };

export interface LintResult {
  file: string;
  ok: boolean;
  error?: string;
  incidents: number;
  packages: number;
}

/** A folder's stat as the compiled cache records it (feed-stamps.ts). */
type DirStat = PathStat & { file: string };

/**
 * Dot-entries are skipped: a Kubernetes ConfigMap mount keeps a second copy of every file under
 * `..data` and `..<timestamp>`, and would load each incident twice. ossf/malicious-packages keeps
 * retracted records under `osv/withdrawn`, which must not raise alarms. With `dirs`, each folder is stat'ed
 * before it is listed, and its stat added (walk order), for the compiled cache's record of the walk.
 */
function walk(dir: string, out: string[] = [], top = true, dirs?: DirStat[], young?: YoungGenerationHold): string[] {
  if (dirs !== undefined) dirs.push({ file: dir, ...pathStat(dir) });
  // Synchronous: ossf/malicious-packages is one folder per package (200,000 of them), and awaiting each listing's
  // round trip through libuv's thread pool left the thread idle for most of a folder feed's load.
  const entries = readdirSync(dir, { withFileTypes: true });
  const sorted = entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of sorted) {
    if (e.name.startsWith('.')) continue;
    // Not path.join below the folder given, whose join is already normal: a compiled-cache hit on a 200,000-folder
    // tree spent 0.4-0.8 s in it and in copying each folder's list into its parent's.
    const full = top ? path.join(dir, e.name) : `${dir}${path.sep}${e.name}`;
    if (e.isDirectory()) {
      if (e.name === 'withdrawn' && path.basename(dir) === 'osv') continue;
      walk(full, out, false, dirs, young);
    } else if (IOC_EXTENSIONS.some((ext) => e.name.toLowerCase().endsWith(ext))) {
      // A folder of many records (ossf's: 200,000) is a large feed: what its walk lists is the load's first growth.
      if (out.push(full) === HOLD_FROM_FILES) young?.decoding(HOLD_FROM_FILES);
    }
  }
  return out;
}

/** How a load with the compiled cache lists a folder: the walk recorded for it, if any, and the load's clock. */
interface WalkCache {
  recorded: FolderWalk | null | undefined;
  /** With a recorded walk: its folders' stats and its files', in its order, taken after `now`. */
  dirStats?: readonly (PathStat | undefined)[];
  fileStats?: readonly (PathStat | undefined)[];
  /** clockNs before the recorded stats were taken. */
  recordedSince: bigint;
  /** This load's clockNs, before any of its stats. */
  now: bigint;
}

interface Listed {
  folder: boolean;
  found: Candidate[];
  /** With a WalkCache and a folder: its walk (recorded and vouched for, or made now), and whether it was made now and is settled. */
  walk?: FolderWalk;
  refresh?: boolean;
  /** The folder was walked, not taken from the record. */
  walked?: boolean;
  /** Each found file's stat when it was taken already (the recorded walk's files), in `found`'s order. */
  stats?: readonly (PathStat | undefined)[];
}

async function candidatesOf(p: string, cache?: WalkCache, young?: YoungGenerationHold): Promise<Listed> {
  const info = await stat(p).catch((e: unknown) => {
    throw new InputError(p, `cannot read: ${reason(e)}`);
  });
  if (!info.isDirectory()) return { folder: false, found: [{ file: p, walked: false }] };
  const asCandidates = (found: readonly string[]): Candidate[] => found.map((file) => ({ file, walked: true }));
  // Every folder of the recorded walk stat'ed, in order: all as recorded, and settled then, and the walk holds.
  const recorded = cache?.recorded;
  if (recorded && cache.dirStats !== undefined && walkVouches(recorded, cache.dirStats, cache.recordedSince)) {
    return { folder: true, found: asCandidates(recorded.files), walk: recorded, ...(cache.fileStats ? { stats: cache.fileStats } : {}) };
  }
  const dirs: DirStat[] | undefined = cache === undefined ? undefined : [];
  let found: string[];
  try {
    found = walk(p, [], true, dirs, young);
  } catch (e) {
    throw new InputError(p, `cannot read folder: ${reason(e)}`);
  }
  if (cache === undefined || dirs === undefined) return { folder: true, found: asCandidates(found) };
  const made: FolderWalk = { dirs: dirs.map((d) => d.file), stamps: stampsOf(dirs), files: found };
  return { folder: true, found: asCandidates(found), walk: made, walked: true, refresh: dirs.every((d) => settled(d.newestNs, cache.now)) };
}

const noIocFiles = (p: string): InputError => new InputError(p, `no IOC files (${IOC_EXTENSIONS.join(', ')}) in this folder`);

/** The candidate IOC files named by `paths`, folders walked recursively in name order. */
export async function listIocFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    const { folder, found } = await candidatesOf(p);
    if (folder && found.length === 0) throw noIocFiles(p);
    files.push(...found.map((c) => c.file));
  }
  return [...new Set(files)];
}

/** A file or record that was not loaded: the error (file, line, field) and the incident ids it would have added. */
export interface IocLoadError {
  error: InputError;
  notLoaded: string[];
}

/** The ids a file or record would have added, read from its raw text (it did not decode, so guessed by pattern). */
function idsIn(text: string): string[] {
  const json = [...text.matchAll(/"id"\s*:\s*"([^"\\]{1,200})"/g)].map((m) => m[1]!);
  const yaml = [...text.matchAll(/^\s*(?:-\s+)?id:\s*["']?([^\s"'#]{1,200})/gm)].map((m) => m[1]!);
  return [...new Set([...json, ...yaml])];
}

/** The message for a file or record not loaded, naming the incidents it would have added. */
export function iocLoadMessage(e: IocLoadError): string {
  const what = e.notLoaded.length > 0 ? `incident${e.notLoaded.length === 1 ? '' : 's'} ${e.notLoaded.join(', ')} not loaded` : 'its incidents not loaded';
  return `${e.error.message} (${what})`;
}

export interface IocLoadOptions {
  /** Where compiled IOC sets are kept (iocCacheDir); without it the files are always parsed. */
  cacheDir?: string;
}

/**
 * A candidate read into memory: its stat's stamp (for the compiled cache), its bytes, or why it could not be read
 * (an error once it is its turn). Only the stamp is kept of the stat: 200,000 BigIntStats held to the end of the
 * check cost the hit more in garbage collection than the stats themselves.
 */
class ReadCandidate implements FeedProbe {
  stamp = '';
  newestNs = 0n;
  buf?: Buffer;
  error?: InputError;
  sha256 = '';
  constructor(
    readonly c: Candidate,
    /** Its stat, taken already (statMany); undefined to take it here. */
    public pre?: PathStat,
  ) {}

  get file(): string {
    return this.c.file;
  }

  /** Stats the file (before its bytes are read: a write after the stat then shows in the next load's); false if it cannot be. */
  stat(): boolean {
    if (this.pre !== undefined) {
      this.stamp = this.pre.stamp;
      this.newestNs = this.pre.newestNs;
      return true;
    }
    try {
      ({ stamp: this.stamp, newestNs: this.newestNs } = pathStat(this.c.file));
      return true;
    } catch (e) {
      this.error = new InputError(this.c.file, `cannot read: ${reason(e)}`);
      return false;
    }
  }

  /** Reads the bytes once (hashing them if `digest`); a later call keeps what the first found. */
  read(digest: boolean): void {
    if (this.buf !== undefined || this.error !== undefined) return;
    try {
      this.buf = readFileSync(this.c.file);
      if (digest) this.sha256 = sha256(this.buf);
    } catch (e) {
      this.error = new InputError(this.c.file, `cannot read: ${reason(e)}`);
    }
  }

  digest(): string | undefined {
    this.read(true);
    return this.buf === undefined ? undefined : this.sha256;
  }
}

/**
 * Each candidate stat'ed, and the compiled set if one matches. undefined when a file cannot be stat'ed: that load
 * reports it and is not kept.
 */
async function lookUpCompiled(dir: string, paths: readonly string[], since: bigint, reads: readonly ReadCandidate[], walks: WalksFound): Promise<{ since: bigint; set?: IocSet } | undefined> {
  const unstated = reads.filter((r) => r.pre === undefined);
  const got = await statMany(unstated.map((r) => r.file));
  unstated.forEach((r, k) => (r.pre = got[k]));
  // A stat statMany could not take is taken again, for its reason.
  if (!reads.every((r) => r.stat())) return undefined;
  const set = readCompiled(dir, paths, since, reads, walks);
  return set === undefined ? { since } : { since, set };
}

/**
 * Frees a large feed file's bytes now (ArrayBuffer.prototype.transfer detaches them): the 89 MB of a 200,000-record
 * zip otherwise waited for a full collection, which came after the load's peak. Only a buffer that is the whole of
 * its own ArrayBuffer, once decoded: no decoder keeps a view of the bytes (text and zip entries are copied out as
 * strings), so nothing reads them after.
 */
export function releaseBytes(buf: Buffer): void {
  // transfer is ES2024, in every Node this project runs on (>= 22.13), not yet in the TypeScript lib it targets.
  const ab = buf.buffer as ArrayBuffer & { transfer(length: number): ArrayBuffer };
  if (buf.length >= 1 << 20 && buf.byteOffset === 0 && ab.byteLength === buf.length) ab.transfer(0);
}

/**
 * Loads and validates every IOC file. Without `onError` the first bad file stops the load with its InputError.
 * With it (the scan), a bad file, a bad record of a feed and a second definition of one incident id are each
 * reported and skipped, and the rest is hunted; but a load that keeps no incident at all still stops, since
 * scanning against no IOCs would call every image clean. With `opts.cacheDir`, a load without a single error
 * is kept compiled, and the next load of the same paths, every file's bytes the same, reads that instead: a file
 * whose stat is the one recorded, and settled then (feed-stamps.ts), is not read; any other is read and hashed.
 */
export async function loadIocs(paths: string[], onError?: (e: IocLoadError) => void, opts: IocLoadOptions = {}): Promise<IocSet> {
  const young = new YoungGenerationHold();
  try {
    return await load(paths, onError, opts, young);
  } finally {
    young.release();
  }
}

/** V8's default growth factor of the young generation, and whether the user chose one (then it is left alone). */
const GROWTH_DEFAULT = 2;
const growthChosen = (): boolean => /semi[-_]space/.test(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`);

/** A feed file this large, or this many of them, hold the young generation (a small feed does not load node:v8). */
const HOLD_FROM_BYTES = 1 << 20;
const HOLD_FROM_FILES = 1000;

/**
 * Keeps V8's young generation from growing while a large feed loads (its growth factor 1 from the first file of
 * HOLD_FROM_BYTES, once a folder's walk has listed HOLD_FROM_FILES files, or before the stats of a recorded walk of
 * as many; until `release`): nearly all a load makes is kept, and a young generation grown to 128 MiB held it twice
 * over before promoting it. 200,000-entry feeds, paired runs: peak RSS YAML 475-478 -> 361-362 MiB, OSV zip 597-603
 * -> 496-506, OSV tree 684-693 -> 528-577, load times within the runs' spread (scavenges of the 1 MiB semi-space are
 * many and short). V8 reads the factor each time it would grow the space, so setting it at run time takes; the rest
 * of the scan (SBOM decoding makes short-lived garbage) runs with the default again.
 */
class YoungGenerationHold {
  private held = false;

  /** Before a load lists or decodes `files` files, or one file of `bytes`: holds the young generation if that is a large feed. */
  decoding(files: number, bytes = 0): void {
    if (this.held || (files < HOLD_FROM_FILES && bytes < HOLD_FROM_BYTES) || growthChosen()) return;
    this.held = true;
    setFlagsFromString('--semi-space-growth-factor=1');
  }

  release(): void {
    if (this.held) setFlagsFromString(`--semi-space-growth-factor=${GROWTH_DEFAULT}`);
    this.held = false;
  }
}

async function load(paths: string[], onError: ((e: IocLoadError) => void) | undefined, opts: IocLoadOptions, young: YoungGenerationHold): Promise<IocSet> {
  if (paths.length === 0) throw new InputError('(no IOC files)', 'give at least one IOC file or folder');
  // Before every stat the load takes (its folders' and its files'): what they are settled against.
  const since = clockNs();
  let recorded: RecordedListing | undefined;
  if (opts.cacheDir !== undefined) recorded = readListing(opts.cacheDir, paths);
  // The recorded walks' folders and files stat'ed at once (statMany shares them between two threads): the files'
  // stats stand for the candidates of every walk that holds, and are wasted only for one that does not.
  let pre: (PathStat | undefined)[] = [];
  if (recorded !== undefined) {
    young.decoding(recorded.walks.reduce((n, w) => n + (w?.files.length ?? 0), 0));
    const asked: string[] = [];
    for (const w of recorded.walks) {
      if (w === null) continue;
      for (const d of w.dirs) asked.push(d);
      for (const f of w.files) asked.push(f);
    }
    pre = await statMany(asked);
  }
  let at = 0;
  const seen = new Set<string>();
  const listed: { folder: boolean; p: string; read: ReadCandidate[] }[] = [];
  const listing: (FolderWalk | null)[] = [];
  const walks: WalksFound = { listing, refresh: false, walked: 0 };
  for (const [i, p] of paths.entries()) {
    let cache: WalkCache | undefined;
    if (opts.cacheDir !== undefined) {
      const r = recorded?.walks[i];
      cache = { recorded: r, recordedSince: recorded?.since ?? 0n, now: since };
      if (r) {
        cache.dirStats = pre.slice(at, (at += r.dirs.length));
        cache.fileStats = pre.slice(at, (at += r.files.length));
      }
    }
    const { folder, found, walk: w, refresh, walked, stats } = await candidatesOf(p, cache, young);
    listing.push(w ?? null);
    if (refresh === true) walks.refresh = true;
    if (walked === true) walks.walked++;
    const read: ReadCandidate[] = [];
    found.forEach((c, k) => {
      if (seen.has(c.file)) return;
      seen.add(c.file);
      read.push(new ReadCandidate(c, stats?.[k]));
    });
    listed.push({ folder, p, read });
  }
  const all = listed.flatMap((l) => l.read);
  const compiled = opts.cacheDir === undefined ? undefined : await lookUpCompiled(opts.cacheDir, paths, since, all, walks);
  if (compiled?.set) return compiled.set;
  // A miss reads each file once, just before it is decoded (those the cache check already read keep their bytes):
  // a 200,000-file folder read up front held every file's Buffer at once, 200 MiB more at the peak.
  const digest = compiled !== undefined;
  const [{ decodeIocBuffer }, { foldIncidents }, { dropOsvKeys }] = await Promise.all([import('./decode-file.js'), import('./fold.js'), import('./osv.js')]);
  const incidents: Incident[] = [];
  const files: string[] = [];
  const failures: IocLoadError[] = [];
  for (const { folder, p, read: reads } of listed) {
    let read = 0;
    for (const r of reads) {
      r.read(digest);
      const { c, buf } = r;
      young.decoding(1, buf?.length ?? 0);
      let incs: Incident[] | undefined;
      try {
        if (r.error || !buf) throw r.error;
        incs = decodeIocBuffer(buf, c.file, c.walked, undefined, onError ? (error, text) => failures.push({ error, notLoaded: idsIn(text) }) : undefined);
      } catch (e) {
        if (!(e instanceof InputError) || !onError) throw e;
        read++;
        failures.push({ error: e, notLoaded: idsIn(buf?.toString('utf8') ?? '') });
        continue;
      } finally {
        // The bytes are not needed again: a 200,000-file feed need not hold them all while it decodes.
        r.buf = undefined;
        if (buf !== undefined) releaseBytes(buf);
      }
      if (incs === undefined) continue;
      read++;
      files.push(c.file);
      // Not push(...incs): a bulk zip's 200,000 incidents would overflow the call stack.
      for (const inc of incs) incidents.push(inc);
    }
    // Scanning against no IOCs would call every image clean.
    if (folder && read === 0) throw noIocFiles(p);
  }
  const folded = foldIncidents(incidents, onError ? (error, skipped) => failures.push({ error, notLoaded: [skipped.id] }) : undefined);
  dropOsvKeys(folded);
  if (folded.length === 0 && failures.length > 0) throw failures[0]!.error;
  for (const f of failures) onError?.(f);
  const set = { incidents: folded, files };
  // Only a load without errors is kept: a cached load reports nothing, so it must have had nothing to report.
  if (opts.cacheDir !== undefined && compiled !== undefined && failures.length === 0) {
    writeCompiled(opts.cacheDir, paths, compiled.since, all.map((r) => ({ file: r.c.file, sha256: r.sha256, stamp: r.stamp })), walks.listing, set);
  }
  return set;
}

/** Checks each file on its own and reports every one, good or bad, instead of stopping at the first. */
export async function lintIocs(paths: string[]): Promise<LintResult[]> {
  const [{ readIocPath }, { foldIncidents }] = await Promise.all([import('./decode-file.js'), import('./fold.js')]);
  const results: LintResult[] = [];
  const failed = (file: string, e: unknown): LintResult => ({ file, ok: false, error: e instanceof Error ? e.message : String(e), incidents: 0, packages: 0 });
  for (const p of paths) {
    let listed: { folder: boolean; found: Candidate[] };
    try {
      listed = await candidatesOf(p);
    } catch (e) {
      results.push(failed(p, e));
      continue;
    }
    let read = 0;
    for (const c of listed.found) {
      try {
        const incs = await readIocPath(c);
        if (incs === undefined) continue;
        read++;
        results.push({ file: c.file, ok: true, incidents: incs.length, packages: incs.reduce((n, i) => n + i.packages.length, 0) });
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        read++;
        results.push(failed(c.file, e));
      }
    }
    if (listed.folder && read === 0) results.push(failed(p, noIocFiles(p)));
  }
  // What only shows across files (one incident id defined twice) is refused here as the scan refuses it.
  const loaded = results.filter((r) => r.ok).map((r) => r.file);
  const incidents: Incident[] = [];
  for (const file of loaded) for (const inc of (await readIocPath({ file, walked: false }).catch(() => undefined)) ?? []) incidents.push(inc);
  foldIncidents(incidents, (err) => {
    const r = results.find((x) => x.file === err.file && x.ok);
    if (r) Object.assign(r, { ok: false, error: err.message });
    else results.push(failed(err.file, err));
  });
  return results;
}
