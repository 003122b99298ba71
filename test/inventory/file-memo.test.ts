// A file's derived form is built once while the file is unchanged, rebuilt when it changes, and a failure is not kept.
import { mkdtempSync, writeFileSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoByFile } from '../../src/inventory/file-memo.js';

describe('memoByFile', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sbom-hunt-memo-'));

  it('builds once for an unchanged file, again after the file changes', async () => {
    const file = path.join(dir, 'index.json');
    writeFileSync(file, 'one');
    let builds = 0;
    const build = async () => ++builds;
    expect(await memoByFile('t', file, build)).toBe(1);
    expect(await memoByFile('t', file, build)).toBe(1);
    writeFileSync(file, 'two, longer');
    expect(await memoByFile('t', file, build)).toBe(2);
    // Same size, another time: still a new file as far as the memo knows.
    utimesSync(file, new Date('2020-01-01'), new Date('2020-01-01'));
    expect(await memoByFile('t', file, build)).toBe(3);
    // Kinds do not share entries.
    expect(await memoByFile('other', file, build)).toBe(4);
  });

  it('does not keep a failure, and never memoises a file it cannot stat', async () => {
    const file = path.join(dir, 'flaky.tar');
    writeFileSync(file, 'x');
    let calls = 0;
    const flaky = async () => {
      calls += 1;
      if (calls === 1) throw new Error('first read failed');
      return calls;
    };
    await expect(memoByFile('t', file, flaky)).rejects.toThrow('first read failed');
    expect(await memoByFile('t', file, flaky)).toBe(2);
    const missing = path.join(dir, 'missing');
    let n = 0;
    await memoByFile('t', missing, async () => ++n);
    await memoByFile('t', missing, async () => ++n);
    expect(n).toBe(2);
  });
});
