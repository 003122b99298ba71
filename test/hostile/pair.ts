// Scans a hostile image beside a good one through the acquisition chain, timed: the hostile one must end
// unknown with its reason, in bounded time, and the good one must keep its true verdict.
import { acquireTarget } from '../../src/acquire/index.js';
import { createNativeAcquirer, type StoreOpener } from '../../src/acquire/native/acquirer.js';
import type { Limits } from '../../src/acquire/native/limits.js';
import { loadIocs } from '../../src/iocs/index.js';
import { buildIocIndex } from '../../src/match/index.js';
import { judgeImage } from '../../src/match/verdict.js';
import type { ImageResult } from '../../src/model/finding.js';
import type { Target } from '../../src/model/target.js';
import { join } from 'node:path';
import { ROOT } from '../fuzz/harness.js';

export interface PairResult {
  hostile: ImageResult;
  good: ImageResult;
  /** Wall time of the hostile image, ms. */
  ms: number;
  /** Growth of the resident set during the pair, MiB (a rough bound: GC runs when it likes). */
  rssGrowthMiB: number;
}

let iocIndex: ReturnType<typeof buildIocIndex> | undefined;

export async function scanPair(hostile: Target, good: Target, opts: { limits?: Partial<Limits>; openStore?: StoreOpener } = {}): Promise<PairResult> {
  iocIndex ??= buildIocIndex(await loadIocs([join(ROOT, 'iocs')]));
  const chain = [createNativeAcquirer({ ...(opts.limits ? { limits: opts.limits } : {}), ...(opts.openStore ? { openStore: opts.openStore } : {}) })];
  // As scan.ts does: the reader looks for the feed's file indicators, or it cannot answer for them.
  const ctx = { insecureRegistries: ['127.0.0.1'], inputErrors: [] as string[], fileIndicators: iocIndex.files.map((f) => f.indicator) };
  const rss = process.memoryUsage().rss;
  const start = performance.now();
  let ms = 0;
  const [h, g] = await Promise.all([
    acquireTarget(hostile, ctx, chain).then((img) => ((ms = performance.now() - start), img)),
    acquireTarget(good, ctx, chain),
  ]);
  return { hostile: judgeImage(h, iocIndex), good: judgeImage(g, iocIndex), ms, rssGrowthMiB: Math.max(0, process.memoryUsage().rss - rss) / 1024 ** 2 };
}

/** The figures of every hostile case, printed at the end for docs/limits.md. */
export const measured: { case: string; ms: number; rssGrowthMiB: number; reason: string }[] = [];

export function record(name: string, r: PairResult): void {
  measured.push({ case: name, ms: Math.round(r.ms), rssGrowthMiB: Math.round(r.rssGrowthMiB), reason: (r.hostile.reasons.find((x) => /limit|unsafe|hard link|digest|size|bytes|loop/.test(x)) ?? r.hostile.reasons[0] ?? '').slice(0, 140) });
}
