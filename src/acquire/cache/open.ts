// Opens the cache file: creates it, or recognises it as ours, or sets a corrupt or foreign file aside and starts over.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { APPLICATION_ID, DDL, SCHEMA_VERSION } from './schema.js';
import { openDatabase, type Database } from './sqlite.js';

export interface OpenOptions {
  /** How long a write waits for another sbom-hunt run holding the lock. */
  busyTimeoutMs?: number;
  warn?: (message: string) => void;
}

const DEFAULT_BUSY_MS = 10_000;

/** Why the file cannot be used as is, or undefined when it is ours (creating the tables if it is new). */
function prepare(db: Database, busyMs: number): string | undefined {
  db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyMs))}`);
  // Reading the header is what fails on a file that is not SQLite at all.
  const appId = Number((db.prepare('PRAGMA application_id').get() as { application_id: number }).application_id);
  if (appId === 0) {
    const tables = Number((db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n);
    if (tables > 0) return 'is a SQLite file that sbom-hunt did not write';
  } else if (appId !== APPLICATION_ID) {
    return `is a SQLite file of another application (application_id ${appId})`;
  }
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA foreign_keys = ON');
  // Two runs may create the file at once: the second waits for the first's lock, then sees its tables.
  db.exec('BEGIN IMMEDIATE');
  try {
    const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
    const id = Number((db.prepare('PRAGMA application_id').get() as { application_id: number }).application_id);
    if (id === 0) {
      db.exec(DDL);
      db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(SCHEMA_VERSION, new Date().toISOString());
      db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    } else if (version !== SCHEMA_VERSION) {
      db.exec('ROLLBACK');
      return `has cache schema version ${version}; this sbom-hunt reads version ${SCHEMA_VERSION}`;
    }
    db.exec('COMMIT');
  } catch (err) {
    rollbackQuietly(db);
    throw err;
  }
  return undefined;
}

/** After a failed statement the transaction may already be gone; the original error is the one to report. */
export function rollbackQuietly(db: Database): void {
  try {
    db.exec('ROLLBACK');
  } catch {
    // No transaction was open.
  }
}

function setAside(file: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const aside = `${file}.corrupt-${stamp}`;
  renameSync(file, aside);
  for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
  return aside;
}

/** The cache database at `file`, ready for use; a file that cannot be used is renamed `*.corrupt-<time>` with a warning. */
export function openCacheDatabase(file: string, opts: OpenOptions = {}): Database {
  mkdirSync(path.dirname(file), { recursive: true });
  const busyMs = opts.busyTimeoutMs ?? DEFAULT_BUSY_MS;
  const warn = opts.warn ?? ((m: string) => process.stderr.write(`sbom-hunt: ${m}\n`));
  for (let attempt = 0; ; attempt++) {
    let db: Database | undefined;
    let problem: string | undefined;
    try {
      db = openDatabase(file);
      problem = prepare(db, busyMs);
      if (!problem) return db;
    } catch (err) {
      const code = (err as { errcode?: number }).errcode;
      // SQLITE_BUSY/LOCKED is another run at work, not damage: the file must not be set aside for it.
      if (code === 5 || code === 6 || attempt > 0) {
        db?.close();
        throw err;
      }
      problem = `is not a readable cache (${err instanceof Error ? err.message : String(err)})`;
    }
    db?.close();
    if (attempt > 0) throw new Error(`cache ${file} ${problem}`);
    warn(`cache ${file} ${problem}; set aside as ${setAside(file)} and rebuilt`);
  }
}
