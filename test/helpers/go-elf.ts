// Synthetic ELF files holding Go build information in either format, for cases the installed Go does
// not write (the pre-1.18 pointer format, other classes and byte orders); `go version -m` still reads them.

export interface SyntheticGo {
  is64: boolean;
  littleEndian: boolean;
  /** `pointer`: Go 1.13-1.17 (header points at Go string headers); `inline`: Go 1.18+. */
  format: 'pointer' | 'inline';
  goVersion: string;
  modinfo: string;
  /** Write section headers with a `.go.buildinfo` section; without, readers fall back to the data segment. */
  sections: boolean;
  /** Bytes of read-only data before the strings (they may hold a decoy magic). */
  rodataPad?: Buffer;
}

const START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const END = Buffer.from('f932433186182072008242104116d8f2', 'hex');
const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const RO_OFF = 0x1000;
const BASE = 0x400000;

export function wrapModinfo(text: string): Buffer {
  return Buffer.concat([START, Buffer.from(text), END]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

class Writer {
  constructor(
    readonly buf: Buffer,
    readonly le: boolean,
    readonly is64: boolean,
  ) {}
  u16(off: number, v: number) {
    if (this.le) this.buf.writeUInt16LE(v, off);
    else this.buf.writeUInt16BE(v, off);
  }
  u32(off: number, v: number) {
    if (this.le) this.buf.writeUInt32LE(v, off);
    else this.buf.writeUInt32BE(v, off);
  }
  word(off: number, v: number) {
    if (!this.is64) return this.u32(off, v);
    if (this.le) this.buf.writeBigUInt64LE(BigInt(v), off);
    else this.buf.writeBigUInt64BE(BigInt(v), off);
  }
}

const align = (n: number, a: number) => Math.ceil(n / a) * a;

export function syntheticGoElf(s: SyntheticGo): Buffer {
  const ps = s.is64 ? 8 : 4;
  const mod = wrapModinfo(s.modinfo);
  const ver = Buffer.from(s.goVersion);
  const pad = s.rodataPad ?? Buffer.alloc(0);
  // Read-only segment: padding, then the two strings (pointer format only).
  const ro = s.format === 'pointer' ? Buffer.concat([pad, ver, mod]) : pad;
  const dataOff = align(RO_OFF + Math.max(ro.length, 1), 0x1000);
  let data: Buffer;
  const roAddr = BASE + RO_OFF;
  const dataAddr = BASE + dataOff;
  if (s.format === 'inline') {
    const header = Buffer.alloc(32);
    MAGIC.copy(header);
    header[14] = ps;
    header[15] = 2;
    // The linker pads the section; Go 1.19's reader refuses a string that ends exactly at the section's end.
    data = Buffer.concat([header, varint(ver.length), ver, varint(mod.length), mod, Buffer.alloc(16)]);
  } else {
    data = Buffer.alloc(32 + 4 * ps);
    const w = new Writer(data, s.littleEndian, s.is64);
    MAGIC.copy(data);
    data[14] = ps;
    data[15] = s.littleEndian ? 0 : 1;
    w.word(16, dataAddr + 32);
    w.word(16 + ps, dataAddr + 32 + 2 * ps);
    w.word(32, roAddr + pad.length);
    w.word(32 + ps, ver.length);
    w.word(32 + 2 * ps, roAddr + pad.length + ver.length);
    w.word(32 + 3 * ps, mod.length);
  }
  const shstr = Buffer.from('\0.go.buildinfo\0.shstrtab\0');
  const shstrOff = dataOff + data.length;
  const shoff = align(shstrOff + shstr.length, 8);
  const ehsize = s.is64 ? 64 : 52;
  const phentsize = s.is64 ? 56 : 32;
  const shentsize = s.is64 ? 64 : 40;
  const shnum = s.sections ? 3 : 0;
  const file = Buffer.alloc(shoff + shnum * shentsize);
  const w = new Writer(file, s.littleEndian, s.is64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, s.is64 ? 2 : 1, s.littleEndian ? 1 : 2, 1]).copy(file);
  w.u16(16, 2); // ET_EXEC
  w.u16(18, s.is64 ? 62 : 3);
  w.u32(20, 1);
  const at = s.is64 ? { entry: 24, ph: 32, sh: 40, flags: 48 } : { entry: 24, ph: 28, sh: 32, flags: 36 };
  w.word(at.entry, roAddr);
  w.word(at.ph, ehsize);
  w.word(at.sh, s.sections ? shoff : 0);
  w.u16(at.flags + 4, ehsize);
  w.u16(at.flags + 6, phentsize);
  w.u16(at.flags + 8, 2);
  w.u16(at.flags + 10, shentsize);
  w.u16(at.flags + 12, shnum);
  w.u16(at.flags + 14, s.sections ? 2 : 0);
  const segs = [
    { flags: 4, off: RO_OFF, addr: roAddr, size: Math.max(ro.length, 1) },
    { flags: 6, off: dataOff, addr: dataAddr, size: data.length },
  ];
  segs.forEach((g, i) => {
    const p = ehsize + i * phentsize;
    w.u32(p, 1);
    if (s.is64) {
      w.u32(p + 4, g.flags);
      w.word(p + 8, g.off);
      w.word(p + 16, g.addr);
      w.word(p + 24, g.addr);
      w.word(p + 32, g.size);
      w.word(p + 40, g.size);
      w.word(p + 48, 0x1000);
    } else {
      w.u32(p + 4, g.off);
      w.u32(p + 8, g.addr);
      w.u32(p + 12, g.addr);
      w.u32(p + 16, g.size);
      w.u32(p + 20, g.size);
      w.u32(p + 24, g.flags);
      w.u32(p + 28, 0x1000);
    }
  });
  ro.copy(file, RO_OFF);
  data.copy(file, dataOff);
  shstr.copy(file, shstrOff);
  if (s.sections) {
    const section = (i: number, name: number, type: number, flags: number, addr: number, off: number, size: number) => {
      const p = shoff + i * shentsize;
      w.u32(p, name);
      w.u32(p + 4, type);
      if (s.is64) {
        w.word(p + 8, flags);
        w.word(p + 16, addr);
        w.word(p + 24, off);
        w.word(p + 32, size);
      } else {
        w.u32(p + 8, flags);
        w.u32(p + 12, addr);
        w.u32(p + 16, off);
        w.u32(p + 20, size);
      }
    };
    section(1, 1, 1, 3, dataAddr, dataOff, data.length);
    section(2, 15, 3, 0, 0, shstrOff, shstr.length);
  }
  return file;
}
