// The sweep state: alert rows and a log of sweeps, in the cache's SQLite file (or --state), saved in one transaction.
import { z } from 'zod';
import { openCacheDatabase, rollbackQuietly } from '../acquire/cache/open.js';
import type { Database } from '../acquire/cache/sqlite.js';
import { AlertBody, CHANGES } from './alert.js';
import type { StateRow } from './diff.js';

const DDL = `
CREATE TABLE IF NOT EXISTS sweep_alerts (
  key TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  change TEXT NOT NULL,
  body TEXT NOT NULL,
  delivered TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  last_sent TEXT
);
CREATE TABLE IF NOT EXISTS sweep_runs (
  id INTEGER PRIMARY KEY,
  finished_at TEXT NOT NULL,
  baseline INTEGER NOT NULL,
  images INTEGER NOT NULL,
  checked INTEGER NOT NULL,
  open_alerts INTEGER NOT NULL,
  undelivered INTEGER NOT NULL
);
`;

const Row = z.object({
  key: z.string().min(1),
  status: z.enum(['open', 'resolved']),
  change: z.enum(CHANGES),
  body: z.string(),
  delivered: z.string(),
  first_seen: z.string(),
  last_seen: z.string(),
  last_sent: z.string().nullable(),
});

export interface SweepRun {
  finishedAt: Date;
  baseline: boolean;
  images: number;
  checked: number;
  undelivered: number;
}

/** A row this version cannot read is dropped with a warning: its alert is then sent again, never lost. */
function readRow(raw: unknown, warn: (m: string) => void): StateRow[] {
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

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class SweepState {
  private constructor(
    readonly path: string,
    private readonly db: Database,
    private readonly warn: (m: string) => void,
  ) {}

  static open(file: string, warn: (m: string) => void): SweepState {
    const db = openCacheDatabase(file, { warn });
    db.exec(DDL);
    return new SweepState(file, db, warn);
  }

  rows(): StateRow[] {
    return this.db.prepare('SELECT * FROM sweep_alerts ORDER BY key').all().flatMap((r) => readRow(r, this.warn));
  }

  sweepCount(): number {
    return Number((this.db.prepare('SELECT count(*) AS n FROM sweep_runs').get() as { n: number }).n);
  }

  /**
   * Replaces the alert rows and logs the sweep, all or nothing: a sweep that dies here leaves last night's
   * state, so the next sweep still sees tonight's news as news. `midway` lets tests die inside.
   */
  save(rows: readonly StateRow[], run: SweepRun, midway?: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.db.exec('DELETE FROM sweep_alerts');
      const insert = this.db.prepare(
        'INSERT INTO sweep_alerts (key, status, change, body, delivered, first_seen, last_seen, last_sent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (const r of rows) {
        insert.run(r.key, r.status, r.change, JSON.stringify(r.body), JSON.stringify(r.delivered), r.firstSeen, r.lastSeen, r.lastSent ?? null);
      }
      midway?.();
      const open = rows.filter((r) => r.status === 'open').length;
      this.db
        .prepare('INSERT INTO sweep_runs (finished_at, baseline, images, checked, open_alerts, undelivered) VALUES (?, ?, ?, ?, ?, ?)')
        .run(run.finishedAt.toISOString(), run.baseline ? 1 : 0, run.images, run.checked, open, run.undelivered);
      this.db.exec('COMMIT');
    } catch (err) {
      rollbackQuietly(this.db);
      throw err;
    }
  }

  close(): void {
    this.db.close();
  }
}
