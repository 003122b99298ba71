// The sweep lock: one sweep at a time per state file, from reading the state to saving it. It is an
// exclusive SQLite lock on a side file, which the kernel drops when the process dies (kill -9 included):
// no stale lock file to clean up, and no pid that a container restart could reuse.
import { rmSync } from 'node:fs';
import { DatabaseError, describeDbError, isCorruption, openSqliteFile } from '../acquire/cache/open.js';
import type { Database } from '../acquire/cache/sqlite.js';

const SQLITE_BUSY = 5;
const POLL_MS = 100;

export interface StateLock {
  readonly file: string;
  release(): void;
}

function tryLock(db: Database): boolean {
  try {
    db.exec('BEGIN EXCLUSIVE');
    return true;
  } catch (err) {
    if (((err as { errcode?: number }).errcode ?? 0) % 256 === SQLITE_BUSY) return false;
    throw err;
  }
}

function openLockFile(file: string): Database {
  const db = openSqliteFile(file);
  db.exec('PRAGMA busy_timeout = 0');
  return db;
}

/** Waits (asynchronously, at most `waitMs`) until no other sweep holds `stateFile`'s lock, then holds it. */
export async function lockState(stateFile: string, waitMs: number): Promise<StateLock> {
  const file = `${stateFile}.lock`;
  let db = openLockFile(file);
  const deadline = Date.now() + waitMs;
  for (;;) {
    let locked: boolean;
    try {
      locked = tryLock(db);
    } catch (err) {
      db.close();
      // The lock file holds no data: a damaged one is replaced.
      if (!isCorruption(err)) throw new DatabaseError(file, `cannot take the sweep lock: ${describeDbError(err)}`);
      rmSync(file, { force: true });
      db = openLockFile(file);
      continue;
    }
    if (locked) {
      const held = db;
      return { file, release: () => held.close() };
    }
    if (Date.now() >= deadline) {
      db.close();
      throw new DatabaseError(stateFile, `another sweep is using this state (waited ${Math.round(waitMs / 1000)} s for ${file}); run one sweep at a time per state, or give each its own --state`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
