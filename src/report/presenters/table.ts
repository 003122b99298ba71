// The terminal report: headline, per-incident blast radius, what could not be checked, then every image.
import type { ChalkInstance } from 'chalk';
import type { IncidentHit, Report, ReportIncident } from '../../model/report.js';
import { createdLabel, evidenceLabel, headline, imageWhy, refLabel, shortDigest, timeSourcesLabel, windowLabel } from '../describe.js';
import { firstFew, imageOf, workloadLabel } from './lookup.js';
import { alignColumns, paint, verdictWord, type Presenter } from './presenter.js';

const INDENT = '      ';
const VERDICT_WIDTH = 'AFFECTED'.length;

/** ` (describes registry.example.com/shop/web:1.4.2 sha256:0cf0a71d236e)` after an SBOM file's path. */
function described(x: Parameters<typeof refLabel>[0]): string {
  return refLabel(x, true).slice(x.ref.length);
}

function hitLines(c: ChalkInstance, report: Report, hit: IncidentHit, kind: 'affected' | 'suspect'): string[] {
  const img = imageOf(report, hit);
  const lines = [`  ${verdictWord(c, kind, VERDICT_WIDTH)}  ${c.bold(hit.ref)}${described(hit)}  ${shortDigest(hit.digest)}  (${evidenceLabel(img?.source)})`];
  if (kind === 'suspect') lines.push(`${INDENT}${hit.why}`);
  for (const p of kind === 'affected' ? hit.packages : []) {
    const { shown, more } = firstFew(p.paths, 3);
    const where = shown.length > 0 ? `  ${shown.join(', ')}${more > 0 ? ` (+${more} more)` : ''}` : '  (path unknown)';
    const via = p.via ? `  via ${p.via.join(' > ')}` : '';
    lines.push(`${INDENT}${p.ecosystem} ${c.bold(`${p.name}@${p.version}`)}${where}${via}`);
  }
  // Which platforms carry it decides which nodes to look at; only worth a line when there is a choice.
  if (img && img.platforms.length > 1) lines.push(`${INDENT}platforms: ${img.platforms.map((p, i) => `${p.platform ?? `#${i + 1}`} ${p.verdict}`).join(', ')}`);
  const { shown, more } = firstFew(img?.workloads ?? [], 5);
  for (const w of shown) lines.push(`${INDENT}runs in ${workloadLabel(w)}`);
  if (more > 0) lines.push(`${INDENT}runs in ${more} more workloads`);
  return lines;
}

function incidentLines(c: ChalkInstance, report: Report, inc: ReportIncident): string[] {
  const lines = [c.bold(`Incident ${inc.id}${inc.title !== inc.id ? ` — ${inc.title}` : ''}`)];
  for (const w of inc.windows) lines.push(`  window ${windowLabel(w)}`);
  for (const hit of inc.affected) lines.push(...hitLines(c, report, hit, 'affected'));
  for (const hit of inc.suspect) lines.push(...hitLines(c, report, hit, 'suspect'));
  if (inc.affected.length + inc.suspect.length === 0) lines.push('  no affected or suspect images');
  return lines;
}

function unknownLines(c: ChalkInstance, report: Report): string[] {
  const unknown = report.images.filter((i) => i.verdict === 'unknown');
  if (unknown.length === 0) return [];
  const noun = unknown.length === 1 ? 'image' : 'images';
  const lines = [c.bold(`Could not check ${unknown.length} ${noun} (unknown is not clean):`)];
  for (const img of unknown) {
    lines.push(`  ${verdictWord(c, 'unknown', VERDICT_WIDTH)}  ${c.bold(img.ref)}${described(img)}  ${shortDigest(img.digest)}`);
    lines.push(`${INDENT}${imageWhy(img)}`);
  }
  return lines;
}

function imageTableLines(c: ChalkInstance, report: Report): string[] {
  if (report.images.length === 0) return [];
  const rows = [
    ['IMAGE', 'DIGEST', 'CREATED', 'SOURCE', 'PACKAGES'],
    ...report.images.map((img) => [refLabel(img, true), shortDigest(img.digest), createdLabel(img.created), img.source?.kind ?? 'none', String(img.packageCount)]),
  ];
  const aligned = alignColumns(rows);
  const verdicts = ['VERDICT'.padEnd(VERDICT_WIDTH), ...report.images.map((img) => verdictWord(c, img.verdict, VERDICT_WIDTH))];
  return [c.bold('All images:'), ...aligned.map((line, i) => `${verdicts[i]}  ${line}`)];
}

/** Images whose build time came from more than their config (a push time, provenance, a note): each source, the deciding one marked. */
function buildTimeLines(c: ChalkInstance, report: Report): string[] {
  const shown = report.images.filter((img) => img.created?.pushed || img.created?.note || (img.created?.sources?.length ?? 0) > 1);
  if (shown.length === 0) return [];
  return [c.bold('Build times:'), ...shown.flatMap((img) => [`  ${refLabel(img, true)}`, ...timeSourcesLabel(img.created).map((l) => `${INDENT}${l}`)])];
}

function listSection(c: ChalkInstance, title: string, items: readonly string[]): string[] {
  return items.length === 0 ? [] : [c.bold(title), ...items.map((s) => `  ${s}`)];
}

/** `quiet` keeps what needs action (headline, blast radius, unknowns, scan problems) and drops the rest. */
export const tablePresenter: Presenter = (report, out, opts) => {
  const c = paint(opts.color);
  const sections = [
    [c.bold(`sbom-hunt ${report.tool.version} — ${headline(report.summary)}`)],
    ...report.incidents.map((inc) => incidentLines(c, report, inc)),
    unknownLines(c, report),
    listSection(c, 'Scan problems:', report.errors),
    opts.quiet ? [] : imageTableLines(c, report),
    opts.quiet ? [] : buildTimeLines(c, report),
    opts.quiet ? [] : listSection(c, 'Notes:', report.notes),
  ].filter((s) => s.length > 0);
  out.write(sections.map((s) => s.join('\n')).join('\n\n') + '\n');
};
