// Tonight's alerts against the last sweep's state: what is new, what changed, what is gone (pure).
import { alertKey, workloadId, type AlertBody, type AlertEvent, type Change } from './alert.js';

/** Every destination at once: what --baseline records, so no destination added later replays it. */
export const ALL_DESTINATIONS = '*';

export interface StateRow {
  key: string;
  status: 'open' | 'resolved';
  /** The event still owed to destinations not in `delivered`. */
  change: Change;
  body: AlertBody;
  /** Destinations that received the current event (`*`: all of them). */
  delivered: string[];
  firstSeen: string;
  lastSeen: string;
  /** When the current event last reached a destination. */
  lastSent?: string;
}

export interface DiffOptions {
  now: Date;
  /** True when a vanished alert must stay open: its image is there but unknown, or the inventory was incomplete. */
  keepOpen: (body: AlertBody) => boolean;
  /** How often a still-true feed-age alert is sent again. */
  remindAfterMs: number;
}

function reachesNewWorkload(before: AlertBody, after: AlertBody): boolean {
  const seen = new Set(before.workloads.map(workloadId));
  return after.workloads.some((w) => !seen.has(workloadId(w)));
}

function owed(row: StateRow, change: Change, body: AlertBody): StateRow {
  // A change to an alert no destination has heard of yet is still news.
  const stillNew = row.change === 'new' && row.delivered.length === 0 && row.status === 'open';
  return { ...row, status: 'open', change: stillNew ? 'new' : change, body, delivered: [] };
}

/** The row for an alert that is true tonight, given last sweep's row for the same key. */
function carryOpen(prev: StateRow | undefined, body: AlertBody, key: string, opts: DiffOptions): StateRow {
  const now = opts.now.toISOString();
  if (!prev || prev.status === 'resolved') return { key, status: 'open', change: 'new', body, delivered: [], firstSeen: now, lastSeen: now };
  const row = { ...prev, lastSeen: now };
  if (body.severity !== prev.body.severity || reachesNewWorkload(prev.body, body)) return owed(row, 'changed', body);
  const lastSent = prev.lastSent ? Date.parse(prev.lastSent) : 0;
  if (body.kind === 'feed-age' && opts.now.getTime() - lastSent >= opts.remindAfterMs) return owed(row, 'reminder', body);
  // Same alert, maybe more pods or reworded reasons: keep what was delivered, store the fresh details.
  return { ...row, body };
}

/**
 * The next state: one row per alert that is open or still owes a resolve. A row that was never delivered
 * anywhere and is gone is dropped: there is nothing to resolve.
 */
export function diffAlerts(previous: readonly StateRow[], tonight: readonly AlertBody[], opts: DiffOptions): StateRow[] {
  const prevByKey = new Map(previous.map((r) => [r.key, r]));
  const next = new Map<string, StateRow>();
  for (const body of tonight) {
    const key = alertKey(body);
    next.set(key, carryOpen(prevByKey.get(key), body, key, opts));
  }
  for (const row of previous) {
    if (next.has(row.key)) continue;
    if (row.status === 'resolved') next.set(row.key, row);
    else if (opts.keepOpen(row.body)) next.set(row.key, row);
    else if (!(row.change === 'new' && row.delivered.length === 0)) next.set(row.key, { ...row, status: 'resolved', change: 'resolved', delivered: [] });
  }
  return [...next.values()];
}

export function eventOf(r: StateRow): AlertEvent {
  return { key: r.key, action: r.status === 'open' ? 'trigger' : 'resolve', change: r.change, body: r.body };
}

/** The events a destination is owed. */
export function pendingFor(rows: readonly StateRow[], destination: string): AlertEvent[] {
  return rows.filter((r) => !r.delivered.includes(ALL_DESTINATIONS) && !r.delivered.includes(destination)).map(eventOf);
}

/** Rows after delivery: who got what, and resolved rows everyone has heard of are gone. */
export function afterDelivery(rows: readonly StateRow[], delivered: ReadonlyMap<string, ReadonlySet<string>>, destinations: readonly string[], now: Date): StateRow[] {
  return rows.flatMap((r) => {
    const got = destinations.filter((d) => delivered.get(d)?.has(r.key));
    const row = got.length > 0 ? { ...r, delivered: [...new Set([...r.delivered, ...got])], lastSent: now.toISOString() } : r;
    const done = row.delivered.includes(ALL_DESTINATIONS) || destinations.every((d) => row.delivered.includes(d));
    return row.status === 'resolved' && done ? [] : [row];
  });
}

/** --baseline: everything recorded as told, nothing sent. */
export function markAllDelivered(rows: readonly StateRow[], now: Date): StateRow[] {
  return rows.flatMap((r) => (r.status === 'resolved' ? [] : [{ ...r, delivered: [ALL_DESTINATIONS], lastSent: now.toISOString() }]));
}
