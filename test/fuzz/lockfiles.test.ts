// Lockfile parsers under fuzzing: every fixture mutated, cut short and fed to the parser that claims it.
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { lockfileParserFor, type LockfileParser } from '../../src/acquire/lockfiles/index.js';
import { allowing, check, filesUnder, FUZZ_TIMEOUT, loadSamples, ROOT, type Sample } from './harness.js';
import { isJson, mutatedBytes, mutatedJson, truncated } from './mutate.js';

const all = loadSamples(filesUnder(join(ROOT, 'fixtures', 'lockfiles'), (n) => lockfileParserFor(n) !== undefined));
const good = all.filter((s) => allowing(() => parserOf(s).parse(s.bytes.toString('utf8'), '/x'), () => true).ok);

function parserOf(s: Sample): LockfileParser {
  return lockfileParserFor(basename(s.path))!;
}

const MANIFESTS = [undefined, {}, { dependencies: { axios: '^1.0.0' } }, { dependencies: null }, { dependencies: [] }, { tool: { poetry: { dependencies: { requests: '*' } } } }, 'x'];

function parse(s: Sample, text: string, manifest?: unknown) {
  const out = allowing(() => parserOf(s).parse(text, '/fuzz.lock', manifest === undefined ? undefined : { manifest }), (e) => e instanceof InputError);
  if (out.ok) for (const p of out.value.packages) expect(typeof p.name === 'string' && typeof p.version === 'string').toBe(true);
  return out;
}

describe('fuzz: lockfile parsers', () => {
  it('has a corpus of every parser', () => {
    expect(new Set(good.map((s) => parserOf(s).name)).size).toBeGreaterThanOrEqual(8);
  });

  it('byte mutations throw only InputError', () => {
    check('lockfiles-bytes', fc.property(mutatedBytes(good), fc.constantFrom(...MANIFESTS), ({ sample, bytes }, m) => void parse(sample, bytes.toString('utf8'), m)), 800);
  }, FUZZ_TIMEOUT);

  it('value mutations of JSON lockfiles throw only InputError', () => {
    const json = good.filter((s) => isJson(s.bytes.toString('utf8')));
    check('lockfiles-values', fc.property(mutatedJson(json), fc.constantFrom(...MANIFESTS), ({ sample, text }, m) => void parse(sample, text, m)), 500);
  }, FUZZ_TIMEOUT);

  it('a JSON lockfile cut short never yields packages', () => {
    const json = good.filter((s) => isJson(s.bytes.toString('utf8')));
    check(
      'lockfiles-truncated',
      fc.property(truncated(json), ({ sample, bytes }) => {
        const text = bytes.toString('utf8');
        if (isJson(text)) return;
        expect(parse(sample, text).ok).toBe(false);
      }),
      300,
    );
  }, FUZZ_TIMEOUT);

  it('arbitrary text throws only InputError, for every parser', () => {
    check('lockfiles-text', fc.property(fc.constantFrom(...good), fc.string({ maxLength: 300 }), (s, text) => void parse(s, text)), 500);
  }, FUZZ_TIMEOUT);
});
