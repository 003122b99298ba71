// Loads node:sqlite without the one-line ExperimentalWarning older Node 22 releases print for it.
import { createRequire } from 'node:module';
import type * as Sqlite from 'node:sqlite';

export type Database = Sqlite.DatabaseSync;

let loaded: typeof Sqlite | undefined;

/**
 * Runs `load` with the SQLite ExperimentalWarning dropped. Node 22.13+ marks node:sqlite experimental
 * and warns on load; that line would land in every on-call engineer's terminal. Only that warning is
 * dropped, and only while `load` runs.
 */
export function withoutSqliteWarning<T>(load: () => T): T {
  const original = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning.message;
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    const name = typeof warning === 'string' ? type : warning.name;
    if (name === 'ExperimentalWarning' && /sqlite/i.test(text)) return;
    return (original as (...a: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return load();
  } finally {
    process.emitWarning = original;
  }
}

export function loadSqlite(): typeof Sqlite {
  loaded ??= withoutSqliteWarning(() => createRequire(import.meta.url)('node:sqlite') as typeof Sqlite);
  return loaded;
}

export function openDatabase(file: string): Database {
  return new (loadSqlite().DatabaseSync)(file);
}
