// A streaming tar reader with the semantics of Go's archive/tar Reader.Next (reader.go), the reader
// containerd, moby and podman extract layers with. It is fed chunks and never holds more than one
// header, the metadata before it, and the bodies its handler asks for.
//
// The rules, each as Go has it:
// - A header's checksum (unsigned or signed byte sum) must match, and every numeric field Go parses must
//   parse (tar-header.ts); otherwise ErrHeader. One zero block then a non-zero block is ErrHeader; two zero
//   blocks end the archive; input ending exactly at a header boundary, or inside the padding after a
//   body, ends it too. Input ending inside a header or a body is an error (io.ErrUnexpectedEOF).
// - Metadata members come before the member they describe and are not members themselves:
//   'x' (PAX local): its records REPLACE those of an earlier 'x' (the last one wins, not a merge);
//   'L' / 'K' (GNU long name / link): the body up to its first NUL; the last one wins; an empty one is
//   ignored; they override the PAX path / linkpath. Each body is at most 1 MiB (ErrFieldTooLong).
// - 'g' (PAX global) IS returned as a member, named by its own `path` record if it has one, and its
//   records apply to no other member; the metadata read before it is dropped.
// - PAX records: an empty value keeps the header's field; path, linkpath, size replace the fields; uid,
//   gid, size must be decimal int64 and atime, mtime, ctime PAX times, or the member is ErrHeader. A PAX
//   mtime (fractions allowed) replaces the header's whole seconds (octal or base-256).
// - Typeflag NUL is '5' when the name ends in '/', else '0'. Link, symlink, char, block, directory and
//   FIFO members have no body whatever their size says (the next header follows at once); any other type
//   has `size` bytes of body. A negative size on a type with a body is ErrHeader.
// - GNU sparse files: old format 'S' (map in the header and extension blocks, which come before the
//   data; size = realsize), and PAX 0.0 (offset/numbytes records), 0.1 (GNU.sparse.map), 1.0 (map in
//   the data, in 512-byte blocks). For PAX, GNU.sparse.name is the real name and GNU.sparse.size or
//   realsize the real size. Entries must be in order, within the size, not overlap; holes read as zeros;
//   the stored data must be exactly what the map references (else errMissData / errUnrefData).
import { BLOCK, decodeBytes, goParseInt, headerError, isZeroBlock, parsePaxRecords, paxTimeMs, readHeader, validPaxTime, type RawHeader } from './tar-header.js';
import { readOldSparseMap, sparseLayout, SparseCollector, type SparseLayout } from './tar-sparse.js';

export { parseNumeric, cString, isZeroBlock } from './tar-header.js';

/** `node`: char, block and FIFO; `global`: a PAX global header; `unsupported`: a type no runtime extracts. */
export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'directory' | 'node' | 'global' | 'unsupported';

export interface TarEntry {
  /** The member name as Go returns it, before any path cleaning. */
  name: string;
  type: TarEntryType;
  typeflag: string;
  /** Logical size (a sparse file's real size); header-only types may carry any value here. */
  size: number;
  linkname: string;
  mode: number;
  /**
   * Modification time in milliseconds since the epoch, as Go's Header.ModTime.UnixMilli() gives it (rounded
   * down). Not bounded: a runtime clamps what it cannot set when it extracts (layered-files.ts).
   */
  mtime: number;
  /** A GNU sparse file: its stored bytes are not its content. */
  sparse?: true;
}

/** A body delivered in the chunks it arrives in, never held whole (content sniffing, hashing). */
export interface TarBodyStream {
  write(chunk: Buffer): void;
  end(): void;
}

export interface TarHandler {
  /**
   * Called for each member; return true to receive a regular file's body (its content) whole through
   * `onBody`, or a TarBodyStream to be handed it in chunks valid only during the call (a sparse file's
   * content is assembled first and handed over in one chunk).
   */
  onEntry(entry: TarEntry): boolean | TarBodyStream;
  onBody(entry: TarEntry, body: Buffer): void;
}

export const MAX_META_BYTES = 1024 * 1024;
const HEADER_ONLY = new Set(['1', '2', '3', '4', '5', '6']);
const TYPES: Record<string, TarEntryType> = { '0': 'file', '1': 'hardlink', '2': 'symlink', '3': 'node', '4': 'node', '5': 'directory', '6': 'node', g: 'global' };

type Step =
  | { kind: 'collect'; buf: Buffer; fill: number; done: (buf: Buffer) => void; eofOk: boolean }
  | { kind: 'body'; remaining: number; sink: SparseCollector | Buffer | undefined; fill: number; stream?: TarBodyStream }
  | { kind: 'pad'; remaining: number };

interface Pending {
  pax: Map<string, Buffer> | undefined;
  longName: string | undefined;
  longLink: string | undefined;
}

export class TarParser {
  private step: Step;
  private finished = false;
  private zeroSeen = false;
  private pending: Pending = { pax: undefined, longName: undefined, longLink: undefined };
  private current: TarEntry | undefined;
  /** Members returned, metadata headers excluded. */
  entries = 0;
  /** Bytes consumed so far: where a body starts when onEntry is called (tar-index uses it). */
  position = 0;

  constructor(private readonly handler: TarHandler) {
    this.step = this.headerStep();
  }

  get done(): boolean {
    return this.finished;
  }

  write(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length && !this.finished) off = this.advance(chunk, off);
  }

  /** Skips `n` bytes of a body not asked for without seeing them; returns how many were skipped. */
  skippable(): number {
    return this.step.kind === 'body' && this.step.sink === undefined && !this.step.stream ? this.step.remaining : 0;
  }

  skip(n: number): void {
    if (n > this.skippable()) throw new Error('tar: skip past the body');
    const step = this.step as Extract<Step, { kind: 'body' }>;
    step.remaining -= n;
    this.position += n;
    if (step.remaining === 0) this.endBody(step);
  }

  /** Call at the end of input: ending inside a header or a body is an error, inside padding is not. */
  end(): void {
    if (this.finished) return;
    const s = this.step;
    if (s.kind === 'pad' || (s.kind === 'collect' && s.eofOk && s.fill === 0)) return;
    throw new Error('tar: archive is truncated (unexpected EOF)');
  }

  private advance(chunk: Buffer, off: number): number {
    const s = this.step;
    if (s.kind === 'collect') {
      const n = Math.min(s.buf.length - s.fill, chunk.length - off);
      chunk.copy(s.buf, s.fill, off, off + n);
      s.fill += n;
      this.position += n;
      if (s.fill === s.buf.length) s.done(s.buf);
      return off + n;
    }
    if (s.kind === 'pad') {
      const n = Math.min(s.remaining, chunk.length - off);
      s.remaining -= n;
      this.position += n;
      if (s.remaining === 0) this.step = this.headerStep();
      return off + n;
    }
    const n = Math.min(s.remaining, chunk.length - off);
    if (s.sink instanceof SparseCollector) s.sink.write(chunk.subarray(off, off + n));
    else if (s.sink) chunk.copy(s.sink, s.fill, off, off + n);
    else if (s.stream && n > 0) s.stream.write(chunk.subarray(off, off + n));
    s.fill += n;
    s.remaining -= n;
    this.position += n;
    if (s.remaining === 0) this.endBody(s);
    return off + n;
  }

  private collect(n: number, done: (buf: Buffer) => void, eofOk = false): void {
    this.step = { kind: 'collect', buf: Buffer.alloc(n), fill: 0, done, eofOk };
    if (n === 0) done(this.step.buf);
  }

  private headerStep(): Step {
    return { kind: 'collect', buf: Buffer.alloc(BLOCK), fill: 0, done: (b) => this.onHeaderBlock(b), eofOk: true };
  }

  private padThen(size: number): void {
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    this.step = pad > 0 ? { kind: 'pad', remaining: pad } : this.headerStep();
  }

  private onHeaderBlock(block: Buffer): void {
    if (isZeroBlock(block)) {
      if (this.zeroSeen) this.finished = true;
      this.zeroSeen = true;
      this.step = this.headerStep();
      return;
    }
    if (this.zeroSeen) throw headerError('a zero block followed by a header');
    const raw = readHeader(block);
    if (!HEADER_ONLY.has(raw.typeflag) && raw.size < 0) throw headerError('negative size');
    const flag = raw.typeflag;
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') return this.readMeta(raw);
    this.finishHeader(raw, Buffer.from(block));
  }

  private readMeta(raw: RawHeader): void {
    if (raw.size > MAX_META_BYTES) throw new Error(`tar: ${raw.typeflag} metadata member of ${raw.size} bytes (over 1 MiB; Go's ErrFieldTooLong)`);
    this.collect(raw.size, (body) => {
      if (raw.typeflag === 'x') this.pending.pax = parsePaxRecords(body);
      else if (raw.typeflag === 'L') this.pending.longName = nulTerminated(body);
      else if (raw.typeflag === 'K') this.pending.longLink = nulTerminated(body);
      else this.emitGlobal(raw, parsePaxRecords(body));
      this.padThen(raw.size);
    });
  }

  /** Go returns the 'g' header itself; mergePAX's errors are ignored here, but its `path` names it. */
  private emitGlobal(raw: RawHeader, records: Map<string, Buffer>): void {
    this.pending = { pax: undefined, longName: undefined, longLink: undefined };
    const path = records.get('path');
    const invalid = [...records].some(([k, v]) => v.length > 0 && !paxValueValid(k, v.toString('latin1')));
    // Go stops merging at the first bad record, in random map order: whether `path` names it is a coin toss.
    if (invalid && path && path.length > 0) throw headerError('global header with a bad record beside path: Go names it at random');
    const name = path && path.length > 0 ? decodeBytes(path) : raw.name;
    this.entries++;
    // Go returns a fresh Header for it: no mode, no time (Go's zero time, year 1).
    this.handler.onEntry({ name, type: 'global', typeflag: 'g', size: 0, linkname: '', mode: 0, mtime: GO_ZERO_TIME_MS });
  }

  private finishHeader(raw: RawHeader, block: Buffer): void {
    const { pax, longName, longLink } = this.pending;
    this.pending = { pax: undefined, longName: undefined, longLink: undefined };
    const h: RawHeader & { mtimeMs?: number } = { ...raw };
    if (pax) mergePax(h, pax);
    if (longName) h.name = longName;
    if (longLink) h.linkname = longLink;
    if (h.typeflag === '\0') h.typeflag = h.name.endsWith('/') ? '5' : '0';
    const physical = HEADER_ONLY.has(h.typeflag) ? 0 : h.size;
    if (physical < 0) throw headerError('negative size');
    if (physical > Number.MAX_SAFE_INTEGER) throw headerError('size beyond 2^53');
    if (h.typeflag === 'S') {
      return readOldSparseMap(block, (n, done) => this.collect(n, done), (map) => {
        h.size = map.realSize;
        this.startEntry(h, physical, sparseLayout(map.entries, map.realSize, physical));
      });
    }
    const sparse = pax ? paxSparse(h, pax) : undefined;
    if (sparse === undefined) return this.startEntry(h, physical, undefined);
    if (HEADER_ONLY.has(h.typeflag)) throw headerError('sparse map on a member with no data');
    if (sparse.map) return this.startEntry(h, physical, sparseLayout(sparse.map, h.size, physical));
    this.readSparseMap1x0(h, physical);
  }

  /** GNU sparse 1.0: decimal numbers, one per line, at the head of the data, read in whole blocks. */
  private readSparseMap1x0(h: RawHeader, physical: number): void {
    const blocks: Buffer[] = [];
    const more = () => {
      const next = (blocks.length + 1) * BLOCK;
      if (next > physical) throw new Error('tar: GNU sparse 1.0 map runs past the data (unexpected EOF)');
      if (next > MAX_META_BYTES) throw new Error('tar: GNU sparse 1.0 map over 1 MiB, not read');
      this.collect(BLOCK, (b) => {
        blocks.push(Buffer.from(b));
        const map = parseSparseMap1x0(Buffer.concat(blocks));
        if (map === 'more') return more();
        const used = blocks.length * BLOCK;
        this.startEntry(h, physical - used, sparseLayout(map, h.size, physical - used));
      });
    };
    more();
  }

  private startEntry(h: RawHeader & { mtimeMs?: number }, physical: number, sparse: SparseLayout | undefined): void {
    const type = TYPES[h.typeflag] ?? 'unsupported';
    const mtime = h.mtimeMs ?? h.mtime * 1000;
    const entry: TarEntry = { name: h.name, type, typeflag: h.typeflag, size: h.size, linkname: h.linkname, mode: h.mode, mtime };
    if (sparse) entry.sparse = true;
    this.current = entry;
    this.entries++;
    const asked = this.handler.onEntry(entry);
    const wanted = asked === true && type === 'file';
    const stream = typeof asked === 'object' && type === 'file' ? asked : undefined;
    if (sparse && sparse.dataBytes !== physical) {
      throw new Error(`tar: sparse file ${JSON.stringify(h.name)} ${sparse.dataBytes > physical ? 'references non-existent data' : 'contains unreferenced data'}`);
    }
    let sink: SparseCollector | Buffer | undefined;
    if (wanted) sink = sparse ? new SparseCollector(sparse) : Buffer.allocUnsafe(physical);
    else if (stream && sparse) sink = new SparseCollector(sparse);
    const step: Step = { kind: 'body', remaining: physical, sink, fill: 0 };
    if (stream) step.stream = stream;
    this.step = step;
    this.bodyPadding = physical;
    if (physical === 0) this.endBody(step);
  }

  private bodyPadding = 0;

  private endBody(step: Extract<Step, { kind: 'body' }>): void {
    const entry = this.current as TarEntry;
    if (step.stream) {
      if (step.sink instanceof SparseCollector) step.stream.write(step.sink.content());
      step.stream.end();
    } else if (step.sink) this.handler.onBody(entry, step.sink instanceof SparseCollector ? step.sink.content() : step.sink);
    this.padThen(this.bodyPadding);
  }
}

function nulTerminated(body: Buffer): string {
  const nul = body.indexOf(0);
  return decodeBytes(body, 0, nul < 0 ? body.length : nul);
}

function paxValueValid(key: string, v: string): boolean {
  if (key === 'uid' || key === 'gid' || key === 'size') return goParseInt(v) !== undefined;
  if (key === 'atime' || key === 'mtime' || key === 'ctime') return validPaxTime(v);
  return true;
}

/** time.Time{}.UnixMilli(): January 1, year 1. */
const GO_ZERO_TIME_MS = -62135596800000;

/** mergePAX for a member: an empty value keeps the header field; a bad number is ErrHeader. */
function mergePax(h: RawHeader & { mtimeMs?: number }, pax: Map<string, Buffer>): void {
  for (const [key, value] of pax) {
    if (value.length === 0) continue;
    const v = value.toString('latin1');
    if (!paxValueValid(key, v)) throw headerError(`PAX ${key}=${JSON.stringify(v)}`);
    if (key === 'path') h.name = decodeBytes(value);
    else if (key === 'linkpath') h.linkname = decodeBytes(value);
    else if (key === 'size') h.size = goParseInt(v) as number;
    else if (key === 'mtime') h.mtimeMs = paxTimeMs(v) as number;
  }
}

/**
 * readGNUSparsePAXHeaders: undefined when not a PAX sparse file; else the 0.x map (1.0 has it in the data).
 * GNU.sparse.name renames the member, GNU.sparse.size (or realsize) sets its size.
 */
function paxSparse(h: RawHeader, pax: Map<string, Buffer>): { map?: number[][] } | undefined {
  const get = (k: string) => pax.get(k)?.toString('latin1') ?? '';
  const major = get('GNU.sparse.major');
  const minor = get('GNU.sparse.minor');
  let is1x0: boolean;
  if (major === '0' && (minor === '0' || minor === '1')) is1x0 = false;
  else if (major === '1' && minor === '0') is1x0 = true;
  else if (major !== '' || minor !== '') return undefined;
  else if (get('GNU.sparse.map') !== '') is1x0 = false;
  else return undefined;
  const name = pax.get('GNU.sparse.name');
  if (name && name.length > 0) h.name = decodeBytes(name);
  const size = get('GNU.sparse.size') || get('GNU.sparse.realsize');
  if (size !== '') {
    const n = goParseInt(size);
    if (n === undefined) throw headerError(`GNU sparse size ${JSON.stringify(size)}`);
    h.size = n;
  }
  if (is1x0) return {};
  const count = goParseInt(get('GNU.sparse.numblocks'));
  if (count === undefined || count < 0) throw headerError('GNU sparse numblocks');
  const raw = get('GNU.sparse.map');
  const parts = raw === '' ? [] : raw.split(',');
  if (parts.length !== 2 * count) throw headerError('GNU sparse map length');
  return { map: pairs(parts) };
}

function pairs(parts: string[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const a = goParseInt(parts[i] as string);
    const b = goParseInt(parts[i + 1] as string);
    if (a === undefined || b === undefined) throw headerError('GNU sparse map entry');
    out.push([a, b]);
  }
  return out;
}

/** The 1.0 map from whole blocks read so far, or 'more' when Go would read another block. */
function parseSparseMap1x0(buf: Buffer): number[][] | 'more' {
  const text = buf.toString('latin1');
  const lines = text.split('\n');
  const complete = lines.length - 1;
  if (complete < 1) return 'more';
  const count = goParseInt(lines[0] as string);
  if (count === undefined || count < 0) throw headerError('GNU sparse 1.0 entry count');
  if (complete < 1 + 2 * count) return 'more';
  return pairs(lines.slice(1, 1 + 2 * count));
}
