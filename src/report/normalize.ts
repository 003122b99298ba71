// Copies image results into the report's canonical shape, so JSON key order and list order are the same on every run.
import type { CreatedTime, ImageResult, InventoryPackage, Match, PlatformResult, UncheckedIncident, WindowCheck, Workload } from '../model/finding.js';
import type { Evidence } from '../model/package.js';
import type { DescribedImage } from '../model/target.js';
import { maskSecrets } from '../adapters/exec.js';

/** Plain code-unit order: the same on every machine, unlike localeCompare. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function list<T>(xs: readonly T[] | undefined | null): T[] {
  return xs ? [...xs] : [];
}

function evidence(e: Evidence | undefined): Evidence | undefined {
  if (!e) return undefined;
  return { kind: e.kind, verified: e.verified, detail: e.detail, format: e.format, cachedFrom: e.cachedFrom };
}

function created(c: CreatedTime | undefined): CreatedTime | undefined {
  if (!c) return undefined;
  const sources = c.sources?.map((s) => ({ kind: s.kind, source: s.source, value: s.value, reliable: s.reliable, note: s.note, verified: s.verified }));
  return { value: c.value, source: c.source, reliable: c.reliable, note: c.note, pushed: c.pushed, pushedSource: c.pushedSource, sources };
}

function windowCheck(w: WindowCheck): WindowCheck {
  return { incident: w.incident, start: w.start, end: w.end, outcome: w.outcome, basis: w.basis, file: w.file && { path: w.file.path, time: w.file.time, package: w.file.package, layer: w.file.layer, deleted: w.file.deleted }, reason: w.reason, incidents: w.incidents };
}

function match(m: Match): Match {
  return {
    incident: m.incident,
    ecosystem: m.ecosystem,
    name: m.name,
    version: m.version,
    paths: list(m.paths).sort(byText),
    matchedBy: m.matchedBy,
    matchKind: m.matchKind,
    iocVersion: m.iocVersion,
    reference: m.reference,
    ...(m.detail !== undefined ? { detail: m.detail } : {}),
    ...(m.layer !== undefined ? { layer: m.layer } : {}),
    ...(m.sha256 !== undefined ? { sha256: m.sha256 } : {}),
    ...(m.dependencyPath ? { dependencyPath: [...m.dependencyPath] } : {}),
    inFinalFilesystem: m.inFinalFilesystem,
  };
}

function matchKey(m: Match): string {
  return [m.incident, m.ecosystem, m.name, m.version, m.matchKind, m.inFinalFilesystem ? '0' : '1'].join('\0');
}

function matches(ms: readonly Match[] | undefined): Match[] {
  return list(ms)
    .map(match)
    .sort((a, b) => byText(matchKey(a), matchKey(b)));
}

function workload(w: Workload): Workload {
  return { context: w.context, namespace: w.namespace, kind: w.kind, name: w.name, container: w.container, pods: w.pods };
}

function workloadKey(w: Workload): string {
  return [w.context, w.namespace, w.kind, w.name, w.container].join('\0');
}

function platform(p: PlatformResult): PlatformResult {
  return {
    platform: p.platform,
    digest: p.digest,
    verdict: p.verdict,
    // The image's reasons are its platforms' (masked there), but the JSON report prints each platform's own too.
    reasons: list(p.reasons).map((r) => maskSecrets(r)),
    packageCount: p.packageCount,
    created: created(p.created),
    windows: list(p.windows).map(windowCheck),
    matches: matches(p.matches),
    source: evidence(p.source),
    ...(p.packages ? { packages: p.packages.map(inventoryPackage) } : {}),
    ...(p.unchecked?.length ? { unchecked: uncheckedList(p.unchecked) } : {}),
  };
}

/** Gaps by incident; their reasons quote input (paths, URLs): masked like every reason. */
function uncheckedList(list: readonly UncheckedIncident[]): UncheckedIncident[] {
  return list.map((u) => ({ incident: u.incident, why: maskSecrets(u.why) })).sort((a, b) => byText(a.incident, b.incident));
}

function inventoryPackage(p: InventoryPackage): InventoryPackage {
  return {
    ecosystem: p.ecosystem,
    name: p.name,
    version: p.version,
    ...(p.purl ? { purl: p.purl } : {}),
    paths: list(p.paths),
    ...(p.layer ? { layer: p.layer } : {}),
    ...(p.deleted ? { deleted: true } : {}),
    ...(p.location ? { location: p.location } : {}),
  };
}

/** Fixed key order, so two runs print the same bytes. */
function described(d: DescribedImage): DescribedImage {
  return {
    ...(d.name ? { name: d.name } : {}),
    ...(d.version ? { version: d.version } : {}),
    ...(d.digest ? { digest: d.digest } : {}),
    ...(d.purl ? { purl: d.purl } : {}),
    ...(d.hashes?.length ? { hashes: [...d.hashes] } : {}),
  };
}

/** A copy of the image result in the report's key order, every list present (never undefined or null). */
export function normalizeImage(img: ImageResult): ImageResult {
  return {
    ...(img.kind ? { kind: img.kind } : {}),
    // A source argument or image line may carry URL userinfo or a token: the report never does.
    ref: maskSecrets(img.ref),
    digest: img.digest,
    verdict: img.verdict,
    // Reasons echo input (image lines, URLs, tool output): no credential reaches a report.
    reasons: list(img.reasons).map((r) => maskSecrets(r)),
    packageCount: img.packageCount,
    created: created(img.created),
    windows: list(img.windows).map(windowCheck),
    source: evidence(img.source),
    ...(img.describes ? { describes: described(img.describes) } : {}),
    ...(img.acknowledged?.length ? { acknowledged: img.acknowledged.map((a) => ({ ...a })).sort((a, b) => byText(a.incident, b.incident)) } : {}),
    matches: matches(img.matches),
    // Platform order is the index's order, which users compare against `docker manifest inspect`.
    platforms: list(img.platforms).map(platform),
    workloads: list(img.workloads)
      .map(workload)
      .sort((a, b) => byText(workloadKey(a), workloadKey(b))),
    ...(img.unchecked?.length ? { unchecked: uncheckedList(img.unchecked) } : {}),
  };
}
