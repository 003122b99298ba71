// The sweep state: its own SQLite file, rows keyed by inventory, held under an exclusive lock from reading to
// saving. Delivery is recorded as it happens, so a sweep killed mid-delivery repeats only what was not delivered.
import { existsSync } from 'node:fs';
import { APPLICATION_ID as CACHE_APPLICATION_ID } from '../acquire/cache/schema.js';
import { DatabaseError, DEFAULT_BUSY_MS, describeDbError, isCorruption, openSqliteFile, rollbackQuietly, setAside } from '../acquire/cache/open.js';
import { openDatabase, type Database } from '../acquire/cache/sqlite.js';
import type { StateRow } from './diff.js';
import { lockState, type StateLock } from './lock.js';
import { readRow, STATE_APPLICATION_ID, STATE_DDL, STATE_SCHEMA_VERSION } from './state-schema.js';

export interface SweepRun {
  finishedAt: Date;
  baseline: boolean;
  images: number;
  checked: number;
  undelivered: number;
}

export interface StateOptions {
  /** Which inventory (sources and IOC set) the rows belong to; other inventories' rows are not touched. */
  inventory: string;
  /** Human text for the inventory, kept in the run log. */
  label?: string;
  /** Where an older sbom-hunt kept the sweep state (the cache file): read once, so an upgrade is not a first sweep. */
  legacyFile?: string;
  /** How long to wait for another sweep holding the lock. */
  lockWaitMs?: number;
  warn: (m: string) => void;
}

const LEGACY_TABLE = 'sweep_alerts';

function tableExists(db: Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Creates the tables, or refuses a file that is neither a state nor an older sbom-hunt's state-in-cache file. */
function prepareState(db: Database, file: string): void {
  db.exec(`PRAGMA busy_timeout = ${DEFAULT_BUSY_MS}`);
  const appId = Number((db.prepare('PRAGMA application_id').get() as { application_id: number }).application_id);
  const tables = Number((db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n);
  // An older sbom-hunt kept the state in a cache-layout file (--state FILE): its new tables go beside the old ones.
  const legacyInPlace = appId === CACHE_APPLICATION_ID && tableExists(db, LEGACY_TABLE);
  if (!legacyInPlace && !(appId === STATE_APPLICATION_ID || (appId === 0 && tables === 0))) {
    throw new DatabaseError(file, 'is not an sbom-hunt sweep state; left as it is (name another --state)');
  }
  const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  if (appId === STATE_APPLICATION_ID && version !== STATE_SCHEMA_VERSION) {
    throw new DatabaseError(file, `has sweep state version ${version}; this sbom-hunt reads version ${STATE_SCHEMA_VERSION}; left as it is`);
  }
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(STATE_DDL);
    if (appId === 0) db.exec(`PRAGMA application_id = ${STATE_APPLICATION_ID}; PRAGMA user_version = ${STATE_SCHEMA_VERSION}`);
    db.exec('COMMIT');
  } catch (err) {
    rollbackQuietly(db);
    throw err;
  }
}

function readRows(db: Database, inventory: string, warn: (m: string) => void): StateRow[] {
  return db.prepare('SELECT * FROM state_alerts WHERE inventory = ? ORDER BY key').all(inventory).flatMap((r) => readRow(r, warn));
}

function countRuns(db: Database, inventory: string): number {
  return Number((db.prepare('SELECT count(*) AS n FROM state_runs WHERE inventory = ?').get(inventory) as { n: number }).n);
}

/** Whatever alert rows a corrupt file still yields; nothing when it yields none. */
function salvage(file: string, inventory: string): StateRow[] {
  try {
    const db = openDatabase(file);
    try {
      return readRows(db, inventory, () => {});
    } finally {
      db.close();
    }
  } catch {
    return [];
  }
}

interface Loaded {
  db: Database;
  rows: StateRow[];
  runs: number;
}

function load(file: string, inventory: string, warn: (m: string) => void): Loaded {
  let db: Database | undefined;
  try {
    db = openSqliteFile(file);
    prepareState(db, file);
    return { db, rows: readRows(db, inventory, warn), runs: countRuns(db, inventory) };
  } catch (err) {
    db?.close();
    if (err instanceof DatabaseError) throw err;
    if (!isCorruption(err)) throw new DatabaseError(file, describeDbError(err));
    // SQLite itself says the bytes are damaged: keep them aside, and carry over every alert still readable.
    const rows = salvage(file, inventory);
    const aside = setAside(file);
    const owed = rows.filter((r) => r.delivered.length === 0);
    warn(`sweep state ${file} is corrupt (${describeDbError(err)}); set aside as ${aside}; ${rows.length} alerts read back from it, ${owed.length} of them owed`);
    for (const r of owed) warn(`sweep state: owed from the corrupt state: ${r.change} ${r.body.summary}`);
    const fresh = openSqliteFile(file);
    prepareState(fresh, file);
    return { db: fresh, rows, runs: rows.length > 0 ? 1 : 0 };
  }
}

export class SweepState {
  private rowsRead: StateRow[];
  private runsRead: number;

  private constructor(
    readonly path: string,
    private readonly db: Database,
    private readonly lock: StateLock,
    private readonly opts: StateOptions,
    loaded: Loaded,
  ) {
    this.rowsRead = loaded.rows;
    this.runsRead = loaded.runs;
  }

  /** Waits for the lock (bounded), opens the file and reads this inventory's rows. */
  static async open(file: string, opts: StateOptions): Promise<SweepState> {
    const lock = await lockState(file, opts.lockWaitMs ?? 10 * 60_000);
    try {
      const loaded = load(file, opts.inventory, opts.warn);
      const s = new SweepState(file, loaded.db, lock, opts, loaded);
      try {
        s.importLegacy();
      } catch (err) {
        s.db.close();
        throw err;
      }
      return s;
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  rows(): StateRow[] {
    return this.rowsRead;
  }

  sweepCount(): number {
    return this.runsRead;
  }

  /** An older sbom-hunt's state (in the cache file, or in this file's old tables), read once for the first inventory swept. */
  private importLegacy(): void {
    if (this.runsRead > 0 || this.rowsRead.length > 0) return;
    if (this.db.prepare("SELECT 1 FROM state_meta WHERE name = 'legacy_imported'").get()) return;
    const inPlace = tableExists(this.db, LEGACY_TABLE);
    const source = inPlace ? this.path : this.opts.legacyFile;
    if (!source || (!inPlace && !existsSync(source))) return;
    let legacy: Database | undefined;
    let rows: StateRow[];
    let runs: number;
    try {
      legacy = inPlace ? this.db : openDatabase(source);
      legacy.exec(`PRAGMA busy_timeout = ${DEFAULT_BUSY_MS}`);
      if (!tableExists(legacy, LEGACY_TABLE)) return;
      rows = legacy.prepare(`SELECT * FROM ${LEGACY_TABLE} ORDER BY key`).all().flatMap((r) => readRow(r, this.opts.warn));
      runs = tableExists(legacy, 'sweep_runs') ? Number((legacy.prepare('SELECT count(*) AS n FROM sweep_runs').get() as { n: number }).n) : 0;
    } catch (err) {
      throw new DatabaseError(source, `cannot read the sweep state an older sbom-hunt kept there: ${describeDbError(err)}`);
    } finally {
      if (!inPlace) legacy?.close();
    }
    this.transaction(() => {
      this.writeRows(rows);
      if (runs > 0) this.insertRun({ finishedAt: new Date(), baseline: false, images: 0, checked: 0, undelivered: 0 }, rows, `migrated from ${source}`);
      this.db.prepare("INSERT INTO state_meta (name, value) VALUES ('legacy_imported', ?)").run(`${source} ${new Date().toISOString()}`);
    });
    this.rowsRead = rows;
    this.runsRead = runs > 0 ? 1 : 0;
    if (runs > 0) this.opts.warn(`sweep state: read ${rows.length} alerts of the previous sweeps from ${source} (kept there by an older sbom-hunt) into ${this.path}`);
  }

  private transaction(work: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      work();
      this.db.exec('COMMIT');
    } catch (err) {
      rollbackQuietly(this.db);
      throw new DatabaseError(this.path, `cannot save: ${describeDbError(err)}`);
    }
  }

  private writeRows(rows: readonly StateRow[]): void {
    this.db.prepare('DELETE FROM state_alerts WHERE inventory = ?').run(this.opts.inventory);
    const insert = this.db.prepare(
      'INSERT INTO state_alerts (inventory, key, status, change, body, delivered, first_seen, last_seen, last_sent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const r of rows) {
      insert.run(this.opts.inventory, r.key, r.status, r.change, JSON.stringify(r.body), JSON.stringify(r.delivered), r.firstSeen, r.lastSeen, r.lastSent ?? null);
    }
  }

  private insertRun(run: SweepRun, rows: readonly StateRow[], label = this.opts.label ?? ''): void {
    const open = rows.filter((r) => r.status === 'open').length;
    this.db
      .prepare('INSERT INTO state_runs (inventory, label, finished_at, baseline, images, checked, open_alerts, undelivered) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(this.opts.inventory, label, run.finishedAt.toISOString(), run.baseline ? 1 : 0, run.images, run.checked, open, run.undelivered);
  }

  /** Tonight's rows before anything is sent: a sweep killed during delivery leaves them owed, not forgotten. */
  checkpoint(rows: readonly StateRow[]): void {
    this.transaction(() => this.writeRows(rows));
  }

  /** Records, as soon as a destination accepted them, that it has these events. */
  markDelivered(destination: string, keys: readonly string[], at: Date): void {
    if (keys.length === 0) return;
    this.transaction(() => {
      const get = this.db.prepare('SELECT delivered FROM state_alerts WHERE inventory = ? AND key = ?');
      const set = this.db.prepare('UPDATE state_alerts SET delivered = ?, last_sent = ? WHERE inventory = ? AND key = ?');
      for (const key of keys) {
        const row = get.get(this.opts.inventory, key) as { delivered: string } | undefined;
        if (!row) continue;
        const delivered = new Set<string>(JSON.parse(row.delivered) as string[]);
        delivered.add(destination);
        set.run(JSON.stringify([...delivered]), at.toISOString(), this.opts.inventory, key);
      }
    });
  }

  /**
   * Replaces this inventory's rows and logs the sweep, all or nothing: a sweep that dies here leaves the
   * checkpoint (or last night's state). `midway` lets tests die inside.
   */
  save(rows: readonly StateRow[], run: SweepRun, midway?: () => void): void {
    this.transaction(() => {
      this.writeRows(rows);
      midway?.();
      this.insertRun(run, rows);
    });
  }

  close(): void {
    try {
      this.db.close();
    } finally {
      this.lock.release();
    }
  }
}

/** Every inventory's rows and run count, read without the lock (tests and `report`-style inspection). */
export function peekState(file: string): { inventory: string; key: string; status: string; change: string; delivered: string[] }[] & { runs?: number } {
  const db = openDatabase(file);
  try {
    const rows = db.prepare('SELECT inventory, key, status, change, delivered FROM state_alerts ORDER BY inventory, key').all() as { inventory: string; key: string; status: string; change: string; delivered: string }[];
    const out = rows.map((r) => ({ ...r, delivered: JSON.parse(r.delivered) as string[] })) as ReturnType<typeof peekState>;
    out.runs = Number((db.prepare('SELECT count(*) AS n FROM state_runs').get() as { n: number }).n);
    return out;
  } finally {
    db.close();
  }
}
