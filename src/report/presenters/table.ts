// The terminal report: headline, per-incident blast radius, what could not be checked, then every image; fitted to
// the terminal's width when it has one (fit.ts), never cutting a verdict, an image ref or a package.
import type { ChalkInstance } from 'chalk';
import type { ImageResult } from '../../model/finding.js';
import type { IncidentHit, Report, ReportIncident } from '../../model/report.js';
import { ackLabel, createdLabel, digestOf, evidenceLabel, findingSubject, headline, imageWhy, MATCH_KIND_LABELS, refLabel, shortDigest, timeSourcesLabel, windowLabel } from '../describe.js';
import { displayWidth, fitLine, fitText, type Seg } from './fit.js';
import { firstFew, imageOf, incidentsShown, unknownParts, workloadLabel, type QuietIncidents } from './lookup.js';
import { alignColumns, paint, verdictWord, type Presenter } from './presenter.js';

const INDENT = '      ';
const HANG = `${INDENT}  `;
const VERDICT_WIDTH = 'AFFECTED'.length;

interface Ctx {
  c: ChalkInstance;
  report: Report;
  width: number | undefined;
}

/** ` (describes registry.example.com/shop/web:1.4.2 sha256:0cf0a71d236e)` after an SBOM file's path. */
function described(x: Parameters<typeof refLabel>[0]): string {
  return refLabel(x, true).slice(x.ref.length);
}

/** `  VERDICT  ref (describes …)  digest  (evidence)`: verdict, ref and digest whole, the rest wraps under them. */
function headLine(x: Ctx, verdict: ImageResult['verdict'], item: { ref: string; digest?: string | undefined; describes?: ImageResult['describes'] }, tail: string): string[] {
  const segs: Seg[] = [
    { text: verdictWord(x.c, verdict, VERDICT_WIDTH), keep: true },
    { text: '  ' },
    { text: item.ref, keep: true, style: x.c.bold },
    { text: described(item) },
    { text: '  ' },
    { text: shortDigest(digestOf(item)), keep: true },
    ...(tail ? [{ text: `  ${tail}` }] : []),
  ];
  return fitLine(segs, x.width, '  ', INDENT);
}

function workloadLines(x: Ctx, img: ImageResult | undefined): string[] {
  const { shown, more } = firstFew(img?.workloads ?? [], 5);
  const lines = shown.flatMap((w) => fitText(`runs in ${workloadLabel(w)}`, x.width, INDENT, HANG));
  if (more > 0) lines.push(`${INDENT}runs in ${more} more workloads`);
  return lines;
}

function hitLines(x: Ctx, hit: IncidentHit, kind: 'affected' | 'suspect' | 'acknowledged'): string[] {
  const img = imageOf(x.report, hit);
  const lines = headLine(x, kind, hit, `(${evidenceLabel(img?.source)})`);
  if (kind === 'acknowledged' && hit.acknowledgement) lines.push(...fitText(ackLabel(hit.acknowledgement), x.width, INDENT, HANG), ...fitText(hit.why, x.width, INDENT, HANG));
  if (kind === 'suspect') lines.push(...fitText(hit.why, x.width, INDENT, HANG));
  for (const p of kind === 'affected' ? hit.packages : []) {
    const { shown, more } = firstFew(p.paths, 3);
    // A file finding's name is its path, and an image finding has none: neither repeats it.
    const where = p.ecosystem === 'file' || p.ecosystem === 'image' ? '' : shown.length > 0 ? `  ${shown.join(', ')}${more > 0 ? ` (+${more} more)` : ''}` : '  (path unknown)';
    const via = p.via ? `  via ${p.via.join(' > ')}` : '';
    const kind = p.matchKind ? ` [${MATCH_KIND_LABELS[p.matchKind]}]` : '';
    const detail = p.detail && p.ecosystem === 'image' ? `  ${p.detail}` : '';
    const subject = findingSubject(p).slice(p.ecosystem.length + 1);
    lines.push(...fitLine([{ text: `${p.ecosystem} ` }, { text: subject, keep: true, style: x.c.bold }, { text: `${kind}${where}${via}${detail}` }], x.width, INDENT, HANG));
  }
  // Which platforms carry it decides which nodes to look at; only worth a line when there is a choice.
  if (img && img.platforms.length > 1) lines.push(...fitText(`platforms: ${img.platforms.map((p, i) => `${p.platform ?? `#${i + 1}`} ${p.verdict}`).join(', ')}`, x.width, INDENT, HANG));
  return [...lines, ...workloadLines(x, img)];
}

function incidentLines(x: Ctx, inc: ReportIncident): string[] {
  const title = `Incident ${inc.id}${inc.title !== inc.id ? ` — ${inc.title}` : ''}`;
  const lines = fitLine([{ text: title, style: x.c.bold }], x.width, '', '  ');
  for (const w of inc.windows) lines.push(...fitText(`window ${windowLabel(w)}`, x.width, '  ', '    '));
  for (const hit of inc.affected) lines.push(...hitLines(x, hit, 'affected'));
  for (const hit of inc.suspect) lines.push(...hitLines(x, hit, 'suspect'));
  for (const hit of inc.acknowledged) lines.push(...hitLines(x, hit, 'acknowledged'));
  // Images affected or suspect for another incident but blind to this one, each with why; the unread ones, counted
  // (each is under "Unknown" below with its reason): an incident with none found is not one with none checked.
  const { partial, unread } = unknownParts(x.report, inc);
  if (inc.affected.length + inc.suspect.length + inc.acknowledged.length === 0) lines.push(...noneLines(x, inc.unknown.length > 0));
  return [...lines, ...notCheckedLines(x, partial, unread, 'this incident')];
}

function noneLines(x: Ctx, someUnknown: boolean): string[] {
  return fitText(someUnknown ? 'no affected or suspect images among those checked' : 'no affected or suspect images', x.width, '  ', '    ');
}

/** The images not checked for an incident (or a block of them), each with why, and how many could not be read at all. */
function notCheckedLines(x: Ctx, partial: readonly IncidentHit[], unread: number, what: string): string[] {
  const lines: string[] = [];
  for (const hit of partial) {
    const img = imageOf(x.report, hit);
    lines.push(...headLine(x, 'unknown', hit, `(${evidenceLabel(img?.source)})`), ...fitText(hit.why, x.width, INDENT, HANG), ...workloadLines(x, img));
  }
  if (unread > 0) lines.push(...fitText(`${unread} image${unread === 1 ? '' : 's'} could not be read at all: unknown for ${what} too (listed under Unknown)`, x.width, '  ', '    '));
  return lines;
}

/** The incidents with nothing of their own, in one block: how many, and what is unknown for all of them. */
function quietLines(x: Ctx, q: QuietIncidents | undefined): string[] {
  if (!q) return [];
  const lines = fitLine([{ text: `${q.count} other incident${q.count === 1 ? '' : 's'} hunted (ids in the JSON report)`, style: x.c.bold }], x.width, '', '  ');
  return [...lines, ...noneLines(x, q.unread + q.partial.length > 0), ...notCheckedLines(x, q.partial, q.unread, 'these incidents')];
}

/** Each unknown with its reason (the cause first: see judgeImage) and the workloads that run it: the teams to chase. */
function unknownLines(x: Ctx): string[] {
  const unknown = x.report.images.filter((i) => i.verdict === 'unknown');
  if (unknown.length === 0) return [];
  const noun = unknown.length === 1 ? 'image' : 'images';
  const lines = fitLine([{ text: `Could not check ${unknown.length} ${noun} (unknown is not clean):`, style: x.c.bold }], x.width, '', '  ');
  for (const img of unknown) lines.push(...headLine(x, 'unknown', img, ''), ...fitText(imageWhy(img), x.width, INDENT, HANG), ...workloadLines(x, img));
  return lines;
}

function imageCells(img: ImageResult, withWorkloads: boolean): string[] {
  const runs = img.workloads.length === 0 ? '-' : `${img.workloads.length} workload${img.workloads.length === 1 ? '' : 's'}`;
  return [refLabel(img, true), shortDigest(digestOf(img)), createdLabel(img.created), img.source?.kind ?? 'none', String(img.packageCount), ...(withWorkloads ? [runs] : [])];
}

/** A table when it fits the width; else one entry per image: verdict and ref, then the other columns wrapped below. */
function imageTableLines(x: Ctx): string[] {
  const { c, report } = x;
  if (report.images.length === 0) return [];
  const withWorkloads = report.images.some((img) => img.workloads.length > 0);
  const header = ['IMAGE', 'DIGEST', 'CREATED', 'SOURCE', 'PACKAGES', ...(withWorkloads ? ['RUNS IN'] : [])];
  const aligned = alignColumns([header, ...report.images.map((img) => imageCells(img, withWorkloads))]);
  const vw = Math.max(VERDICT_WIDTH, ...report.images.map((img) => img.verdict.length));
  const fits = x.width === undefined || aligned.every((l) => vw + 2 + displayWidth(l) <= x.width!);
  if (fits) {
    const verdicts = ['VERDICT'.padEnd(vw), ...report.images.map((img) => verdictWord(c, img.verdict, vw))];
    return [c.bold('All images:'), ...aligned.map((line, i) => `${verdicts[i]}  ${line}`)];
  }
  const entry = (img: ImageResult) => {
    const [ref, digest, created, source, count, runs] = imageCells(img, withWorkloads);
    const head = fitLine([{ text: verdictWord(c, img.verdict, VERDICT_WIDTH), keep: true }, { text: '  ' }, { text: img.ref, keep: true }, { text: ref!.slice(img.ref.length) }], x.width, '', ' '.repeat(VERDICT_WIDTH + 2));
    const rest = [digest === '-' ? 'no digest' : `digest ${digest}`, `created ${created}`, `source ${source}`, `${count} packages`, ...(runs && runs !== '-' ? [`runs in ${runs}`] : [])].join(' · ');
    return [...head, ...fitText(rest, x.width, ' '.repeat(VERDICT_WIDTH + 2))];
  };
  return [c.bold('All images:'), ...report.images.flatMap(entry)];
}

/** Images whose build time came from more than their config (a push time, provenance, a note): each source, the deciding one marked. */
function buildTimeLines(x: Ctx): string[] {
  const shown = x.report.images.filter((img) => img.created?.pushed || img.created?.note || (img.created?.sources?.length ?? 0) > 1);
  if (shown.length === 0) return [];
  return [
    x.c.bold('Build times:'),
    ...shown.flatMap((img) => [...fitLine([{ text: refLabel(img, true), keep: true }], x.width, '  '), ...timeSourcesLabel(img.created).flatMap((l) => fitText(l, x.width, INDENT, HANG))]),
  ];
}

function listSection(x: Ctx, title: string, items: readonly string[]): string[] {
  return items.length === 0 ? [] : [x.c.bold(title), ...items.flatMap((s) => fitText(s, x.width, '  ', '    '))];
}

/** `quiet` keeps what needs action (headline, blast radius, unknowns, scan problems) and drops the rest. */
export const tablePresenter: Presenter = (report, out, opts) => {
  const x: Ctx = { c: paint(opts.color), report, width: opts.width };
  const { shown, quiet } = incidentsShown(report);
  const sections = [
    fitLine([{ text: `sbom-hunt ${report.tool.version} — ${headline(report.summary)}`, style: x.c.bold }], x.width, '', '  '),
    ...shown.map((inc) => incidentLines(x, inc)),
    quietLines(x, quiet),
    unknownLines(x),
    listSection(x, 'Scan problems:', report.errors),
    opts.quiet ? [] : imageTableLines(x),
    opts.quiet ? [] : buildTimeLines(x),
    opts.quiet ? [] : listSection(x, 'Notes:', report.notes),
  ].filter((s) => s.length > 0);
  out.write(sections.map((s) => s.join('\n')).join('\n\n') + '\n');
};
