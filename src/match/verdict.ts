// Acquired images x IOC index -> verdicts. Pure: worst wins, and unknown is never clean.
import type { ImageResult, InventoryPackage, Match, PlatformResult, TimeSource, WindowCheck } from '../model/finding.js';
import { sourcesOf } from './build-time.js';
import type { Package } from '../model/package.js';
import type { AcquiredImage, AcquiredPlatform, DescribedImage } from '../model/target.js';
import { worstVerdict, type Verdict } from '../model/verdict.js';
import type { IocIndex } from './ioc-index.js';
import { matchFiles } from './match-files.js';
import { matchImages, type ImageSubject } from './match-images.js';
import { matchPackagesDetailed } from './match-packages.js';
import { unversionedReasons } from './unversioned.js';
import { fileMatchReason, imageMatchReason, matchReason, pushedBeforeReason, uncheckedFilesReason, uncheckedImagesReason, unreliableReason, windowReason } from './reasons.js';
import { namedFileTimes, type NamedFileTime } from './file-times.js';
import { checkWindows, pushedTime } from './windows.js';

export interface JudgeOptions {
  /** Keep every package on the platform result, for the inventory outputs. */
  keepPackages?: boolean;
}

/** The image a platform belongs to: the name it was scanned by, its digest, what an SBOM says it describes. */
export interface ImageOwner {
  ref: string;
  digest?: string;
  describes?: DescribedImage;
}

/** Names and digests are the image's; a path to an SBOM file or a source folder is no image name. */
function imageSubject(p: AcquiredPlatform, owner: ImageOwner | undefined): ImageSubject {
  const kind = p.evidence?.kind === 'cache' ? p.evidence.cachedFrom : p.evidence?.kind;
  const named = owner !== undefined && kind !== 'sbom-file' && kind !== 'lockfile';
  const refs = [...(named ? [owner.ref] : []), ...(owner?.describes?.name ? [owner.describes.name] : [])];
  const digests = [owner?.digest, p.digest, owner?.describes?.digest, ...(owner?.describes?.hashes ?? [])].filter((d): d is string => d?.startsWith('sha256:') ?? false);
  return { refs, digests, ...(p.image ? { facts: p.image } : {}) };
}

export function judgePlatform(p: AcquiredPlatform, index: IocIndex, opts: JudgeOptions = {}, owner?: ImageOwner): PlatformResult {
  const detailed = matchPackagesDetailed(p.packages, index);
  const files = index.files.length > 0 ? matchFiles(p.files, index.files) : { matches: [], unchecked: [] };
  const images = index.images.length > 0 ? matchImages(imageSubject(p, owner), index.images) : { matches: [], unchecked: [] };
  // Native reads date each file: the files of the packages an incident names tell when the build installed them.
  const written = index.windows.length > 0 ? namedFileTimes(p.packages, index, new Date(), pushedTime(p.created)) : new Map<string, NamedFileTime[]>();
  const windows = checkWindows(p.created, index.windows, new Date(), written);
  const verdicts: Verdict[] = [];
  const reasons: string[] = [];
  for (const d of detailed) {
    verdicts.push(d.match.inFinalFilesystem ? 'affected' : 'suspect');
    reasons.push(matchReason(d));
  }
  for (const f of files.matches) {
    verdicts.push(f.match.inFinalFilesystem ? 'affected' : 'suspect');
    reasons.push(fileMatchReason(f));
  }
  for (const m of images.matches) {
    verdicts.push('affected');
    reasons.push(imageMatchReason(m));
  }
  // An indicator that could not be looked for leaves the platform unknown for its incident, never clean.
  for (const u of files.unchecked) {
    verdicts.push('unknown');
    reasons.push(uncheckedFilesReason(u));
  }
  for (const u of images.unchecked) {
    verdicts.push('unknown');
    reasons.push(uncheckedImagesReason(u));
  }
  for (const r of unversionedReasons(p.packages, index)) {
    verdicts.push('unknown');
    reasons.push(r);
  }
  for (const w of windows.filter((c) => c.outcome === 'inside')) {
    verdicts.push('suspect');
    reasons.push(windowReason(w, p.created, detailed.length + files.matches.length + images.matches.length > 0));
  }
  for (const w of windows.filter((c) => c.outcome === 'outside' && c.basis === 'push')) reasons.push(pushedBeforeReason(w));
  if (windows.some((c) => c.outcome === 'unreliable')) reasons.push(unreliableReason(p.created));
  for (const _ of p.errors) verdicts.push('unknown');
  const verdict = worstVerdict(verdicts);
  // An unknown platform's reason leads with what stopped the read, not with caveats about what was read.
  if (verdict === 'unknown') reasons.unshift(...p.errors);
  else reasons.push(...p.errors);
  reasons.push(...p.notes);
  const total = p.packageTotal ?? p.packages.length;
  if (verdict === 'clean') reasons.unshift(`no IOC package among ${total} package(s)`);
  const result: PlatformResult = { verdict, reasons, packageCount: total, windows, matches: [...detailed.map((d) => d.match), ...files.matches.map((f) => f.match), ...images.matches] };
  if (p.platform !== undefined) result.platform = p.platform;
  if (p.digest !== undefined) result.digest = p.digest;
  if (p.created !== undefined) result.created = p.created;
  const fileSources = fileTimeSources(written);
  if (fileSources.length > 0) result.created = { ...(result.created ?? { reliable: false }), sources: [...sourcesOf(result.created), ...fileSources] };
  if (p.evidence !== undefined) result.source = p.evidence;
  if (opts.keepPackages) result.packages = p.packages.map(inventoryPackage);
  return result;
}

/** The most file times a platform's created block lists (the earliest first); the window check sees them all. */
const FILE_SOURCES_SHOWN = 20;

/** File times as labelled time sources: `/app/node_modules/axios/package.json (axios@1.14.0) written`. */
function fileTimeSources(written: ReadonlyMap<string, readonly NamedFileTime[]>): TimeSource[] {
  const byKey = new Map<string, NamedFileTime>();
  for (const f of [...written.values()].flat()) byKey.set(`${f.path}\0${f.time}`, f);
  return [...byKey.values()]
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || a.path.localeCompare(b.path))
    .slice(0, FILE_SOURCES_SHOWN)
    .map((f) => {
      const s: TimeSource = { kind: 'file', source: `${f.path} (${f.package}${f.deleted ? ', deleted by a later layer' : ''}) written${f.layer ? ` in layer ${f.layer}` : ''}`, value: f.time, reliable: f.reliable };
      if (f.note) s.note = f.note;
      return s;
    });
}

/** The same package in every platform of an index is one finding, with its paths merged. */
function unionMatches(platforms: readonly PlatformResult[]): Match[] {
  const byKey = new Map<string, Match>();
  for (const m of platforms.flatMap((p) => p.matches)) {
    const key = [m.incident, m.ecosystem, m.name, m.version, m.matchedBy, m.iocVersion, m.inFinalFilesystem].join('\u0000');
    const seen = byKey.get(key);
    if (seen) seen.paths = [...new Set([...seen.paths, ...m.paths])];
    else byKey.set(key, { ...m, paths: [...m.paths] });
  }
  return [...byKey.values()];
}

function unionWindows(platforms: readonly PlatformResult[]): WindowCheck[] {
  const byKey = new Map<string, WindowCheck>();
  for (const w of platforms.flatMap((p) => p.windows)) byKey.set([w.incident, w.start, w.end, w.outcome].join('\u0000'), w);
  return [...byKey.values()];
}

/**
 * One image: the worst platform wins. packageCount is the largest platform's, not the sum, since
 * the platforms of one image mostly hold the same packages and a sum would double-count them.
 */
function inventoryPackage(p: Package): InventoryPackage {
  return {
    ecosystem: p.ecosystem,
    name: p.name,
    version: p.version,
    ...(p.purl ? { purl: p.purl } : {}),
    paths: [...p.paths],
    ...(p.layer ? { layer: p.layer } : {}),
    ...(p.deleted ? { deleted: true } : {}),
    ...(p.location ? { location: p.location } : {}),
  };
}

export function judgeImage(img: AcquiredImage, index: IocIndex, opts: JudgeOptions = {}): ImageResult {
  const owner: ImageOwner = { ref: img.ref, ...(img.digest ? { digest: img.digest } : {}), ...(img.describes ? { describes: img.describes } : {}) };
  const platforms = img.platforms.map((p) => judgePlatform(p, index, opts, owner));
  const verdicts: Verdict[] = platforms.map((p) => p.verdict);
  const reasons = [...img.errors];
  if (img.errors.length > 0) verdicts.push('unknown');
  if (platforms.length === 0 && img.errors.length === 0) {
    verdicts.push('unknown');
    reasons.push('no platform of the image could be read');
  }
  const labelled = platforms.length > 1;
  platforms.forEach((p, i) => reasons.push(...p.reasons.map((r) => (labelled ? `${p.platform ?? `platform ${i + 1}`}: ${r}` : r))));
  // Every report prints the ref beside its reasons: a reason that starts with it again (a store labelled by ref) says it twice.
  const own = `${img.ref}: `;
  for (const [i, r] of reasons.entries()) if (r.startsWith(own) && r.length > own.length) reasons[i] = r.slice(own.length);
  for (const s of img.skipped ?? []) reasons.push(`index entry ${s.platform ?? '(no platform)'} ${s.digest} not read: ${s.reason}`);
  const first = platforms[0];
  const result: ImageResult = {
    ref: img.ref,
    verdict: worstVerdict(verdicts),
    reasons,
    packageCount: Math.max(0, ...platforms.map((p) => p.packageCount)),
    windows: unionWindows(platforms),
    matches: unionMatches(platforms),
    platforms,
    workloads: [],
  };
  if (img.digest !== undefined) result.digest = img.digest;
  if (first?.created !== undefined) result.created = first.created;
  if (first?.source !== undefined) result.source = first.source;
  if (img.describes !== undefined) result.describes = img.describes;
  return result;
}
