// ISO 8601 times and intervals, for `--window START/END` and for windows written in IOC files.
import { UsageError } from '../errors.js';
import type { TimeWindow } from '../model/ioc.js';

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/**
 * A strict ISO 8601 date or date-time. `Date.parse` alone accepts prose like "March 31", which is
 * too loose for a compromise window. A time without a zone is read as UTC, never as the host's zone,
 * so the same command gives the same answer on every machine.
 *
 * The shapes feeds are written in (`2026-03-31`, `2026-03-31T00:21:00Z` and toISOString's `2026-03-31T00:21:00.000Z`)
 * are read by hand, digit by digit, a tenth of the regular expression's cost; anything else, or anything out of range, goes to
 * parseIsoTimeByPattern, which is the definition. test/iocs/window.test.ts holds the two equal on generated texts.
 */
export function parseIsoTime(s: string): Date | undefined {
  const n = s.length;
  const dateTime = (n === 20 || (n === 24 && s.charCodeAt(19) === 0x2e /* . */)) && s.charCodeAt(10) === 0x54 /* T */ && s.charCodeAt(n - 1) === 0x5a; /* Z */
  if (n === 10 || dateTime) {
    const ms = plainUtcMs(s, n);
    if (ms !== undefined) return new Date(ms);
  }
  return parseIsoTimeByPattern(s);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `d` digits of `s` from `at` as a number, or -1 when one of them is not an ASCII digit. */
function digitsAt(s: string, at: number, d: number): number {
  let v = 0;
  for (let i = at; i < at + d; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * `YYYY-MM-DD` (n 10), `YYYY-MM-DDTHH:MM:SSZ` (20) or `YYYY-MM-DDTHH:MM:SS.sssZ` (24) with year 1000 or later, every
 * field in range (second 60 excluded), as UTC milliseconds; undefined when it is anything else, for the pattern to decide.
 */
function plainUtcMs(s: string, n: number): number | undefined {
  if (s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d) return undefined;
  const y = digitsAt(s, 0, 4);
  const mo = digitsAt(s, 5, 2);
  const d = digitsAt(s, 8, 2);
  if (y < 1000 || mo < 1 || mo > 12 || d < 1) return undefined;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!)) return undefined;
  if (n === 10) return Date.UTC(y, mo - 1, d);
  if (s.charCodeAt(13) !== 0x3a || s.charCodeAt(16) !== 0x3a) return undefined;
  const h = digitsAt(s, 11, 2);
  const mi = digitsAt(s, 14, 2);
  const se = digitsAt(s, 17, 2);
  const ms = n === 24 ? digitsAt(s, 20, 3) : 0;
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59 || ms < 0) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, se, ms);
}

/** parseIsoTime by its definition: the pattern, the calendar check, then the engine's own reading of the text. */
export function parseIsoTimeByPattern(s: string): Date | undefined {
  const text = s.trim();
  const m = ISO_TIME.exec(text);
  if (!m) return undefined;
  // new Date() rolls 31 February over into March; a typo in a window must be an error instead.
  const [y, mo, dd, h, mi, se] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const day = new Date(Date.UTC(y, mo - 1, dd));
  if (day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== dd || h > 23 || mi > 59 || se > 60) return undefined;
  const zoned = m[4] !== undefined && m[7] === undefined ? `${text}Z` : text;
  const d = new Date(zoned);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Milliseconds in an ISO 8601 duration (weeks, days, hours, minutes, seconds; years and months vary, so not accepted). */
export function parseDurationMs(s: string): number | undefined {
  const m = DURATION.exec(s.trim());
  if (!m || s.trim().length <= 2 || /T$/i.test(s.trim())) return undefined;
  const [w, d, h, min, sec] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  const ms = (((w ?? 0) * 7 + (d ?? 0)) * 24 * 3600 + (h ?? 0) * 3600 + (min ?? 0) * 60 + (sec ?? 0)) * 1000;
  return ms > 0 ? ms : undefined;
}

/** Reads `START/END`, `START/DURATION` or `DURATION/END`; returns the window or why it is not one. */
export function readInterval(s: string, source: string): TimeWindow | string {
  const parts = s.trim().split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return `expected START/END or START/DURATION (ISO 8601), got ${JSON.stringify(s)}`;
  const [a, b] = parts as [string, string];
  const aIsDuration = /^P/i.test(a.trim());
  const bIsDuration = /^P/i.test(b.trim());
  if (aIsDuration && bIsDuration) return `an interval needs at least one time, got ${JSON.stringify(s)}`;
  const start = aIsDuration ? undefined : parseIsoTime(a);
  const end = bIsDuration ? undefined : parseIsoTime(b);
  if (!aIsDuration && !start) return `not an ISO 8601 time: ${JSON.stringify(a)}`;
  if (!bIsDuration && !end) return `not an ISO 8601 time: ${JSON.stringify(b)}`;
  const durationText = aIsDuration ? a : bIsDuration ? b : undefined;
  const duration = durationText === undefined ? undefined : parseDurationMs(durationText);
  if (durationText !== undefined && duration === undefined) return `not an ISO 8601 duration (PnW, PnD, PTnH, PTnM, PTnS): ${JSON.stringify(durationText)}`;
  const s0 = start ?? new Date(end!.getTime() - duration!);
  const e0 = end ?? new Date(start!.getTime() + duration!);
  if (s0.getTime() >= e0.getTime()) return `window start ${s0.toISOString()} is not before its end ${e0.toISOString()}`;
  return { start: s0, end: e0, source };
}

/** `--window` on the command line; a bad value is the user's mistake, so it throws UsageError. */
export function parseWindow(s: string): TimeWindow {
  const w = readInterval(s, '--window');
  if (typeof w === 'string') throw new UsageError(`--window: ${w}`);
  return w;
}
