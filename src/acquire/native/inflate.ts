// Raw DEFLATE (RFC 1951) decoded in JavaScript, for the many small entries of a zip of OSV records. zlib's
// inflateRawSync makes a native handle and a stream object per call: 200,000 records of a few hundred bytes cost
// 2.5 s in those alone, and the handles, held by weak references, outlived the young generation and filled the
// old one with 100 MiB of garbage. This decoder answers only when it is sure: for any stream it does not take whole
// (a block type or code set it does not take, an error, another length than the one expected) it returns undefined
// and the caller asks zlib, whose answer, or error, stands; bytes after the last block are ignored, as zlib ignores
// them. When it answers, the bytes are zlib's (test/oracle/inflate.test.ts compares them on generated streams).

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/** The order code length code lengths are sent in. */
const CODE_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** Codes up to this many bits are read with one look-up; longer ones bit by bit. */
const TABLE_BITS = 9;

/** Each TABLE_BITS-bit number with its bits reversed: codes are sent first bit first, the look-up is by the bits as they come. */
const REVERSED = (() => {
  const t = new Uint16Array(1 << TABLE_BITS);
  for (let x = 0; x < t.length; x++) {
    let out = 0;
    for (let i = 0, c = x; i < TABLE_BITS; i++, c >>>= 1) out = (out << 1) | (c & 1);
    t[x] = out;
  }
  return t;
})();

/** A canonical Huffman code: how many codes of each length, the symbols in code order, and a look-up of the short ones. */
class Code {
  readonly count = new Uint16Array(16);
  readonly symbol: Uint16Array;
  /** By the next `mask` bits: (length << 16) | symbol for a code that short, 0 for a longer one. */
  readonly table = new Int32Array(1 << TABLE_BITS);
  /** The look-up's bits: the longest code's length, at most TABLE_BITS (a small code fills a small table). */
  mask = 0;
  private readonly offs = new Uint16Array(16);
  constructor(size: number) {
    this.symbol = new Uint16Array(size);
  }

  /** Builds the code from `n` lengths; true only for a complete code (every bit pattern a symbol's). An over-full one is left unbuilt. */
  build(lengths: Uint8Array, n: number): boolean {
    const { count, offs, symbol, table } = this;
    count.fill(0);
    for (let s = 0; s < n; s++) count[lengths[s]!]!++;
    if (count[0] === n) return false;
    let left = 1;
    for (let len = 1; len < 16; len++) {
      left = (left << 1) - count[len]!;
      if (left < 0) return false;
    }
    offs[1] = 0;
    for (let len = 1; len < 15; len++) offs[len + 1] = offs[len]! + count[len]!;
    for (let s = 0; s < n; s++) if (lengths[s] !== 0) symbol[offs[lengths[s]!]!++] = s;
    // Canonical codes in symbol order within each length (RFC 1951 3.2.2), entered by their reversed bits.
    let longest = 15;
    while (count[longest] === 0) longest--;
    const bits = Math.min(longest, TABLE_BITS);
    const size = 1 << bits;
    this.mask = size - 1;
    table.fill(0, 0, size);
    let code = 0;
    let at = 0;
    for (let len = 1; len <= bits; len++) {
      for (let k = 0; k < count[len]!; k++, code++) {
        const entry = (len << 16) | symbol[at++]!;
        for (let i = REVERSED[code << (TABLE_BITS - len)]!; i < size; i += 1 << len) table[i] = entry;
      }
      code <<= 1;
    }
    // An incomplete code (only the fixed distance code, whose 30 and 31 are no symbol's, is used so) leaves
    // patterns no code's at 0: decode then finds no symbol either.
    return left === 0;
  }
}

class Reader {
  pos = 0;
  private buf = 0;
  private cnt = 0;
  /** Set when a read ran past the input: every answer after is void. */
  short = false;
  constructor(private readonly input: Uint8Array) {}

  /** Takes whole bytes into the bit buffer until it holds at least 16 bits or the input ends. */
  private fill(): void {
    while (this.cnt < 16 && this.pos < this.input.length) {
      this.buf |= this.input[this.pos++]! << this.cnt;
      this.cnt += 8;
    }
  }

  bits(need: number): number {
    if (need === 0) return 0;
    if (this.cnt < need) this.fill();
    if (this.cnt < need) {
      this.short = true;
      return 0;
    }
    const val = this.buf & ((1 << need) - 1);
    this.buf >>>= need;
    this.cnt -= need;
    return val;
  }

  /** The next symbol of `code`, or -1 when the bits are no code's. */
  decode(code: Code): number {
    if (this.cnt < 16) this.fill();
    const entry = code.table[this.buf & code.mask]!;
    const len = entry >>> 16;
    if (entry !== 0 && len <= this.cnt) {
      this.buf >>>= len;
      this.cnt -= len;
      return entry & 0xffff;
    }
    return this.slowDecode(code);
  }

  /** A code longer than the look-up, or one near the input's end: read bit by bit, first bit first. */
  private slowDecode(code: Code): number {
    let c = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      c |= this.bits(1);
      if (this.short) return -1;
      const count = code.count[len]!;
      if (c - count < first) return code.symbol[index + (c - first)]!;
      index += count;
      first = (first + count) << 1;
      c <<= 1;
    }
    return -1;
  }

  /** Drops the bits left of the current byte (a stored block starts on a byte) and gives back whole bytes taken. */
  align(): void {
    this.pos -= this.cnt >>> 3;
    this.buf = 0;
    this.cnt = 0;
  }
}

let fixed: { lit: Code; dist: Code } | undefined;
function fixedCodes(): { lit: Code; dist: Code } {
  if (fixed) return fixed;
  const lengths = new Uint8Array(288);
  lengths.fill(8, 0, 144);
  lengths.fill(9, 144, 256);
  lengths.fill(7, 256, 280);
  lengths.fill(8, 280, 288);
  const lit = new Code(288);
  lit.build(lengths, 288);
  const dist = new Code(30);
  // 30 codes of 5 bits: codes 30 and 31 are no symbol's, and decode says so.
  dist.build(new Uint8Array(30).fill(5), 30);
  return (fixed = { lit, dist });
}

/** Reads a dynamic block's two codes into lit and dist; false when they are not two complete codes of sound lengths. */
function dynamicCodes(r: Reader, lit: Code, dist: Code, lengths: Uint8Array, lenCode: Code): boolean {
  const nlen = r.bits(5) + 257;
  const ndist = r.bits(5) + 1;
  const ncode = r.bits(4) + 4;
  if (r.short || nlen > 286 || ndist > 30) return false;
  lengths.fill(0, 0, 19);
  for (let i = 0; i < ncode; i++) lengths[CODE_ORDER[i]!] = r.bits(3);
  if (r.short || !lenCode.build(lengths, 19)) return false;
  let at = 0;
  while (at < nlen + ndist) {
    const sym = r.decode(lenCode);
    if (sym < 0) return false;
    if (sym < 16) {
      lengths[at++] = sym;
      continue;
    }
    let len = 0;
    let repeat: number;
    if (sym === 16) {
      if (at === 0) return false;
      len = lengths[at - 1]!;
      repeat = 3 + r.bits(2);
    } else if (sym === 17) repeat = 3 + r.bits(3);
    else repeat = 11 + r.bits(7);
    if (r.short || at + repeat > nlen + ndist) return false;
    while (repeat-- > 0) lengths[at++] = len;
  }
  if (lengths[256] === 0) return false;
  return lit.build(lengths, nlen) && dist.build(lengths.subarray(nlen), ndist);
}

/** Scratch codes, made once: a block's tables are rebuilt in place. */
const scratch = { lit: new Code(288), dist: new Code(30), lenCode: new Code(19), lengths: new Uint8Array(286 + 30) };

/**
 * The bytes a raw DEFLATE stream stands for, when they are exactly `size` bytes and the stream ends with its last
 * block (what follows that is ignored, as zlib does); undefined for anything else, to be asked of zlib.
 */
export function inflateRawExact(input: Uint8Array, size: number): Buffer | undefined {
  const out = Buffer.allocUnsafe(size);
  const r = new Reader(input);
  let n = 0;
  for (;;) {
    const last = r.bits(1);
    const type = r.bits(2);
    if (r.short) return undefined;
    if (type === 0) {
      r.align();
      if (r.pos + 4 > input.length) return undefined;
      const len = input[r.pos]! | (input[r.pos + 1]! << 8);
      const nlen = input[r.pos + 2]! | (input[r.pos + 3]! << 8);
      r.pos += 4;
      if (len !== (~nlen & 0xffff) || r.pos + len > input.length || n + len > size) return undefined;
      out.set(input.subarray(r.pos, r.pos + len), n);
      r.pos += len;
      n += len;
    } else if (type === 3) return undefined;
    else {
      let lit: Code;
      let dist: Code;
      if (type === 1) ({ lit, dist } = fixedCodes());
      else {
        if (!dynamicCodes(r, scratch.lit, scratch.dist, scratch.lengths, scratch.lenCode)) return undefined;
        ({ lit, dist } = scratch);
      }
      for (;;) {
        const sym = r.decode(lit);
        if (sym < 0) return undefined;
        if (sym < 256) {
          if (n >= size) return undefined;
          out[n++] = sym;
          continue;
        }
        if (sym === 256) break;
        const li = sym - 257;
        if (li >= 29) return undefined;
        const len = LENGTH_BASE[li]! + r.bits(LENGTH_EXTRA[li]!);
        // No distance symbol past 29 comes out: a dynamic block has at most 30, the fixed code's 30 and 31 are none.
        const ds = r.decode(dist);
        if (ds < 0) return undefined;
        const d = DIST_BASE[ds]! + r.bits(DIST_EXTRA[ds]!);
        if (r.short || d > n || n + len > size) return undefined;
        // Byte by byte: a copy may overlap what it writes (distance 1 repeats one byte).
        for (let k = 0; k < len; k++, n++) out[n] = out[n - d]!;
      }
    }
    if (last === 1) break;
  }
  return n === size ? out : undefined;
}
