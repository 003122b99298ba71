// Plain values (objects, arrays, strings, numbers, booleans, Dates) <-> bytes, for the compiled IOC cache.
// JSON.parse of a 200,000-incident set took ~0.8 s; this reads it in a fraction: every string once in a table,
// the structure as a stream of 32-bit integers read without parsing text. A string and an object of a known key
// list, most of the stream, are one integer each: a string's number plus STRING_BASE, a list's as -1 - number.

import { sizedArray } from '../sized-array.js';

const enum Tag {
  False = 0,
  True = 1,
  Null = 2,
  // 3 was a string's tag, before a string became one integer (STRING_BASE and up).
  Num = 4,
  Arr = 5,
  Obj = 6,
  Date = 7,
  // 8 was a known key list's tag, before such an object became one negative integer.
  /** An object whose key list is new: the key count, the keys, then the values; the list gets the next number. */
  ShapeDef = 9,
}

/** A stream integer at or above this is the string of number (it - STRING_BASE); below 0, an object of key list -1 - it. */
const STRING_BASE = 16;

/** Objects with more keys than this, none, or a `__proto__` key are written key by key (Tag.Obj). */
const SHAPE_KEYS_MAX = 32;

class IntWriter {
  buf = new Int32Array(1 << 16);
  len = 0;
  push(n: number): void {
    if (this.len === this.buf.length) {
      const grown = new Int32Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.len++] = n;
  }
}

/** One key of a key list; `id` is the list's number when a list ends here. */
interface ShapeNode {
  id?: number;
  next?: Map<string, ShapeNode>;
}

/**
 * The value as bytes, in parts that are written one after the other (joining 100 MiB of them cost a cold load of a
 * 200,000-record feed 0.7 s and as much memory again): `[u32 table encoding][u32 string count][u32 table bytes]
 * [i32 string lengths][table][pad to 4][int32 stream]`, in the order decodeValueFrom reads them.
 */
export function encodeValueParts(value: unknown): Buffer[] {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const out = new IntWriter();
  const shapeRoot: ShapeNode = {};
  let shapeCount = 0;
  const num = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) index.set(s, (i = strings.push(s) - 1));
    return i;
  };
  const str = (s: string): void => out.push(num(s));
  const write = (v: unknown): void => {
    if (v === true || v === false) out.push(v ? Tag.True : Tag.False);
    else if (v === null || v === undefined) out.push(Tag.Null);
    else if (typeof v === 'string') out.push(STRING_BASE + num(v));
    else if (typeof v === 'number') {
      // As text: a window's milliseconds do not fit 32 bits, and a double's text round-trips exactly.
      out.push(Tag.Num);
      str(String(v));
    } else if (v instanceof Date) {
      out.push(Tag.Date);
      str(String(v.getTime()));
    } else if (Array.isArray(v)) {
      out.push(Tag.Arr);
      out.push(v.length);
      for (const x of v) write(x);
    } else if (typeof v === 'object') {
      // Keys with undefined values are left out, as JSON leaves them out. The key list is looked up by walking
      // a trie of keys, not by joining them into a signature: no string or entries array per object.
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      let n = 0;
      let node = shapeRoot;
      let plain = true;
      for (const k of keys) {
        if (o[k] === undefined) continue;
        n++;
        if (k === '__proto__') plain = false;
        if (plain) {
          let next = node.next?.get(k);
          if (next === undefined) (node.next ??= new Map()).set(k, (next = {}));
          node = next;
        }
      }
      if (n === 0 || n > SHAPE_KEYS_MAX || !plain) {
        out.push(Tag.Obj);
        out.push(n);
        for (const k of keys) {
          if (o[k] === undefined) continue;
          str(k);
          write(o[k]);
        }
        return;
      }
      if (node.id !== undefined) out.push(-1 - node.id);
      else {
        node.id = shapeCount++;
        out.push(Tag.ShapeDef);
        out.push(n);
        for (const k of keys) if (o[k] !== undefined) str(k);
      }
      for (const k of keys) if (o[k] !== undefined) write(o[k]);
    } else throw new Error(`cannot store a ${typeof v}`);
  };
  write(value);
  const joined = strings.join('');
  // UTF-8 keeps every string's length in UTF-16 units only when no string holds a lone surrogate.
  const utf8 = !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(joined);
  const table = Buffer.from(joined, utf8 ? 'utf8' : 'utf16le');
  const head = Buffer.alloc(12);
  head.writeUInt32LE(utf8 ? 1 : 2, 0);
  head.writeUInt32LE(strings.length, 4);
  head.writeUInt32LE(table.length, 8);
  const lengths = Int32Array.from(strings, (s) => s.length);
  const pad = Buffer.alloc((4 - (table.length % 4)) % 4);
  return [head, Buffer.from(lengths.buffer), table, pad, Buffer.from(out.buf.buffer, 0, out.len * 4)];
}

/** encodeValueParts joined: the bytes decodeValue reads. */
export function encodeValue(value: unknown): Buffer {
  return Buffer.concat(encodeValueParts(value));
}

/**
 * A function building an object of these keys in one literal, its values read in key order: V8 lays such an
 * object out at once, where adding keys one by one moved every incident's properties twice (a fifth of a
 * 200,000-record load, most of it in the garbage collector). The keys are written as JSON string literals, so
 * no key, whatever a cache file holds, is anything but a property name; `__proto__` never gets here.
 */
function maker(keys: readonly string[]): (read: () => unknown) => unknown {
  return new Function('read', `return { ${keys.map((k) => `${JSON.stringify(k)}: read()`).join(', ')} };`) as (read: () => unknown) => unknown;
}

/**
 * Every empty list of a decoded value: one frozen array. A 200,000-record OSV feed's incidents hold five empty lists
 * each (references, aliases, windows, indicators, ranges), a quarter of the memory a hit made; a loaded IOC set is
 * read, never changed, and a change to an empty list would throw rather than reach another incident.
 */
const EMPTY: readonly unknown[] = Object.freeze([]);

/** Fills `into` from the start, as much as there is; 0 at the end. */
export type ByteReader = (into: Uint8Array) => number;

/** How much a decode reads at a time: its one buffer, reused for the string table and then the integers. */
export const DECODE_CHUNK = 1 << 20;

/** Fills the whole of `view`, or throws when the bytes end first. */
function fill(read: ByteReader, view: Uint8Array): void {
  for (let got = 0; got < view.length; ) {
    const n = read(view.subarray(got));
    if (n <= 0) throw new Error('truncated');
    got += n;
  }
}

/** Where a chunk of UTF-8 can end without splitting a character: before a trailing lead byte whose sequence is incomplete. */
function utf8Cut(b: Uint8Array, end: number): number {
  let k = end;
  while (k > 0 && end - k < 3 && (b[k - 1]! & 0xc0) === 0x80) k--;
  if (k === 0) return end;
  const lead = b[k - 1]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return end - (k - 1) >= need ? end : k - 1;
}

/**
 * The table's strings, read `buf.length` bytes at a time: each chunk decoded to one string and cut by the lengths (a
 * string that runs across chunks is joined). Reading the table as one string meant holding the whole file in memory
 * first, which on this kind of machine (a page costs ~12 us the first time it is touched) was a fifth of a hit.
 */
function readStrings(read: ByteReader, buf: Buffer, encoding: 'utf8' | 'utf16le', lengths: Int32Array, tableBytes: number): string[] {
  const count = lengths.length;
  const strings = new Array<string>(count);
  let i = 0;
  let partial = '';
  /** Cuts the strings of `text` (after `partial`), keeping an unfinished one in `partial`; false if text is left over. */
  const cut = (text: string): boolean => {
    let pos = 0;
    while (i < count) {
      const need = lengths[i]! - partial.length;
      if (need < 0) throw new Error('a negative string length');
      if (pos + need > text.length) {
        partial += text.slice(pos);
        return true;
      }
      const piece = text.slice(pos, pos + need);
      strings[i++] = partial.length > 0 ? partial + piece : piece;
      partial = '';
      pos += need;
    }
    return pos === text.length;
  };
  let left = tableBytes;
  let carry = 0;
  while (left > 0) {
    const n = Math.min(buf.length - carry, left);
    fill(read, buf.subarray(carry, carry + n));
    left -= n;
    const end = carry + n;
    // UTF-16 never splits a unit: a chunk is a multiple of 4 bytes, and only UTF-8 carries bytes over.
    const at = left === 0 || encoding === 'utf16le' ? end : utf8Cut(buf, end);
    if (!cut(buf.toString(encoding, 0, at))) throw new Error('the string table is longer than its lengths');
    buf.copy(buf, 0, at, end);
    carry = end - at;
  }
  if (!cut('') || i !== count || partial !== '') throw new Error('the string table is shorter than its lengths');
  return strings;
}

/** The value back from encodeValue's bytes; throws on bytes it did not write (a truncated or foreign file). */
export function decodeValue(bytes: Buffer, chunk = DECODE_CHUNK): unknown {
  let at = 0;
  return decodeValueFrom(
    (into) => {
      const n = Math.min(into.length, bytes.length - at);
      into.set(bytes.subarray(at, at + n));
      at += n;
      return n;
    },
    bytes.length,
    chunk,
  );
}

/**
 * The value back from the `size` bytes `read` gives, in order, read `chunk` bytes at a time (at least 8, a multiple
 * of 4): a hit on a 200,000-record feed never holds its 54 MB cache file. Throws on bytes encodeValue did not write.
 */
export function decodeValueFrom(read: ByteReader, size: number, chunk = DECODE_CHUNK): unknown {
  if (!(chunk >= 8 && chunk % 4 === 0)) throw new Error(`a chunk of ${chunk} bytes`);
  if (size < 12) throw new Error('too short');
  const head = Buffer.alloc(12);
  fill(read, head);
  const encoding = head.readUInt32LE(0);
  const count = head.readUInt32LE(4);
  const tableBytes = head.readUInt32LE(8);
  if (encoding !== 1 && encoding !== 2) throw new Error(`unknown string table encoding ${encoding}`);
  const tableAt = 12 + count * 4;
  const intsAt = tableAt + tableBytes + ((4 - (tableBytes % 4)) % 4);
  if (intsAt > size || (size - intsAt) % 4 !== 0) throw new Error('truncated');
  const lengths = new Int32Array(count);
  fill(read, new Uint8Array(lengths.buffer));
  const buf = Buffer.allocUnsafeSlow(Math.min(chunk, Math.max(8, size - tableAt + 4) & ~3));
  const strings = readStrings(read, buf, encoding === 1 ? 'utf8' : 'utf16le', lengths, tableBytes);
  if (intsAt > tableAt + tableBytes) fill(read, buf.subarray(0, intsAt - tableAt - tableBytes));
  const words = new Int32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
  /** Integers not yet in `words`; those in it run from p to end. */
  let unread = (size - intsAt) / 4;
  let p = 0;
  let end = 0;
  const next = (): number => {
    if (p === end) {
      if (unread === 0) throw new Error('truncated');
      end = Math.min(words.length, unread);
      fill(read, buf.subarray(0, end * 4));
      unread -= end;
      p = 0;
    }
    return words[p++]!;
  };
  const left = (): number => end - p + unread;
  const makers: ((read: () => unknown) => unknown)[] = [];
  const s = (): string => {
    const v = strings[next()];
    if (v === undefined) throw new Error('a string index past the table');
    return v;
  };
  const value = (): unknown => {
    const t = next();
    if (t >= STRING_BASE) {
      const v = strings[t - STRING_BASE];
      if (v === undefined) throw new Error('a string index past the table');
      return v;
    }
    if (t < 0) {
      const make = makers[-1 - t];
      if (make === undefined) throw new Error('a shape number past those defined');
      return make(value);
    }
    switch (t) {
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Null:
        return null;
      case Tag.Num:
        return Number(s());
      case Tag.Date:
        return new Date(Number(s()));
      case Tag.Arr: {
        // Each array as long as what it holds (sized-array.ts); literals, packed, for the shortest.
        const n = next();
        if (n === 0) return EMPTY;
        if (n === 1) return [value()];
        if (n === 2) {
          const first = value();
          return [first, value()];
        }
        if (!(n > 0 && n <= left())) throw new Error(`an array of ${n} items`);
        const a = sizedArray<unknown>(n);
        for (let i = 0; i < n; i++) a[i] = value();
        return a;
      }
      case Tag.ShapeDef: {
        const n = next();
        if (!(n > 0 && n <= SHAPE_KEYS_MAX)) throw new Error(`a shape of ${n} keys`);
        const keys = Array.from({ length: n }, s);
        if (keys.includes('__proto__') || new Set(keys).size !== n) throw new Error('a shape with __proto__ or a repeated key');
        makers.push(maker(keys));
        return makers[makers.length - 1]!(value);
      }
      case Tag.Obj: {
        const n = next();
        const o: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = s();
          // Never a prototype: stored keys are data.
          if (k === '__proto__') Object.defineProperty(o, k, { value: value(), enumerable: true, writable: true, configurable: true });
          else o[k] = value();
        }
        return o;
      }
      default:
        throw new Error(`unknown tag at ${(size - intsAt) / 4 - left() - 1}`);
    }
  };
  const out = value();
  if (left() !== 0) throw new Error('bytes left over');
  return out;
}
