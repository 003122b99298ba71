import { describe, expect, it } from 'vitest';
import { configTimeSources, createdTime, parseImageConfig } from '../../src/acquire/native/config.js';
import { decideBuildTime, withSources } from '../../src/match/build-time.js';
import { buildIocIndex } from '../../src/match/ioc-index.js';
import { judgePlatform } from '../../src/match/verdict.js';
import { checkWindow } from '../../src/match/windows.js';
import type { CreatedTime, TimeSource } from '../../src/model/finding.js';
import type { AcquiredPlatform } from '../../src/model/target.js';
import { seeded } from '../helpers/random.js';
import { incident, ioc, iocSet, pkg } from './helpers.js';

const START = new Date('2026-03-31T00:21:00Z');
const END = new Date('2026-03-31T03:29:00Z');
const NOW = new Date('2026-04-02T12:00:00Z');
const index = buildIocIndex(iocSet(incident('axios-2026-03', [ioc('npm', 'axios', ['1.14.1'])], { windows: [{ start: START, end: END, source: 'axios.yaml' }] })));

const INSIDE = '2026-03-31T01:02:03Z';
const BEFORE = '2026-03-30T10:00:00Z';
const AFTER = '2026-04-01T09:00:00Z';

function config(fields: { created?: string; label?: string; history?: unknown[] }) {
  const json = { created: fields.created, config: fields.label ? { Labels: { 'org.opencontainers.image.created': fields.label } } : {}, history: fields.history };
  return parseImageConfig(Buffer.from(JSON.stringify(json)), 'sha256:test');
}

function push(value: string, api = 'Docker Hub tag_last_pushed'): TimeSource {
  return { kind: 'push', source: `registry push time (${api})`, value, reliable: true };
}

function judge(created: CreatedTime) {
  const p: AcquiredPlatform = { packages: [pkg('npm', 'axios', '1.13.2')], created, errors: [], notes: [] };
  return judgePlatform(p, index);
}

describe('build time from the config', () => {
  it('1980-01-01 created beside a label inside the window: the label decides and the image is suspect', () => {
    const c = createdTime(config({ created: '1980-01-01T00:00:00Z', label: INSIDE }), NOW);
    expect(c).toMatchObject({ value: INSIDE, source: 'label org.opencontainers.image.created', reliable: true });
    expect(c.sources?.find((s) => s.kind === 'config')).toMatchObject({ reliable: false, note: expect.stringMatching(/placeholder/) });
    expect(judge(c).verdict).toBe('suspect');
  });

  it('9999-12-31 created is in the future: unreliable with a note, and no other source makes it trusted', () => {
    const c = createdTime(config({ created: '9999-12-31T23:59:59Z' }), NOW);
    expect(c).toMatchObject({ reliable: false, value: '9999-12-31T23:59:59Z', note: expect.stringMatching(/in the future/) });
    const r = judge(c);
    expect(r.verdict).toBe('clean');
    expect(r.windows[0]!.outcome).toBe('unreliable');
    expect(r.reasons.join('\n')).toMatch(/build time not trusted: config created 9999-12-31T23:59:59Z is in the future/);
  });

  it('a future created beside a trusted label: the label wins', () => {
    const c = createdTime(config({ created: '9999-12-31T23:59:59Z', label: BEFORE }), NOW);
    expect(c).toMatchObject({ value: BEFORE, reliable: true });
    expect(judge(c).verdict).toBe('clean');
  });

  it('the newest history entry is a source when created and the label are placeholders', () => {
    const c = createdTime(config({ created: '1970-01-01T00:00:00Z', history: [{ created: '2026-03-01T00:00:00Z' }, { created: INSIDE }, { created: 12 }, 'junk'] }), NOW);
    expect(c).toMatchObject({ value: INSIDE, source: 'config history[].created (newest)', reliable: true });
  });

  it('every field is listed as a source, labelled', () => {
    expect(configTimeSources(config({ created: BEFORE, label: INSIDE, history: [{ created: BEFORE }] })).map((s) => s.kind)).toEqual(['config', 'label', 'history']);
  });
});

describe('push time bounds the build from above', () => {
  const epoch = (): TimeSource => ({ kind: 'config', source: 'config created', value: '1970-01-01T00:00:00Z', reliable: true });

  it('a reproducible-build image (epoch created) pushed inside the window is suspect', () => {
    const c = decideBuildTime([epoch(), push('2026-03-31T02:00:00Z')], NOW);
    const r = judge(c);
    expect(r.verdict).toBe('suspect');
    expect(r.windows[0]).toMatchObject({ outcome: 'inside', basis: 'push' });
    expect(r.reasons.join('\n')).toMatch(/pushed 2026-03-31T02:00:00.000Z \(registry push time \(Docker Hub tag_last_pushed\)\), inside the axios-2026-03 window .* its build time cannot be trusted/);
  });

  it('one pushed before the window opened is clean, with the push time as the reason', () => {
    const r = judge(decideBuildTime([epoch(), push(BEFORE)], NOW));
    expect(r.verdict).toBe('clean');
    expect(r.windows[0]).toMatchObject({ outcome: 'outside', basis: 'push' });
    expect(r.reasons.join('\n')).toMatch(/first pushed 2026-03-30T10:00:00.000Z .*before the axios-2026-03 window .* opened: it cannot hold what was published in it/);
  });

  it('pushed before the window wins over a created that claims inside it', () => {
    // A created after the push is flagged too: the push happened first, so the claim is false.
    const c = decideBuildTime([{ kind: 'config', source: 'config created', value: INSIDE, reliable: true }, push(BEFORE)], NOW);
    expect(c).toMatchObject({ reliable: false, note: expect.stringMatching(/after the registry's push time 2026-03-30T10:00:00.000Z/) });
    expect(judge(c).verdict).toBe('clean');
  });

  it('a created later than the push time is unreliable with a note; pushed inside the window makes it suspect', () => {
    const c = decideBuildTime([{ kind: 'config', source: 'config created', value: AFTER, reliable: true }, push('2026-03-31T01:00:00Z')], NOW);
    expect(c.reliable).toBe(false);
    expect(c.note).toMatch(/config created 2026-04-01T09:00:00Z is after the registry's push time/);
    expect(judge(c).verdict).toBe('suspect');
  });

  it('pushed after the window with an untrusted created cannot be told: unreliable, not clean-by-window', () => {
    const r = judge(decideBuildTime([epoch(), push(AFTER)], NOW));
    expect(r.windows[0]!.outcome).toBe('unreliable');
    expect(r.reasons.join('\n')).toMatch(/first pushed 2026-04-01T09:00:00Z .*cannot tell/);
  });

  it('a trusted created before the window, pushed later, stays outside', () => {
    const c = decideBuildTime([{ kind: 'config', source: 'config created', value: BEFORE, reliable: true }, push(AFTER)], NOW);
    expect(judge(c).windows[0]).toMatchObject({ outcome: 'outside' });
    expect(judge(c).windows[0]!.basis).toBeUndefined();
  });

  it('the same digest under two tags pushed at different times: the first push bounds it', () => {
    const c = decideBuildTime([epoch(), push(AFTER, 'Docker Hub tag_last_pushed of v2'), push(BEFORE, 'Docker Hub tag_last_pushed of v1')], NOW);
    expect(c).toMatchObject({ pushed: BEFORE, pushedSource: 'registry push time (Docker Hub tag_last_pushed of v1)' });
    expect(judge(c).verdict).toBe('clean');
  });

  it('a push time in the future is not believed', () => {
    const c = decideBuildTime([epoch(), push('9999-01-01T00:00:00Z')], NOW);
    expect(c.pushed).toBeUndefined();
    expect(c.sources?.find((s) => s.kind === 'push')).toMatchObject({ reliable: false, note: 'in the future' });
  });

  it('adding a push time to a decided time re-judges it', () => {
    const first = decideBuildTime([{ kind: 'config', source: 'config created', value: INSIDE, reliable: true }], NOW);
    expect(first.reliable).toBe(true);
    const later = withSources(first, [push('2026-03-31T00:30:00Z')], NOW);
    expect(later).toMatchObject({ reliable: false, pushed: '2026-03-31T00:30:00Z' });
    expect(judge(later).verdict).toBe('suspect');
  });

  it('an older cached time without sources still takes a push time', () => {
    const later = withSources({ value: '1970-01-01T00:00:00Z', source: 'config created', reliable: false }, [push(BEFORE)], NOW);
    expect(judge(later).verdict).toBe('clean');
  });
});

describe('provenance', () => {
  it('a verified provenance time beats the config; an unverified one ranks after it', () => {
    const config: TimeSource = { kind: 'config', source: 'config created', value: BEFORE, reliable: true };
    const verified: TimeSource = { kind: 'provenance', source: 'SLSA provenance buildFinishedOn', value: INSIDE, reliable: true, verified: true };
    expect(decideBuildTime([config, verified], NOW)).toMatchObject({ value: INSIDE, source: 'SLSA provenance buildFinishedOn' });
    expect(decideBuildTime([config, { ...verified, verified: false }], NOW)).toMatchObject({ value: BEFORE, source: 'config created' });
  });
});

/**
 * Generated cases: whatever mix of claims and push times, the rules hold. The oracle is the rule text
 * in docs/ioc-format.md, restated independently of the implementation's order of checks.
 */
describe('generated time mixes', () => {
  const runs = Number(process.env.FUZZ_RUNS ?? 400);
  const rand = seeded(20260331);
  const times = ['1970-01-01T00:00:00Z', '1980-01-01T00:00:00Z', '9999-12-31T23:59:59Z', 'not a time', BEFORE, INSIDE, AFTER, '2026-03-31T00:21:00Z', '2026-03-31T03:29:00Z', '2026-03-31T03:29:01Z', '2026-04-03T00:00:00Z'];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const kinds = ['config', 'label', 'history', 'sbom', 'provenance'] as const;

  it(`${runs} mixes never call an image outside unless a push before the window or a trusted build time outside it says so`, () => {
    for (let i = 0; i < runs; i++) {
      const sources: TimeSource[] = [];
      for (let n = Math.floor(rand() * 4); n > 0; n--) sources.push({ kind: pick(kinds), source: 'x', value: pick(times), reliable: true, ...(rand() < 0.3 ? { verified: rand() < 0.5 } : {}) });
      for (let n = Math.floor(rand() * 3); n > 0; n--) sources.push(push(pick(times)));
      const c = decideBuildTime(sources, NOW);
      const { outcome } = checkWindow(c, START, END, NOW);
      const ms = (v: string) => Date.parse(v);
      const pushes = sources.filter((s) => s.kind === 'push' && Number.isFinite(ms(s.value)) && ms(s.value) >= Date.UTC(1980, 0, 2) && ms(s.value) <= NOW.getTime());
      const first = pushes.length > 0 ? Math.min(...pushes.map((s) => ms(s.value))) : undefined;
      const plausible = sources.filter((s) => s.kind !== 'push' && Number.isFinite(ms(s.value)) && ms(s.value) >= Date.UTC(1980, 0, 2) && ms(s.value) <= NOW.getTime() && (first === undefined || ms(s.value) <= first));
      const ctx = JSON.stringify(sources);
      if (first !== undefined && first < START.getTime()) expect(outcome, ctx).toBe('outside');
      if (outcome === 'outside' && !(first !== undefined && first < START.getTime())) {
        // Only a plausible claim (the one decided) can put it outside, and it must be outside the window.
        expect(c.reliable, ctx).toBe(true);
        expect(plausible.some((s) => s.value === c.value), ctx).toBe(true);
        expect(ms(c.value!) < START.getTime() || ms(c.value!) > END.getTime(), ctx).toBe(true);
      }
      if (plausible.length === 0 && first !== undefined && first >= START.getTime() && first <= END.getTime()) expect(outcome, ctx).toBe('inside');
      if (plausible.length === 0 && (first === undefined || first > END.getTime())) expect(outcome, ctx).toBe('unreliable');
      if (c.reliable) expect(plausible.some((s) => s.value === c.value), ctx).toBe(true);
    }
  });
});
