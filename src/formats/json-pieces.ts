// A large JSON document parsed from its bytes in pieces: the same value JSON.parse(bytes.toString('utf8')) gives,
// without the one string of the whole file. V8 puts a string over 128 KiB in a memory mapping of its own, fresh
// from the kernel each time, and on a machine slow at page faults making that string costs as much as parsing it
// (200 SPDX files of 430 KiB: 380 ms to make the strings, 14 ms for the same bytes in 64 KiB strings). Only
// structure is read here: a byte scan finds the brackets, commas and colons of the outer levels, and every piece
// between them is handed to JSON.parse, which checks it. Anything the pieces cannot vouch for returns NOT_SPLIT,
// and the caller parses the whole text as before, so an error is JSON.parse's own.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Returned when the document was not parsed here; the caller parses the whole text. */
export const NOT_SPLIT: unique symbol = Symbol('not split');

export interface PieceOptions {
  /** A container longer than this many bytes is split into its members; pieces stay about this long. */
  pieceBytes: number;
  /** Containers this deep (the document's own is depth 1) are never split; at most 64 (the scan keeps depths in bytes). */
  splitDepth: number;
}

/** Pieces of 64 KiB: a string that size, one- or two-byte, stays on V8's ordinary pages. */
export const DEFAULT_PIECES: PieceOptions = { pieceBytes: 64 * 1024, splitDepth: 4 };

/**
 * Where the outer levels' brackets, commas and colons are: event i (of n) at byte pos[i], nesting depth[i]; close[i]
 * for an open. The arrays are shared by every call and kept between them: grown as plain arrays they pass 128 KiB
 * for a 400 KiB document and, like a large string, land on fresh pages each time (that cost 250 ns an event here).
 */
interface Skeleton {
  n: number;
  pos: Int32Array;
  depth: Uint8Array;
  close: Int32Array;
  /** The deepest nesting of the whole document, which the byte scan sees exactly when the document is JSON. */
  maxDepth: number;
}

const newSkeleton = (size: number): Skeleton => ({ n: 0, pos: new Int32Array(size), depth: new Uint8Array(size), close: new Int32Array(size), maxDepth: 0 });
let shared = newSkeleton(4096);

function grow(sk: Skeleton): Skeleton {
  const next = newSkeleton(sk.pos.length * 2);
  next.pos.set(sk.pos), next.depth.set(sk.depth), next.close.set(sk.close);
  return (shared = next);
}

const isJsonSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * JSON.parse(bytes.toString('utf8', from)) and the depth of its deepest container, or NOT_SPLIT. Every cut is at an
 * ASCII byte, which no UTF-8 sequence contains and which ends any broken one, so the pieces decode to exactly the
 * characters the whole would.
 */
export function parseJsonPieces(bytes: Buffer, from = 0, asked: PieceOptions = DEFAULT_PIECES): { value: unknown; maxDepth: number } | typeof NOT_SPLIT {
  const opts = asked.splitDepth > 64 ? { ...asked, splitDepth: 64 } : asked;
  let start = from;
  let end = bytes.length;
  while (start < end && isJsonSpace(bytes[start])) start++;
  while (end > start && isJsonSpace(bytes[end - 1])) end--;
  if ((bytes[start] !== OPEN_BRACE && bytes[start] !== OPEN_BRACKET) || end > 0x7fffffff) return NOT_SPLIT;
  try {
    const sk = scanSkeleton(bytes, start, end, opts.splitDepth);
    // One container from start to end, or something else (a stream of values, text after it): not for this reader.
    if (sk === undefined || sk.n === 0 || sk.pos[0] !== start || sk.pos[sk.close[0]!] !== end - 1) return NOT_SPLIT;
    return { value: new Builder(bytes, sk, opts).value(0), maxDepth: sk.maxDepth };
  } catch {
    return NOT_SPLIT;
  } finally {
    // What a huge document grew is not kept for the next one.
    if (shared.pos.length > 1 << 20) shared = newSkeleton(4096);
  }
}

/** Undefined when the brackets do not pair (then the document is not JSON, and the whole parse says why). */
function scanSkeleton(b: Buffer, start: number, end: number, splitDepth: number): Skeleton | undefined {
  let sk = shared;
  let { pos, depth, close } = sk;
  let n = 0;
  // Opens not yet closed, by depth: at most splitDepth of them are events.
  const open = new Int32Array(splitDepth + 1);
  let d = 0;
  let maxDepth = 0;
  const { w, off, end: wend } = wordsOf(b);
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    // The depth this byte is an event at, or 0 when it is none (all in the loop: a closure costs more per event).
    let at = 0;
    if (c === QUOTE) {
      // To the quote that ends the string: four bytes at a time where neither a quote nor a backslash is among
      // them (the zero-byte test on the word XOR the byte repeated), which is most of a string; a loop a byte at a
      // time, or a call per string, made this scan cost as much as JSON.parse.
      i++;
      for (;;) {
        if (((i - off) & 3) === 0 && i < wend) {
          const v = w[(i - off) >> 2]!;
          const q = v ^ 0x22222222;
          const e = v ^ 0x5c5c5c5c;
          if (((((q - 0x01010101) & ~q) | ((e - 0x01010101) & ~e)) & 0x80808080) === 0) {
            i += 4;
            continue;
          }
        }
        if (i >= end) return undefined;
        const x = b[i];
        if (x === QUOTE) break;
        i += x === BACKSLASH ? 2 : 1;
      }
      continue;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      d++;
      if (d > maxDepth) maxDepth = d;
      if (d <= splitDepth) (open[d] = n), (at = d);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (d <= splitDepth) {
        if (d === 0) return undefined;
        const o = open[d]!;
        if (b[pos[o]!] !== (c === CLOSE_BRACE ? OPEN_BRACE : OPEN_BRACKET)) return undefined;
        close[o] = n;
        at = d;
      }
      d--;
    } else if ((c === COMMA || c === COLON) && d < splitDepth) at = d;
    if (at === 0) continue;
    if (n === pos.length) {
      sk.n = n;
      sk = grow(sk);
      ({ pos, depth, close } = sk);
    }
    pos[n] = i;
    depth[n] = at;
    close[n] = -1;
    n++;
  }
  if (d !== 0) return undefined;
  sk.n = n;
  sk.maxDepth = maxDepth;
  return sk;
}

/** The buffer's aligned 32-bit words, and where they start and end in it (bytes from `off` to `end`). */
interface Words {
  w: Int32Array;
  off: number;
  end: number;
}

function wordsOf(b: Buffer): Words {
  const off = (4 - (b.byteOffset & 3)) & 3;
  const count = (b.length - off) >> 2;
  // No whole word (a buffer of a few bytes, perhaps ending its memory before the next aligned offset): none read.
  const w = count > 0 ? new Int32Array(b.buffer, b.byteOffset + off, count) : new Int32Array(0);
  return { w, off, end: off + w.length * 4 };
}

/** Builds the value of one container from its skeleton; throws (any error) when a piece or a separator is not JSON. */
class Builder {
  constructor(
    private readonly b: Buffer,
    private readonly sk: Skeleton,
    private readonly opts: PieceOptions,
  ) {}

  value(open: number): unknown {
    const { pos, depth, close } = this.sk;
    const s = pos[open]!;
    const e = pos[close[open]!]! + 1;
    if (e - s <= this.opts.pieceBytes || depth[open]! >= this.opts.splitDepth) return JSON.parse(this.text(s, e));
    return this.b[s] === OPEN_BRACE ? this.object(open) : this.array(open);
  }

  private text(s: number, e: number): string {
    return this.b.toString('utf8', s, e);
  }

  private spaces(s: number, e: number): void {
    for (let i = s; i < e; i++) if (!isJsonSpace(this.b[i])) throw new SyntaxError('not JSON space');
  }

  /** The first child container (event index) between two separators too long for one piece, or -1. */
  private bigChild(first: number, last: number): number {
    const { pos, close } = this.sk;
    for (let j = first; j < last; j = close[j]! + 1) {
      if (pos[close[j]!]! + 1 - pos[j]! > this.opts.pieceBytes) return j;
    }
    return -1;
  }

  /** Events from open+1 to the close: each member's children (opens one level down) and its separator. */
  private members(open: number, each: (childFirst: number, childEnd: number, sepEvent: number) => void): void {
    const { depth, close } = this.sk;
    const d = depth[open]!;
    const last = close[open]!;
    let childFirst = open + 1;
    for (let j = open + 1; j <= last; j++) {
      if (j < last && depth[j] !== d) {
        j = close[j]!; // a child container: skip what is inside it
        continue;
      }
      each(childFirst, j, j);
      childFirst = j + 1;
    }
  }

  private array(open: number): unknown[] {
    const { pos, close } = this.sk;
    const out: unknown[] = [];
    const s = pos[open]!;
    let groupFrom = s + 1;
    let groupCount = 0;
    let elemFrom = s + 1;
    const flush = (to: number, last: boolean): void => {
      const items = JSON.parse(`[${this.text(groupFrom, to)}]`) as unknown[];
      // "[" + one empty element + "]" parses too: only the whole array may be empty.
      if (items.length !== groupCount && !(last && groupCount === 1 && items.length === 0 && out.length === 0 && groupFrom === s + 1)) throw new SyntaxError('empty element');
      for (const item of items) out.push(item);
    };
    this.members(open, (childFirst, childEnd, sep) => {
      const sepPos = pos[sep]!;
      const big = this.bigChild(childFirst, childEnd);
      if (this.b[sepPos] === COLON) throw new SyntaxError('colon in an array');
      if (big >= 0) {
        this.spaces(elemFrom, pos[big]!);
        this.spaces(pos[close[big]!]! + 1, sepPos);
        if (groupCount > 0) flush(elemFrom - 1, false);
        out.push(this.value(big));
        groupFrom = sepPos + 1;
        groupCount = 0;
      } else {
        if (groupCount > 0 && sepPos - groupFrom > this.opts.pieceBytes) {
          flush(elemFrom - 1, false);
          groupFrom = elemFrom;
          groupCount = 0;
        }
        groupCount++;
        if (sep === close[open]) flush(sepPos, true);
      }
      elemFrom = sepPos + 1;
    });
    return out;
  }

  private object(open: number): Record<string, unknown> {
    const { pos, close } = this.sk;
    const out: Record<string, unknown> = {};
    const s = pos[open]!;
    let groupFrom = s + 1;
    let groupCount = 0;
    let memberFrom = s + 1;
    let colon = -1;
    const flush = (to: number): void => copyInto(out, JSON.parse(`{${this.text(groupFrom, to)}}`) as Record<string, unknown>);
    this.members(open, (childFirst, childEnd, sep) => {
      const sepPos = pos[sep]!;
      if (this.b[sepPos] === COLON) {
        if (colon >= 0) throw new SyntaxError('two colons');
        colon = sepPos;
        // The value's children come after this colon; the key holds none.
        if (childEnd > childFirst) throw new SyntaxError('container as a key');
        return;
      }
      const last = sep === close[open];
      // A member with no colon: only the one blank member of an empty object.
      if (colon < 0 && !(last && memberFrom === s + 1)) throw new SyntaxError('member without a colon');
      const big = colon < 0 ? -1 : this.bigChild(childFirst, childEnd);
      if (big >= 0) {
        const key: unknown = JSON.parse(this.text(memberFrom, colon));
        if (typeof key !== 'string') throw new SyntaxError('key not a string');
        this.spaces(colon + 1, pos[big]!);
        this.spaces(pos[close[big]!]! + 1, sepPos);
        if (groupCount > 0) flush(memberFrom - 1);
        setOwn(out, key, this.value(big));
        groupFrom = sepPos + 1;
        groupCount = 0;
      } else {
        if (groupCount > 0 && sepPos - groupFrom > this.opts.pieceBytes) {
          flush(memberFrom - 1);
          groupFrom = memberFrom;
          groupCount = 0;
        }
        groupCount++;
        if (last) flush(sepPos);
      }
      memberFrom = sepPos + 1;
      colon = -1;
    });
    return out;
  }
}

/** An own data property, as JSON.parse makes one: `__proto__` too, which plain assignment would take as the prototype. */
function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
  else out[key] = value;
}

/** A later member of the same key keeps the first one's place and takes the later value, as in JSON.parse. */
function copyInto(out: Record<string, unknown>, piece: Record<string, unknown>): void {
  for (const key of Object.keys(piece)) setOwn(out, key, piece[key]);
}
