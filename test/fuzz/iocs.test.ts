// parseIocFile under fuzzing: the bundled feeds, IOC fixtures and real OSV records, mutated and cut short.
import { join } from 'node:path';
import fc from 'fast-check';
import { parse as yamlParse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseIocFile } from '../../src/iocs/index.js';
import { allowing, check, filesUnder, FUZZ_TIMEOUT, loadSamples, REAL_WORLD, ROOT } from './harness.js';
import { isJson, mutatedBytes, mutatedJson, truncated } from './mutate.js';

const IOC_NAME = /\.(ya?ml|json)$/;
const samples = loadSamples([
  ...filesUnder(join(ROOT, 'iocs'), (n) => IOC_NAME.test(n)),
  ...filesUnder(join(ROOT, 'fixtures', 'iocs'), (n) => IOC_NAME.test(n)),
  ...filesUnder(join(REAL_WORLD, 'osv'), (n) => IOC_NAME.test(n)),
]);
const good = samples.filter((s) => allowing(() => parseIocFile(s.bytes.toString('utf8'), s.path), () => true).ok);

function parse(text: string) {
  const out = allowing(() => parseIocFile(text, 'fuzz.yaml'), (e) => e instanceof InputError);
  if (out.ok) for (const incident of out.value) expect(Array.isArray(incident.packages)).toBe(true);
  return out;
}

describe('fuzz: parseIocFile', () => {
  it('has a corpus that parses', () => {
    expect(good.length).toBeGreaterThan(5);
  });

  it('byte mutations throw only InputError', () => {
    check('iocs-bytes', fc.property(mutatedBytes(good), ({ bytes }) => void parse(bytes.toString('utf8'))), 500);
  }, FUZZ_TIMEOUT);

  it('value mutations (as JSON and as YAML) throw only InputError', () => {
    const json = good.filter((s) => isJson(s.bytes.toString('utf8')));
    const yamlAsJson = good.filter((s) => !isJson(s.bytes.toString('utf8'))).map((s) => ({ path: s.path, bytes: Buffer.from(JSON.stringify(parseYamlValue(s.bytes.toString('utf8')))) }));
    check(
      'iocs-values',
      fc.property(mutatedJson([...json, ...yamlAsJson]), fc.boolean(), ({ text }, asYaml) => void parse(asYaml ? stringify(JSON.parse(text)) : text)),
      500,
    );
  }, FUZZ_TIMEOUT);

  it('a JSON record cut short never yields incidents', () => {
    const json = good.filter((s) => isJson(s.bytes.toString('utf8')));
    check(
      'iocs-truncated',
      fc.property(truncated(json), ({ bytes }) => {
        const text = bytes.toString('utf8');
        // A flow mapping cut short is a YAML syntax error too; text still valid as JSON is whole.
        if (isJson(text) || text.trim() === '') return;
        expect(parse(text).ok).toBe(false);
      }),
      200,
    );
  }, FUZZ_TIMEOUT);

  it('arbitrary YAML-ish text throws only InputError', () => {
    const yamlish = fc.stringMatching(/^[\w\s:\-\[\]{}&*!|>'"#@,.%?]{0,200}$/);
    check('iocs-text', fc.property(fc.oneof(yamlish, fc.string()), (text) => void parse(text)), 500);
  }, FUZZ_TIMEOUT);
});

function parseYamlValue(text: string): unknown {
  return JSON.parse(JSON.stringify(yamlParse(text) ?? null)) as unknown;
}
