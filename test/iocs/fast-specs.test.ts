// fast-specs.ts against zod itself, the oracle: generated flat-list entries and sbom-hunt/v1 incidents, each field drawn from
// valid and invalid forms (blank and padded strings, numbers, lists, unknown ecosystems, versions the ecosystem
// cannot order, OSV-event ranges, integrity forms, dates). Where the fast path answers, zod must accept and return
// the same value, key order included; where zod refuses, the fast path must not answer.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { fastFileIndicator, fastFlatEntry, fastFlatFile, fastImageIndicator, fastIncident, fastV1Incidents, fastWindow } from '../../src/iocs/fast-specs.js';
import { parseIocFile } from '../../src/iocs/index.js';
import { FileIndicatorSpec, FlatEntry, FlatIocFile, ImageIndicatorSpec, IocFileV1, WindowSpec } from '../../src/iocs/schema.js';
import { seeded } from '../helpers/random.js';
import { oracleRuns, oracleSeed, recordOracle } from '../oracle/tally.js';

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const ABSENT = Symbol('absent');
// Each field's valid forms, then forms zod refuses; a field is drawn from the second list one time in ten.
const FIELDS: Record<string, [unknown[], unknown[]]> = {
  name: [['axios', ' axios ', '@scope/pkg', 'litellm', 'Django_Rest.framework', '__proto__'], ['', '   ', 1, true]],
  ecosystem: [['npm', 'NPM', ' pypi ', 'PyPI', 'debian:12', 'go', 'maven', 'cargo', 'linux'], ['nmp', '', 3]],
  version: [['1.14.1', ' 1.14.1 ', '0.30.4', '1.82.7', '1.0.0-beta.1', '1.0'], ['', 'not a version!!', 5, null]],
  range: [['>=1.82.7 <1.82.9', '>=1.0.0', { introduced: '1.0.0', fixed: '1.2.0' }, { introduced: '0' }], ['not a range ((', '', 7]],
  integrity: [['sha512-' + Buffer.alloc(64, 7).toString('base64'), 'sha1-' + Buffer.alloc(20, 1).toString('base64'), 'ab'.repeat(20)], ['nope', '', 1]],
  disclosed: [['2026-03-31', '2026-03-31T00:21:00Z', ' 2026-03-31 '], ['2026-02-31', 'yesterday', '', 20260331]],
  reference: [['https://osv.dev/vulnerability/MAL-2026-2307', ' x '], ['  ', 3]],
  notes: [['free text', '  padded  ', ''], [1, undefined]],
  anyVersion: [[true, false], ['yes', 1]],
  extra: [['kept out', 1], []],
};

const draw = (r: () => number, key: string): unknown => {
  const [good, bad] = FIELDS[key]!;
  return bad.length > 0 && r() < 0.1 ? pick(r, bad) : pick(r, good);
};

function maybe(r: () => number, key: string, absent: number): unknown {
  return r() < absent ? ABSENT : draw(r, key);
}

function listOf(r: () => number, key: string): unknown {
  if (r() < 0.05) return draw(r, key);
  return Array.from({ length: Math.floor(r() * 3) }, () => draw(r, key));
}

function entry(r: () => number): unknown {
  if (r() < 0.03) return pick(r, [null, 'axios', ['axios'], 42]);
  const fields: Record<string, unknown> = {
    name: maybe(r, 'name', 0.03),
    ecosystem: maybe(r, 'ecosystem', 0.03),
    version: maybe(r, 'version', 0.3),
    versions: r() < 0.7 ? ABSENT : listOf(r, 'version'),
    ranges: r() < 0.75 ? ABSENT : listOf(r, 'range'),
    anyVersion: maybe(r, 'anyVersion', 0.8),
    integrity: r() < 0.8 ? ABSENT : listOf(r, 'integrity'),
    disclosed: maybe(r, 'disclosed', 0.6),
    reference: maybe(r, 'reference', 0.5),
    notes: maybe(r, 'notes', 0.8),
    extra: maybe(r, 'extra', 0.8),
  };
  // Keys in a random order: zod's output follows its shape, not the input.
  const keys = Object.keys(fields).sort(() => r() - 0.5);
  const out: Record<string, unknown> = {};
  for (const k of keys) if (fields[k] !== ABSENT) out[k] = fields[k];
  return out;
}

/** What the fast path leaves to zod on purpose, valid or not: OSV-event ranges and fields that hold undefined. */
const leftToZod = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && Object.entries(v).some(([k, x]) => x === undefined || (k === 'ranges' && Array.isArray(x) && x.some((e) => typeof e === 'object')));

/** leftToZod anywhere in a v1 file: a field holding undefined, an OSV-events range. */
const deepLeftToZod = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && (leftToZod(v) || Object.values(v).some((x) => (Array.isArray(x) ? x.some(deepLeftToZod) : deepLeftToZod(x))));

/** A v1 file as the decoder's fast path reads it (sbom-hunt-v1.ts: the top level, then each incident), as IocFileV1 would give it. */
function fastIocFileV1(v: unknown): unknown {
  const raw = fastV1Incidents(v);
  const incidents = raw?.map(fastIncident);
  return incidents === undefined || incidents.some((i) => i === undefined) ? undefined : { apiVersion: 'sbom-hunt/v1', incidents };
}

/** Fast answers against zod's, counted: JSON text equality holds key order too, at every depth. */
class Tally {
  answered = 0;
  refused = 0;
  readonly disagreements: string[] = [];
  /** `leftToZod`: the value is one the fast path hands to zod on purpose, so its not answering is no disagreement. */
  judge(value: unknown, fast: unknown, slow: { success: boolean; data?: unknown }, leftToZod: boolean): void {
    if (!slow.success) this.refused++;
    if (fast === undefined) {
      if (slow.success && !leftToZod) this.disagreements.push(`zod accepted, the fast path did not answer: ${JSON.stringify(value)}`);
      return;
    }
    this.answered++;
    if (!slow.success) this.disagreements.push(`fast answered where zod refused: ${JSON.stringify(value)}`);
    else if (JSON.stringify(fast) !== JSON.stringify(slow.data)) this.disagreements.push(`different values for ${JSON.stringify(value)}:\n${JSON.stringify(fast)}\n${JSON.stringify(slow.data)}`);
  }
}

describe('the IOC fast paths agree with zod', () => {
  it('on generated entries: an answer only where zod accepts, and then the same value in the same key order', () => {
    const seed = oracleSeed(1e6);
    const r = seeded(seed);
    const runs = oracleRuns(5000, 0.2);
    const t = new Tally();
    for (let i = 0; i < runs; i++) {
      const value = entry(r);
      t.judge(value, fastFlatEntry(value), FlatEntry.safeParse(value), leftToZod(value));
    }
    recordOracle('fast-specs flat', runs, t.disagreements.length, `seed ${seed}, ${t.answered} answered, ${t.refused} refused by zod`);
    expect(t.disagreements.slice(0, 5)).toEqual([]);
    // Not vacuous: the generator reaches both sides.
    expect(t.answered).toBeGreaterThan(runs / 10);
    expect(t.refused).toBeGreaterThan(runs / 10);
  });

  it('whole files: a window and the list, or nothing where zod would explain an error', () => {
    const r = seeded(oracleSeed(1e6));
    const windows = [ABSENT, '2026-03-31T00:21:00Z/2026-03-31T03:29:00Z', { start: '2026-03-31T00:21:00Z', end: '2026-03-31T03:29:00Z' }, { start: 'b', end: 'a' }, 'junk'];
    for (let i = 0; i < 500; i++) {
      const file: Record<string, unknown> = {};
      const w = pick(r, windows);
      if (w !== ABSENT) file.window = w;
      if (r() < 0.95) file.packages = r() < 0.1 ? [] : Array.from({ length: 1 + Math.floor(r() * 3) }, () => entry(r));
      const fast = fastFlatFile(file);
      const slow = FlatIocFile.safeParse(file);
      if (fast !== undefined) {
        expect(slow.success, JSON.stringify(file)).toBe(true);
        expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.data));
      }
    }
  });

  it('on generated sbom-hunt/v1 files: an answer only where zod accepts, and then the same value in the same key order', () => {
    const seed = oracleSeed(1e6);
    const r = seeded(seed);
    const runs = oracleRuns(2000, 0.1);
    // [valid forms, forms zod refuses]: a field takes the second one time in twenty.
    const one = (good: unknown[], bad: unknown[]) => (r() < 0.05 ? pick(r, bad) : pick(r, good));
    const list = (good: unknown[], bad: unknown[]) => (r() < 0.02 ? pick(r, bad) : Array.from({ length: Math.floor(r() * 3) }, () => one(good, bad)));
    const WINDOWS: [unknown[], unknown[]] = [['2026-03-31T00:21:00Z/2026-03-31T03:29:00Z', { start: '2026-03-31T00:21:00Z', end: '2026-03-31T03:29:00Z' }], [{ start: 'b', end: 'a' }, 'junk', undefined]];
    const TEXTS: [unknown[], unknown[]] = [['https://x.example/a', ' padded ', 'MAL-2026-1'], ['', 3]];
    const pkg = (): unknown => {
      const e = entry(r);
      if (r() < 0.6) return { ecosystem: pick(r, ['npm', 'PyPI']), name: pick(r, ['axios', ' litellm ']), ...(r() < 0.5 ? { versions: ['1.82.7'] } : { ranges: ['>=1.0.0'] }), ...(r() < 0.3 ? { reference: 'https://osv.dev/x' } : {}) };
      if (typeof e !== 'object' || e === null || Array.isArray(e)) return e;
      // The v1 package: no singular version, no disclosed, strict keys (an unknown key is an error there).
      const { version, disclosed, extra, ...rest } = e as Record<string, unknown>;
      if (r() < 0.9) return rest;
      return { ...rest, ...(version !== undefined ? { version } : {}), ...(extra !== undefined ? { extra } : {}), ...(disclosed !== undefined ? { disclosed } : {}) };
    };
    const t = new Tally();
    for (let i = 0; i < runs; i++) {
      const incidents = Array.from({ length: 1 + Math.floor(r() * 2) }, () => {
        const inc: Record<string, unknown> = { id: one(['inc-1', ' inc-2 ', 'a.b:c_d-e'], ['bad id!', '', 7]) };
        if (r() < 0.5) inc.title = one(...TEXTS);
        if (r() < 0.5) inc.references = list(...TEXTS);
        if (r() < 0.3) inc.aliases = list(...TEXTS);
        if (r() < 0.5) inc.disclosed = one(['2026-03-31', '2026-03-31T02:07:58Z'], ['2026-02-31', 5]);
        if (r() < 0.3) inc.window = one(...WINDOWS);
        if (r() < 0.3) inc.windows = list(...WINDOWS);
        if (r() < 0.2) inc.indicators = list(['sfrclak.com', '142.11.206.73'], ['', 1]);
        if (r() < 0.2) inc.notes = one(['n', ''], [1]);
        if (r() < 0.9) inc.packages = r() < 0.02 ? 'axios' : Array.from({ length: Math.floor(r() * 3) }, pkg);
        if (r() < 0.15) inc.files = list([{ path: '/usr/lib/**/setup.js' }, { sha256: 'ab'.repeat(32) }], [{ path: '' }, {}]);
        if (r() < 0.1) inc.images = list([{ ref: 'docker.io/x/y:1' }, { digests: [`sha256:${'a'.repeat(64)}`] }], [{ ref: 'x' }]);
        if (r() < 0.03) inc.unknownKey = 1;
        return inc;
      });
      const file: Record<string, unknown> = { apiVersion: r() < 0.97 ? 'sbom-hunt/v1' : 'sbom-hunt/v2', incidents };
      t.judge(file, fastIocFileV1(file), IocFileV1.safeParse(file), deepLeftToZod(file));
    }
    recordOracle('fast-specs v1', runs, t.disagreements.length, `seed ${seed}, ${t.answered} answered, ${t.refused} refused by zod`);
    expect(t.disagreements.slice(0, 3)).toEqual([]);
    expect(t.answered).toBeGreaterThan(runs / 20);
    expect(t.refused).toBeGreaterThan(runs / 10);
  });

  // Windows and indicators: each field drawn from valid and refused forms, keys in random order, sometimes unknown.
  const HEX = 'ab'.repeat(32);
  const PARTS: Record<string, Record<string, unknown[]>> = {
    window: {
      start: ['2026-03-31T00:21:00Z', ' 2026-03-31 ', '2026-03-31T00:21:00+02:00', '2026-04-01', '', 'soon', 20260331, undefined],
      end: ['2026-03-31T03:29:00Z', '2026-04-01', '2026-03-30', ' 2026-03-31T03:29:00.500Z ', '2026-02-30', null],
      extra: [1],
    },
    file: {
      path: ['/usr/lib/node_modules/plain-crypto-js/setup.js', ' /app/**/setup.js ', '**/x.js', 'relative/x.js', '/a/[b', '', '  ', '/a/{b,c}', 5],
      sha256: [HEX, `sha256:${HEX}`, ` ${HEX.toUpperCase()} `, `SHA256:${HEX}`, 'ab', '', `sha512:${HEX}`, 7],
      size: [0, 12, 1.5, -1, '12', Number.NaN, 2 ** 60],
      reference: ['https://x.example', ' y ', '', 3],
      notes: ['n', '', ' padded ', 4],
      extra: [true],
    },
    image: {
      ref: ['docker.io/aquasec/trivy:0.69.4', 'aquasec/trivy:0.69.4', 'trivy:0.69.4', ' ghcr.io/x/y:1 ', `x/y@sha256:${HEX}`, 'x/y', 'Upper/Case:1', '', 'a b:1', 9],
      digests: [[], [`sha256:${HEX}`], [`SHA256:${HEX.toUpperCase()}`], [` sha256:${HEX} `], [HEX], ['sha256:ab'], `sha256:${HEX}`, [1]],
      config: [`sha256:${HEX}`, ` SHA256:${HEX} `, 'sha256:zz', ''],
      layers: [[], [`sha256:${HEX}`, `sha256:${'cd'.repeat(32)}`], ['nope'], {}],
      reference: ['https://x.example', ''],
      notes: ['n', 1],
      extra: ['x'],
    },
  };
  const KINDS = {
    window: { fast: fastWindow, slow: WindowSpec, strings: ['2026-03-31T00:21:00Z/2026-03-31T03:29:00Z', ' 2026-03-31T00:21:00Z/PT3H ', 'P1D/2026-04-01', 'PT1H/PT2H', '2026-03-31', 'a/b', '', '2026-03-31T03:29:00Z/2026-03-31T00:21:00Z'] },
    file: { fast: fastFileIndicator, slow: FileIndicatorSpec, strings: ['/x'] },
    image: { fast: fastImageIndicator, slow: ImageIndicatorSpec, strings: ['x:1'] },
  } as const;

  it.each(Object.keys(KINDS) as (keyof typeof KINDS)[])('on generated %s specs: an answer only where zod accepts, then the same value in the same key order', (kind) => {
    const { fast, slow, strings } = KINDS[kind];
    const r = seeded(oracleSeed(1e6));
    const runs = oracleRuns(3000, 0.2);
    const t = new Tally();
    for (let i = 0; i < runs; i++) {
      let value: unknown;
      if (r() < 0.1) value = r() < 0.8 ? pick(r, strings) : pick(r, [null, 3, [], undefined]);
      else {
        const o: Record<string, unknown> = {};
        const keys = Object.keys(PARTS[kind]!).sort(() => r() - 0.5);
        for (const k of keys) {
          const forms = PARTS[kind]![k]!;
          // Well-formed values (the first few) most of the time, so that whole specs pass.
          if (r() < (k === 'extra' ? 0.95 : 0.4)) continue;
          o[k] = r() < 0.8 ? pick(r, forms.slice(0, 3)) : pick(r, forms);
        }
        value = o;
      }
      t.judge(value, (fast as (v: unknown) => unknown)(value), slow.safeParse(value), leftToZod(value));
    }
    recordOracle(`fast-specs ${kind}`, runs, t.disagreements.length, `${t.answered} answered, ${t.refused} refused by zod`);
    expect(t.disagreements.slice(0, 5)).toEqual([]);
    expect(t.answered).toBeGreaterThan(runs / 10);
    expect(t.refused).toBeGreaterThan(runs / 10);
  });

  it('answers for the feeds as the guide writes them', () => {
    const file = { packages: [{ name: 'axios', version: '1.14.1', ecosystem: 'npm', disclosed: '2026-03-31', reference: 'https://osv.dev/vulnerability/MAL-2026-2307' }] };
    expect(fastFlatFile(file)).toEqual(FlatIocFile.parse(file));
  });
});

describe('sbom-hunt/v1 files the fast path hands to zod', () => {
  const incident = (id: string, extra = '') => `  - id: ${id}\n    packages:\n      - ecosystem: npm\n        name: axios\n        versions: ["1.14.1"]\n${extra}`;
  const errorOf = (text: string): InputError => {
    try {
      parseIocFile(text, 'feed.yaml');
    } catch (e) {
      return e as InputError;
    }
    throw new Error('accepted');
  };

  it('a repeated incident id is named at its line and field', () => {
    const err = errorOf(`apiVersion: sbom-hunt/v1\nincidents:\n${incident('a')}${incident('b')}${incident('a')}`);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain('duplicate incident id a');
    expect(err.field).toBe('incidents[2].id');
    expect(err.line).toBe(13);
  });

  it('a repeated id before an invalid incident: the invalid one is named, as zod reads the file first', () => {
    const err = errorOf(`apiVersion: sbom-hunt/v1\nincidents:\n${incident('a')}${incident('a')}${incident('c', '        bogus: 1\n')}`);
    expect(err.field).toBe('incidents[2].packages[0].bogus');
  });
});
