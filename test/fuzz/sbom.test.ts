// decodeSbom under fuzzing: real SBOMs mutated byte-wise and value-wise, and cut short.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { decodeSbom } from '../../src/formats/index.js';
import { parseJsonValues } from '../../src/formats/json-text.js';
import { allowing, check, filesUnder, FUZZ_TIMEOUT, isTypedError, loadSamples, REAL_WORLD, ROOT } from './harness.js';
import { isJson, mutatedBytes, mutatedJson, truncated } from './mutate.js';
import { join } from 'node:path';

const SBOM_NAME = /\.(json|jsonl|spdx|cdx|intoto|att)$/;
const samples = loadSamples([
  ...filesUnder(join(ROOT, 'fixtures', 'sbom'), (n) => SBOM_NAME.test(n)),
  ...filesUnder(join(ROOT, 'fixtures', 'fleet'), (n) => SBOM_NAME.test(n)),
  ...['spdx', 'cyclonedx', 'syft-json', 'grype', 'cosign'].flatMap((d) => filesUnder(join(REAL_WORLD, d), (n) => SBOM_NAME.test(n))),
]);

/** Decodes, allowing only InputError, and checks the shape of what comes back. */
function decode(text: string) {
  const out = allowing(() => decodeSbom(text, 'fuzz.json'), (e) => e instanceof InputError);
  if (out.ok) {
    expect(Array.isArray(out.value.packages)).toBe(true);
    for (const p of out.value.packages) {
      expect(typeof p.name).toBe('string');
      expect(typeof p.version).toBe('string');
      expect(Array.isArray(p.paths)).toBe(true);
    }
  }
  return out;
}

describe('fuzz: decodeSbom', () => {
  it('has a corpus', () => {
    expect(samples.length).toBeGreaterThan(10);
  });

  it('byte mutations of real SBOMs throw only InputError', () => {
    check('sbom-bytes', fc.property(mutatedBytes(samples), ({ bytes }) => void decode(bytes.toString('utf8'))), 600);
  }, FUZZ_TIMEOUT);

  it('value mutations of real SBOMs throw only InputError', () => {
    check('sbom-values', fc.property(mutatedJson(samples), ({ text }) => void decode(text)), 600);
  }, FUZZ_TIMEOUT);

  it('a single JSON document cut short never yields a package list', () => {
    const single = samples.filter((s) => isJson(s.bytes.toString('utf8')));
    check(
      'sbom-truncated',
      fc.property(truncated(single), ({ bytes }) => {
        const text = bytes.toString('utf8');
        if (isJson(text)) return; // cut at a point that is still a whole document (a trailing newline)
        const out = decode(text);
        expect(out.ok).toBe(false);
      }),
      300,
    );
  }, FUZZ_TIMEOUT);

  it('arbitrary JSON and arbitrary text throw only InputError', () => {
    check('sbom-anything', fc.property(fc.oneof(fc.json(), fc.string(), fc.jsonValue().map((v) => JSON.stringify({ spdxVersion: 'SPDX-2.3', packages: v }))), (text) => void decode(text)), 400);
  }, FUZZ_TIMEOUT);

  it('a stream of JSON documents (one per line, or pretty-printed) splits back into the same documents', () => {
    const doc = fc.oneof(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 })), fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 4 }));
    check(
      'json-stream',
      fc.property(fc.array(doc, { minLength: 2, maxLength: 4 }), fc.constantFrom(0, 2), fc.constantFrom('\n', '\r\n', ' ', ''), (docs, indent, sep) => {
        const text = docs.map((d) => JSON.stringify(d, null, indent)).join(sep);
        expect(parseJsonValues(text, 'stream.jsonl')).toEqual(JSON.parse(JSON.stringify(docs)));
      }),
      500,
    );
  }, FUZZ_TIMEOUT);

  it('typed-error check itself rejects a TypeError', () => {
    expect(isTypedError(new TypeError('x'))).toBe(false);
    expect(() => allowing(() => (null as unknown as { x: number }).x, (e) => e instanceof InputError)).toThrow(TypeError);
  });
});
