// Opens an sbom-hunt SQLite file: creates it, or recognises it as ours. Only a file SQLite itself calls
// corrupt or not a database is set aside; every other failure (no node:sqlite, permissions, read-only, a
// full disk, a lock) is an error that leaves the file exactly as it was.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { APPLICATION_ID, DDL, MIGRATE_1_TO_2, SCHEMA_VERSION } from './schema.js';
import { openDatabase, type Database } from './sqlite.js';
import { DatabaseError } from './database-error.js';

export { DatabaseError };

export interface OpenOptions {
  /** How long a write waits for another sbom-hunt run holding the lock. */
  busyTimeoutMs?: number;
  warn?: (message: string) => void;
}

export const DEFAULT_BUSY_MS = 10_000;

/** SQLite's primary result codes that mean the bytes are damaged or not SQLite at all. */
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;
const SQLITE_NAMES: Record<number, string> = {
  3: 'SQLITE_PERM', 5: 'SQLITE_BUSY', 6: 'SQLITE_LOCKED', 8: 'SQLITE_READONLY', 10: 'SQLITE_IOERR', 11: 'SQLITE_CORRUPT',
  13: 'SQLITE_FULL', 14: 'SQLITE_CANTOPEN', 26: 'SQLITE_NOTADB',
};

/** True only when SQLite itself reported the file as corrupt or not a database. */
export function isCorruption(err: unknown): boolean {
  const code = (err as { errcode?: unknown } | undefined)?.errcode;
  return typeof code === 'number' && [SQLITE_CORRUPT, SQLITE_NOTADB].includes(code & 0xff);
}

/** One line on what failed: SQLite's own words and code, or the system's. */
export function describeDbError(err: unknown): string {
  const e = err as { errcode?: unknown; code?: unknown; message?: unknown } | undefined;
  const text = err instanceof Error ? err.message : String(err);
  if (typeof e?.errcode === 'number') {
    const name = SQLITE_NAMES[e.errcode & 0xff];
    return name ? `${text} (${name})` : text;
  }
  if (typeof e?.code === 'string' && !text.includes(e.code)) return `${text} (${e.code})`;
  return text;
}

/** Why the file is not ours to use, or undefined when it is (creating the tables if it is new). */
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
    } else if (version === 1 && SCHEMA_VERSION === 2) {
      // Schema 1 rows lost lockfile fields: the columns are added and its entries read again when asked for.
      db.exec(MIGRATE_1_TO_2);
      db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(SCHEMA_VERSION, new Date().toISOString());
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

/** Renames a corrupt file (and its WAL) to `*.corrupt-<time>`, keeping its bytes for whoever wants them. */
export function setAside(file: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const aside = `${file}.corrupt-${stamp}`;
  try {
    renameSync(file, aside);
    for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
  } catch (err) {
    throw new DatabaseError(file, `is corrupt and could not be set aside: ${describeDbError(err)}`);
  }
  return aside;
}

/** Opens `file` with SQLite, creating its folder; failures that are not corruption become a DatabaseError. */
export function openSqliteFile(file: string): Database {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (err) {
    throw new DatabaseError(file, `cannot create its folder: ${describeDbError(err)}`);
  }
  try {
    return openDatabase(file);
  } catch (err) {
    if (isCorruption(err)) throw err;
    throw new DatabaseError(file, `cannot open: ${describeDbError(err)}`);
  }
}

/**
 * The cache database at `file`, ready for use. A file SQLite reports as corrupt is renamed `*.corrupt-<time>`
 * with a warning and rebuilt; a file that is not ours, or cannot be opened, throws a DatabaseError untouched.
 */
export function openCacheDatabase(file: string, opts: OpenOptions = {}): Database {
  const busyMs = opts.busyTimeoutMs ?? DEFAULT_BUSY_MS;
  const warn = opts.warn ?? ((m: string) => process.stderr.write(`sbom-hunt: ${m}\n`));
  for (let attempt = 0; ; attempt++) {
    let db: Database | undefined;
    try {
      db = openSqliteFile(file);
      const problem = prepare(db, busyMs);
      if (!problem) return db;
      db.close();
      db = undefined;
      throw new DatabaseError(file, `${problem}; left as it is (move it away, or name another --cache-dir)`);
    } catch (err) {
      db?.close();
      if (err instanceof DatabaseError) throw err;
      if (!isCorruption(err) || attempt > 0) throw new DatabaseError(file, describeDbError(err));
      warn(`cache ${file} is not a readable cache (${describeDbError(err)}); set aside as ${setAside(file)} and rebuilt`);
    }
  }
}
