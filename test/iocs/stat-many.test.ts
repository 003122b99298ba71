// statMany's stats (half of them taken on a worker from a string of its own) are the ones the loader takes itself:
// the same stampOf, the same newest time, in order, and none for a path that cannot be stat'ed.
import { statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newestNs, stampOf } from '../../src/iocs/feed-stamps.js';
import * as statManyModule from '../../src/iocs/stat-many.js';
import { SHARE_FROM, statMany } from '../../src/iocs/stat-many.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sbom-hunt-stat-many-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('statMany', () => {
  it(`over ${SHARE_FROM + 1000} paths (a worker takes half): each stat is stampOf and newestNs of the path's own, in order; none where there is none`, async () => {
    const real: string[] = [];
    for (let i = 0; i < 40; i++) {
      const sub = path.join(dir, `d${i % 7}`);
      await mkdir(sub, { recursive: true });
      const f = path.join(sub, `f-${i}-${'é'.repeat(i % 3)}.json`);
      await writeFile(f, 'x'.repeat(i));
      // Half with an mtime of their own, before the ctime the write left: every field of the stamp tells.
      if (i % 2 === 0) await utimes(f, 1_700_000_000 + i, 1_700_000_000 + i);
      real.push(f, sub);
    }
    await symlink(real[0]!, path.join(dir, 'link.json'));
    await symlink(path.join(dir, 'nowhere'), path.join(dir, 'dangling.json'));
    const kinds = [...real, path.join(dir, 'link.json'), path.join(dir, 'dangling.json'), path.join(dir, 'missing.json'), path.join(real[0]!, 'not-a-folder')];
    const paths = Array.from({ length: SHARE_FROM + 1000 }, (_, i) => kinds[(i * 5) % kinds.length]!);
    const before = statManyModule.workerStats;
    const got = await statMany(paths);
    expect(statManyModule.workerStats - before).toBe(paths.length - (paths.length >> 1));
    expect(got).toHaveLength(paths.length);
    let none = 0;
    for (const [i, p] of paths.entries()) {
      let own: { stamp: string; newestNs: bigint } | undefined;
      try {
        const s = statSync(p, { bigint: true });
        own = { stamp: stampOf(s), newestNs: newestNs(s) };
      } catch {
        own = undefined;
      }
      if (own === undefined) none++;
      expect(got[i], `${i} ${p}`).toEqual(own);
    }
    expect(none).toBeGreaterThan(500);
  });

  it('a few paths are stat\'ed here, as the loader would', async () => {
    const f = path.join(dir, 'one.yaml');
    await writeFile(f, 'a');
    const s = statSync(f, { bigint: true });
    expect(await statMany([f, path.join(dir, 'none')])).toEqual([{ stamp: stampOf(s), newestNs: newestNs(s) }, undefined]);
  });
});
