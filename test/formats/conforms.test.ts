// conforms() against zod itself, the oracle: every JSON SBOM the project has (and ../shared/real-world's), as read
// and with seeded random mutations (a field's value replaced or removed), checked against every decoder's document
// schema. Where conforms says yes, zod must accept and return a value equal to the input; conforms may say no where
// zod accepts (zod is then asked), never the other way round.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type * as z from 'zod';
import { conforms } from '../../src/formats/conforms.js';
import { CycloneDxDocument } from '../../src/formats/cyclonedx-json.js';
import { GrypeDocument } from '../../src/formats/grype-json.js';
import { Envelope, Statement } from '../../src/formats/in-toto.js';
import { Spdx3Document } from '../../src/formats/spdx-3-jsonld.js';
import { SpdxDocument } from '../../src/formats/spdx-json.js';
import { SyftDocument } from '../../src/formats/syft-json.js';
import { realWorldDir } from '../compat/real-world.js';

const SCHEMAS: [string, z.ZodType][] = [
  ['spdx', SpdxDocument], ['spdx3', Spdx3Document], ['cyclonedx', CycloneDxDocument], ['syft', SyftDocument],
  ['grype', GrypeDocument], ['envelope', Envelope], ['statement', Statement],
];

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return jsonFiles(full);
    return /\.json$/i.test(name) ? [full] : [];
  });
}

function documents(): { file: string; doc: unknown }[] {
  const dirs = ['fixtures/sbom', 'fixtures/fleet', ...(realWorldDir ? [realWorldDir] : [])];
  return dirs.flatMap(jsonFiles).flatMap((file) => {
    try {
      return [{ file, doc: JSON.parse(readFileSync(file, 'utf8')) as unknown }];
    } catch {
      return [];
    }
  });
}

/** A small seeded generator (mulberry32), so a failure names a seed that replays it. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REPLACEMENTS: unknown[] = [null, 0, 1.5, 'x', '', true, [], {}, [1], ['x'], [{}], { a: 1 }];

/** The document with one value, found by a random walk from the root, replaced (or its key removed). */
function mutate(doc: unknown, next: () => number): unknown {
  const copy = structuredClone(doc);
  let node: unknown = copy;
  for (let depth = 0; depth < 12; depth++) {
    if (node === null || typeof node !== 'object') return copy;
    const keys = Array.isArray(node) ? node.map((_, i) => String(i)) : Object.keys(node);
    if (keys.length === 0) return copy;
    const key = keys[Math.floor(next() * keys.length)]!;
    const child = (node as Record<string, unknown>)[key];
    const deeper = child !== null && typeof child === 'object' && next() < 0.75;
    if (!deeper) {
      const pick = Math.floor(next() * (REPLACEMENTS.length + 1));
      if (pick === REPLACEMENTS.length && !Array.isArray(node)) delete (node as Record<string, unknown>)[key];
      else (node as Record<string, unknown>)[key] = structuredClone(REPLACEMENTS[pick % REPLACEMENTS.length]);
      return copy;
    }
    node = child;
  }
  return copy;
}

describe('conforms agrees with zod', () => {
  const docs = documents();
  it.each(SCHEMAS)('%s schema: where conforms says yes, zod accepts and returns the input unchanged', (_, schema) => {
    const next = random(Number(process.env['FUZZ_SEED'] ?? 7));
    let yes = 0;
    let no = 0;
    for (const { file, doc } of docs) {
      for (let m = 0; m < 30; m++) {
        const v = m === 0 ? doc : mutate(doc, next);
        const zod = schema.safeParse(v);
        if (conforms(schema, v)) {
          yes++;
          expect(zod.success, `${file}, mutation ${m}: conforms said yes, zod said ${zod.error?.issues[0]?.message}`).toBe(true);
          expect(zod.data).toEqual(v);
        } else if (!zod.success) no++;
      }
    }
    // Not vacuous: the schema is one conforms can read (some documents pass), and some mutations break it.
    if (schema !== CycloneDxDocument && schema !== Spdx3Document) expect(yes).toBeGreaterThan(0);
    expect(no).toBeGreaterThan(0);
  });
});
