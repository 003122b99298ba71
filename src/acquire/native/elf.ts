// ELF headers read from untrusted bytes: the file header, program headers (loadable segments) and
// section headers. Every offset is bounds-checked; a malformed file is "not an ELF I can read", never a throw.

export interface ElfHeader {
  is64: boolean;
  littleEndian: boolean;
  phoff: number;
  phentsize: number;
  phnum: number;
  shoff: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

export interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

export interface ElfSection {
  nameOffset: number;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
}

export const PT_LOAD = 1;
export const PF_X = 1;
export const PF_W = 2;
export const SHT_NOBITS = 8;

export const isElf = (buf: Buffer): boolean => buf.length >= 4 && buf[0] === 0x7f && buf[1] === 0x45 && buf[2] === 0x4c && buf[3] === 0x46;

/** Reads integers of one ELF's width and byte order; undefined past the end of `buf`. */
export class ElfReader {
  constructor(
    readonly buf: Buffer,
    readonly littleEndian: boolean,
  ) {}

  u16(off: number): number | undefined {
    if (off < 0 || off + 2 > this.buf.length) return undefined;
    return this.littleEndian ? this.buf.readUInt16LE(off) : this.buf.readUInt16BE(off);
  }

  u32(off: number): number | undefined {
    if (off < 0 || off + 4 > this.buf.length) return undefined;
    return this.littleEndian ? this.buf.readUInt32LE(off) : this.buf.readUInt32BE(off);
  }

  /** 64-bit values above 2^53 cannot be file offsets here: they read as undefined. */
  u64(off: number): number | undefined {
    if (off < 0 || off + 8 > this.buf.length) return undefined;
    const v = this.littleEndian ? this.buf.readBigUInt64LE(off) : this.buf.readBigUInt64BE(off);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  }

  word(off: number, is64: boolean): number | undefined {
    return is64 ? this.u64(off) : this.u32(off);
  }
}

export function readElfHeader(buf: Buffer): ElfHeader | undefined {
  if (!isElf(buf) || buf.length < 52) return undefined;
  const cls = buf[4];
  const data = buf[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return undefined;
  const is64 = cls === 2;
  const r = new ElfReader(buf, data === 1);
  const at = is64 ? { ph: 32, sh: 40, rest: 54 } : { ph: 28, sh: 32, rest: 42 };
  const phoff = r.word(at.ph, is64);
  const shoff = r.word(at.sh, is64);
  const phentsize = r.u16(at.rest);
  const phnum = r.u16(at.rest + 2);
  const shentsize = r.u16(at.rest + 4);
  const shnum = r.u16(at.rest + 6);
  const shstrndx = r.u16(at.rest + 8);
  if ([phoff, shoff, phentsize, phnum, shentsize, shnum, shstrndx].some((v) => v === undefined)) return undefined;
  return { is64, littleEndian: data === 1, phoff: phoff!, phentsize: phentsize!, phnum: phnum!, shoff: shoff!, shentsize: shentsize!, shnum: shnum!, shstrndx: shstrndx! };
}

/** Program headers; `buf` must hold bytes [base, base + buf.length) of the file. */
export function readSegments(buf: Buffer, h: ElfHeader, base = 0): ElfSegment[] | undefined {
  if (h.phnum === 0) return [];
  if (h.phentsize < (h.is64 ? 56 : 32)) return undefined;
  const r = new ElfReader(buf, h.littleEndian);
  const out: ElfSegment[] = [];
  for (let i = 0; i < h.phnum; i++) {
    const p = h.phoff - base + i * h.phentsize;
    const seg = h.is64
      ? { type: r.u32(p), flags: r.u32(p + 4), offset: r.u64(p + 8), vaddr: r.u64(p + 16), filesz: r.u64(p + 32), memsz: r.u64(p + 40) }
      : { type: r.u32(p), offset: r.u32(p + 4), vaddr: r.u32(p + 8), filesz: r.u32(p + 16), memsz: r.u32(p + 20), flags: r.u32(p + 24) };
    if (Object.values(seg).some((v) => v === undefined)) return undefined;
    out.push(seg as ElfSegment);
  }
  return out;
}

/** Section headers; `buf` must hold bytes [base, base + buf.length) of the file. */
export function readSections(buf: Buffer, h: ElfHeader, base = 0): ElfSection[] | undefined {
  if (h.shnum === 0 || h.shoff === 0) return [];
  if (h.shentsize < (h.is64 ? 64 : 40)) return undefined;
  const r = new ElfReader(buf, h.littleEndian);
  const out: ElfSection[] = [];
  for (let i = 0; i < h.shnum; i++) {
    const p = h.shoff - base + i * h.shentsize;
    const sec = h.is64
      ? { nameOffset: r.u32(p), type: r.u32(p + 4), flags: r.u64(p + 8), addr: r.u64(p + 16), offset: r.u64(p + 24), size: r.u64(p + 32) }
      : { nameOffset: r.u32(p), type: r.u32(p + 4), flags: r.u32(p + 8), addr: r.u32(p + 12), offset: r.u32(p + 16), size: r.u32(p + 20) };
    if (Object.values(sec).some((v) => v === undefined)) return undefined;
    out.push(sec as ElfSection);
  }
  return out;
}

/** A section's name from the section-name string table, when the table lies inside `buf`. */
export function sectionName(buf: Buffer, sections: ElfSection[], h: ElfHeader, s: ElfSection): string | undefined {
  const table = sections[h.shstrndx];
  if (!table || table.offset + table.size > buf.length || s.nameOffset >= table.size) return undefined;
  const start = table.offset + s.nameOffset;
  const end = buf.indexOf(0, start);
  return buf.toString('latin1', start, end < 0 || end > table.offset + table.size ? table.offset + table.size : end);
}

/** The file offset of a virtual address, through the loadable segment that maps it from file bytes. */
export function fileOffsetOf(segments: ElfSegment[], vaddr: number, length: number): number | undefined {
  for (const s of segments) {
    if (s.type !== PT_LOAD) continue;
    if (vaddr >= s.vaddr && vaddr + length <= s.vaddr + s.filesz) return s.offset + (vaddr - s.vaddr);
  }
  return undefined;
}
