import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachePath, openCache } from '../../../src/acquire/cache/index.js';
import type { AcquiredPlatform } from '../../../src/model/target.js';

const { DatabaseSync } = createRequire(import.meta.url)('node:sqlite') as typeof import('node:sqlite');
const D1 = `sha256:${'1'.repeat(64)}`;
const entry = (name: string) => ({
  digest: D1,
  ref: 'r',
  platforms: [{ packages: [{ ecosystem: 'npm', name, version: '1', paths: [] }], evidence: { kind: 'syft' }, errors: [], notes: [] } as AcquiredPlatform],
});
const dir = () => mkdtempSync(path.join(tmpdir(), 'cache-open-'));

function reopens(file: string, expectWarning: RegExp): void {
  const warnings: string[] = [];
  const s = openCache(file, { warn: (m) => warnings.push(m) });
  try {
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(expectWarning);
    expect(warnings[0]).toMatch(/set aside as .*cache\.db\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z and rebuilt$/);
    expect(s.put(entry('a'))).toBe(true);
    expect(s.get(D1, 'scanned')?.image.platforms[0]!.packages[0]!.name).toBe('a');
  } finally {
    s.close();
  }
  expect(readdirSync(path.dirname(file)).filter((f) => f.includes('.corrupt-'))).toHaveLength(1);
}

describe('opening the cache file', () => {
  it('sets a file that is not SQLite aside, keeping its bytes, and rebuilds', () => {
    const file = path.join(dir(), 'cache.db');
    writeFileSync(file, 'this is not a database, it is a shopping list\n'.repeat(50));
    reopens(file, /^cache .*cache\.db is not a readable cache \(file is not a database \(SQLITE_NOTADB\)\)/);
    const aside = readdirSync(path.dirname(file)).find((f) => f.includes('.corrupt-'))!;
    expect(readFileSync(path.join(path.dirname(file), aside), 'utf8')).toContain('shopping list');
  });

  // Only SQLite's own word (corrupt, not a database) sets a file aside: a file that is merely not ours is
  // someone's data, or a newer sbom-hunt's cache, and is left exactly as it was.
  function refuses(file: string, expected: RegExp): void {
    const before = readFileSync(file);
    expect(() => openCache(file, { warn: (m) => expect.fail(m) })).toThrow(expected);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(path.dirname(file)).filter((f) => f.includes('.corrupt-'))).toEqual([]);
  }

  it('refuses a foreign SQLite database without renaming it', () => {
    const file = path.join(dir(), 'cache.db');
    const db = new DatabaseSync(file);
    db.exec('CREATE TABLE accounts (id INTEGER, owner TEXT)');
    db.close();
    refuses(file, /is a SQLite file that sbom-hunt did not write; left as it is/);
  });

  it("refuses another application's database", () => {
    const file = path.join(dir(), 'cache.db');
    const db = new DatabaseSync(file);
    db.exec('PRAGMA application_id = 1234; CREATE TABLE t (x)');
    db.close();
    refuses(file, /of another application \(application_id 1234\)/);
  });

  it('refuses a cache of another schema version', () => {
    const file = path.join(dir(), 'cache.db');
    openCache(file).close();
    const db = new DatabaseSync(file);
    db.exec('PRAGMA user_version = 99');
    db.close();
    refuses(file, /has cache schema version 99; this sbom-hunt reads version 2/);
  });

  it('records the schema version it created', () => {
    const file = path.join(dir(), 'cache.db');
    openCache(file).close();
    const db = new DatabaseSync(file);
    const rows = db.prepare('SELECT version FROM schema_version').all();
    const mode = db.prepare('PRAGMA journal_mode').get() as { journal_mode: string };
    db.close();
    expect(rows).toEqual([{ version: 2 }]);
    expect(mode.journal_mode).toBe('wal');
  });
});

/** Another process holds the write lock for `ms`, the way a second sbom-hunt run would. */
let holds = 0;
async function holdLock(file: string, ms: number): Promise<{ done: Promise<void> }> {
  const marker = `${file}.locked-${++holds}`;
  const script = `
    const { DatabaseSync } = require('node:sqlite');
    const db = new DatabaseSync(${JSON.stringify(file)});
    db.exec('BEGIN IMMEDIATE');
    db.exec('DELETE FROM images');
    require('node:fs').writeFileSync(${JSON.stringify(marker)}, '');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
    db.exec('COMMIT');
    db.close();`;
  const child = spawn(process.execPath, ['--no-warnings', '-e', script], { stdio: 'inherit' });
  const done = new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`lock holder exited ${code}`)))));
  // A marker file, not stdout: piped output can reach the parent only after the child's wait.
  while (!existsSync(marker)) await new Promise((r) => setTimeout(r, 5));
  // Wrapped: an async function returning a bare promise would make the caller wait for the child to exit.
  return { done };
}

describe('two runs at once', () => {
  it('waits for the other run’s write lock instead of failing', async () => {
    const file = path.join(dir(), 'cache.db');
    openCache(file).close();
    const s = openCache(file, { busyTimeoutMs: 10_000 });
    const first = await holdLock(file, 400);
    let started = Date.now();
    expect(s.put(entry('a'))).toBe(true);
    expect(Date.now() - started).toBeGreaterThan(100);
    s.close();
    await first.done;
    // Opening while another run writes waits too.
    const second = await holdLock(file, 400);
    started = Date.now();
    const again = openCache(file, { busyTimeoutMs: 10_000 });
    expect(Date.now() - started).toBeGreaterThan(100);
    again.close();
    await second.done;
  });

  it('fails fast with a tiny busy timeout: the timeout is what makes waiting work', async () => {
    const file = path.join(dir(), 'cache.db');
    openCache(file).close();
    const { done } = await holdLock(file, 600);
    expect(() => openCache(file, { busyTimeoutMs: 10, warn: (m) => expect.fail(m) })).toThrow(/database is locked/);
    await done;
    // The busy file was not mistaken for a corrupt one.
    expect(readdirSync(path.dirname(file)).filter((f) => f.includes('.corrupt-'))).toEqual([]);
  });
});

describe('cachePath', () => {
  it.each([
    [{ cache: false }, {}, undefined],
    [{ cacheDir: '/srv/cache' }, { XDG_CACHE_HOME: '/x' }, '/srv/cache/cache.db'],
    [{}, { XDG_CACHE_HOME: '/xdg' }, '/xdg/sbom-hunt/cache.db'],
    [{}, { XDG_CACHE_HOME: 'relative/ignored' }, path.join(homedir(), '.cache/sbom-hunt/cache.db')],
    [{}, {}, path.join(homedir(), '.cache/sbom-hunt/cache.db')],
  ])('%j with env %j', (loc, env, expected) => {
    expect(cachePath(loc, env)).toBe(expected);
  });

  it('creates the directories on first open', () => {
    const file = path.join(dir(), 'a', 'b', 'cache.db');
    openCache(file).close();
    expect(existsSync(file)).toBe(true);
  });
});
