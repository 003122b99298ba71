// Orchestration of the five stages: inventory -> acquire -> match -> judge -> report.
import pLimit from 'p-limit';
import { inventoryAll } from './inventory/index.js';
import { acquireTarget } from './acquire/index.js';
import { loadIocs } from './iocs/index.js';
import { buildIocIndex } from './match/index.js';
import { judgeImage } from './match/verdict.js';
import { buildReport } from './report/build.js';
import type { Report } from './model/report.js';
import type { TimeWindow } from './model/ioc.js';
import type { ImageResult } from './model/finding.js';
import type { Target } from './model/target.js';
import { toolVersion } from './version.js';

export interface ScanOptions {
  sources: string[];
  iocPaths: string[];
  windows: TimeWindow[];
  concurrency: number;
  insecureRegistries: string[];
  signal?: AbortSignal;
  /** Progress hook: called after each image is judged. */
  onImage?: (done: number, total: number, image: ImageResult) => void;
  now?: Date;
}

export interface ScanOutcome {
  report: Report;
  /** Errors in user-given input files (SBOMs, IOC files): exit 2 after the report. */
  inputErrors: string[];
}

export async function runScan(opts: ScanOptions): Promise<ScanOutcome> {
  const iocs = await loadIocs(opts.iocPaths);
  const index = buildIocIndex(iocs, opts.windows);
  const ctx = { insecureRegistries: opts.insecureRegistries, signal: opts.signal, inputErrors: [] as string[] };
  const inventory = await inventoryAll(opts.sources, ctx);
  ctx.inputErrors.push(...inventory.inputErrors);

  const targets = dedupeTargets(inventory.targets);
  const limit = pLimit(Math.max(1, opts.concurrency));
  let done = 0;
  const images = await Promise.all(
    targets.map((t) =>
      limit(async () => {
        const acquired = await acquireTarget(t, ctx);
        const judged = judgeImage(acquired, index);
        opts.onImage?.(++done, targets.length, judged);
        return judged;
      }),
    ),
  );
  const report = buildReport(images, iocs, {
    version: toolVersion(),
    generatedAt: opts.now ?? new Date(),
    errors: [...inventory.errors, ...inventory.inputErrors],
    windows: opts.windows,
  });
  return { report, inputErrors: ctx.inputErrors };
}

/** The same target named twice (two source arguments, a file listed twice) is scanned once. */
function dedupeTargets(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = `${t.kind}\0${t.ref}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
