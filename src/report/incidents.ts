// Per incident, the blast radius: which images are affected, and which are suspect and why.
import type { ImageResult, Match } from '../model/finding.js';
import type { Incident, IocSet, TimeWindow } from '../model/ioc.js';
import { EVERY_INCIDENT, isBulk } from '../model/bulk.js';
import type { IncidentHit, IncidentPackage, ReportIncident, ReportUnlisted } from '../model/report.js';
import { affectedWhy, deletedWhy, windowWhy } from './describe.js';
import { byText } from './normalize.js';

/** One entry per match key: a matcher may report the same package once per path. */
function packagesOf(ms: readonly Match[]): IncidentPackage[] {
  const byKey = new Map<string, IncidentPackage>();
  for (const m of ms) {
    const key = [m.ecosystem, m.name, m.version, m.inFinalFilesystem, m.matchKind].join('\0');
    const seen = byKey.get(key);
    if (seen) seen.paths = [...new Set([...seen.paths, ...m.paths])].sort(byText);
    else
      byKey.set(key, {
        ecosystem: m.ecosystem,
        name: m.name,
        version: m.version,
        paths: [...m.paths],
        ...(m.dependencyPath && m.dependencyPath.length > 0 ? { via: [...m.dependencyPath] } : {}),
        inFinalFilesystem: m.inFinalFilesystem,
        matchKind: m.matchKind,
        ...(m.detail !== undefined ? { detail: m.detail } : {}),
      });
  }
  return [...byKey.values()];
}

type Hit = { kind: 'affected' | 'suspect' | 'acknowledged'; hit: IncidentHit };

/**
 * Affected: an IOC package of this incident is in the final filesystem. Suspect: not affected, but a
 * deleted layer held one, or the image was built inside this incident's window.
 */
export function hitFor(img: ImageResult, incident: string): Hit | undefined {
  const found = findingFor(img, incident);
  // An acknowledged finding stays in the report, in its own list, with the acknowledgement beside it.
  const ack = found && img.acknowledged?.find((a) => a.incident === incident);
  return found && ack ? { kind: 'acknowledged', hit: { ...found.hit, acknowledgement: { ...ack } } } : found;
}

/** The finding an image has for an incident, acknowledged or not. */
export function findingFor(img: ImageResult, incident: string): { kind: 'affected' | 'suspect'; hit: IncidentHit } | undefined {
  const mine = img.matches.filter((m) => m.incident === incident);
  const live = mine.filter((m) => m.inFinalFilesystem);
  const base = { ref: img.ref, digest: img.digest, ...(img.describes ? { describes: img.describes } : {}) };
  if (live.length > 0) return { kind: 'affected', hit: { ...base, why: affectedWhy(live), packages: packagesOf(live) } };
  const deleted = mine.filter((m) => !m.inFinalFilesystem);
  const inside = img.windows.filter((w) => w.incident === incident && w.outcome === 'inside');
  if (deleted.length === 0 && inside.length === 0) return undefined;
  const why = [...(deleted.length > 0 ? [deletedWhy(deleted)] : []), ...inside.map((w) => windowWhy(w, img.created))];
  return { kind: 'suspect', hit: { ...base, why: why.join('; '), packages: packagesOf(deleted) } };
}

/**
 * Unknown for an incident: an image with no finding for it that could not be read (unknown for every incident),
 * or that was not fully checked for it (an SBOM that lists no files, a platform left unread) though it has a
 * finding for another: never left out of the incident's blast radius as if it were clean. A bulk run's gap
 * for every incident (`*`) counts for each.
 */
export function uncheckedHit(img: ImageResult, incident: string): IncidentHit | undefined {
  const base = { ref: img.ref, digest: img.digest, ...(img.describes ? { describes: img.describes } : {}), packages: [] };
  if (img.verdict === 'unknown') return { ...base, why: img.reasons[0] ?? 'not read' };
  // The incident's own gap first, then the one for every incident: as one gap list named them before bulk runs.
  const gaps = [...(img.unchecked ?? []).filter((u) => u.incident === incident && incident !== EVERY_INCIDENT), ...(img.unchecked ?? []).filter((u) => u.incident === EVERY_INCIDENT)];
  return gaps.length > 0 ? { ...base, why: gaps.map((g) => g.why).join('; ') } : undefined;
}

/** Two ascending lists of image positions as one, each position once: hits keep the images' order. */
function union(a: readonly number[], b: readonly number[]): number[] {
  if (a.length === 0) return b as number[];
  if (b.length === 0) return a as number[];
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    if (i < a.length && a[i] === x) i++;
    if (j < b.length && b[j] === x) j++;
    out.push(x);
  }
  return out;
}

/**
 * Which images can be in each incident's blast radius, found in one pass over the images: those that name the
 * incident (a match, a window it was built inside, a gap for it) and those unknown for every incident. An
 * incident is then answered from its own images, not from all of them (10,000 images x 200,000 incidents).
 */
class Radius {
  private readonly named = new Map<string, number[]>();
  /** Images unknown for every incident (unread, or a bulk run's `*` gap), in image order. */
  readonly forAll: number[] = [];

  constructor(private readonly images: readonly ImageResult[]) {
    images.forEach((img, i) => {
      const ids = new Set<string>();
      for (const m of img.matches) ids.add(m.incident);
      for (const w of img.windows) if (w.outcome === 'inside') ids.add(w.incident);
      for (const u of img.unchecked ?? []) if (u.incident !== EVERY_INCIDENT) ids.add(u.incident);
      for (const id of ids) {
        const list = this.named.get(id);
        if (list) list.push(i);
        else this.named.set(id, [i]);
      }
      if (img.verdict === 'unknown' || img.unchecked?.some((u) => u.incident === EVERY_INCIDENT)) this.forAll.push(i);
    });
  }

  /** Whether any image names the incident: a finding or a gap of its own. */
  names(incident: string): boolean {
    return this.named.has(incident);
  }

  of(incident: string): Pick<ReportIncident, 'affected' | 'suspect' | 'acknowledged' | 'unknown'> {
    const lists = { affected: [] as IncidentHit[], suspect: [] as IncidentHit[], acknowledged: [] as IncidentHit[], unknown: [] as IncidentHit[] };
    for (const i of union(this.named.get(incident) ?? [], this.forAll)) {
      const img = this.images[i]!;
      const h = hitFor(img, incident);
      if (h) lists[h.kind].push(h.hit);
      else {
        const u = uncheckedHit(img, incident);
        if (u) lists.unknown.push(u);
      }
    }
    return lists;
  }
}

function fromIoc(inc: Incident, radius: Radius): ReportIncident {
  return {
    id: inc.id,
    title: inc.title,
    references: [...inc.references],
    aliases: [...inc.aliases],
    windows: inc.windows.map((w) => ({ start: w.start.toISOString(), end: w.end.toISOString() })),
    indicators: [...inc.indicators],
    notes: inc.notes,
    ...radius.of(inc.id),
  };
}

/**
 * An id no IOC file defines: a `--window` (the matcher files those under the window's source) or an
 * incident only the images name. Its windows are the given ones, else those the images were checked against.
 */
function fromElsewhere(id: string, images: readonly ImageResult[], radius: Radius, extraWindows: readonly TimeWindow[]): ReportIncident {
  const given = extraWindows.filter((w) => w.source === id);
  const windows = new Map<string, { start: string; end: string }>();
  for (const w of given) windows.set(`${w.start.toISOString()}/${w.end.toISOString()}`, { start: w.start.toISOString(), end: w.end.toISOString() });
  if (given.length === 0) for (const w of images.flatMap((img) => img.windows)) if (w.incident === id) windows.set(`${w.start}/${w.end}`, { start: w.start, end: w.end });
  return {
    id,
    title: given.length > 0 ? `Compromise window given on the command line (${id})` : id,
    references: [],
    aliases: [],
    windows: [...windows.values()],
    indicators: [],
    notes: undefined,
    ...radius.of(id),
  };
}

/** The report's incidents, and in a bulk run those it does not list one by one. */
export interface IncidentEntries {
  incidents: ReportIncident[];
  unlisted?: ReportUnlisted;
}

/**
 * Every loaded incident in IOC order, hits or not (so the report shows what was hunted), then the other ids by
 * name. In a bulk run (more than LISTED_INCIDENTS_MAX incidents) an incident that no image names, no finding
 * and no gap of its own, is not listed: its id goes to `unlisted`, whose `unknown` (the images unknown for every
 * incident) is its blast radius.
 */
export function incidentEntries(images: readonly ImageResult[], iocs: IocSet, extraWindows: readonly TimeWindow[] = []): IncidentEntries {
  const radius = new Radius(images);
  const known = new Set(iocs.incidents.map((i) => i.id));
  const extra = new Set<string>(extraWindows.map((w) => w.source).filter((id) => !known.has(id)));
  for (const img of images) for (const x of [...img.matches, ...img.windows]) if (!known.has(x.incident) && x.incident !== EVERY_INCIDENT) extra.add(x.incident);
  const others = [...extra].sort(byText).map((id) => fromElsewhere(id, images, radius, extraWindows));
  if (!isBulk(iocs.incidents.length)) return { incidents: [...iocs.incidents.map((inc) => fromIoc(inc, radius)), ...others] };
  const listed: ReportIncident[] = [];
  const ids: string[] = [];
  for (const inc of iocs.incidents) {
    if (radius.names(inc.id)) listed.push(fromIoc(inc, radius));
    else ids.push(inc.id);
  }
  const unknown = radius.forAll.map((i) => uncheckedHit(images[i]!, EVERY_INCIDENT)!);
  return { incidents: [...listed, ...others], unlisted: { ids, unknown } };
}
