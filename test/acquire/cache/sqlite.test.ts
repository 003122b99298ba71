import { describe, expect, it } from 'vitest';
import { withoutSqliteWarning } from '../../../src/acquire/cache/sqlite.js';

async function warningsDuring(fn: () => void): Promise<string[]> {
  const seen: string[] = [];
  const listener = (w: Error) => seen.push(`${w.name}: ${w.message}`);
  process.on('warning', listener);
  try {
    fn();
    // Warnings are emitted on the next tick.
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

describe('withoutSqliteWarning', () => {
  it("drops only node:sqlite's ExperimentalWarning, and only while loading", async () => {
    const seen = await warningsDuring(() =>
      withoutSqliteWarning(() => {
        process.emitWarning('SQLite is an experimental feature and might change at any time', 'ExperimentalWarning');
        process.emitWarning('The Fetch API is an experimental feature', 'ExperimentalWarning');
        process.emitWarning('SQLite something', 'DeprecationWarning');
      }),
    );
    expect(seen).toEqual(['ExperimentalWarning: The Fetch API is an experimental feature', 'DeprecationWarning: SQLite something']);
    const after = await warningsDuring(() => process.emitWarning('SQLite is an experimental feature', 'ExperimentalWarning'));
    expect(after).toEqual(['ExperimentalWarning: SQLite is an experimental feature']);
  });

  it('puts emitWarning back even when loading throws', () => {
    const before = process.emitWarning;
    expect(() => withoutSqliteWarning(() => { throw new Error('no sqlite here'); })).toThrow('no sqlite here');
    expect(process.emitWarning).toBe(before);
  });
});
