// Build time vs compromise windows: inside, outside, or a timestamp that cannot be trusted.
import { parseIsoTime } from '../iocs/window.js';
import type { CreatedTime, WindowCheck } from '../model/finding.js';
import type { IndexedWindow } from './ioc-index.js';

/**
 * Times before this are placeholders, not build times: reproducible builds write the Unix epoch
 * (or epoch + 1 s, as Nix does), Go's zero time is year 1, and zip-based tools clamp to 1980-01-01.
 */
export const UNRELIABLE_BEFORE = Date.UTC(1980, 0, 2);

/** The build time when it can be trusted, else undefined. */
export function reliableCreated(created: CreatedTime | undefined): Date | undefined {
  if (!created || created.reliable === false || !created.value) return undefined;
  const t = parseIsoTime(created.value) ?? (Number.isNaN(Date.parse(created.value)) ? undefined : new Date(created.value));
  if (!t || t.getTime() < UNRELIABLE_BEFORE) return undefined;
  return t;
}

export function checkWindows(created: CreatedTime | undefined, windows: readonly IndexedWindow[]): WindowCheck[] {
  const t = reliableCreated(created);
  return windows.map(({ incident, window }) => ({
    incident,
    start: window.start.toISOString(),
    end: window.end.toISOString(),
    outcome: t === undefined ? 'unreliable' : t >= window.start && t <= window.end ? 'inside' : 'outside',
  }));
}

/** `2026-03-31 00:21–03:29 UTC`, or both dates when the window spans midnight. */
export function describeWindow(start: string, end: string): string {
  const [sd, st] = [start.slice(0, 10), start.slice(11, 16)];
  const [ed, et] = [end.slice(0, 10), end.slice(11, 16)];
  return sd === ed ? `${sd} ${st}–${et} UTC` : `${sd} ${st} – ${ed} ${et} UTC`;
}
