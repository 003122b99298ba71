// Go build information in an ELF executable, found and decoded the way Go's debug/buildinfo does:
// the `.go.buildinfo` section (else the first writable segment), a 16-byte-aligned "\xff Go buildinf:"
// header, then either two pointers to Go strings (before Go 1.18) or two varint-length strings inline.
import { ElfReader, fileOffsetOf, PF_W, PF_X, PT_LOAD, readElfHeader, readSections, readSegments, sectionName, SHT_NOBITS, type ElfHeader, type ElfSegment } from './elf.js';

export const BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
export const BUILDINFO_HEADER = 32;
const ALIGN = 16;
/** Honest modinfo is a few KiB (tens for the largest programs); more is hostile. */
export const MAX_BUILDINFO_STRING = 4 * 1024 ** 2;

export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  replace?: GoModule;
}

export interface GoBuildInfo {
  goVersion: string;
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  settings: [string, string][];
}

/** Why a file is not read as a Go binary: `not-go` is a plain answer, anything else a malformed one. */
export type BuildInfoOutcome = { info: GoBuildInfo } | { notGo: string } | { error: string };

/** Where Go looks for the header: the named section, else the first writable, non-executable segment. */
export function dataRange(buf: Buffer, h: ElfHeader, segments: ElfSegment[]): { offset: number; size: number } | undefined {
  const sections = readSections(buf, h);
  for (const s of sections ?? []) {
    if (s.type !== SHT_NOBITS && sectionName(buf, sections!, h, s) === '.go.buildinfo') return { offset: s.offset, size: s.size };
  }
  const seg = segments.find((p) => p.type === PT_LOAD && (p.flags & (PF_X | PF_W)) === PF_W);
  return seg ? { offset: seg.offset, size: seg.filesz } : undefined;
}

/** The first 16-byte-aligned header (relative to `start`) in [start, end) of `buf`, as Go searches. */
export function findHeader(buf: Buffer, start: number, end: number): number | undefined {
  let from = start;
  for (;;) {
    const i = buf.indexOf(BUILDINFO_MAGIC, from);
    if (i < 0 || i + BUILDINFO_HEADER > end) return undefined;
    if ((i - start) % ALIGN === 0) return i;
    from = start + Math.ceil((i - start + 1) / ALIGN) * ALIGN;
  }
}

export function readGoBuildInfo(buf: Buffer): BuildInfoOutcome {
  const h = readElfHeader(buf);
  if (!h) return { notGo: 'not an ELF file this reader knows' };
  const segments = readSegments(buf, h);
  if (!segments) return { error: 'malformed ELF program headers' };
  const range = dataRange(buf, h, segments);
  if (!range) return { notGo: 'no data segment' };
  const end = Math.min(buf.length, range.offset + range.size);
  const at = findHeader(buf, range.offset, end);
  if (at === undefined) return { notGo: 'no Go build information' };
  return decodeHeader(buf.subarray(at), (addr, len) => {
    const off = fileOffsetOf(segments, addr, len);
    return off === undefined ? undefined : buf.subarray(off, off + len);
  });
}

/**
 * Decodes the header at the start of `data`. `readAt` resolves virtual addresses for the pointer format;
 * it is undefined when the rest of the file is not at hand (a large binary streamed past).
 */
export function decodeHeader(data: Buffer, readAt?: (addr: number, len: number) => Buffer | undefined): BuildInfoOutcome {
  if (data.length < BUILDINFO_HEADER) return { error: 'truncated Go build information header' };
  const ptrSize = data[14]!;
  const flags = data[15]!;
  let version: Buffer | undefined;
  let modinfo: Buffer | undefined;
  if (flags & 2) {
    const first = readVarintString(data, BUILDINFO_HEADER);
    if (typeof first === 'string') return { error: first };
    const second = readVarintString(data, first.next);
    if (typeof second === 'string') return { error: second };
    [version, modinfo] = [first.bytes, second.bytes];
  } else {
    if (ptrSize !== 4 && ptrSize !== 8) return { error: `Go build information with pointer size ${ptrSize}` };
    if (!readAt) return { error: 'Go build information in the pre-1.18 pointer format, which needs the whole file (over the size read whole)' };
    const r = new ElfReader(data, (flags & 1) === 0);
    const ptr = (off: number) => r.word(off, ptrSize === 8);
    version = readGoString(ptr(16), ptrSize, flags, readAt);
    modinfo = readGoString(ptr(16 + ptrSize), ptrSize, flags, readAt);
    if (version === undefined || modinfo === undefined) return { error: 'Go build information points outside the file' };
  }
  const goVersion = version.toString('utf8');
  if (!goVersion.startsWith('go')) return { notGo: 'build information without a Go version' };
  return { info: { goVersion, ...parseModinfo(stripSentinels(modinfo)) } };
}

function readVarintString(data: Buffer, off: number): { bytes: Buffer; next: number } | string {
  let len = 0;
  let shift = 0;
  let p = off;
  for (;;) {
    if (p >= data.length) return 'truncated Go build information string length';
    const b = data[p++]!;
    len += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
    if (shift > 35) return 'Go build information string length overflows';
  }
  if (len > MAX_BUILDINFO_STRING) return `Go build information string of ${len} bytes`;
  if (p + len > data.length) return 'truncated Go build information string';
  return { bytes: data.subarray(p, p + len), next: p + len };
}

/** A Go string header (data pointer, length) at `addr`, then its bytes. */
function readGoString(addr: number | undefined, ptrSize: number, flags: number, readAt: (addr: number, len: number) => Buffer | undefined): Buffer | undefined {
  if (addr === undefined) return undefined;
  const header = readAt(addr, ptrSize * 2);
  if (!header) return undefined;
  const r = new ElfReader(header, (flags & 1) === 0);
  const dataAddr = r.word(0, ptrSize === 8);
  const len = r.word(ptrSize, ptrSize === 8);
  if (dataAddr === undefined || len === undefined || len > MAX_BUILDINFO_STRING) return undefined;
  if (len === 0) return Buffer.alloc(0);
  return readAt(dataAddr, len);
}

/** runtime.modinfo is wrapped in 16 sentinel bytes each side; Go ignores it when they are missing. */
function stripSentinels(bytes: Buffer): string {
  if (bytes.length >= 33 && bytes[bytes.length - 17] === 0x0a) return bytes.toString('utf8', 16, bytes.length - 16);
  return '';
}

/** The modinfo text (`path`, `mod`, `dep`, `=>`, `build` lines, tab-separated), as runtime/debug.ParseBuildInfo reads it. */
export function parseModinfo(text: string): Omit<GoBuildInfo, 'goVersion'> {
  const out: Omit<GoBuildInfo, 'goVersion'> = { deps: [], settings: [] };
  let last: GoModule | undefined;
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const key = line.slice(0, tab);
    const fields = line.slice(tab + 1).split('\t');
    if (key === 'path') out.path = fields[0];
    else if (key === 'mod' || key === 'dep') {
      if (!fields[0]) continue;
      last = module(fields);
      if (key === 'mod') out.main = last;
      else out.deps.push(last);
    } else if (key === '=>' && last && fields[0]) {
      last.replace = module(fields);
      last = undefined;
    } else if (key === 'build') {
      const eq = line.indexOf('=', tab);
      if (eq > 0) out.settings.push([line.slice(tab + 1, eq), line.slice(eq + 1)]);
    }
  }
  return out;
}

function module(fields: string[]): GoModule {
  const m: GoModule = { path: fields[0] ?? '', version: fields[1] ?? '' };
  if (fields[2]) m.sum = fields[2];
  return m;
}
