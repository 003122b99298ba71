// The decode pool when its workers die: each file a dead worker held is answered (as a crash, as the same error on
// the main thread would be), no more than MAX_LOST_IN_A_ROW workers are started again in a row, and the files no
// worker reached are read on the main thread, with the same outcome decodeFile gives there.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeFile, MAX_LOST_IN_A_ROW, Pool } from '../../src/acquire/decode-pool.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sbom-hunt-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('decode pool with workers that die', () => {
  it('restarts at most MAX_LOST_IN_A_ROW workers in a row, then the main thread reads the batch', async () => {
    const starts = path.join(dir, 'starts');
    writeFileSync(starts, '');
    // A worker that records its start and exits at once, before it answers anything.
    const script = path.join(dir, 'dying-worker.mjs');
    writeFileSync(script, `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(starts)}, 'x');\nprocess.exit(3);\n`);
    const files = readdirSync('fixtures/fleet').filter((f) => f.endsWith('.json')).map((f) => path.resolve('fixtures/fleet', f));
    const pool = new Pool(script, 2);
    pool.prefetch(files);
    // Until the bound is reached (each start is a line's character), then a while longer: no worker starts after it.
    const count = () => readFileSync(starts, 'utf8').length;
    for (let waited = 0; count() < 2 + MAX_LOST_IN_A_ROW && waited < 20_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const outcomes = await Promise.all(files.map((f) => pool.take(f)!));
    pool.endBatch();
    expect(count()).toBe(2 + MAX_LOST_IN_A_ROW);
    const expected = await Promise.all(files.map((f) => decodeFile(f)));
    expect(outcomes).toEqual(expected);
  });
});
