import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFeed, type FeedShape } from '../../bench/ioc-feeds.js';
import { setLogLevel } from '../../src/cli/log.js';
import { IOC_LOADER_VERSION, readCompiled } from '../../src/iocs/compiled-cache.js';
import { loadIocs } from '../../src/iocs/index.js';
import type { IocSet } from '../../src/model/ioc.js';

let dir: string;
let cacheDir: string;
let debug: string[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sbom-hunt-compiled-'));
  cacheDir = path.join(dir, 'cache', 'iocs');
  debug = [];
  setLogLevel(2, (line) => debug.push(line));
});
afterEach(async () => {
  setLogLevel(0, () => {});
  await rm(dir, { recursive: true, force: true });
});

async function cacheFile(): Promise<string> {
  const files = (await readdir(cacheDir)).filter((f) => f.endsWith('.json'));
  expect(files).toHaveLength(1);
  return path.join(cacheDir, files[0]!);
}

/** A cold load (no cache), then a load that writes the cache, then one that must come from it. */
async function coldAndHit(paths: string[]): Promise<{ cold: IocSet; hit: IocSet }> {
  const cold = await loadIocs(paths);
  await loadIocs(paths, undefined, { cacheDir });
  const file = await cacheFile();
  // The hit must be the cache's: with the feed files gone unread it could not come from them.
  const before = (await readFile(file)).length;
  const hit = await loadIocs(paths, undefined, { cacheDir });
  expect((await readFile(file)).length).toBe(before);
  expect(debug.filter((l) => l.includes('compiled IOC cache'))).toEqual([]);
  return { cold, hit };
}

describe('compiled IOC cache', () => {
  const shapes: FeedShape[] = ['yaml-incidents', 'yaml-one-incident', 'osv-zip', 'osv-folder'];
  it.each(shapes)('%s: a hit gives incidents deep-equal to a cold load (ranges, integrity, file and image indicators, windows)', async (shape) => {
    const feed = await writeFeed(dir, shape, 400);
    const { cold, hit } = await coldAndHit([feed]);
    expect(hit).toEqual(cold);
    expect(cold.incidents.length).toBeGreaterThan(0);
    if (shape === 'yaml-incidents') {
      expect(hit.incidents.some((i) => i.windows.length > 0 && i.windows[0]!.start instanceof Date)).toBe(true);
      expect(hit.incidents.some((i) => (i.files ?? []).length > 0)).toBe(true);
      expect(hit.incidents.some((i) => (i.images ?? []).length > 0)).toBe(true);
      expect(hit.incidents.some((i) => i.packages.some((p) => p.ranges.length > 0 && (p.integrity ?? []).length > 0))).toBe(true);
    }
  });

  it('is read from the cache file: a hit after the feed was compiled does not parse it', async () => {
    const feed = await writeFeed(dir, 'yaml-incidents', 50);
    const set = await loadIocs([feed], undefined, { cacheDir });
    const file = await cacheFile();
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update(await readFile(feed)).digest('hex');
    expect(readCompiled(cacheDir, [feed], [{ file: feed, sha256: digest }])).toEqual(set);
    expect(readCompiled(cacheDir, [feed], [{ file: feed, sha256: '0'.repeat(64) }])).toBeUndefined();
    expect(file).toContain(cacheDir);
  });

  it('a one-byte change to a feed file is a miss, and the changed feed is what loads', async () => {
    const feed = await writeFeed(dir, 'yaml-incidents', 20);
    await loadIocs([feed], undefined, { cacheDir });
    const text = await readFile(feed, 'utf8');
    await writeFile(feed, text.replace('Compromised release 1\n', 'Compromised release X\n'));
    const changed = await loadIocs([feed], undefined, { cacheDir });
    expect(changed.incidents.map((i) => i.title)).toContain('Compromised release X');
    expect(changed).toEqual(await loadIocs([feed]));
    expect(debug.some((l) => l.includes('the feed changed'))).toBe(true);
  });

  it('an added or removed file in a folder is a miss', async () => {
    const feed = await writeFeed(dir, 'osv-folder', 10);
    const first = await loadIocs([feed], undefined, { cacheDir });
    const extra = path.join(feed, 'osv', 'malicious', 'npm', 'extra.json');
    await writeFile(extra, JSON.stringify({ schema_version: '1.7.4', id: 'MAL-EXTRA', affected: [{ package: { ecosystem: 'npm', name: 'extra' }, versions: ['1.0.0'] }] }));
    const added = await loadIocs([feed], undefined, { cacheDir });
    expect(added.incidents.length).toBe(first.incidents.length + 1);
    await rm(extra);
    const removed = await loadIocs([feed], undefined, { cacheDir });
    expect(removed).toEqual(first);
  });

  const damage: [string, (b: Buffer) => Buffer][] = [
    ['truncated', (b) => b.subarray(0, Math.floor(b.length / 2))],
    ['a flipped byte in the payload', (b) => Buffer.concat([b.subarray(0, b.length - 100), Buffer.from([b[b.length - 100]! ^ 1]), b.subarray(b.length - 99)])],
    ['not ours at all', () => Buffer.from('hello\n')],
    ['empty', () => Buffer.alloc(0)],
  ];
  it.each(damage)('a cache file %s is ignored with a debug line, and the feed loads as cold', async (_, hurt) => {
    const feed = await writeFeed(dir, 'yaml-incidents', 30);
    const cold = await loadIocs([feed]);
    await loadIocs([feed], undefined, { cacheDir });
    const file = await cacheFile();
    await writeFile(file, hurt(await readFile(file)));
    expect(await loadIocs([feed], undefined, { cacheDir })).toEqual(cold);
    expect(debug.some((l) => /compiled IOC cache .*ignored/.test(l))).toBe(true);
    // And it was rewritten: the next load is a hit again.
    debug.length = 0;
    expect(await loadIocs([feed], undefined, { cacheDir })).toEqual(cold);
    expect(debug).toEqual([]);
  });

  it('a cache file written by another loader version is a miss', async () => {
    const feed = await writeFeed(dir, 'yaml-incidents', 30);
    await loadIocs([feed], undefined, { cacheDir });
    const file = await cacheFile();
    const bytes = await readFile(file);
    const nl = bytes.indexOf(10);
    const header = JSON.parse(bytes.toString('utf8', 0, nl)) as { version: number };
    header.version = IOC_LOADER_VERSION + 1;
    await writeFile(file, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), bytes.subarray(nl + 1)]));
    await loadIocs([feed], undefined, { cacheDir });
    expect(debug.some((l) => l.includes(`written by loader version ${IOC_LOADER_VERSION + 1}`))).toBe(true);
  });

  it('a load with a bad record is not cached: the next load reports the error again', async () => {
    const feed = await writeFeed(dir, 'osv-folder', 5);
    await writeFile(path.join(feed, 'osv', 'malicious', 'npm', 'bad.json'), '{"schema_version": "1.7.4", "id": "MAL-BAD", "affected": [{"package": {"ecosystem": "nmp", "name": "x"}}]}');
    for (let run = 0; run < 2; run++) {
      const errors: string[] = [];
      await loadIocs([feed], (e) => errors.push(e.error.message), { cacheDir });
      expect(errors).toHaveLength(1);
    }
    expect(await readdir(cacheDir).catch(() => [])).toEqual([]);
  });

  it('without a cache dir nothing is written', async () => {
    const feed = await writeFeed(dir, 'yaml-incidents', 10);
    await loadIocs([feed]);
    expect(await readdir(path.join(dir, 'cache')).catch(() => [])).toEqual([]);
  });
});
