// Mutation arbitraries: real documents with bytes flipped, cut, inserted or removed, and JSON values replaced.
import fc from 'fast-check';
import type { Sample } from './harness.js';

export type ByteOp =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; byte: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; len: number }
  | { op: 'truncate'; at: number }
  | { op: 'duplicate'; at: number; len: number };

// Bytes that matter to the formats fuzzed here: JSON and YAML syntax, tar padding, high bit, line ends.
const INTERESTING = [0x00, 0x22, 0x2c, 0x3a, 0x5b, 0x5d, 0x7b, 0x7d, 0x26, 0x2a, 0x0a, 0x0d, 0x20, 0x2d, 0x30, 0x39, 0x5c, 0x80, 0xff, 0xef, 0x27, 0x23];

const byteArb = fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 }));

export const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte: byteArb }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(byteArb, { minLength: 1, maxLength: 8 }).map((a) => Uint8Array.from(a)) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 256 }) }),
);

export function applyByteOps(input: Buffer, ops: ByteOp[]): Buffer {
  let buf = Buffer.from(input);
  for (const o of ops) {
    const at = buf.length === 0 ? 0 : o.at % (buf.length + (o.op === 'insert' ? 1 : 0));
    if (o.op === 'flip' && buf.length > 0) buf[at] = (buf[at] ?? 0) ^ (1 << o.bit);
    else if (o.op === 'set' && buf.length > 0) buf[at] = o.byte;
    else if (o.op === 'insert') buf = Buffer.concat([buf.subarray(0, at), Buffer.from(o.bytes), buf.subarray(at)]);
    else if (o.op === 'delete') buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at + o.len)]);
    else if (o.op === 'truncate') buf = buf.subarray(0, at);
    else if (o.op === 'duplicate') buf = Buffer.concat([buf.subarray(0, at + o.len), buf.subarray(at)]);
  }
  return buf;
}

/** A sample with 1 to 4 byte mutations. */
export function mutatedBytes(samples: Sample[]): fc.Arbitrary<{ sample: Sample; ops: ByteOp[]; bytes: Buffer }> {
  return fc
    .record({ sample: fc.constantFrom(...samples), ops: fc.array(byteOp, { minLength: 1, maxLength: 4 }) })
    .map(({ sample, ops }) => printable({ sample, ops, bytes: applyByteOps(sample.bytes, ops) }, () => `${fc.stringify(sample)} ${JSON.stringify(ops.map(printOp))}`));
}

/** A sample cut short at some byte. */
export function truncated(samples: Sample[]): fc.Arbitrary<{ sample: Sample; at: number; bytes: Buffer }> {
  return fc
    .record({ sample: fc.constantFrom(...samples), at: fc.nat() })
    .map(({ sample, at }) => {
      const cut = sample.bytes.length === 0 ? 0 : at % sample.bytes.length;
      return printable({ sample, at: cut, bytes: sample.bytes.subarray(0, cut) }, () => `${fc.stringify(sample)} cut at ${cut}`);
    });
}

/** Values that break code which trusts a field's type or size. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.5, '', ' ', '\u0000', '../../etc/passwd', '@', '@/', 'a@', 'pkg:', 'pkg:npm/', 'pkg:npm/%', 'sha256:', '1970-01-01T00:00:00Z', 'not-a-date', '__proto__', 'constructor', [], {}, [[]], [{}], { __proto__: null }),
  fc.string({ maxLength: 20 }),
  fc.jsonValue({ maxDepth: 3 }),
);

export type JsonOp = { op: 'replace'; pick: number; value: unknown } | { op: 'delete'; pick: number } | { op: 'wrap'; pick: number } | { op: 'add'; pick: number; key: string; value: unknown };

export const jsonOp: fc.Arbitrary<JsonOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('replace' as const), pick: fc.nat(), value: hostileJson }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('wrap' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('add' as const), pick: fc.nat(), key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'name', 'version', 'packages', 'components', 'mediaType')), value: hostileJson }) },
);

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

function slots(value: unknown, out: Slot[] = [], depth = 0): Slot[] {
  if (depth > 12 || typeof value !== 'object' || value === null) return out;
  if (Array.isArray(value)) value.forEach((v, i) => (out.push({ parent: value, key: i }), slots(v, out, depth + 1)));
  else for (const [k, v] of Object.entries(value)) out.push({ parent: value as Record<string, unknown>, key: k }), slots(v, out, depth + 1);
  return out;
}

/** Applies value-level mutations to a copy of a JSON document. */
export function applyJsonOps(doc: unknown, ops: JsonOp[]): unknown {
  const root = { v: structuredClone(doc) as unknown };
  for (const o of ops) {
    const all = [{ parent: root as unknown as Record<string, unknown>, key: 'v' }, ...slots(root.v)];
    const s = all[o.pick % all.length]!;
    const parent = s.parent as Record<string | number, unknown>;
    if (o.op === 'replace') parent[s.key] = structuredClone(o.value);
    else if (o.op === 'wrap') parent[s.key] = [parent[s.key]];
    else if (o.op === 'delete') {
      if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
      else if (s.parent !== (root as unknown)) delete parent[s.key];
    } else {
      const target = parent[s.key];
      if (typeof target === 'object' && target !== null && !Array.isArray(target)) Object.defineProperty(target, o.key, { value: structuredClone(o.value), enumerable: true, configurable: true, writable: true });
    }
  }
  return root.v;
}

/** A JSON sample, parsed, with 1 to 5 value mutations, printed back. */
export function mutatedJson(samples: Sample[]): fc.Arbitrary<{ sample: Sample; ops: JsonOp[]; text: string }> {
  const parsed = samples.flatMap((s) => {
    try {
      return [{ s, doc: JSON.parse(s.bytes.toString('utf8')) as unknown }];
    } catch {
      return [];
    }
  });
  return fc
    .record({ i: fc.nat({ max: parsed.length - 1 }), ops: fc.array(jsonOp, { minLength: 1, maxLength: 5 }) })
    .map(({ i, ops }) => printable({ sample: parsed[i]!.s, ops, text: JSON.stringify(applyJsonOps(parsed[i]!.doc, ops)) ?? 'null' }, () => `${fc.stringify(parsed[i]!.s)} ${fc.stringify(ops)}`));
}

/** Whether a text is one JSON document. */
export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function printable<T extends object>(value: T, print: () => string): T {
  return Object.assign(value, { [fc.toStringMethod]: print });
}

function printOp(o: ByteOp): unknown {
  return o.op === 'insert' ? { ...o, bytes: Buffer.from(o.bytes).toString('hex') } : o;
}
