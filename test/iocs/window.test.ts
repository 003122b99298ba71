import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseDurationMs, parseIsoTime, parseWindow } from '../../src/iocs/index.js';

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
