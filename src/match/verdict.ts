// Acquired images x IOC index -> verdicts. Pure: worst wins, and unknown is never clean.
import type { ImageResult, InventoryPackage, Match, PlatformResult, TimeSource, UncheckedIncident, WindowCheck } from '../model/finding.js';
import { sourcesOf } from './build-time.js';
import type { Package } from '../model/package.js';
import type { AcquiredImage, AcquiredPlatform, DescribedImage } from '../model/target.js';
import { worstVerdict, type Verdict } from '../model/verdict.js';
import type { IocIndex } from './ioc-index.js';
import { matchFiles } from './match-files.js';
import { matchImages, type ImageSubject } from './match-images.js';
import { matchPackagesDetailed, type Uncomparable } from './match-packages.js';
import { EVERY_INCIDENT, isBulk } from '../model/bulk.js';
import { fileMatchReason, imageMatchReason, matchReason, pushedBeforeReason, uncheckedFilesReason, uncheckedImagesReason, uncheckedReasons, unreliableReason, windowReason } from './reasons.js';
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
  const uncompared: Uncomparable[] = [];
  const detailed = matchPackagesDetailed(p.packages, index, uncompared);
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
  const bulk = isBulk(index.incidents.length);
  for (const _ of [...files.unchecked, ...images.unchecked]) verdicts.push('unknown');
  reasons.push(...uncheckedReasons('file', files.unchecked, bulk), ...uncheckedReasons('image', images.unchecked, bulk));
  // A package an incident names with a version that cannot be compared (none at all, or one its ecosystem cannot order).
  for (const u of uncompared) {
    verdicts.push('unknown');
    reasons.push(`${u.why}; not clean for ${u.incident}`);
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
  const result: PlatformResult = { verdict, reasons, packageCount: total, windows: bulk ? foldWindows(windows) : windows, matches: [...detailed.map((d) => d.match), ...files.matches.map((f) => f.match), ...images.matches] };
  if (p.platform !== undefined) result.platform = p.platform;
  if (p.digest !== undefined) result.digest = p.digest;
  if (p.created !== undefined) result.created = p.created;
  const fileSources = fileTimeSources(written);
  if (fileSources.length > 0) result.created = { ...(result.created ?? { reliable: false }), sources: [...sourcesOf(result.created), ...fileSources] };
  if (p.evidence !== undefined) result.source = p.evidence;
  if (opts.keepPackages) result.packages = p.packages.map(inventoryPackage);
  const named = [
    ...files.unchecked.map((u) => ({ incident: u.incident, why: uncheckedFilesReason(u) })),
    ...images.unchecked.map((u) => ({ incident: u.incident, why: uncheckedImagesReason(u) })),
    ...uncompared.map((u) => ({ incident: u.incident, why: u.why })),
  ];
  const unchecked = uncheckedIncidents(verdict, named, p.errors[0], index, result.matches);
  if (unchecked.length > 0) result.unchecked = unchecked;
  return result;
}

/**
 * The incidents a platform or image with a verdict above unknown was not fully checked for: those of the
 * indicators it could not look for, and every incident when part of it went unread (`unread`: what stopped the
 * read), less the incidents it is affected by (answered whatever else went unread). An unknown one is unknown
 * for all, and a clean one has none: nothing to list.
 */
function uncheckedIncidents(verdict: Verdict, named: readonly UncheckedIncident[], unread: string | undefined, index: IocIndex, matches: readonly Match[]): UncheckedIncident[] {
  if (verdict === 'unknown' || verdict === 'clean') return [];
  const out = new Map<string, string[]>();
  const add = (incident: string, why: string) => {
    const list = out.get(incident) ?? [];
    if (!list.includes(why)) list.push(why);
    out.set(incident, list);
  };
  for (const u of named) add(u.incident, u.why);
  if (unread !== undefined) {
    // A bulk feed's gap is one entry, not one per incident (src/model/bulk.ts); the report reads it as every incident.
    const ids = isBulk(index.incidents.length) ? [EVERY_INCIDENT] : [...index.incidents.map((i) => i.id), ...index.windows.map((w) => w.incident)];
    for (const id of ids) add(id, `not fully read: ${unread}`);
  }
  for (const m of matches) if (m.inFinalFilesystem) out.delete(m.incident);
  return [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([incident, why]) => ({ incident, why: why.join('; ') }));
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
  for (const w of platforms.flatMap((p) => p.windows)) {
    const key = [w.incident, w.start, w.end, w.outcome].join('\u0000');
    const seen = byKey.get(key);
    // Folded entries of two platforms: the larger count (the same windows, mostly).
    if (seen?.incidents !== undefined && w.incidents !== undefined) byKey.set(key, { ...seen, incidents: Math.max(seen.incidents, w.incidents) });
    else byKey.set(key, w);
  }
  return [...byKey.values()];
}

/**
 * A bulk run's window checks as the report keeps them: every one inside a window, and those a push time or a
 * file time decided, one by one; the rest (outside, or no trustworthy build time) as one entry per outcome for
 * every incident, with their count. 26,667 windowed incidents made each image's list 3 MB.
 */
function foldWindows(windows: readonly WindowCheck[]): WindowCheck[] {
  const kept: WindowCheck[] = [];
  const folded = new Map<WindowCheck['outcome'], WindowCheck>();
  for (const w of windows) {
    if (w.outcome === 'inside' || (w.basis !== undefined && w.basis !== 'build')) {
      kept.push(w);
      continue;
    }
    const f = folded.get(w.outcome);
    if (!f) folded.set(w.outcome, { incident: EVERY_INCIDENT, start: w.start, end: w.end, outcome: w.outcome, incidents: 1 });
    else folded.set(w.outcome, { ...f, start: w.start < f.start ? w.start : f.start, end: w.end > f.end ? w.end : f.end, incidents: f.incidents! + 1 });
  }
  return [...kept, ...folded.values()];
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
  // A platform that could not be read at all leaves the image unchecked for what the others do not answer.
  const unreadPlatform = platforms.find((p) => p.verdict === 'unknown');
  const unread = img.errors[0] ?? (unreadPlatform ? `${unreadPlatform.platform ?? 'a platform'}: ${unreadPlatform.reasons[0] ?? 'not read'}` : undefined);
  const unchecked = uncheckedIncidents(result.verdict, platforms.flatMap((p) => p.unchecked ?? []), unread, index, result.matches);
  if (unchecked.length > 0) result.unchecked = unchecked;
  if (img.digest !== undefined) result.digest = img.digest;
  if (first?.created !== undefined) result.created = first.created;
  if (first?.source !== undefined) result.source = first.source;
  if (img.describes !== undefined) result.describes = img.describes;
  return result;
}
