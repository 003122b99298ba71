// `report merge`: the JSON reports of shards (or of several runs) joined into one, as one run would have written it.
import type { ImageResult } from '../model/finding.js';
import type { Incident, IocSet, TimeWindow } from '../model/ioc.js';
import type { Report, ReportIncident } from '../model/report.js';
import { buildReport } from './build.js';

function windowsOf(ws: readonly { start: string; end: string; source?: string }[], source: string): TimeWindow[] {
  return ws.map((w) => ({ start: new Date(w.start), end: new Date(w.end), source: w.source ?? source }));
}

/** The incidents as the IOC files named them; the blast radius itself is recomputed from the images. */
function incidentOf(inc: ReportIncident): Incident {
  return {
    id: inc.id,
    title: inc.title,
    references: inc.references,
    aliases: inc.aliases,
    windows: windowsOf(inc.windows, inc.id),
    packages: [],
    indicators: inc.indicators,
    ...(inc.notes ? { notes: inc.notes } : {}),
    file: '',
  };
}

/** An incident a bulk report hunted but did not list (src/model/bulk.ts): its id is all the report kept. */
function unlistedIncident(id: string): Incident {
  return { id, title: id, references: [], aliases: [], windows: [], packages: [], indicators: [], file: '' };
}

/** Images seen by two reports (the same digest in two shards' inventories) are kept once. */
function imageKey(img: ImageResult): string {
  return img.digest ? `${img.ref.split('@')[0]}@${img.digest}` : img.ref;
}

export interface MergeInput {
  report: Report;
  /** Where it was read from, to name it when shards are missing or given twice. */
  file: string;
}

/** An unknown entry of its own for a shard that is missing, doubled or of another split: the merge is incomplete. */
function shardGap(ref: string, reason: string): ImageResult {
  return { kind: 'source', ref, verdict: 'unknown', reasons: [reason], packageCount: 0, windows: [], matches: [], platforms: [], workloads: [] };
}

/** Shard reports say which INDEX/COUNT they cover: every index of the split must come exactly once. */
export function shardGaps(inputs: readonly MergeInput[]): ImageResult[] {
  const sharded = inputs.filter((i) => i.report.shard);
  if (sharded.length === 0) return [];
  const label = (i: MergeInput) => `${i.file} (${i.report.shard!.index}/${i.report.shard!.count})`;
  const counts = [...new Set(sharded.map((i) => i.report.shard!.count))];
  if (counts.length > 1) return [shardGap('shards', `shard reports of different splits (${sharded.map(label).join(', ')}): merge the reports of one --shard run`)];
  const count = counts[0]!;
  const gaps: ImageResult[] = [];
  for (let index = 0; index < count; index++) {
    const files = sharded.filter((i) => i.report.shard!.index === index).map((i) => i.file);
    if (files.length === 0) gaps.push(shardGap(`shard ${index}/${count}`, `no report for shard ${index}/${count}: its images were not checked`));
    else if (files.length > 1) gaps.push(shardGap(`shard ${index}/${count}`, `shard ${index}/${count} given ${files.length} times (${files.join(', ')}): the merge cannot tell which run is current`));
  }
  return gaps;
}

export function mergeReports(inputs: readonly MergeInput[], meta: { version: string; generatedAt: Date }): Report {
  const reports = inputs.map((i) => i.report);
  const images = new Map<string, ImageResult>();
  for (const gap of shardGaps(inputs)) images.set(`\0${gap.ref}`, gap);
  const incidents = new Map<string, Incident>();
  // --window entries are listed as incidents too; they come back through meta.windows, not as IOC incidents.
  const extraIds = new Set(reports.flatMap((r) => r.windows.map((w) => w.source)));
  const extraWindows = new Map<string, TimeWindow>();
  for (const r of reports) {
    for (const img of r.images) if (!images.has(imageKey(img))) images.set(imageKey(img), img as ImageResult);
    for (const inc of r.incidents) if (!incidents.has(inc.id) && !extraIds.has(inc.id)) incidents.set(inc.id, incidentOf(inc));
    for (const w of windowsOf(r.windows, '--window')) extraWindows.set(`${w.source}\0${w.start.toISOString()}\0${w.end.toISOString()}`, w);
  }
  // A bulk report's unlisted incidents were hunted too: named by id alone, after those some report lists in full.
  for (const r of reports) for (const id of r.unlisted?.ids ?? []) if (!incidents.has(id) && !extraIds.has(id)) incidents.set(id, unlistedIncident(id));
  const iocs: IocSet = { incidents: [...incidents.values()], files: [] };
  return buildReport([...images.values()], iocs, {
    ...meta,
    errors: [...new Set(reports.flatMap((r) => r.errors))],
    notes: [...new Set(reports.flatMap((r) => r.notes))],
    windows: [...extraWindows.values()],
  });
}
