// When the files of the packages an incident names were written: a build step's own trace (issue 16 item 3).
// A tar member's time is set by whoever wrote the layer, so it is a claim like `created`, but one the install step
// leaves on every file it writes (npm, pip and apt stamp the time they wrote it) and a reproducible build clamps
// to one value across the whole layer, which the reader notes. Only unclamped, plausible times are used.
import type { FileTime, Package } from '../model/package.js';
import { implausible } from './build-time.js';
import { lookupEntries, type IocIndex } from './ioc-index.js';

/** A file time of a package an incident's IOCs name (at any version), with the package it belongs to. */
export interface NamedFileTime extends FileTime {
  package: string;
  /** False when the time says nothing: clamped, a placeholder, in the future or after the push. */
  reliable: boolean;
  deleted?: boolean;
}

/**
 * Per incident id, the write times of the files of every package its IOCs name, whatever the version: the time
 * the build installed it, which is when it resolved the version (the axios window is about that moment).
 */
export function namedFileTimes(packages: readonly Package[], index: IocIndex, now: Date, pushed?: Date): Map<string, NamedFileTime[]> {
  const out = new Map<string, NamedFileTime[]>();
  for (const p of packages) {
    if (!p.written || p.written.length === 0) continue;
    const entries = lookupEntries(index, p.ecosystem, p.name);
    if (!entries) continue;
    const incidents = new Set(entries.map((e) => e.incident.id));
    for (const w of p.written) {
      const why = w.note ?? implausible(w.time, now, pushed);
      const t: NamedFileTime = { ...w, package: `${p.name}@${p.version}`, reliable: why === undefined };
      if (why !== undefined && w.note === undefined) t.note = `${w.time} is ${why}`;
      if (p.deleted) t.deleted = true;
      for (const id of incidents) {
        const list = out.get(id) ?? [];
        const same = list.findIndex((x) => x.path === t.path && x.time === t.time);
        if (same < 0) list.push(t);
        else if (t.reliable && !list[same]!.reliable) list[same] = t;
        out.set(id, list);
      }
    }
  }
  return out;
}
