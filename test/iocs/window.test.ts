import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseDurationMs, parseIsoTime, parseWindow } from '../../src/iocs/index.js';
import { parseIsoTimeByPattern } from '../../src/iocs/window.js';
import { seeded } from '../helpers/random.js';

describe('parseWindow', () => {
  it.each([
    ['START/END', '2026-03-31T00:21:00Z/2026-03-31T03:29:00Z', '2026-03-31T00:21:00.000Z', '2026-03-31T03:29:00.000Z'],
    ['START/DURATION', '2026-03-31T00:21:00Z/PT3H8M', '2026-03-31T00:21:00.000Z', '2026-03-31T03:29:00.000Z'],
    ['DURATION/END', 'P1D/2026-04-01T00:00:00Z', '2026-03-31T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
    ['offsets', '2026-03-31T02:21:00+02:00/2026-03-31T05:29:00+0200', '2026-03-31T00:21:00.000Z', '2026-03-31T03:29:00.000Z'],
    ['no zone read as UTC', '2026-03-31T00:21/2026-03-31T03:29', '2026-03-31T00:21:00.000Z', '2026-03-31T03:29:00.000Z'],
    ['dates only', '2026-03-30/2026-04-01', '2026-03-30T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
  ])('%s', (_what, text, start, end) => {
    const w = parseWindow(text);
    expect([w.start.toISOString(), w.end.toISOString(), w.source]).toEqual([start, end, '--window']);
  });

  it.each([
    ['one time', '2026-03-31T00:21:00Z', /expected START\/END/],
    ['three parts', '2026-03-30/2026-03-31/2026-04-01', /expected START\/END/],
    ['prose', 'yesterday/today', /not an ISO 8601 time: "yesterday"/],
    ['end before start', '2026-03-31T03:29:00Z/2026-03-31T00:21:00Z', /is not before its end/],
    ['two durations', 'PT1H/PT2H', /at least one time/],
    ['months are ambiguous', '2026-03-31T00:00:00Z/P1M', /not an ISO 8601 duration/],
    ['empty duration', '2026-03-31T00:00:00Z/PT', /not an ISO 8601 duration/],
    ['impossible date', '2026-02-31T00:00:00Z/PT1H', /not an ISO 8601 time/],
  ])('refuses %s with a UsageError', (_what, text, message) => {
    expect(() => parseWindow(text)).toThrow(UsageError);
    expect(() => parseWindow(text)).toThrow(message);
  });
});

describe('parseIsoTime and parseDurationMs', () => {
  it('rejects what Date.parse would wrongly accept', () => {
    expect(Date.parse('March 31, 2026')).not.toBeNaN();
    expect(parseIsoTime('March 31, 2026')).toBeUndefined();
  });
  it.each([
    ['PT3H', 3 * 3600_000],
    ['PT1H30M', 5400_000],
    ['P1W', 7 * 86400_000],
    ['P1DT0.5S', 86400_500],
    ['PT0S', undefined],
    ['3H', undefined],
  ])('%s', (text, ms) => expect(parseDurationMs(text)).toBe(ms));
});

describe('parseIsoTime, read by hand, equals parseIsoTimeByPattern, its definition', () => {
  // Texts near the two shapes read by hand (`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ`): calendar edges (29 February of
  // 1900, 2000, 2100; day 0 and 32; month 13), years under 1000, hour 24, second 60, other separators and zones,
  // fractions, blanks around, and one character replaced by a digit-like or structural one.
  const r = seeded(19);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const two = (edges: number[], lo: number, hi: number): string => String(r() < 0.3 ? pick(edges) : lo + Math.floor(r() * (hi - lo + 1))).padStart(2, '0');
  const text = (): string => {
    const year = r() < 0.7 ? pick(['0999', '1000', '1900', '2000', '2100', '2024', '2026', '9999', '0000', '0099']) : String(Math.floor(r() * 10000)).padStart(4, '0');
    let s = `${year}-${two([0, 1, 2, 2, 2, 4, 12, 13], 1, 12)}-${two([0, 1, 28, 29, 29, 30, 31, 32], 1, 28)}`;
    if (r() < 0.75) {
      s += pick(['T', 'T', 'T', 't', ' ', 'x']) + two([0, 23, 24], 0, 23) + ':' + two([0, 59, 60], 0, 59);
      if (r() < 0.85) s += ':' + two([0, 59, 60, 61], 0, 59);
      if (r() < 0.3) s += pick(['.5', '.123', '.000', '.999', '.1234567', '.', '.12a', '.0000']);
      s += pick(['Z', 'Z', 'Z', 'Z', 'z', '', '+02:00', '-0530', '+99:99', 'ZZ']);
    }
    if (r() < 0.3) {
      const at = Math.floor(r() * s.length);
      s = s.slice(0, at) + pick(['٣', '０', ' ', '-', ':', 'T', 'Z', '/', '9', '0', '']) + s.slice(at + 1);
    }
    if (r() < 0.05) s = pick([' ', '\n', '\u00a0']) + s;
    if (r() < 0.05) s += pick([' ', '\t', '\u2028']);
    return s;
  };

  it('on 20,000 generated texts, with both answers well represented', () => {
    let accepted = 0;
    let byHand = 0;
    const differ: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const s = text();
      const want = parseIsoTimeByPattern(s)?.getTime();
      const got = parseIsoTime(s)?.getTime();
      if (want !== undefined) accepted++;
      if (want !== undefined && /^\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d(\.\d{3})?Z)?$/.test(s)) byHand++;
      if (got !== want && differ.length < 5) differ.push(`${JSON.stringify(s)}: ${got} against ${want}`);
    }
    expect(differ).toEqual([]);
    expect(accepted).toBeGreaterThan(4_000);
    expect(accepted).toBeLessThan(16_000);
    expect(byHand).toBeGreaterThan(3_000);
  });

  it('on every day of the years 1899-1901, 1999-2001, 2099-2101, and the times around midnight', () => {
    const differ: string[] = [];
    for (const y of [1899, 1900, 1901, 1999, 2000, 2001, 2099, 2100, 2101]) {
      for (let mo = 1; mo <= 12; mo++) {
        for (let d = 0; d <= 32; d++) {
          const day = `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          for (const s of [day, `${day}T00:00:00Z`, `${day}T23:59:59Z`, `${day}T23:59:59.999Z`, `${day}T00:00:00.000Z`, `${day}T23:59:60Z`, `${day}T24:00:00Z`]) {
            if (parseIsoTime(s)?.getTime() !== parseIsoTimeByPattern(s)?.getTime()) differ.push(s);
          }
        }
      }
    }
    expect(differ).toEqual([]);
  });
});
