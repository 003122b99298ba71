// Build time vs compromise windows: inside, outside, or a timestamp that cannot be trusted.
// The registry's push time bounds the build from above (rules in docs/ioc-format.md).
import { parseIsoTime } from '../iocs/window.js';
import type { CreatedTime, WindowCheck } from '../model/finding.js';
import { FUTURE_SKEW_MS, UNRELIABLE_BEFORE } from './build-time.js';
import type { IndexedWindow } from './ioc-index.js';

export { UNRELIABLE_BEFORE } from './build-time.js';

function asDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  return parseIsoTime(value) ?? (Number.isNaN(Date.parse(value)) ? undefined : new Date(value));
}

/** The build time when it can be trusted, else undefined. */
export function reliableCreated(created: CreatedTime | undefined, now: Date = new Date()): Date | undefined {
  if (!created || created.reliable === false || !created.value) return undefined;
  const t = asDate(created.value);
  // Checked again here: a time from an older cache entry or an SBOM file was never judged by decideBuildTime.
  if (!t || t.getTime() < UNRELIABLE_BEFORE || t.getTime() > now.getTime() + FUTURE_SKEW_MS) return undefined;
  const pushed = asDate(created.pushed);
  if (pushed && t > pushed) return undefined;
  return t;
}

/** The first push time the registry reported, when there is one. */
export function pushedTime(created: CreatedTime | undefined): Date | undefined {
  return asDate(created?.pushed);
}

function pushedLabel(created: CreatedTime, pushed: Date): string {
  return `${pushed.toISOString()}${created.pushedSource ? ` (${created.pushedSource})` : ''}`;
}

/**
 * An image first pushed before a window opened cannot hold what was published in it, whatever its
 * `created` says; a trusted build time decides otherwise; an image pushed inside the window whose build
 * time cannot be trusted is treated as built inside it (suspect); anything else cannot be told.
 */
export function checkWindow(created: CreatedTime | undefined, start: Date, end: Date, now: Date = new Date()): Pick<WindowCheck, 'outcome' | 'basis' | 'reason'> {
  const t = reliableCreated(created, now);
  const p = pushedTime(created);
  if (p && created && p < start) return { outcome: 'outside', basis: 'push', reason: `first pushed ${pushedLabel(created, p)}, before the window opened: it cannot hold what was published in it` };
  if (t) return { outcome: t >= start && t <= end ? 'inside' : 'outside' };
  if (p && created && p <= end) return { outcome: 'inside', basis: 'push', reason: `pushed ${pushedLabel(created, p)}, inside the window, and its build time cannot be trusted` };
  return { outcome: 'unreliable' };
}

export function checkWindows(created: CreatedTime | undefined, windows: readonly IndexedWindow[], now: Date = new Date()): WindowCheck[] {
  return windows.map(({ incident, window }) => ({
    incident,
    start: window.start.toISOString(),
    end: window.end.toISOString(),
    ...checkWindow(created, window.start, window.end, now),
  }));
}

/** `2026-03-31 00:21–03:29 UTC`, or both dates when the window spans midnight. */
export function describeWindow(start: string, end: string): string {
  const [sd, st] = [start.slice(0, 10), start.slice(11, 16)];
  const [ed, et] = [end.slice(0, 10), end.slice(11, 16)];
  return sd === ed ? `${sd} ${st}–${et} UTC` : `${sd} ${st} – ${ed} ${et} UTC`;
}
