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
 * [table][pad to 4][i32 string lengths][int32 stream]`.
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
  const pad = Buffer.alloc((4 - ((head.length + table.length) % 4)) % 4);
  return [head, table, pad, Buffer.from(lengths.buffer), Buffer.from(out.buf.buffer, 0, out.len * 4)];
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

/** The value back from encodeValue's bytes; throws on bytes it did not write (a truncated or foreign file). */
export function decodeValue(buf: Buffer): unknown {
  if (buf.length < 12) throw new Error('too short');
  const encoding = buf.readUInt32LE(0);
  const count = buf.readUInt32LE(4);
  const tableBytes = buf.readUInt32LE(8);
  if (encoding !== 1 && encoding !== 2) throw new Error(`unknown string table encoding ${encoding}`);
  const tableEnd = 12 + tableBytes;
  const intsAt = tableEnd + ((4 - (tableEnd % 4)) % 4);
  if (intsAt + count * 4 > buf.length || (buf.length - intsAt) % 4 !== 0) throw new Error('truncated');
  const aligned = (buf.byteOffset + intsAt) % 4 === 0 ? buf : Buffer.from(buf);
  const ints = new Int32Array(aligned.buffer, aligned.byteOffset + intsAt, (buf.length - intsAt) / 4);
  const joined = buf.toString(encoding === 1 ? 'utf8' : 'utf16le', 12, tableEnd);
  const strings: string[] = new Array<string>(count);
  for (let i = 0, at = 0; i < count; i++) {
    const len = ints[i]!;
    strings[i] = joined.slice(at, at + len);
    at += len;
  }
  let p = count;
  const makers: ((read: () => unknown) => unknown)[] = [];
  const s = (): string => {
    const v = strings[ints[p++]!];
    if (v === undefined) throw new Error('a string index past the table');
    return v;
  };
  const read = (): unknown => {
    if (p >= ints.length) throw new Error('truncated');
    const t = ints[p++]!;
    if (t >= STRING_BASE) {
      const v = strings[t - STRING_BASE];
      if (v === undefined) throw new Error('a string index past the table');
      return v;
    }
    if (t < 0) {
      const make = makers[-1 - t];
      if (make === undefined) throw new Error('a shape number past those defined');
      return make(read);
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
        const n = ints[p++]!;
        if (n === 0) return [];
        if (n === 1) return [read()];
        if (n === 2) {
          const first = read();
          return [first, read()];
        }
        if (!(n > 0 && n <= ints.length - p)) throw new Error(`an array of ${n} items`);
        const a = sizedArray<unknown>(n);
        for (let i = 0; i < n; i++) a[i] = read();
        return a;
      }
      case Tag.ShapeDef: {
        const n = ints[p++]!;
        if (!(n > 0 && n <= SHAPE_KEYS_MAX)) throw new Error(`a shape of ${n} keys`);
        const keys = Array.from({ length: n }, s);
        if (keys.includes('__proto__') || new Set(keys).size !== n) throw new Error('a shape with __proto__ or a repeated key');
        makers.push(maker(keys));
        return makers[makers.length - 1]!(read);
      }
      case Tag.Obj: {
        const n = ints[p++]!;
        const o: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = s();
          // Never a prototype: stored keys are data.
          if (k === '__proto__') Object.defineProperty(o, k, { value: read(), enumerable: true, writable: true, configurable: true });
          else o[k] = read();
        }
        return o;
      }
      default:
        throw new Error(`unknown tag at ${p - 1}`);
    }
  };
  const value = read();
  if (p !== ints.length) throw new Error('bytes left over');
  return value;
}
