// Orchestration of the five stages: inventory -> acquire -> match -> judge -> report.
import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import { buildSources, inventoryAll, namedRegistries } from './inventory/index.js';
import { readImageList, type ImageList } from './inventory/image-list.js';
import type { InventoryContext, InventoryGap } from './inventory/source.js';
import { markForPinning, resolutionMs, resolveDigests, wantsPinning } from './inventory/registry.js';
import { acquireTarget } from './acquire/index.js';
import { buildChain, type ChainOptions } from './acquire/chain.js';
import { endPrefetch, prefetchFiles, setPackageFilter } from './acquire/decode-pool.js';
import { packageFilterOf } from './match/package-filter.js';
import { inventorySbomFiles } from './inventory/sbom-files.js';
import { iocCacheDir } from './iocs/compiled-cache.js';
import { iocLoadMessage, loadIocs } from './iocs/load.js';
import { buildIocIndex } from './match/index.js';
import { judgeImage } from './match/verdict.js';
import { buildReport } from './report/build.js';
import { RegistryClient } from './adapters/oci/client.js';
import { DEFAULT_RETRY } from './adapters/http.js';
import { defaultCredentials } from './adapters/oci/credentials.js';
import type { ListBounds } from './adapters/oci/listing.js';
import type { Report } from './model/report.js';
import type { IocSet, TimeWindow } from './model/ioc.js';
import type { ImageResult } from './model/finding.js';
import type { AcquiredImage, Target } from './model/target.js';
import type { AcquireContext, Acquirer } from './acquire/acquirer.js';
import type { KubeOptions } from './inventory/kube/inventory.js';
import { toolVersion } from './version.js';
import { applyAcknowledgements, expiredMessage, loadAcknowledgements } from './acks/index.js';
import { createPushTimeLookup, type VendorRoute } from './adapters/push-time/index.js';
import { attachPushTimes, type PushTimeStage } from './acquire/push-times.js';

export interface Shard {
  index: number;
  count: number;
}

export interface ScanOptions extends Omit<ChainOptions, 'registry' | 'credentials' | 'warn'> {
  sources: string[];
  /** `--images FILE` (`-` for stdin): one image reference per line. */
  imagesFile?: string;
  iocPaths: string[];
  /** IOCs loaded already (and their errors reported): a caller scanning image after image loads a feed once. */
  iocs?: IocSet;
  windows: TimeWindow[];
  concurrency: number;
  /** Deadline for one image's acquisition; past it the image is `unknown`. */
  imageTimeoutMs?: number;
  /** `--max-repositories`, `--max-tags`: how many names registry listings may hold. */
  listBounds?: ListBounds;
  /** `--shard INDEX/COUNT`: scan only this stable share of the deduplicated images. */
  shard?: Shard;
  insecureRegistries: string[];
  /** `--no-push-times` sets false: no vendor API is asked for push times. */
  pushTimes?: boolean;
  /** `--push-time-api`: vendor and URL per registry host. */
  pushTimeApi?: ReadonlyMap<string, VendorRoute>;
  kube: KubeOptions;
  signal?: AbortSignal;
  warn?: (message: string) => void;
  /** Progress hook: called after each image is judged. */
  onImage?: (done: number, total: number, image: ImageResult) => void;
  /** `-v`: each source argument, the scheme it was read as, and what it yielded. */
  onSource?: InventoryContext['onSource'];
  /** Progress: the inventory is done and this many images will be read. */
  onInventory?: (total: number) => void;
  /** Progress: a link of the chain is about to try this target. */
  onStage?: (target: Target, link: string) => void;
  now?: Date;
  /** Keep every package read on each platform (`--include-packages`, `-f cyclonedx`, `-f spdx-json`). */
  includePackages?: boolean;
  /** `--ack`: ignore files of acknowledged findings. */
  ackFiles?: string[];
  /** `--vex`: OpenVEX documents; their `not_affected` statements acknowledge findings. */
  vexFiles?: string[];
}

export interface ScanOutcome {
  report: Report;
  /** Errors in user-given input files (SBOMs, IOC files, image lists): exit 2 after the report. */
  inputErrors: string[];
}

export async function runScan(opts: ScanOptions): Promise<ScanOutcome> {
  // The files of `sbom:` arguments start decoding on the worker threads first, so they are read while the feed loads here.
  await prefetchSbomFiles(opts.sources, opts.shard);
  try {
    return await scan(opts);
  } finally {
    // Whatever was prefetched and not asked for (an early error, Ctrl-C) is dropped, never served to a later scan.
    endPrefetch();
  }
}

async function scan(opts: ScanOptions): Promise<ScanOutcome> {
  // A bad IOC file or feed record is skipped and named, the rest is hunted, and the run ends 2.
  const iocErrors: string[] = [];
  // The compiled IOC cache sits beside the SBOM cache and is off with it (--no-cache).
  const iocCache = iocCacheDir({ cache: opts.cache, ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}) });
  const iocs = opts.iocs ?? (await loadIocs(opts.iocPaths, (e) => iocErrors.push(iocLoadMessage(e)), iocCache ? { cacheDir: iocCache } : {}));
  const index = buildIocIndex(iocs, opts.windows);
  // The decode workers send only the packages this index can match, unless the report lists every package.
  setPackageFilter(() => (opts.includePackages ? null : packageFilterOf(index)));
  // Read before the work, so a typo in an ignore file is said at once, not after an hour of scanning.
  const acks = await loadAcknowledgements(opts.ackFiles ?? [], opts.vexFiles ?? []);
  iocErrors.push(...acks.errors);
  const warn = opts.warn ?? (() => {});
  const credentials = defaultCredentials(process.env, await namedRegistries(opts.sources));
  const registry = new RegistryClient({
    insecureRegistries: opts.insecureRegistries,
    credentials,
    // A host that has not answered one request in half an image's time will not finish that image either.
    ...(opts.imageTimeoutMs ? { retry: requestBound(opts.imageTimeoutMs) } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const deferred: (() => Promise<void>)[] = [];
  const ctx = {
    insecureRegistries: opts.insecureRegistries,
    registry,
    toolTimeoutMs: opts.toolTimeoutMs,
    ...(opts.listBounds ? { listBounds: opts.listBounds } : {}),
    defer: (fn: () => Promise<void>) => void deferred.push(fn),
    inputErrors: [...iocErrors],
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onStage ? { onStage: opts.onStage } : {}),
    ...(opts.onSource ? { onSource: opts.onSource } : {}),
    ...(index.files.length > 0 ? { fileIndicators: index.files.map((f) => f.indicator) } : {}),
  };

  const sources = buildSources(opts.kube);
  const inventory = await inventoryAll(opts.sources, sources.list, ctx);
  if (opts.imagesFile) {
    const list = await readImageList(opts.imagesFile);
    // Listed tags are pinned like `registry:` ones, so the digest-keyed cache and dedup work for them too.
    markForPinning(list.targets);
    inventory.targets.push(...list.targets);
    inventory.inputErrors.push(...list.errors.map((e) => e.message));
    inventory.gaps.push(...imageListGaps(opts.imagesFile, list));
  }
  ctx.inputErrors.push(...inventory.inputErrors);

  const chain = await buildChain({ ...opts, registry, credentials, warn });
  const pushStage: PushTimeStage | undefined =
    opts.pushTimes === false
      ? undefined
      : {
          lookup: createPushTimeLookup({ registry, credentials, overrides: opts.pushTimeApi ?? new Map(), insecureRegistries: opts.insecureRegistries, toolTimeoutMs: opts.toolTimeoutMs }),
          ...(chain.store ? { cache: chain.store } : {}),
          warn,
        };
  const limit = pLimit(Math.max(1, opts.concurrency));
  const admitted = new Admitted(opts.shard);
  let done = 0;
  const readOne = async (t: Target): Promise<ImageResult> => {
    // Ctrl-C: images not started are unknown, never clean; finished ones are kept (and already cached).
    const acquired = opts.signal?.aborted
      ? unreadTarget(t, 'scan interrupted before this image was read')
      : await acquireWithDeadline(t, ctx, chain.links, opts.imageTimeoutMs, resolutionMs(t));
    if (pushStage && !opts.signal?.aborted) await attachPushTimes(acquired, t, pushStage, opts.signal);
    const judged = judgeImage(acquired, index, { keepPackages: opts.includePackages ?? false });
    opts.onImage?.(++done, admitted.size, judged);
    return judged;
  };
  const jobs: Promise<[Target, ImageResult]>[] = [];
  const start = (batch: Placed[]): void => {
    for (const t of admitted.admit(batch)) jobs.push(limit(async () => [t, await readOne(t)]));
    opts.onInventory?.(admitted.size);
  };
  try {
    // Images that need no tag lookup are read at once; the lookups (each within its image's deadline) run beside them,
    // so a registry that hangs does not hold back local SBOMs, and Ctrl-C keeps what was read meanwhile.
    const placed = inventory.targets.map((t, at): Placed => ({ t, at }));
    const pending = placed.filter((p) => wantsPinning(p.t));
    start(placed.filter((p) => !wantsPinning(p.t)));
    const pinned = await resolveDigests(pending.map((p) => p.t), registry, { timeoutMs: opts.imageTimeoutMs, signal: opts.signal });
    start(pinned.map((t, j) => ({ t, at: pending[j]!.at })));
    const read = await Promise.all(jobs);
    const images = read.map(([t, judged]) => {
      // The image is named as the inventory first named it, whichever of its names was read.
      const refs = admitted.refsOf(t);
      judged.ref = refs[0] ?? judged.ref;
      attachWorkloads(judged, refs, sources.kube.seen);
      if (t.kind === 'sbom-file') attachDescribedWorkloads(judged, sources.kube.seen);
      return judged;
    });
    const gaps = inventory.gaps.map((g): ImageResult => ({ ...judgeImage({ ref: g.ref, platforms: [], errors: g.reasons }, index), kind: 'source' }));
    const acked = applyAcknowledgements(images, acks.acks, iocs, opts.now ?? new Date());
    const report = buildReport([...acked.images, ...gaps], iocs, {
      notes: acked.expired.map(expiredMessage),
      ...(acked.expired.length > 0 ? { expiredAcknowledgements: acked.expired } : {}),
      version: toolVersion(),
      generatedAt: opts.now ?? new Date(),
      errors: [...iocErrors, ...inventory.errors, ...inventory.inputErrors],
      windows: opts.windows,
      ...(opts.shard ? { shard: opts.shard } : {}),
    });
    return { report, inputErrors: ctx.inputErrors };
  } finally {
    chain.close();
    // Temporary archives a daemon source saved: removed once no image reads them.
    await Promise.all(deferred.map((fn) => fn().catch(() => undefined)));
  }
}

/** Hands the files `sbom:` arguments name (those of this shard) to the decode workers ahead; the inventory lists them again. */
async function prefetchSbomFiles(sources: readonly string[], shard: Shard | undefined): Promise<void> {
  const files: string[] = [];
  for (const arg of sources) {
    if (!arg.startsWith('sbom:')) continue;
    const listed = await inventorySbomFiles(arg.slice('sbom:'.length)).catch(() => undefined);
    for (const t of listed?.targets ?? []) if (t.kind === 'sbom-file' && (!shard || inShard(targetKey(t), shard))) files.push(t.path);
  }
  if (files.length > 0) await prefetchFiles(files);
}

/** One request's bound under --image-timeout: half of it, at most the default 30 s, named when it passes. */
function requestBound(imageTimeoutMs: number): { timeoutMs: number; timeoutSource?: string } {
  const half = Math.max(1000, Math.round(imageTimeoutMs / 2));
  if (half >= DEFAULT_RETRY.timeoutMs) return { timeoutMs: DEFAULT_RETRY.timeoutMs };
  return { timeoutMs: half, timeoutSource: `half of --image-timeout ${Math.round(imageTimeoutMs / 1000)} s` };
}

/** Each malformed line of an `--images` list is a gap named `FILE:LINE`; a list that names nothing is one too. */
function imageListGaps(file: string, list: ImageList): InventoryGap[] {
  const gaps = list.errors.map((e) => ({ ref: e.line !== undefined ? `${e.file}:${e.line}` : `--images ${e.file}`, reasons: [e.message] }));
  if (list.targets.length === 0 && gaps.length === 0) gaps.push({ ref: `--images ${file === '-' ? '<stdin>' : file}`, reasons: ['the image list names no images: nothing was checked for it'] });
  return gaps;
}

/** An image that was not read keeps every identity its target already had (the digest a tag resolved to). */
function unreadTarget(t: Target, reason: string): AcquiredImage {
  return { ref: t.ref, ...('digest' in t && t.digest ? { digest: t.digest } : {}), platforms: [], errors: [reason] };
}

/**
 * Workloads found by `kube:` that run this image under any of the refs it was found by, why its running
 * digest may be uncertain, and the other refs (tags) that name the same digest.
 */
function attachWorkloads(img: ImageResult, refs: string[], seen: ReturnType<typeof buildSources>['kube']['seen']): void {
  const unique = [...new Set(refs)];
  img.workloads = unique.flatMap((r) => seen.workloads.get(r) ?? []);
  img.reasons.push(...new Set(unique.flatMap((r) => seen.notes.get(r) ?? [])));
  const others = unique.filter((r) => r !== img.ref);
  if (others.length > 0) img.reasons.push(`also named ${others.join(', ')} (same digest, scanned once)`);
}

/**
 * An SBOM file that names its image's digest is joined with the `kube:` workloads that run that digest (by
 * the imageID's repo digest, or the config id a node reported for a tag), so its findings say where it runs.
 */
function attachDescribedWorkloads(img: ImageResult, seen: ReturnType<typeof buildSources>['kube']['seen']): void {
  const digests = new Set([img.describes?.digest, ...(img.describes?.hashes ?? [])].filter((d): d is string => d?.startsWith('sha256:') ?? false));
  if (digests.size === 0) return;
  const refs = [...seen.workloads.keys()].filter((r) => {
    const pinned = /@(sha256:[0-9a-f]{64})$/.exec(r)?.[1];
    return (pinned !== undefined && digests.has(pinned)) || (seen.configDigests.get(r) ?? []).some((c) => digests.has(c));
  });
  for (const r of refs) {
    img.workloads.push(...(seen.workloads.get(r) ?? []));
    img.reasons.push(`runs in the cluster as ${r} (joined by the digest the SBOM names)`);
  }
}

/**
 * One image may not hold the scan hostage (a registry trickling bytes forever): past the deadline its work is
 * told to stop and the image is `unknown`, naming the limit.
 */
async function acquireWithDeadline(t: Target, ctx: AcquireContext, links: Acquirer[], timeoutMs: number | undefined, spentMs = 0): Promise<AcquiredImage> {
  if (!timeoutMs) return acquireTarget(t, ctx, links);
  const limitText = `timed out after ${Math.round(timeoutMs / 1000)} s (--image-timeout)`;
  // The tag lookup was part of this image's time: what is left is all the reading gets.
  const left = timeoutMs - spentMs;
  if (left <= 0) return unreadTarget(t, `${limitText}, looking up what its tag points to`);
  const deadline = new AbortController();
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, deadline.signal]) : deadline.signal;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<AcquiredImage>((resolve) => {
    timer = setTimeout(() => {
      deadline.abort();
      resolve(unreadTarget(t, limitText));
    }, left);
  });
  try {
    return await Promise.race([acquireTarget(t, { ...ctx, signal }, links), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** What makes two targets one image: the digest where known, else the ref. */
function targetKey(t: Target): string {
  return 'digest' in t && t.digest ? `${t.kind}\0${'registry' in t ? t.registry : ''}/${'repository' in t ? t.repository : ''}@${t.digest}` : `${t.kind}\0${t.ref}`;
}

/** A stable share by hash of the image key: every image lands in exactly one shard, whatever the inventory order. */
export function inShard(key: string, shard: Shard): boolean {
  const h = createHash('sha256').update(key).digest().readUInt32BE(0);
  return h % shard.count === shard.index;
}

/**
 * The same image named twice (two arguments, two pods, two tags of one digest) is scanned once; the refs left
 * out are kept as aliases of the target scanned, so their workloads and names still reach the report. Targets
 * arrive in batches (those pinned later by tag lookup), each checked against all admitted before.
 */
class Admitted {
  private readonly kept = new Map<string, Target>();
  /** Every ref each kept target was found by, with its place in the inventory. */
  private readonly names = new Map<Target, { ref: string; at: number }[]>();
  /** Images of this shard to read. */
  size = 0;

  constructor(private readonly shard: Shard | undefined) {}

  /** The targets of a batch to read: new images, in this shard. */
  admit(batch: readonly Placed[]): Target[] {
    const fresh: Target[] = [];
    for (const { t, at } of batch) {
      const key = targetKey(t);
      const first = this.kept.get(key);
      if (first) {
        this.names.get(first)!.push({ ref: t.ref, at });
        continue;
      }
      this.kept.set(key, t);
      this.names.set(t, [{ ref: t.ref, at }]);
      if (this.shard && !inShard(key, this.shard)) continue;
      fresh.push(t);
    }
    this.size += fresh.length;
    return fresh;
  }

  /** The refs of a kept target, in inventory order, each once. */
  refsOf(t: Target): string[] {
    const names = [...(this.names.get(t) ?? [{ ref: t.ref, at: 0 }])].sort((a, b) => a.at - b.at);
    return [...new Set(names.map((n) => n.ref))];
  }
}

/** A target and its place in the inventory's order. */
interface Placed {
  t: Target;
  at: number;
}
