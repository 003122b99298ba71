// block-yaml.ts against the `yaml` package, the oracle: generated documents of block mappings and sequences with
// scalars drawn from plain, quoted and hostile forms, odd indentation, comments, duplicate keys, continuation
// lines, tabs and CR. Where the line reader answers, the `yaml` package must read the text without error and give
// the same value; where it cannot say, fastYamlValue (js-yaml) and then the `yaml` package decide, as before.
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { blockYamlValue } from '../../src/iocs/block-yaml.js';
import { fastYamlValue } from '../../src/iocs/fast-yaml.js';
import { seeded } from '../helpers/random.js';
import { oracleRuns, oracleSeed, recordOracle } from '../oracle/tally.js';

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const KEYS = ['name', 'version', 'ecosystem', 'packages', 'a', 'b_c', 'x-y', 'K9', 'true', 'null', 'Null', '1a', '__proto__', 'two words', '"q"', 'k ', 'inf', 'yes'];
const SCALARS = [
  'axios', '1.14.1', '1.0', '1.10', '007', '+12', '-3', '0o17', '0x1F', '-0x1f', '1e3', '-.5', '.5', '.inf', '-.Inf', '.nan', '~', 'null', 'NULL', 'True',
  'false', 'yes', 'a#b', 'a #c', 'a  # c', 'http://x/y?a=1', 'a: b', 'a:', 'a:b', '-x', '- x', '-1', '"q"', '"q # x"', '"a\\"b"', '" sp "', "'s'", "'it''s'",
  "'a\\b'", '"esc\\n"', '"unterminated', "'open", '[a]', '{a: 1}', '&a x', '*a', '!t x', '|', '>', '>-', '%x', '@x', '`x`', 'x,y', 'x]', '<2.0', '>=1', '=1',
  '?x', '? x', 'x  ', '^1.2', '$HOME', '(x)', '2026-03-31', '2026-03-31T00:21:00Z', '0.0.1-security', 'é', '"é"', '#c', '', '"', "''", '""', 'a\tb',
  'a*b', 'x&y', 'a!b', 'a|b', 'a>b', 'a,b', 'a[b]', 'a{b}', 'a"b', "a'b", 'a\\b', 'a`b', 'a@b', 'a%b', '/usr/lib/**/setup.js', 'a - b', 'a ? b',
  '[]', '{}', '[ ]', '[] # c', '[]x', '{} x', '[]#c', '[a]', '{a: b}', 'a: b: c', 'a:#',
];

/** One generated document and the lines it is made of. */
function document(r: () => number): string {
  const out: string[] = [];
  const noise = (indent: number) => {
    const roll = r();
    if (roll < 0.05) out.push('');
    else if (roll < 0.09) out.push(`${' '.repeat(Math.floor(r() * 6))}# comment ${pick(r, ['', '"', '[', ': x'])}`);
    else if (roll < 0.1) out.push(`${' '.repeat(indent + 2)}continued`);
    else if (roll < 0.105) out.push(`\t${pick(r, KEYS)}: x`);
    else if (roll < 0.108) out.push(pick(r, ['---', '...', '%YAML 1.2']));
  };
  const trailing = () => (r() < 0.1 ? pick(r, [' # trailing', '  #x', ' ', '#no-space']) : '');
  const keyOf = () => (r() < 0.85 ? pick(r, KEYS.slice(0, 8)) : pick(r, KEYS));
  const mapping = (indent: number, depth: number, first?: string) => {
    const n = 1 + Math.floor(r() * 4);
    for (let i = 0; i < n; i++) {
      const pad = i === 0 && first !== undefined ? first : ' '.repeat(indent);
      const key = keyOf();
      const sep = r() < 0.95 ? ': ' : pick(r, [':', ':  ', ' : ', ':\t']);
      if (depth < 3 && r() < 0.25) {
        out.push(`${pad}${key}:${trailing()}`);
        const childIndent = r() < 0.3 ? indent : indent + pick(r, [1, 2, 2, 4]);
        if (r() < 0.5 || childIndent === indent) sequence(childIndent, depth + 1);
        else mapping(childIndent, depth + 1);
      } else out.push(`${pad}${key}${sep}${pick(r, SCALARS)}${trailing()}`);
      noise(indent);
    }
  };
  const sequence = (indent: number, depth: number) => {
    const n = 1 + Math.floor(r() * 4);
    for (let i = 0; i < n; i++) {
      const dash = `${' '.repeat(indent)}${r() < 0.95 ? '- ' : pick(r, ['-  ', '-', '-\t'])}`;
      if (depth < 3 && r() < 0.6) mapping(indent + dash.length - indent, depth + 1, dash);
      else out.push(`${dash}${pick(r, SCALARS)}${trailing()}`);
      noise(indent);
    }
  };
  mapping(0, 0);
  const text = `${out.join('\n')}\n`;
  return r() < 0.03 ? text.replaceAll('\n', '\r\n') : text;
}

/** The `yaml` package's value, or undefined when it reports an error. */
function oracle(text: string): { ok: true; value: unknown } | { ok: false } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) return { ok: false };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
  } catch {
    return { ok: false };
  }
}

const NULL_KEY = /^[ -]*(?:null|Null|NULL|~)\s*:/m;

const resolveAsFast = (s: string): unknown => (fastYamlValue(`k: ${s}\n`) as { k: unknown }).k;

describe('the block YAML line reader agrees with the yaml package', () => {
  it('on generated documents: an answer only where yaml reads the text, and then the same value', () => {
    const seed = oracleSeed(1e6);
    const r = seeded(seed);
    const runs = oracleRuns(3000, 0.3);
    let answered = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < runs; i++) {
      const text = document(r);
      const mine = blockYamlValue(text, resolveAsFast);
      const theirs = oracle(text);
      if (mine !== undefined) {
        answered++;
        if (!theirs.ok) disagreements.push(`answered where yaml refuses: ${JSON.stringify(text)}`);
        else if (!isDeepStrictEqual(mine, theirs.value)) disagreements.push(`${JSON.stringify(text)}: ${JSON.stringify(mine)} vs ${JSON.stringify(theirs.value)}`);
      }
      // The whole fast path, line reader then js-yaml: still the yaml package's value wherever it answers.
      // (Except a key written null: js-yaml names it "null", yaml ""; the decoders refuse or drop it alike, see fast-yaml.test.ts.)
      const fast = NULL_KEY.test(text) ? undefined : fastYamlValue(text);
      if (fast !== undefined && (!theirs.ok || !isDeepStrictEqual(fast, theirs.value))) disagreements.push(`fastYamlValue: ${JSON.stringify(text)}`);
    }
    recordOracle('block-yaml', runs, disagreements.length, `seed ${seed}, ${answered} answered by the line reader`);
    expect(disagreements.slice(0, 5)).toEqual([]);
    expect(answered).toBeGreaterThan(runs / 10);
  });

  it('reads a feed as the guide writes it, and a list at its key\'s own indentation', () => {
    const text = 'packages:\n- name: axios\n  version: "1.14.1"\n  ecosystem: npm # the registry\n\n  reference: https://osv.dev/vulnerability/MAL-2026-2307\nwindow:\n  start: 2026-03-31T00:21:00Z\n  end: "2026-03-31T03:29:00Z"\n';
    const value = blockYamlValue(text, resolveAsFast);
    expect(value).toEqual((oracle(text) as { value: unknown }).value);
    expect(value).toEqual({
      packages: [{ name: 'axios', version: '1.14.1', ecosystem: 'npm', reference: 'https://osv.dev/vulnerability/MAL-2026-2307' }],
      window: { start: '2026-03-31T00:21:00Z', end: '2026-03-31T03:29:00Z' },
    });
  });

  it.each([
    ['a plain scalar continued on the next line', 'a: one\n  two\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a flow list', 'a: [1, 2]\n'],
    ['an escape', 'a: "x\\ty"\n'],
    ['a key the core schema reads as a boolean', 'true: 1\n'],
    ['an item with two spaces after the dash', 'a:\n  -  x\n'],
    ['mappings nested 20,000 deep (the stack is never at risk here)', Array.from({ length: 20_000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')],
  ])('leaves %s to the full readers', (_, text) => {
    expect(blockYamlValue(text, resolveAsFast)).toBeUndefined();
  });
});
