// Every crash the fuzzers found stays fixed: each fixture in fixtures/crashes/ ends in a typed error, fast.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, ToolError } from '../../src/errors.js';
import { nextLink } from '../../src/adapters/oci/paging.js';
import { lockfileParserFor } from '../../src/acquire/lockfiles/index.js';
import { decodeSbom } from '../../src/formats/index.js';
import { parseIocFile } from '../../src/iocs/index.js';
import { ROOT } from './harness.js';

const DIR = join(ROOT, 'fixtures', 'crashes');
const cases = readdirSync(DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(DIR, d.name)).map((file) => ({ name: `${d.name}/${file}`, file, path: join(DIR, d.name, file) })));

function parserFor(file: string): ((text: string) => unknown) | undefined {
  if (file === 'ioc.yaml') return (t) => parseIocFile(t, file);
  if (file === 'link-header.txt') return (t) => nextLink(t.trim(), 'http://127.0.0.1:5000/v2/_catalog');
  if (file.endsWith('.sbom.json')) return (t) => decodeSbom(t, file);
  const lock = lockfileParserFor(file);
  return lock ? (t) => lock.parse(t, `/${file}`) : undefined;
}

// yaml itself needs about 15 µs per byte of `"` (it reports each as an error): linear, but not fast.
const BUDGET_MS: Record<string, number> = { 'yaml-error-per-quote': 6000 };

describe('crash fixtures', () => {
  it('there are some', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)('$name: a typed error (or a clean decode), in bounded time', ({ name, file, path }) => {
    const parse = parserFor(file);
    if (!parse) throw new Error(`no parser for ${file}: name crash fixtures after the parser they crash`);
    const text = readFileSync(path, 'utf8');
    const start = performance.now();
    let thrown: unknown;
    try {
      parse(text);
    } catch (err) {
      thrown = err;
    }
    expect(performance.now() - start).toBeLessThan(BUDGET_MS[name.split('/')[0]!] ?? 1000);
    if (name.startsWith('proto-ecosystem/')) {
      // These decode: what they must not do is throw, or hand Object.prototype on as an ecosystem.
      expect(thrown, String(thrown)).toBeUndefined();
      for (const p of (parse(text) as { packages: { ecosystem: unknown }[] }).packages) expect(typeof p.ecosystem).toBe('string');
      return;
    }
    expect(thrown instanceof InputError || thrown instanceof ToolError, String(thrown)).toBe(true);
  });
});
