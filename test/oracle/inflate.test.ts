// Differential test: inflateRawExact (src/acquire/native/inflate.ts) against zlib's inflateRawSync, the reader it
// stands in for. Generated inputs (JSON records as OSV feeds hold them, random bytes, long runs, text longer than the
// 32 KiB window, empty) compressed by zlib at every level and strategy, window size and memory level (memory level 1
// cuts a stream into many small blocks; level 0 into stored ones), sometimes behind an empty stored block; a third
// are then mutated (a bit flipped, a byte replaced, the stream cut short, bytes appended). The rule: where
// inflateRawExact answers, zlib must give the very same bytes; it may decline (undefined) only a mutated stream,
// since every stream zlib's own deflate writes is one it must take.
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateRawExact } from '../../src/acquire/native/inflate.js';
import { seeded } from '../helpers/random.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, n: number): number => Math.floor(r() * n);

const WORDS = ['"id"', '"MAL-2026-', '"affected"', '"package"', '"ecosystem"', '"npm"', '"PyPI"', '"versions"', '"1.14.1"', '"ranges"', '"introduced"', ':', ',', '{', '}', '[', ']', ' ', '\n', 'axios', 'plain-crypto-js', 'é', '€', '😀'];

function input(r: Rand): Buffer {
  const kind = int(r, 6);
  const size = pick(r, [0, 1, 2, 10, 100, 500, 2000, 10_000, 40_000, 70_000]);
  if (kind === 0) return Buffer.from(Array.from({ length: size }, () => int(r, 256)));
  if (kind === 1) return Buffer.alloc(size, int(r, 256));
  if (kind === 2) {
    // A few distinct bytes in runs of any length: many short and long matches, distance 1 among them.
    const parts: number[] = [];
    while (parts.length < size) parts.push(...Array.from({ length: 1 + int(r, 300) }, () => pick(r, [0x41, 0x42, 0x20])));
    return Buffer.from(parts.slice(0, size));
  }
  // Text of a small vocabulary: what feed records look like; past 32 KiB, matches reach back the whole window.
  let s = '';
  while (s.length < size) s += pick(r, WORDS) + (r() < 0.2 ? String(int(r, 100_000)) : '');
  return Buffer.from(s);
}

function compress(r: Rand, data: Buffer): { stream: Buffer; how: string } {
  const level = int(r, 10);
  const strategy = pick(r, [constants.Z_DEFAULT_STRATEGY, constants.Z_FILTERED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE, constants.Z_FIXED]);
  const windowBits = 9 + int(r, 7);
  const memLevel = 1 + int(r, 9);
  let stream = deflateRawSync(data, { level, strategy, windowBits, memLevel });
  // An empty stored block first (what a sync flush writes), byte-aligned, then the stream.
  const lead = r() < 0.15;
  if (lead) stream = Buffer.concat([Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]), stream]);
  return { stream, how: `level ${level} strategy ${strategy} windowBits ${windowBits} memLevel ${memLevel}${lead ? ' after an empty stored block' : ''}` };
}

function mutate(r: Rand, b: Buffer): { bytes: Buffer; how: string } {
  const out = Buffer.from(b);
  const at = int(r, Math.max(1, out.length));
  switch (int(r, 4)) {
    case 0:
      if (out.length > 0) out[at] = out[at]! ^ (1 << int(r, 8));
      return { bytes: out, how: `bit flipped at ${at}` };
    case 1:
      if (out.length > 0) out[at] = int(r, 256);
      return { bytes: out, how: `byte replaced at ${at}` };
    case 2:
      return { bytes: out.subarray(0, at), how: `cut at ${at}` };
    default:
      return { bytes: Buffer.concat([out, Buffer.from(Array.from({ length: 1 + int(r, 4) }, () => int(r, 256)))]), how: 'bytes appended' };
  }
}

const zlibOf = (b: Buffer): Buffer | Error => {
  try {
    return inflateRawSync(b);
  } catch (e) {
    return e as Error;
  }
};


// RFC 1951 3.2.5's tables, written out here rather than taken from inflate.ts: the streams this test writes must
// not share a mistake with the reader they check.
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
/** Distance codes 30 and 31 exist in the fixed code only, as no distance: no extra bits. */
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 0, 0];
const FIXED_LIT = [...new Array<number>(144).fill(8), ...new Array<number>(112).fill(9), ...new Array<number>(24).fill(7), ...new Array<number>(8).fill(8)];
const FIXED_DIST = new Array<number>(32).fill(5);

/** Bits in stream order (LSB of each byte first), Huffman codes most significant bit first, as RFC 1951 packs them. */
class Bits {
  readonly bits: number[] = [];
  value(v: number, n: number): void {
    for (let k = 0; k < n; k++) this.bits.push((v >> k) & 1);
  }
  code(c: { code: number; len: number }): void {
    for (let k = c.len - 1; k >= 0; k--) this.bits.push((c.code >> k) & 1);
  }
  align(): void {
    while (this.bits.length % 8 !== 0) this.bits.push(0);
  }
  bytes(): Buffer {
    const out = Buffer.alloc(Math.ceil(this.bits.length / 8));
    this.bits.forEach((b, i) => (out[i >> 3]! |= b << (i & 7)));
    return out;
  }
}

/** Canonical codes for a list of lengths (RFC 1951 3.2.2); a length 0 symbol has none. */
function canonical(lengths: number[]): ({ code: number; len: number } | undefined)[] {
  const count = new Array<number>(16).fill(0);
  for (const l of lengths) if (l > 0) count[l]!++;
  const next = new Array<number>(16).fill(0);
  for (let len = 1, code = 0; len < 16; len++) {
    code = (code + count[len - 1]!) << 1;
    next[len] = code;
  }
  return lengths.map((l) => (l > 0 ? { code: next[l]!++, len: l } : undefined));
}

/** Huffman lengths (at most `max` bits) for random frequencies of `symbols`: a complete code. */
function huffmanLengths(r: Rand, n: number, symbols: number[], max: number): number[] {
  for (;;) {
    const lengths = new Array<number>(n).fill(0);
    if (symbols.length === 1) {
      lengths[symbols[0]!] = 1;
      return lengths;
    }
    let nodes = symbols.map((s) => ({ w: 1 + int(r, 50), syms: [s] }));
    while (nodes.length > 1) {
      nodes.sort((a, b) => a.w - b.w);
      const [a, b] = [nodes[0]!, nodes[1]!];
      for (const s of [...a.syms, ...b.syms]) lengths[s]!++;
      nodes = [{ w: a.w + b.w, syms: [...a.syms, ...b.syms] }, ...nodes.slice(2)];
    }
    if (Math.max(...lengths) <= max) return lengths;
  }
}

/**
 * A raw DEFLATE stream written bit by bit, valid or broken on purpose: stored blocks (NLEN right or not), fixed
 * blocks (literal/length codes 286 and 287, distance codes 30 and 31 among them), dynamic blocks (257-288
 * length codes, 1-32 distance codes, lengths 16/17/18-coded with a 16 first now and then, end-of-block given no
 * length, codes one short or one over), distances past the start, block type 3, no last block, bytes after it.
 * Also the number of bytes it was written to stand for, were every defect read as sound.
 */
function crafted(r: Rand): { stream: Buffer; size: number } {
  const w = new Bits();
  let written = 0;
  const blocks = 1 + int(r, 3);
  const symbolsOf = (lit: ({ code: number; len: number } | undefined)[], dist: ({ code: number; len: number } | undefined)[]) => {
    const lits = lit.map((c, s) => (c ? s : -1)).filter((s) => s >= 0 && s !== 256);
    const dists = dist.map((c, s) => (c ? s : -1)).filter((s) => s >= 0);
    for (let k = int(r, 40); k > 0 && lits.length > 0; k--) {
      const sym = pick(r, lits);
      w.code(lit[sym]!);
      if (sym < 256) {
        written++;
        continue;
      }
      if (dists.length === 0) break;
      // Codes 286 and 287 (fixed blocks) are written as if they were lengths of 3: a stream zlib refuses.
      const li = sym - 257;
      const extra = LENGTH_EXTRA[li] ?? 0;
      const more = int(r, 1 << extra);
      w.value(more, extra);
      const len = (LENGTH_BASE[li] ?? 3) + more;
      // Mostly distances that reach back no further than what was written; now and then one past the start.
      const near = dists.filter((d) => (DIST_BASE[d] ?? Infinity) <= written);
      const ds = r() < 0.9 && near.length > 0 ? pick(r, near) : pick(r, dists);
      w.code(dist[ds]!);
      const dextra = DIST_EXTRA[ds]!;
      w.value(r() < 0.8 ? 0 : int(r, 1 << dextra), dextra);
      written += len;
    }
    if (lit[256]) w.code(lit[256]);
  };
  for (let b = 0; b < blocks; b++) {
    const last = b === blocks - 1 ? (r() < 0.95 ? 1 : 0) : 0;
    const type = pick(r, [0, 0, 1, 1, 2, 2, 2, 2, 2, 3]);
    w.value(last, 1);
    w.value(type, 2);
    if (type === 3) break;
    if (type === 0) {
      w.align();
      const len = int(r, 300);
      w.value(len, 16);
      w.value(r() < 0.9 ? ~len & 0xffff : int(r, 0x10000), 16);
      for (let k = 0; k < len; k++) w.value(int(r, 256), 8);
      written += len;
      continue;
    }
    if (type === 1) {
      symbolsOf(canonical(FIXED_LIT), canonical(FIXED_DIST));
      continue;
    }
    // 287 and 288 length codes, 31 and 32 distance codes: a header zlib refuses, whatever follows.
    const nlen = r() < 0.85 ? 257 + int(r, 30) : 287 + int(r, 2);
    const ndist = r() < 0.85 ? 1 + int(r, 30) : 31 + int(r, 2);
    // A 16 (repeat the previous length) as the very first code length, standing for three zeros: refused.
    const leadingRepeat = r() < 0.08;
    const litSyms = [256, ...Array.from({ length: nlen }, (_, s) => s).filter((s) => s !== 256 && (!leadingRepeat || s > 2) && r() < 0.3)];
    let litLengths = huffmanLengths(r, nlen, litSyms, 15);
    const distSyms = Array.from({ length: ndist }, (_, s) => s).filter(() => r() < 0.5);
    let distLengths = distSyms.length > 0 ? huffmanLengths(r, ndist, distSyms, 15) : new Array<number>(ndist).fill(0);
    const roll = r();
    if (roll < 0.05) litLengths[256] = 0;
    else if (roll < 0.1) litLengths = litLengths.map((l, s) => (s === litSyms.at(-1) ? 0 : l));
    else if (roll < 0.15) distLengths = distLengths.map((l) => (l > 1 ? l - 1 : l));
    const all = [...litLengths, ...distLengths];
    // The lengths as code-length symbols: runs as 16/17/18 where they fit, sometimes a 16 with nothing before it.
    const cl: { sym: number; extra: number; bits: number }[] = [];
    if (leadingRepeat) cl.push({ sym: 16, extra: 0, bits: 2 });
    for (let i = leadingRepeat ? 3 : 0; i < all.length; ) {
      let run = 1;
      while (i + run < all.length && all[i + run] === all[i]) run++;
      if (all[i] === 0 && run >= 11 && r() < 0.8) {
        const n = Math.min(run, 138);
        cl.push({ sym: 18, extra: n - 11, bits: 7 });
        i += n;
      } else if (all[i] === 0 && run >= 3 && r() < 0.8) {
        const n = Math.min(run, 10);
        cl.push({ sym: 17, extra: n - 3, bits: 3 });
        i += n;
      } else if (i > 0 && all[i] === all[i - 1] && run >= 3 && r() < 0.8) {
        const n = Math.min(run, 6);
        cl.push({ sym: 16, extra: n - 3, bits: 2 });
        i += n;
      } else {
        cl.push({ sym: all[i]!, extra: 0, bits: 0 });
        i++;
      }
    }
    const used = [...new Set(cl.map((c) => c.sym))];
    const clLengths = huffmanLengths(r, 19, used, 7);
    const order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
    let ncode = 19;
    while (ncode > 4 && clLengths[order[ncode - 1]!] === 0) ncode--;
    w.value(nlen - 257, 5);
    w.value(ndist - 1, 5);
    w.value(ncode - 4, 4);
    for (let i = 0; i < ncode; i++) w.value(clLengths[order[i]!]!, 3);
    const clCodes = canonical(clLengths);
    for (const c of cl) {
      w.code(clCodes[c.sym]!);
      w.value(c.extra, c.bits);
    }
    symbolsOf(canonical(litLengths), canonical(distLengths));
  }
  const out = w.bytes();
  return { stream: r() < 0.1 ? Buffer.concat([out, Buffer.from([int(r, 256)])]) : out, size: written };
}

describe('inflateRawExact against zlib', () => {
  it('gives zlib\'s bytes wherever it answers, and answers every stream zlib\'s deflate writes', () => {
    const seed = oracleSeed(1e9);
    const r = seeded(seed);
    const runs = oracleRuns(1500, 0.02);
    const bad: string[] = [];
    let answered = 0;
    let mutatedAnswered = 0;
    let mutatedCases = 0;
    for (let i = 0; i < runs; i++) {
      const data = input(r);
      const { stream, how } = compress(r, data);
      const mutated = r() < 0.35;
      if (!mutated) {
        const got = inflateRawExact(stream, data.length);
        if (got === undefined) bad.push(`case ${i} (${how}, ${data.length} bytes): declined a stream zlib wrote`);
        else if (!got.equals(data)) bad.push(`case ${i} (${how}): other bytes than the input`);
        else answered++;
        // The wrong length is declined, never cut or padded.
        if (inflateRawExact(stream, data.length + 1) !== undefined || (data.length > 0 && inflateRawExact(stream, data.length - 1) !== undefined)) {
          bad.push(`case ${i} (${how}): answered for another length`);
        }
        continue;
      }
      mutatedCases++;
      const m = mutate(r, stream);
      const want = zlibOf(m.bytes);
      const size = want instanceof Error ? data.length : want.length;
      const got = inflateRawExact(m.bytes, size);
      if (got === undefined) continue;
      mutatedAnswered++;
      if (want instanceof Error) bad.push(`case ${i} (${how}, ${m.how}): answered ${got.length} bytes where zlib says ${want.message}`);
      else if (!got.equals(want)) bad.push(`case ${i} (${how}, ${m.how}): other bytes than zlib's`);
    }
    recordOracle('inflate', runs, bad.length, `${answered} zlib streams answered, ${mutatedAnswered} of ${mutatedCases} mutated ones; seed ${seed}`);
    expect(bad.slice(0, 5)).toEqual([]);
    expect(mutatedAnswered).toBeGreaterThan(0);
  });

  it('on streams written bit by bit, broken on purpose or not, answers only with zlib\'s bytes', () => {
    const seed = oracleSeed(1e9);
    const r = seeded(seed + 1);
    const runs = oracleRuns(4000, 0.05);
    const bad: string[] = [];
    let zlibTook = 0;
    let answered = 0;
    for (let i = 0; i < runs; i++) {
      const { stream, size } = crafted(r);
      const want = zlibOf(stream);
      if (!(want instanceof Error)) zlibTook++;
      // Where zlib refuses, the length the stream was written to stand for: a decoder that took the defect for
      // sound would give just that many bytes.
      const got = inflateRawExact(stream, want instanceof Error ? size : want.length);
      if (got === undefined) continue;
      answered++;
      if (want instanceof Error) bad.push(`case ${i} (${stream.toString('hex').slice(0, 80)}): answered where zlib says ${want.message}`);
      else if (!got.equals(want)) bad.push(`case ${i}: other bytes than zlib's`);
    }
    recordOracle('inflate-crafted', runs, bad.length, `${zlibTook} taken by zlib, ${answered} answered; seed ${seed + 1}`);
    expect(bad.slice(0, 5)).toEqual([]);
    expect(answered).toBeGreaterThan(runs / 10);
  });

  it('declines what zlib refuses: a distance before the start, a bad stored length, block type 3, codes no symbol has', () => {
    // One fixed block: these literals, then a length code and a distance code (no extra bits), then end-of-block.
    const lit = canonical(FIXED_LIT);
    const dist = canonical(FIXED_DIST);
    const fixedBlock = (literals: string, lengthSym: number, distSym: number): Buffer => {
      const w = new Bits();
      w.value(1, 1);
      w.value(1, 2);
      for (const c of Buffer.from(literals)) w.code(lit[c]!);
      w.code(lit[lengthSym]!);
      w.code(dist[distSym]!);
      w.code(lit[256]!);
      return w.bytes();
    };
    // Length 3 (code 257) at distance 2 (code 1): sound after two bytes, past the start after one.
    expect(inflateRawExact(fixedBlock('ab', 257, 1), 5)?.toString()).toBe('ababa');
    expect(() => inflateRawSync(fixedBlock('a', 257, 1))).toThrow(/distance too far back/);
    expect(inflateRawExact(fixedBlock('a', 257, 1), 4)).toBeUndefined();
    // Distance codes 30 and 31, length codes 286 and 287: in the fixed code, yet no symbol.
    for (const [l, d] of [[257, 30], [257, 31], [286, 1], [287, 1]] as const) {
      expect(() => inflateRawSync(fixedBlock('ab', l, d))).toThrow(/invalid/);
      expect(inflateRawExact(fixedBlock('ab', l, d), 5)).toBeUndefined();
      expect(inflateRawExact(fixedBlock('ab', l, d), 2)).toBeUndefined();
    }
    // A stored block whose NLEN is not LEN's complement, and the same block sound.
    const stored = Buffer.from([0x01, 0x02, 0x00, 0xfd, 0xfe, 0x61, 0x62]);
    expect(() => inflateRawSync(stored)).toThrow();
    expect(inflateRawExact(stored, 2)).toBeUndefined();
    expect(inflateRawExact(Buffer.from([0x01, 0x02, 0x00, 0xfd, 0xff, 0x61, 0x62]), 2)?.toString()).toBe('ab');
    // Block type 3.
    expect(() => inflateRawSync(Buffer.from([0x07, 0x00]))).toThrow();
    expect(inflateRawExact(Buffer.from([0x07, 0x00]), 0)).toBeUndefined();
  });
});
