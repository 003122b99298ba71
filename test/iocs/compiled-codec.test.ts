// The compiled IOC cache's value codec: whatever plain value is written is read back equal, on generated values
// (objects of repeated and new key lists, keys that are not identifiers, __proto__, unicode and lone surrogates,
// Dates, nested arrays); and damaged bytes throw or decode, never touching a prototype.
import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from '../../src/iocs/compiled-codec.js';
import { seeded } from '../helpers/random.js';

const RUNS = Number(process.env.FUZZ_RUNS) > 0 ? Math.min(20_000, Number(process.env.FUZZ_RUNS)) : 400;
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const KEYS = ['id', 'title', 'packages', 'name', '__proto__', 'constructor', 'toString', '1', '01', '', 'a b', 'q"uote', 'back\\slash', 'new\nline', 'sep\u2028', 'é', '\uD800', 'k'];
const STRINGS = ['', 'axios', '1.14.1', '>=1.0.0 <1.4.0', 'é', '\uD83D\uDE00', '\uDC00 lone', '\uD800', 'x'.repeat(300), '__proto__'];

function value(r: () => number, depth: number): unknown {
  const roll = r();
  if (depth > 4 || roll < 0.35) {
    return pick(r, [() => pick(r, STRINGS), () => Math.floor(r() * 1e6) - 5e5, () => r() * 10, () => true, () => false, () => null, () => new Date(Math.floor(r() * 4e12))])();
  }
  if (roll < 0.55) return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
  // Objects of a few key lists again and again, as incidents are, and now and then a new one.
  const keys = r() < 0.7 ? pick(r, [['id', 'title', 'packages'], ['name', 'versions'], ['1', 'k', 'id']]) : Array.from({ length: Math.floor(r() * 6) }, () => pick(r, KEYS));
  const o: Record<string, unknown> = {};
  for (const k of keys) {
    const v = r() < 0.1 ? undefined : value(r, depth + 1);
    if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    else o[k] = v;
  }
  return o;
}

/** What the codec promises to give back: keys whose value is undefined left out, as JSON leaves them. */
function expected(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(expected);
  if (v === null || typeof v !== 'object' || v instanceof Date) return v;
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) Object.defineProperty(o, k, { value: expected(x), enumerable: true, writable: true, configurable: true });
  return o;
}

describe('compiled IOC cache codec', () => {
  it(`reads back what it wrote (${RUNS} generated values)`, () => {
    const r = seeded(424242);
    for (let i = 0; i < RUNS; i++) {
      const v = Array.from({ length: 1 + Math.floor(r() * 8) }, () => value(r, 0));
      const back = decodeValue(encodeValue(v));
      expect(back, `value ${i}`).toEqual(expected(v));
      // An own __proto__ key stays a key: never the prototype.
      for (const o of back as unknown[]) if (o && typeof o === 'object' && !Array.isArray(o) && !(o instanceof Date)) expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    }
  });

  it('reads the same value whatever the chunk it reads at a time: strings and characters cut at every place', () => {
    const r = seeded(777);
    // Long strings of many-byte characters (and, in some values, lone surrogates, so UTF-16) across small chunks.
    const long = ['\uD83D\uDE00'.repeat(40), 'é'.repeat(33), `a${'€'.repeat(21)}`, 'plain'.repeat(9)];
    for (let i = 0; i < RUNS; i++) {
      const v = [...Array.from({ length: 1 + Math.floor(r() * 6) }, () => value(r, 0)), pick(r, long), r() < 0.3 ? '\uDC00' : 'x'];
      const bytes = encodeValue(v);
      const chunk = 8 + 4 * Math.floor(r() * 24);
      expect(decodeValue(bytes, chunk), `value ${i}, chunk ${chunk}`).toEqual(expected(v));
    }
  });

  it('an empty list is one frozen array: a decoded set cannot be changed through it', () => {
    const back = decodeValue(encodeValue({ a: [], b: [[], ['x']] })) as { a: string[]; b: string[][] };
    expect(back.a).toBe(back.b[0]);
    expect(Object.isFrozen(back.a)).toBe(true);
    expect(() => back.a.push('y')).toThrow(TypeError);
    expect(back).toEqual({ a: [], b: [[], ['x']] });
  });

  it('damaged bytes throw or decode to plain data, and never reach a prototype', () => {
    const r = seeded(99);
    const good = encodeValue(Array.from({ length: 50 }, () => value(r, 0)));
    let threw = 0;
    for (let i = 0; i < 2_000; i++) {
      const bad = Buffer.from(good);
      for (let k = 0; k < 1 + Math.floor(r() * 3); k++) bad.writeInt32LE(Math.floor(r() * 40) - 5, 4 * Math.floor(r() * (bad.length / 4)));
      try {
        decodeValue(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        threw++;
      }
    }
    expect(threw).toBeGreaterThan(100);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(Object.getOwnPropertyNames(Object.getPrototypeOf({})).sort());
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
