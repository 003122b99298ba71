// Many paths' stats at once, as the compiled IOC cache takes them (feed-stamps.ts), the second half on a worker
// thread: a 200,000-record ossf tree's cache check stats 400,000 paths (its folders and its files), ~4 us each here
// and nearly all of it the kernel's, which two threads share.
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { newestNs, stampOf } from './feed-stamps.js';

/** stampOf a path's stat and its newestNs. */
export interface PathStat {
  stamp: string;
  newestNs: bigint;
}

/** Below it one thread stats them all: starting a worker (~25 ms) costs what ~6,000 stats do. */
export const SHARE_FROM = 20_000;

/**
 * The worker: the paths joined by NUL (no path holds one) in, the stamps joined by newlines (empty for a path that
 * cannot be stat'ed) and the newest times out. Its stamp is stampOf's, written again (a worker from a string
 * imports nothing of ours); test/iocs/stat-many.test.ts holds the two equal.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const paths = workerData.split('\\0');
const newest = new BigInt64Array(paths.length);
const stamps = new Array(paths.length);
for (let i = 0; i < paths.length; i++) {
  let s;
  try { s = statSync(paths[i], { bigint: true }); } catch { stamps[i] = ''; continue; }
  stamps[i] = s.dev + ':' + s.ino + ':' + s.size + ':' + s.mtimeNs + ':' + s.ctimeNs;
  newest[i] = s.ctimeNs > s.mtimeNs ? s.ctimeNs : s.mtimeNs;
}
parentPort.postMessage({ stamps: stamps.join('\\n'), newest }, [newest.buffer]);
`;

/** How many paths workers have stat'ed in this process (for the tests: the worker's stats are the ones checked). */
export let workerStats = 0;

/** One path's stat as the compiled cache records it; throws what statSync throws. */
export function pathStat(p: string): PathStat {
  const s = statSync(p, { bigint: true });
  return { stamp: stampOf(s), newestNs: newestNs(s) };
}

/** One path's stat, undefined when it cannot be taken (the caller stats it again for the reason). */
function statOne(p: string): PathStat | undefined {
  try {
    return pathStat(p);
  } catch {
    return undefined;
  }
}

/** The worker's stats of `paths`, undefined if it failed (then the main thread takes them). */
function onWorker(paths: readonly string[]): Promise<(PathStat | undefined)[] | undefined> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      // A small young generation: what it makes is a stat object per path, garbage at once.
      worker = new Worker(WORKER, { eval: true, workerData: paths.join('\0'), resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    } catch {
      resolve(undefined);
      return;
    }
    worker.once('message', (m: { stamps: string; newest: BigInt64Array }) => {
      const stamps = m.stamps.split('\n');
      if (stamps.length === paths.length) workerStats += paths.length;
      resolve(stamps.length !== paths.length ? undefined : stamps.map((stamp, i) => (stamp === '' ? undefined : { stamp, newestNs: m.newest[i]! })));
    });
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
}

/**
 * Each path's stat, in order (undefined where one cannot be taken); from SHARE_FROM paths on, the second half is
 * stat'ed on a worker while this thread stats the first. A worker that fails leaves its half to this thread.
 */
export async function statMany(paths: readonly string[]): Promise<(PathStat | undefined)[]> {
  if (paths.length < SHARE_FROM) return paths.map(statOne);
  const half = paths.length >> 1;
  const theirs = onWorker(paths.slice(half));
  const mine = paths.slice(0, half).map(statOne);
  const rest = (await theirs) ?? paths.slice(half).map(statOne);
  for (const s of rest) mine.push(s);
  return mine;
}
