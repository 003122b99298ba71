import { readFileSync, statSync, type BigIntStats } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { osvRecord, writeFeed, type FeedShape } from '../../bench/ioc-feeds.js';
import { setLogLevel } from '../../src/cli/log.js';
import { IOC_LOADER_VERSION, readCompiled, sha256, stampsOf, walkVouches, type FeedProbe } from '../../src/iocs/compiled-cache.js';
import { clockNs, folderTimesHold, newestNs, stampOf } from '../../src/iocs/feed-stamps.js';
import { loadIocs } from '../../src/iocs/index.js';
import type { IocSet } from '../../src/model/ioc.js';
import { seeded } from '../helpers/random.js';

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
  expect(debug.filter((l) => l.includes('compiled IOC cache'))).toEqual([expect.stringContaining(': used; ')]);
  return { cold, hit };
}

/** What the last hit's debug line says: how many feed files it took on their stat and how many it read. */
function lastHit(): { total: number; hashed: number } | undefined {
  const m = debug
    .map((l) => /: used; (\d+) of (\d+) feed files unchanged by their stat, (\d+) read and hashed/.exec(l))
    .filter((x) => x !== null)
    .at(-1);
  return m ? { total: Number(m[2]), hashed: Number(m[3]) } : undefined;
}

/**
 * Runs `f` with the wall clock 10 s ahead, as a load that long after the feed files were written: their stats are
 * settled (feed-stamps.ts). Only Date is faked; the files' times are the kernel's.
 */
async function tenSecondsLater<T>(f: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + 10_000);
  try {
    return await f();
  } finally {
    vi.useRealTimers();
  }
}

/** What the loader hands readCompiled for a file whose stat is `stat`. */
const probeOf = (file: string, stat: BigIntStats, digest: () => string | undefined): FeedProbe => ({ file, stamp: stampOf(stat), newestNs: newestNs(stat), digest });

const load = (feed: string): Promise<IocSet> => loadIocs([feed], undefined, { cacheDir });
const bigStat = (file: string) => stat(file, { bigint: true });
/** A whole second, in the past: utimes sets it exactly (a nanosecond mtime does not survive a double's seconds). */
const ROUND = 1_700_000_000;

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

  it('a header longer than the first read (many long paths given) is read whole: the load is still a hit', async () => {
    const feed = await writeFeed(dir, 'yaml-incidents', 3);
    const text = await readFile(feed, 'utf8');
    const paths: string[] = [];
    for (let i = 0; i < 60; i++) {
      const p = path.join(dir, `${String(i).padStart(3, '0')}-${'long-feed-name-'.repeat(6)}.yaml`);
      await writeFile(p, text.replace(/bench-2026-/g, `f${i}-`));
      paths.push(p);
    }
    const cold = await loadIocs(paths);
    await loadIocs(paths, undefined, { cacheDir });
    const bytes = readFileSync(await cacheFile());
    expect(bytes.indexOf(10)).toBeGreaterThan(4096);
    debug.length = 0;
    expect(await loadIocs(paths, undefined, { cacheDir })).toEqual(cold);
    expect(debug).toEqual([expect.stringContaining(': used; ')]);
  });

  it('is read from the cache file: a hit after the feed was compiled does not parse it', async () => {
    const feed = await writeFeed(dir, 'yaml-incidents', 50);
    const set = await loadIocs([feed], undefined, { cacheDir });
    const file = await cacheFile();
    const probe = (digest: string): FeedProbe[] => [probeOf(feed, statSync(feed, { bigint: true }), () => digest)];
    expect(readCompiled(cacheDir, [feed], clockNs(), probe(sha256(await readFile(feed))))).toEqual(set);
    expect(readCompiled(cacheDir, [feed], clockNs(), probe('0'.repeat(64)))).toBeUndefined();
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
    ['a flipped byte in the file list (its third line, read when a file is)', (b) => {
      const second = b.indexOf(10, b.indexOf(10) + 1);
      const at = Math.floor((second + b.indexOf(10, second + 1)) / 2);
      return Buffer.concat([b.subarray(0, at), Buffer.from([b[at]! ^ 1]), b.subarray(at + 1)]);
    }],
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
    expect(debug).toEqual([expect.stringContaining(': used; ')]);
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

describe('compiled IOC cache: a file whose stat vouches for it is not read', () => {
  it.each(['yaml-incidents', 'osv-folder'] as const)('%s: compiled a while after it was written, the next load reads no feed file', async (shape) => {
    const feed = await writeFeed(dir, shape, 40);
    const set = await tenSecondsLater(() => load(feed));
    debug.length = 0;
    expect(await load(feed)).toEqual(set);
    expect(lastHit()).toEqual({ total: shape === 'osv-folder' ? 40 : 1, hashed: 0 });
  });

  it('the stat alone answers: readCompiled asks for no digest, and a settled stat is trusted as recorded', async () => {
    const feed = await writeFeed(dir, 'yaml-incidents', 20);
    const set = await tenSecondsLater(() => load(feed));
    let digests = 0;
    const probes: FeedProbe[] = [probeOf(feed, statSync(feed, { bigint: true }), () => (digests++, sha256(readFileSync(feed))))];
    expect(readCompiled(cacheDir, [feed], clockNs(), probes)).toEqual(set);
    expect(digests).toBe(0);
  });

  it.each(['dev', 'ino', 'size', 'mtimeNs', 'ctimeNs'] as const)('a stat that differs from the recorded one in %s alone does not vouch: the file is read and hashed', async (field) => {
    const feed = await writeFeed(dir, 'yaml-incidents', 20);
    const set = await tenSecondsLater(() => load(feed));
    // Rename updates the ctime on Linux's file systems, so a real replacement cannot keep all other four fields.
    const now = statSync(feed, { bigint: true });
    const moved = Object.assign(Object.create(Object.getPrototypeOf(now) as object) as BigIntStats, now, { [field]: now[field] + 1n });
    let digests = 0;
    const probes: FeedProbe[] = [probeOf(feed, moved, () => (digests++, sha256(readFileSync(feed))))];
    expect(readCompiled(cacheDir, [feed], clockNs(), probes)).toEqual(set);
    expect(digests).toBe(1);
  });

  it('a same-size rewrite in place with its mtime put back (only the ctime moves) is read again, and its new content loads', async () => {
    const feed = await writeFeed(dir, 'yaml-incidents', 20);
    await utimes(feed, ROUND, ROUND);
    await tenSecondsLater(() => load(feed));
    const before = await bigStat(feed);
    // Past any coarse clock tick, so the rewrite's ctime is a new one.
    await new Promise((r) => setTimeout(r, 20));
    const text = await readFile(feed, 'utf8');
    await writeFile(feed, text.replace('Compromised release 1\n', 'Compromised release X\n'));
    await utimes(feed, ROUND, ROUND);
    const after = await bigStat(feed);
    expect([after.dev, after.ino, after.size, after.mtimeNs]).toEqual([before.dev, before.ino, before.size, before.mtimeNs]);
    expect(after.ctimeNs).not.toBe(before.ctimeNs);
    debug.length = 0;
    const changed = await tenSecondsLater(() => load(feed));
    expect(changed.incidents.map((i) => i.title)).toContain('Compromised release X');
    expect(changed).toEqual(await loadIocs([feed]));
    expect(debug.some((l) => l.includes('the feed changed'))).toBe(true);
  });

  it('a file replaced by a rename (a new inode, same size and mtime) is read again, and its new content loads', async () => {
    const feed = await writeFeed(dir, 'osv-folder', 10);
    const record = path.join(feed, 'osv', 'malicious', 'npm', 'mal-1', 'MAL-2026-1.json');
    const text = await readFile(record, 'utf8');
    const other = path.join(path.dirname(record), '.replacement');
    await writeFile(other, text.replace('"name":"mal-1"', '"name":"mal-x"'));
    await utimes(record, ROUND, ROUND);
    await utimes(other, ROUND, ROUND);
    await tenSecondsLater(() => load(feed));
    const before = await bigStat(record);
    await rename(other, record);
    const after = await bigStat(record);
    expect([after.size, after.mtimeNs]).toEqual([before.size, before.mtimeNs]);
    expect(after.ino).not.toBe(before.ino);
    const changed = await tenSecondsLater(() => load(feed));
    expect(changed.incidents.flatMap((i) => i.packages.map((p) => p.name))).toContain('mal-x');
    expect(changed).toEqual(await loadIocs([feed]));
  });

  it('a same-size edit right after the compile (within the racy margin) is read again, and its new content loads', async () => {
    const feed = await writeFeed(dir, 'yaml-incidents', 20);
    await utimes(feed, ROUND, ROUND);
    await load(feed);
    const text = await readFile(feed, 'utf8');
    await writeFile(feed, text.replace('Compromised release 1\n', 'Compromised release X\n'));
    await utimes(feed, ROUND, ROUND);
    const changed = await load(feed);
    expect(changed.incidents.map((i) => i.title)).toContain('Compromised release X');
  });

  it('a stat recorded within the racy margin does not vouch, even with every field unchanged (a write in the same clock tick)', async () => {
    const feed = await writeFeed(dir, 'yaml-incidents', 20);
    // What the compile's stat sees; a second write within the same clock tick would leave all of it as it is.
    const compiledStat = statSync(feed, { bigint: true });
    await load(feed);
    const text = await readFile(feed, 'utf8');
    await writeFile(feed, text.replace('Compromised release 1\n', 'Compromised release X\n'));
    let digests = 0;
    const probes: FeedProbe[] = [probeOf(feed, compiledStat, () => (digests++, sha256(readFileSync(feed))))];
    expect(readCompiled(cacheDir, [feed], clockNs(), probes)).toBeUndefined();
    expect(digests).toBe(1);
  });

  it('a hit that had to read files settled by now records their stats: the next load reads none (and a touched file is read once)', async () => {
    const feed = await writeFeed(dir, 'osv-folder', 10);
    const cold = await loadIocs([feed]);
    await load(feed);
    const file = await cacheFile();
    const compiled = await readFile(file);
    // Just written: every file is read and hashed, and the header is left as it was (its stats are not settled yet).
    expect(await load(feed)).toEqual(cold);
    expect(lastHit()).toEqual({ total: 10, hashed: 10 });
    expect((await readFile(file)).equals(compiled)).toBe(true);
    // Later, read and hashed once more; their stats are settled now and are recorded.
    expect(await tenSecondsLater(() => load(feed))).toEqual(cold);
    expect(lastHit()).toEqual({ total: 10, hashed: 10 });
    expect((await readFile(file)).equals(compiled)).toBe(false);
    expect(await load(feed)).toEqual(cold);
    expect(lastHit()).toEqual({ total: 10, hashed: 0 });
    // touch: the same bytes, new times. Read once, then taken on its stat again.
    const record = path.join(feed, 'osv', 'malicious', 'npm', 'mal-1', 'MAL-2026-1.json');
    await utimes(record, ROUND, ROUND);
    expect(await tenSecondsLater(() => load(feed))).toEqual(cold);
    expect(lastHit()).toEqual({ total: 10, hashed: 1 });
    expect(await tenSecondsLater(() => load(feed))).toEqual(cold);
    expect(lastHit()).toEqual({ total: 10, hashed: 0 });
  });

  it('a refresh that cannot be written is a debug line: the hit stands, and the next load reads the files again', async () => {
    const feed = await writeFeed(dir, 'osv-folder', 5);
    const set = await load(feed);
    const file = await cacheFile();
    // A folder where the temporary file would go: writing it fails.
    await mkdir(`${file}.${process.pid}.tmp`);
    expect(await tenSecondsLater(() => load(feed))).toEqual(set);
    expect(debug.some((l) => /compiled IOC cache .*: stats not refreshed \(/.test(l))).toBe(true);
    expect(await readdir(cacheDir)).toEqual([path.basename(file)]);
    expect(await load(feed)).toEqual(set);
    expect(lastHit()).toEqual({ total: 5, hashed: 5 });
  });
});

describe('compiled IOC cache: a folder whose folders all keep their stat is not walked again', () => {
  /** What the last hit's debug line says of the folders given: how many were walked again, of how many. */
  const lastWalks = (): { walked: number; of: number } | undefined => {
    const m = debug.map((l) => /; (\d+) of (\d+) folders walked again/.exec(l)).filter((x) => x !== null).at(-1);
    return m ? { walked: Number(m[1]), of: Number(m[2]) } : undefined;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('compiled a while after it was written, the next load walks no folder and reads no file; given with a trailing separator or relative, too', async () => {
    const feed = await writeFeed(dir, 'osv-folder', 30);
    const cold = await loadIocs([feed]);
    const relative = path.relative(process.cwd(), feed);
    for (const given of [feed, `${feed}${path.sep}`, relative, `.${path.sep}${relative}${path.sep}`]) {
      await tenSecondsLater(() => loadIocs([given], undefined, { cacheDir }));
      debug.length = 0;
      const hit = await tenSecondsLater(() => loadIocs([given], undefined, { cacheDir }));
      expect(hit, given).toEqual(await loadIocs([given]));
      expect(hit.incidents.length).toBe(cold.incidents.length);
      expect(lastHit(), given).toEqual({ total: 30, hashed: 0 });
      expect(lastWalks(), given).toEqual({ walked: 0, of: 1 });
    }
  });

  it('a recorded walk is taken on its folders\' stats only on a local file system, and only while every folder is on the feed\'s device', async () => {
    const feed = await writeFeed(dir, 'osv-folder', 3);
    const stats = [feed, path.join(feed, 'osv'), path.join(feed, 'osv', 'malicious')].map((d) => ({ stamp: stampOf(statSync(d, { bigint: true })) }));
    // The test machines' temporary folders are on ext4, tmpfs or overlayfs.
    expect(folderTimesHold(feed, stats)).toBe(process.platform === 'linux');
    // Something mounted on a folder of the tree: its folders' stats are another device's.
    const [dev, ...rest] = stats[2]!.stamp.split(':');
    expect(folderTimesHold(feed, [...stats, { stamp: [`${dev}1`, ...rest].join(':') }])).toBe(false);
    expect(folderTimesHold(feed, [...stats, undefined])).toBe(false);
    expect(folderTimesHold(feed, [])).toBe(false);
    // procfs keeps no such times: walked.
    expect(folderTimesHold('/proc', [{ stamp: stampOf(statSync('/proc', { bigint: true })) }])).toBe(false);
    expect(folderTimesHold(path.join(dir, 'gone'), stats)).toBe(false);
    // And walkVouches asks it: a walk whose stats are all as recorded and settled, but on two devices, does not vouch.
    const dirs = [feed, path.join(feed, 'osv')];
    const asRecorded = [{ stamp: stats[0]!.stamp, newestNs: 0n }, { stamp: [`${dev}1`, ...rest].join(':'), newestNs: 0n }];
    const walk = { dirs, stamps: stampsOf(dirs.map((file, i) => ({ file, stamp: asRecorded[i]!.stamp }))), files: [] };
    expect(walkVouches(walk, asRecorded, clockNs())).toBe(false);
    expect(walkVouches(walk, [asRecorded[0]!], clockNs())).toBe(false);
    const oneDevice = { ...walk, stamps: stampsOf(dirs.map((file) => ({ file, stamp: stats[0]!.stamp }))) };
    expect(walkVouches(oneDevice, [asRecorded[0]!, asRecorded[0]!], clockNs())).toBe(process.platform === 'linux');
  });

  it('a folder stat recorded within the racy margin does not vouch for its walk: it is walked again, and recorded once settled', async () => {
    const feed = await writeFeed(dir, 'osv-folder', 10);
    await load(feed);
    // Just written: the folders' stats are not settled for the load that recorded them.
    debug.length = 0;
    await load(feed);
    expect(lastWalks()).toEqual({ walked: 1, of: 1 });
    // Later: walked again, and recorded (settled now); the next load takes the record.
    await tenSecondsLater(() => load(feed));
    expect(lastWalks()).toEqual({ walked: 1, of: 1 });
    await tenSecondsLater(() => load(feed));
    expect(lastWalks()).toEqual({ walked: 0, of: 1 });
  });

  it('a flipped byte in the recorded walks: they are not used (a debug line), the folder is walked and the hit stands', async () => {
    const feed = await writeFeed(dir, 'osv-folder', 10);
    const cold = await loadIocs([feed]);
    await tenSecondsLater(() => load(feed));
    const file = await cacheFile();
    const b = await readFile(file);
    const at = b.indexOf(10) + 20;
    await writeFile(file, Buffer.concat([b.subarray(0, at), Buffer.from([b[at]! ^ 1]), b.subarray(at + 1)]));
    debug.length = 0;
    expect(await tenSecondsLater(() => load(feed))).toEqual(cold);
    expect(debug.some((l) => /its folder walks not used, its folder walks do not match their checksum/.test(l))).toBe(true);
    expect(lastWalks()).toEqual({ walked: 1, of: 1 });
    // The refresh wrote them again.
    expect(await tenSecondsLater(() => load(feed))).toEqual(cold);
    expect(lastWalks()).toEqual({ walked: 0, of: 1 });
  });

  it('generated changes to a folder tree: every load from the cache equals a cold load of the tree as it is (300 changes, 3 seeds)', async () => {
    type Change = () => Promise<void>;
    let taken = 0;
    let walked = 0;
    for (const seed of [1, 2, 3]) {
      const root = path.join(dir, `tree-${seed}`);
      const r = seeded(seed);
      let next = 0;
      const files = new Set<string>();
      const record = async (folder: string): Promise<void> => {
        const i = next++;
        await mkdir(folder, { recursive: true });
        const f = path.join(folder, `MAL-2026-${i}.json`);
        await writeFile(f, osvRecord(i));
        files.add(f);
      };
      const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(r() * xs.length)];
      const move = async (f: string, to: string): Promise<void> => {
        await rename(f, to);
        files.delete(f);
        files.add(to);
      };
      const eco = () => path.join(root, 'osv', 'malicious', pick(['npm', 'pypi', 'npm'])!);
      for (let i = 0; i < 12; i++) await record(path.join(eco(), `pkg-${i % 8}`));
      const changes: Change[] = [
        async () => record(path.join(eco(), `pkg-${Math.floor(r() * 12)}`)),
        async () => record(path.join(eco(), `new-${next}`, r() < 0.5 ? 'deeper' : '')),
        async () => {
          const f = pick([...files]);
          if (f === undefined || files.size < 3) return;
          await rm(f);
          files.delete(f);
        },
        async () => {
          // A rename within its folder: the same number of entries.
          const f = pick([...files]);
          if (f === undefined) return;
          await move(f, path.join(path.dirname(f), `renamed-${next++}.json`));
        },
        async () => {
          // A file moved to another folder.
          const f = pick([...files]);
          const target = pick([...files]);
          if (f === undefined || target === undefined || path.dirname(f) === path.dirname(target)) return;
          await move(f, path.join(path.dirname(target), `moved-${next++}.json`));
        },
        async () => {
          // A folder replaced by another of the same name and content.
          const f = pick([...files]);
          if (f === undefined) return;
          const folder = path.dirname(f);
          const kept = [...files].filter((x) => path.dirname(x) === folder);
          const texts = await Promise.all(kept.map((x) => readFile(x)));
          await rm(folder, { recursive: true });
          await mkdir(folder);
          await Promise.all(kept.map((x, i) => writeFile(x, texts[i]!)));
        },
        // What the walk passes over: a dot-entry, a withdrawn record, a file of another extension.
        async () => writeFile(path.join(path.dirname(pick([...files]) ?? root), `.hidden-${next++}.json`), '{'),
        async () => record(path.join(root, 'osv', 'withdrawn', `w-${next}`)),
        async () => writeFile(path.join(path.dirname(pick([...files]) ?? root), `notes-${next++}.txt`), 'x'),
        async () => {
          // An edit in place: only the file's stat moves.
          const f = pick([...files]);
          if (f === undefined) return;
          const text = await readFile(f, 'utf8');
          await writeFile(f, text.replace('"summary":"Malicious', '"summary":"Mischief!!'));
        },
        async () => {}, // nothing changed
      ];
      for (let round = 0; round < 100; round++) {
        await pick(changes)!();
        // Past the file system's clock tick on both sides of the load: the fake clock makes every recorded stat
        // settled, so a change within the tick of one would be the racy case the real margin guards against.
        await sleep(12);
        debug.length = 0;
        const hit = await tenSecondsLater(() => loadIocs([root], undefined, { cacheDir }));
        await sleep(12);
        expect(hit, `seed ${seed} round ${round}`).toEqual(await loadIocs([root]));
        const w = lastWalks();
        if (w?.walked === 0) taken++;
        if (w?.walked === 1) walked++;
      }
    }
    // Both ways were taken: the recorded walk when nothing the walk reads changed, the walk when something did.
    expect(taken).toBeGreaterThan(30);
    expect(walked).toBeGreaterThan(30);
  });
});
