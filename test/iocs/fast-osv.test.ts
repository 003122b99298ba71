// fast-osv.ts against zod itself, the oracle: generated OSV records, each field drawn from valid and refused forms
// (nulls, absent keys, wrong types, empty strings, unknown ecosystems, GIT and OSV-event ranges, keys zod strips,
// `__proto__` keys). Where the fast path answers, zod must accept, and the incident made from either answer must be
// the same (or the same error); where zod accepts, the fast path must answer.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { fastOsvRecord } from '../../src/iocs/fast-osv.js';
import { readJsonLazily } from '../../src/iocs/json-source.js';
import { OsvRecord, osvKeys, toIncident } from '../../src/iocs/osv.js';
import { seeded } from '../helpers/random.js';
import { oracleRuns, oracleSeed, recordOracle } from '../oracle/tally.js';

const ABSENT = Symbol('absent');
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
/** An event with an own `__proto__` key, as JSON.parse makes one. */
const protoEvent = (): unknown => JSON.parse('{"__proto__": "x", "introduced": "0"}');

// [valid forms, forms zod refuses]; a field takes the second one time in thirty.
const RANGES: unknown[] = [
  ABSENT,
  null,
  [],
  [{ type: 'SEMVER', events: [{ introduced: '0' }] }],
  [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0.0' }, { fixed: '1.4.0' }] }],
  [{ type: 'GIT', repo: 'https://x.example/r', events: [{ introduced: 'abc123' }] }],
  [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0' }, { last_affected: '2.0' }] }],
  [{ type: 'SEMVER', events: [{ introduced: '0' }, { limit: '*' }], database_specific: { x: 1 } }],
  [{ type: 'ECOSYSTEM', events: [{ introduced: 'not a version ((' }] }],
  [{ type: 'SEMVER', events: [{ introduced: '1.0.0', fixed: '2.0.0' }] }, { type: 'SEMVER', events: [] }],
];
const FIELDS: Record<string, [unknown[], unknown[]]> = {
  schema_version: [['1.7.4', '1.0.0', null, ABSENT], [1, {}]],
  id: [['MAL-2026-1', 'GHSA-2x9r-6wxq-hrr7', '', null, ABSENT], [5, []]],
  aliases: [[ABSENT, null, [], ['GHSA-fw8c-xr5c-95f9'], ['a', 'b']], ['GHSA-x', [1], [null], {}]],
  summary: [['Malicious code in axios (npm)', '  padded  ', '', null, ABSENT], [3, ['x']]],
  published: [['2026-03-31T02:07:58Z', '', null, ABSENT], [20260331]],
  modified: [['2026-04-07T14:41:20Z', null, ABSENT], [true]],
  withdrawn: [[ABSENT, ABSENT, null, ''], [1]],
  references: [
    [ABSENT, null, [], [{ type: 'ADVISORY', url: 'https://github.com/advisories/GHSA-x' }], [{ url: 'https://x.example' }], [{ type: null, url: 'u', extra: 1 }], [{ url: 'a' }, { type: 'WEB', url: 'b' }]],
    [[{ type: 'WEB' }], [{ url: 1 }], ['https://x.example'], {}, [{ type: 2, url: 'x' }], [null]],
  ],
  package: [
    [
      { ecosystem: 'npm', name: 'axios' },
      { ecosystem: 'PyPI', name: 'litellm' },
      { name: 'axios', ecosystem: 'npm', extra: true },
      { purl: 'pkg:npm/%40scope/x@1.0.0' },
      { ecosystem: 'npm', name: 'x', purl: 'pkg:npm/x' },
      { ecosystem: 'Linux', name: 'kernel' },
      { ecosystem: 'nmp', name: 'x' },
      { ecosystem: 'Go', name: 'example.com/x' },
      { ecosystem: 'crates.io', name: 'x' },
      { ecosystem: 'Debian:12', name: 'openssl' },
      { purl: 'not a purl' },
      {},
      null,
      ABSENT,
    ],
    [{ ecosystem: '', name: 'x' }, { ecosystem: 'npm', name: 1 }, 'npm/axios', [], { ecosystem: 'npm', name: 'x', purl: '' }],
  ],
  versions: [[ABSENT, null, [], ['1.14.1'], ['0.30.4', '1.14.1'], ['0.0.1-security'], ['']], [[1], '1.0.0', {}]],
  ranges: [RANGES, [[{ type: 'SEMVER' }], [{ events: [] }], [{ type: 'SEMVER', events: [{ introduced: 1 }] }], [{ type: 'SEMVER', events: [[]] }], [{ type: 'SEMVER', events: {} }], ['>=1.0.0'], {}]],
  database_specific: [
    [
      ABSENT,
      null,
      {},
      { iocs: { domains: ['sfrclak.com'], ips: ['142.11.206.73', ' '], urls: null } },
      { 'malicious-packages-origins': [{ source: 'ghsa-malware', sha256: 'ab'.repeat(32), versions: ['1'] }] },
      { 'malicious-packages-origins': [{ source: null, sha256: null }, { sha256: 'cd' }], other: 1 },
      { iocs: null, 'malicious-packages-origins': null },
      { iocs: {} },
    ],
    [[], 'x', { iocs: [] }, { iocs: { domains: [1] } }, { 'malicious-packages-origins': [{ sha256: 5 }] }, { 'malicious-packages-origins': ['x'] }, { 'malicious-packages-origins': {} }],
  ],
  extra: [[ABSENT, 'free text', { nested: [1, 2] }], []],
};

function draw(r: () => number, key: string): unknown {
  const [good, bad] = FIELDS[key]!;
  return bad.length > 0 && r() < 1 / 30 ? pick(r, bad) : pick(r, good);
}

/** An object of these fields, keys in a random order, absent ones left out. */
function objectOf(r: () => number, fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(fields).sort(() => r() - 0.5)) if (fields[k] !== ABSENT) out[k] = fields[k];
  return out;
}

function affectedEntry(r: () => number): unknown {
  if (r() < 0.03) return pick(r, [null, 'axios', []]);
  const ranges = r() < 0.04 ? [{ type: 'SEMVER', events: [protoEvent()] }] : draw(r, 'ranges');
  return objectOf(r, { package: draw(r, 'package'), versions: draw(r, 'versions'), ranges, extra: r() < 0.1 ? 'x' : ABSENT });
}

function record(r: () => number): unknown {
  if (r() < 0.02) return pick(r, [null, [], 'MAL-2026-1', 7]);
  const fields: Record<string, unknown> = {};
  for (const k of ['schema_version', 'id', 'aliases', 'summary', 'published', 'modified', 'withdrawn', 'references', 'database_specific', 'extra']) fields[k] = draw(r, k);
  const n = r() < 0.05 ? pick(r, [-1, 0]) : 1 + Math.floor(r() * 3);
  fields['affected'] = n === -1 ? pick(r, [ABSENT, null, {}, 'x']) : Array.from({ length: n }, () => affectedEntry(r));
  return objectOf(r, fields);
}

/** The incident either answer makes, or the error it throws, as text. */
function outcome(text: string, rec: OsvRecord): string {
  const src = readJsonLazily(text, 'rec.json');
  try {
    const inc = toIncident(src, rec);
    return inc === undefined ? 'none' : `${JSON.stringify(inc)} keys ${JSON.stringify(osvKeys(inc))}`;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return `error ${e.message}`;
  }
}

describe('the OSV fast path agrees with zod', () => {
  it('on generated records: an answer only where zod accepts, and then the same incident or the same error', () => {
    const seed = oracleSeed(1e6);
    const r = seeded(seed);
    const runs = oracleRuns(4000, 0.2);
    const disagreements: string[] = [];
    let answered = 0;
    let refused = 0;
    let errors = 0;
    for (let i = 0; i < runs; i++) {
      const text = JSON.stringify(record(r));
      const value: unknown = JSON.parse(text);
      const fast = fastOsvRecord(value);
      const slow = OsvRecord.safeParse(value);
      if (!slow.success) refused++;
      if (fast === undefined) {
        if (slow.success) disagreements.push(`zod accepted, the fast path did not answer: ${text}`);
        continue;
      }
      answered++;
      if (!slow.success) {
        disagreements.push(`fast answered where zod refused: ${text}`);
        continue;
      }
      const a = outcome(text, fast);
      const b = outcome(text, slow.data);
      if (a.startsWith('error')) errors++;
      if (a !== b) disagreements.push(`different incidents for ${text}:\n${a}\n${b}`);
    }
    recordOracle('fast-osv', runs, disagreements.length, `seed ${seed}, ${answered} answered, ${refused} refused by zod, ${errors} errors alike`);
    expect(disagreements.slice(0, 3)).toEqual([]);
    // Not vacuous: the generator reaches every side.
    expect(answered).toBeGreaterThan(runs / 5);
    expect(refused).toBeGreaterThan(runs / 10);
    expect(errors).toBeGreaterThan(runs / 50);
  });

  it('a real record read by the decoder is the incident zod makes of it', () => {
    const text = JSON.stringify({
      schema_version: '1.7.4',
      id: 'MAL-2026-2307',
      aliases: ['GHSA-fw8c-xr5c-95f9'],
      summary: 'Malicious code in axios (npm)',
      modified: '2026-04-07T14:41:20Z',
      references: [{ type: 'ADVISORY', url: 'https://github.com/advisories/GHSA-fw8c-xr5c-95f9' }],
      affected: [{ package: { ecosystem: 'npm', name: 'axios' }, versions: ['0.30.4', '1.14.1'] }],
      database_specific: { iocs: { domains: ['sfrclak.com'], ips: ['142.11.206.73'] }, 'malicious-packages-origins': [{ source: 'ghsa-malware', sha256: 'ab'.repeat(32) }] },
    });
    const value: unknown = JSON.parse(text);
    const fast = fastOsvRecord(value);
    expect(fast).toBeDefined();
    expect(outcome(text, fast!)).toBe(outcome(text, OsvRecord.parse(value)));
    expect(outcome(text, fast!)).toContain('"indicators":["sfrclak.com","142.11.206.73"]');
  });
});
