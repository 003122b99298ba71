// The sweep state file: rows round-trip per inventory, the lock, corruption versus every other failure, the upgrade.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCache } from '../../src/acquire/cache/index.js';
import { openDatabase } from '../../src/acquire/cache/sqlite.js';
import { SweepState, type StateOptions } from '../../src/sweep/state.js';
import { alertKey, type AlertBody } from '../../src/sweep/alert.js';
import type { StateRow } from '../../src/sweep/diff.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sbom-hunt-state-'));
  file = path.join(dir, 'state.db');
});
afterEach(() => {
  chmodSync(dir, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

const body: AlertBody = { kind: 'coverage', severity: 'warning', summary: 'coverage 50%', workloads: [], reasons: [], coverage: { checked: 1, total: 2, percent: 50, minimum: 100 } };
const run = { finishedAt: new Date('2026-04-02T03:00:00Z'), baseline: false, images: 2, checked: 1, undelivered: 0 };
const row: StateRow = { key: alertKey(body), status: 'open', change: 'new', body, delivered: ['pagerduty'], firstSeen: 'a', lastSeen: 'b' };
const opts = (extra: Partial<StateOptions> = {}): StateOptions => ({ inventory: 'fleet-a', warn: () => {}, ...extra });

async function saved(rows: StateRow[], o = opts()): Promise<void> {
  const s = await SweepState.open(file, o);
  s.save(rows, run);
  s.close();
}

describe('SweepState', () => {
  it('saves and reads rows back, and counts sweeps', async () => {
    await saved([row]);
    const again = await SweepState.open(file, opts());
    expect(again.rows()).toEqual([row]);
    expect(again.sweepCount()).toBe(1);
    again.close();
  });

  it('keeps each inventory apart: saving fleet B leaves fleet A untouched', async () => {
    await saved([row]);
    await saved([], opts({ inventory: 'fleet-b' }));
    const a = await SweepState.open(file, opts());
    expect(a.rows()).toEqual([row]);
    a.close();
    const b = await SweepState.open(file, opts({ inventory: 'fleet-b' }));
    expect([b.rows(), b.sweepCount()]).toEqual([[], 1]);
    b.close();
  });

  it('records a delivery at once, and a checkpoint before any', async () => {
    const s = await SweepState.open(file, opts());
    s.checkpoint([{ ...row, delivered: [] }]);
    s.markDelivered('webhook:1', [row.key], new Date('2026-04-02T03:00:01Z'));
    s.close();
    const again = await SweepState.open(file, opts());
    expect(again.rows()[0]).toMatchObject({ key: row.key, delivered: ['webhook:1'], lastSent: '2026-04-02T03:00:01.000Z' });
    again.close();
  });

  it('drops a row that does not pass the schema, with a warning', async () => {
    await saved([]);
    const db = openDatabase(file);
    const insert = db.prepare('INSERT INTO state_alerts (inventory, key, status, change, body, delivered, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    insert.run('fleet-a', 'k1', 'open', 'new', '{"kind":"nonsense"}', '[]', 'a', 'b');
    insert.run('fleet-a', 'k2', 'open', 'new', JSON.stringify(body), 'not json', 'a', 'b');
    db.close();
    const warnings: string[] = [];
    const s = await SweepState.open(file, opts({ warn: (m) => warnings.push(m) }));
    expect(s.rows()).toEqual([]);
    s.close();
    expect(warnings).toEqual([expect.stringContaining('(k1)'), expect.stringContaining('(k2)')]);
  });
});

describe('the lock', () => {
  it('a second open waits for the first to close, and gives up at its bound with a clear message', async () => {
    const first = await SweepState.open(file, opts());
    await expect(SweepState.open(file, opts({ lockWaitMs: 300 }))).rejects.toThrow(/another sweep is using this state \(waited 0 s for .*state\.db\.lock\)/);
    const waiting = SweepState.open(file, opts({ lockWaitMs: 10_000 }));
    setTimeout(() => first.close(), 200);
    (await waiting).close();
  });
});

describe('failures that are not corruption leave the file as it is', () => {
  const untouched = () => expect(readdirSync(dir).filter((f) => f.includes('.corrupt-'))).toEqual([]);

  it('a folder it may not write: an error naming the file, nothing renamed', async () => {
    await saved([row]);
    if (process.getuid?.() === 0) {
      // root ignores permissions; a read-only bind is what a read-only volume looks like to it, so use a file where the folder should be.
      const blocked = path.join(dir, 'not-a-folder');
      writeFileSync(blocked, 'x');
      await expect(SweepState.open(path.join(blocked, 'state.db'), opts())).rejects.toThrow(/not-a-folder\/state\.db(\.lock)?: cannot create its folder: EEXIST/);
    } else {
      chmodSync(dir, 0o555);
      await expect(SweepState.open(file, opts())).rejects.toThrow(/state\.db/);
    }
    untouched();
  });

  it('a SQLite file that is not a sweep state is refused, not renamed', async () => {
    const db = openDatabase(file);
    db.exec('CREATE TABLE accounts (id INTEGER)');
    db.close();
    await expect(SweepState.open(file, opts())).rejects.toThrow(/is not an sbom-hunt sweep state; left as it is/);
    untouched();
  });

  it('only a file SQLite calls not a database is set aside, with a warning naming what was read back', async () => {
    writeFileSync(file, 'shopping list\n'.repeat(400));
    const warnings: string[] = [];
    const s = await SweepState.open(file, opts({ warn: (m) => warnings.push(m) }));
    expect(s.sweepCount()).toBe(0);
    s.close();
    expect(warnings[0]).toMatch(/sweep state .*state\.db is corrupt \(file is not a database \(SQLITE_NOTADB\)\); set aside as .*corrupt-.*; 0 alerts read back from it, 0 of them owed/);
    expect(readdirSync(dir).filter((f) => f.includes('.corrupt-'))).toHaveLength(1);
  });
});

describe('upgrading from the state kept in the cache file', () => {
  function legacyCache(at: string, rows: StateRow[]): void {
    mkdirSync(path.dirname(at), { recursive: true });
    openCache(at).close();
    const db = openDatabase(at);
    db.exec(`CREATE TABLE sweep_alerts (key TEXT PRIMARY KEY, status TEXT NOT NULL, change TEXT NOT NULL, body TEXT NOT NULL, delivered TEXT NOT NULL,
      first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, last_sent TEXT);
      CREATE TABLE sweep_runs (id INTEGER PRIMARY KEY, finished_at TEXT NOT NULL, baseline INTEGER NOT NULL, images INTEGER NOT NULL, checked INTEGER NOT NULL, open_alerts INTEGER NOT NULL, undelivered INTEGER NOT NULL);
      INSERT INTO sweep_runs (finished_at, baseline, images, checked, open_alerts, undelivered) VALUES ('2026-04-01T03:00:00Z', 0, 1, 1, 1, 0);`);
    for (const r of rows) {
      db.prepare('INSERT INTO sweep_alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(r.key, r.status, r.change, JSON.stringify(r.body), JSON.stringify(r.delivered), r.firstSeen, r.lastSeen, null);
    }
    db.close();
  }

  it('reads the old rows once, for the first inventory swept; the old file is not changed', async () => {
    const legacy = path.join(dir, 'cache', 'cache.db');
    legacyCache(legacy, [row]);
    const warnings: string[] = [];
    const s = await SweepState.open(file, opts({ legacyFile: legacy, warn: (m) => warnings.push(m) }));
    expect([s.rows(), s.sweepCount()]).toEqual([[row], 1]);
    s.close();
    expect(warnings).toEqual([expect.stringMatching(/read 1 alerts of the previous sweeps from .*cache\.db/)]);
    const b = await SweepState.open(file, opts({ inventory: 'fleet-b', legacyFile: legacy }));
    expect([b.rows(), b.sweepCount()]).toEqual([[], 0]);
    b.close();
    const db = openDatabase(legacy);
    expect(db.prepare('SELECT count(*) AS n FROM sweep_alerts').get()).toEqual({ n: 1 });
    db.close();
  });

  it('an old --state file (cache layout) is read in place', async () => {
    legacyCache(file, [row]);
    const s = await SweepState.open(file, opts());
    expect([s.rows(), s.sweepCount()]).toEqual([[row], 1]);
    s.close();
    expect(existsSync(file)).toBe(true);
  });
});
