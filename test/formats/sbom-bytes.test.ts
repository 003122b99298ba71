// decodeSbomBytes (a large JSON SBOM parsed from its bytes in pieces) against decodeSbom of the decoded text, the
// path it stands in for: every SBOM fixture, as it is and made long enough to be split (its longest list repeated
// past 100 KB, pretty-printed or not; 70 KiB of blank after the first bracket; a byte-order mark before it) and
// cut short or broken at a seeded point. The decoded SBOM must be the same, or the error the same, field by field.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { decodeSbom, decodeSbomBytes } from '../../src/formats/index.js';
import { NOT_SPLIT, parseJsonPieces } from '../../src/formats/json-pieces.js';
import { seeded } from '../helpers/random.js';
import { SBOM_FIXTURES } from './fixtures.js';

const FLEET = path.resolve(SBOM_FIXTURES, '../fleet');

function files(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(SBOM_FIXTURES)) {
    const full = path.join(SBOM_FIXTURES, dir);
    if (!statSync(full).isDirectory()) continue;
    for (const f of readdirSync(full)) if (f !== 'README.md') out.push(path.join(full, f));
  }
  for (const f of readdirSync(FLEET)) if (f.endsWith('.json')) out.push(path.join(FLEET, f));
  return out;
}

function outcome(decode: () => unknown): unknown {
  try {
    return { ok: decode() };
  } catch (err) {
    if (err instanceof InputError) return { file: err.file, detail: err.detail, line: err.line, field: err.field };
    return { thrown: String(err) };
  }
}

/** The longest array anywhere in the value, so repeating its members makes the document long where SBOMs are. */
function longestArray(v: unknown): unknown[] | undefined {
  let best: unknown[] | undefined;
  const walk = (x: unknown): void => {
    if (x === null || typeof x !== 'object') return;
    if (Array.isArray(x) && x.length > 0 && (best === undefined || x.length > best.length)) best = x;
    for (const c of Array.isArray(x) ? x : Object.values(x)) walk(c);
  };
  walk(v);
  return best;
}

/** The file's bytes and variants of them long enough for the pieces to split. */
function variants(bytes: Buffer, r: () => number): { name: string; bytes: Buffer }[] {
  const out = [{ name: 'as is', bytes }];
  const text = bytes.toString('utf8');
  const first = bytes.findIndex((c) => c === 0x7b || c === 0x5b);
  if (first >= 0) out.push({ name: 'blank after the first bracket', bytes: Buffer.concat([bytes.subarray(0, first + 1), Buffer.alloc(70_000, ' \n\t\r'), bytes.subarray(first + 1)]) });
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return out;
  }
  const list = longestArray(value);
  if (list) {
    const members = [...list];
    while (JSON.stringify(value).length < 100_000) list.push(...members);
    out.push({ name: 'longest list repeated', bytes: Buffer.from(JSON.stringify(value)) });
    out.push({ name: 'longest list repeated, pretty', bytes: Buffer.from(`\uFEFF${JSON.stringify(value, null, 2)}\n`) });
  }
  for (const v of out.slice(1)) {
    const at = Math.floor(r() * v.bytes.length);
    out.push({ name: `${v.name}, cut at ${at}`, bytes: v.bytes.subarray(0, at) });
    const broken = Buffer.from(v.bytes);
    broken[at] = 0x2c;
    out.push({ name: `${v.name}, a comma at ${at}`, bytes: broken });
  }
  return out;
}

describe('decodeSbomBytes against decodeSbom of the text', () => {
  it('decodes every fixture and its long variants to the same SBOM or the same error', () => {
    const r = seeded(19);
    let cases = 0;
    let split = 0;
    for (const file of files()) {
      for (const v of variants(readFileSync(file), r)) {
        cases++;
        const from = v.bytes[0] === 0xef ? 3 : 0;
        const pieces = v.bytes.length > 64 * 1024 ? parseJsonPieces(v.bytes, from) : NOT_SPLIT;
        const want = outcome(() => decodeSbom(v.bytes.toString('utf8'), file));
        const got = outcome(() => decodeSbomBytes(v.bytes, file));
        expect(got, `${path.relative(SBOM_FIXTURES, file)}: ${v.name}`).toStrictEqual(want);
        if (pieces !== NOT_SPLIT && 'ok' in (want as object)) split++;
      }
    }
    console.log(`${cases} cases, ${split} split`);
    // The pieces took most of the long variants; the rest fell back to the text, as they must.
    expect(cases).toBeGreaterThan(200);
    expect(split).toBeGreaterThan(100);
  });
});
