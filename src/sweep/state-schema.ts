// The sweep state file's layout: its own SQLite file (not the SBOM cache), rows keyed by inventory.
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { AlertBody, CHANGES } from './alert.js';
import type { StateRow } from './diff.js';

/** `PRAGMA application_id` of a sweep state ("SBHS"), apart from the cache's "SBHC". */
export const STATE_APPLICATION_ID = 0x53424853;
export const STATE_SCHEMA_VERSION = 1;

export const STATE_DDL = `
CREATE TABLE IF NOT EXISTS state_alerts (
  inventory TEXT NOT NULL,
  key TEXT NOT NULL,
  status TEXT NOT NULL,
  change TEXT NOT NULL,
  body TEXT NOT NULL,
  delivered TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  last_sent TEXT,
  PRIMARY KEY (inventory, key)
);
CREATE TABLE IF NOT EXISTS state_runs (
  id INTEGER PRIMARY KEY,
  inventory TEXT NOT NULL,
  label TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  baseline INTEGER NOT NULL,
  images INTEGER NOT NULL,
  checked INTEGER NOT NULL,
  open_alerts INTEGER NOT NULL,
  undelivered INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS state_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

const Row = lazySchema(() =>
  z.object({
    key: z.string().min(1),
    status: z.enum(['open', 'resolved']),
    change: z.enum(CHANGES),
    body: z.string(),
    delivered: z.string(),
    first_seen: z.string(),
    last_seen: z.string(),
    last_sent: z.string().nullable(),
  }),
);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A row this version cannot read is dropped with a warning: its alert is then sent again, never lost. */
export function readRow(raw: unknown, warn: (m: string) => void): StateRow[] {
  const row = Row.safeParse(raw);
  const body = row.success ? AlertBody.safeParse(parseJson(row.data.body)) : undefined;
  const delivered = row.success ? z.array(z.string()).safeParse(parseJson(row.data.delivered)) : undefined;
  if (!row.success || !body?.success || !delivered?.success) {
    warn(`sweep state: ignoring an unreadable alert row${row.success ? ` (${row.data.key})` : ''}`);
    return [];
  }
  const r = row.data;
  return [{ key: r.key, status: r.status, change: r.change, body: body.data, delivered: delivered.data, firstSeen: r.first_seen, lastSeen: r.last_seen, ...(r.last_sent ? { lastSent: r.last_sent } : {}) }];
}
