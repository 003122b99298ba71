// Build time vs compromise windows: inside, outside, or a timestamp that cannot be trusted.
// The registry's push time bounds the build from above (rules in docs/ioc-format.md).
import { parseIsoTime } from '../iocs/window.js';
import type { CreatedTime, WindowCheck } from '../model/finding.js';
import { FUTURE_SKEW_MS, UNRELIABLE_BEFORE } from './build-time.js';
import type { NamedFileTime } from './file-times.js';
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

/** `/app/node_modules/axios/package.json (axios@1.14.0) written 2026-03-31T01:12:00.000Z`. */
function writtenLabel(f: NamedFileTime): string {
  return `${f.path} (${f.package}${f.deleted ? ', in a layer a later one deleted' : ''}) written ${f.time}`;
}

/**
 * An image first pushed before a window opened cannot hold what was published in it, whatever its
 * `created` says; a trusted build time inside the window decides; so does a file of a package the incident
 * names written inside it (the install ran then), even when the build time says otherwise or cannot be
 * trusted; a trusted build time outside decides next; an image pushed inside the window whose build time cannot
 * be trusted is treated as built inside it (suspect); anything else cannot be told. File times only ever move
 * an image inside: one written outside the window is no proof that nothing was installed in it.
 */
export function checkWindow(
  created: CreatedTime | undefined,
  start: Date,
  end: Date,
  now: Date = new Date(),
  written: readonly NamedFileTime[] = [],
): Pick<WindowCheck, 'outcome' | 'basis' | 'reason' | 'file'> {
  const t = reliableCreated(created, now);
  const p = pushedTime(created);
  if (p && created && p < start) return { outcome: 'outside', basis: 'push', reason: `first pushed ${pushedLabel(created, p)}, before the window opened: it cannot hold what was published in it` };
  if (t && t >= start && t <= end) return { outcome: 'inside' };
  const inside = written
    .filter((f) => f.reliable && Date.parse(f.time) >= start.getTime() && Date.parse(f.time) <= end.getTime())
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time))[0];
  if (inside) {
    const against = t ? `, although its build time ${created?.value} (${created?.source ?? 'build time'}) is outside it` : ', and its build time cannot be trusted';
    const file: NonNullable<WindowCheck['file']> = { path: inside.path, time: inside.time, package: inside.package };
    if (inside.layer) file.layer = inside.layer;
    if (inside.deleted) file.deleted = true;
    return { outcome: 'inside', basis: 'file', file, reason: `${writtenLabel(inside)}, inside the window${against}` };
  }
  if (t) return { outcome: 'outside' };
  if (p && created && p <= end) return { outcome: 'inside', basis: 'push', reason: `pushed ${pushedLabel(created, p)}, inside the window, and its build time cannot be trusted` };
  return { outcome: 'unreliable' };
}

/**
 * Every window against the image's build time; `written` holds, per incident id, the write times of the files of
 * the packages that incident names (a window given on the command line is checked against all of them).
 */
export function checkWindows(created: CreatedTime | undefined, windows: readonly IndexedWindow[], now: Date = new Date(), written: ReadonlyMap<string, readonly NamedFileTime[]> = new Map()): WindowCheck[] {
  const all = written.size > 0 ? [...written.values()].flat() : [];
  return windows.map(({ incident, window }) => ({
    incident,
    start: window.start.toISOString(),
    end: window.end.toISOString(),
    ...checkWindow(created, window.start, window.end, now, written.get(incident) ?? (incident.startsWith('-') ? all : [])),
  }));
}

/** `2026-03-31 00:21–03:29 UTC`, or both dates when the window spans midnight. */
export function describeWindow(start: string, end: string): string {
  const [sd, st] = [start.slice(0, 10), start.slice(11, 16)];
  const [ed, et] = [end.slice(0, 10), end.slice(11, 16)];
  return sd === ed ? `${sd} ${st}–${et} UTC` : `${sd} ${st} – ${ed} ${et} UTC`;
}
