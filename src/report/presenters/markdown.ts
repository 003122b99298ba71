// The incident document: headline, one section per incident with evidence tables, then what could not be checked.
import type { IncidentHit, Report, ReportIncident } from '../../model/report.js';
import { createdLabel, evidenceLabel, headline, imageWhy, refLabel, shortDigest, windowLabel, findingLabel } from '../describe.js';
import type { ImageResult } from '../../model/finding.js';
import { imageOf, incidentsShown, unknownParts, workloadLabel, type QuietIncidents } from './lookup.js';
import type { Presenter } from './presenter.js';

/** Text safe inside a table cell or a line: a `|` would end the cell, `<` could open HTML, a newline the row. */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/`/g, '\\`')
    .replace(/</g, '&lt;')
    .replace(/\r?\n/g, ' ');
}

/** A code span long enough to hold any backticks inside; it also stops C2 addresses becoming live links. */
export function code(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${s.replace(/\r?\n/g, ' ')} ${fence}` : `${fence}${s.replace(/\r?\n/g, ' ')}${fence}`;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function digestCell(d: string | undefined): string {
  return d ? code(shortDigest(d)) : '-';
}

function affectedRows(report: Report, hit: IncidentHit): string[][] {
  const img = imageOf(report, hit);
  const evidence = escapeMarkdown(evidenceLabel(img?.source));
  const runs = escapeMarkdown((img?.workloads ?? []).map(workloadLabel).join('; ') || '-');
  return hit.packages.map((p) => [
    escapeMarkdown(refLabel(hit)),
    digestCell(hit.digest),
    escapeMarkdown(`${findingLabel(p)}${p.via ? ` (via ${p.via.join(' > ')})` : ''}${p.detail && p.ecosystem === 'image' ? `: ${p.detail}` : ''}`),
    escapeMarkdown(p.paths.join(', ') || 'unknown'),
    evidence,
    runs,
  ]);
}

function incidentSection(report: Report, inc: ReportIncident): string[] {
  const parts = [`## Incident ${code(inc.id)}${inc.title !== inc.id ? `: ${escapeMarkdown(inc.title)}` : ''}`];
  const facts = [
    ...inc.windows.map((w) => `- **Window:** ${windowLabel(w)}`),
    ...(inc.aliases.length > 0 ? [`- **Aliases:** ${inc.aliases.map(escapeMarkdown).join(', ')}`] : []),
    ...(inc.references.length > 0 ? [`- **References:** ${inc.references.map(escapeMarkdown).join(', ')}`] : []),
    ...(inc.indicators.length > 0 ? [`- **Indicators:** ${inc.indicators.map(code).join(', ')}`] : []),
  ];
  if (facts.length > 0) parts.push(facts.join('\n'));
  if (inc.notes) parts.push(`> ${escapeMarkdown(inc.notes)}`);
  if (inc.affected.length > 0) {
    const rows = inc.affected.flatMap((hit) => affectedRows(report, hit));
    parts.push(`### Affected (${inc.affected.length})`, table(['Image', 'Digest', 'Package', 'Paths', 'Evidence', 'Runs in'], rows));
  }
  if (inc.suspect.length > 0) {
    const rows = inc.suspect.map((hit) => [escapeMarkdown(refLabel(hit)), digestCell(hit.digest), escapeMarkdown(hit.why), escapeMarkdown(evidenceLabel(imageOf(report, hit)?.source))]);
    parts.push(`### Suspect (${inc.suspect.length})`, table(['Image', 'Digest', 'Why', 'Evidence'], rows));
  }
  if (inc.acknowledged.length > 0) {
    const rows = inc.acknowledged.map((hit) => {
      const a = hit.acknowledgement;
      return [escapeMarkdown(refLabel(hit)), digestCell(hit.digest), escapeMarkdown(a?.was ?? ''), escapeMarkdown(hit.why), escapeMarkdown(a ? `${a.who}${a.expires ? ` until ${a.expires}` : ''}: ${a.reason}` : ''), escapeMarkdown(a?.source ?? '')];
    });
    parts.push(`### Acknowledged (${inc.acknowledged.length})`, table(['Image', 'Digest', 'Was', 'Why', 'Acknowledged by', 'Source'], rows));
  }
  if (inc.affected.length + inc.suspect.length + inc.acknowledged.length === 0) parts.push(inc.unknown.length > 0 ? 'No affected or suspect images among those checked.' : 'No affected or suspect images.');
  const { partial, unread } = unknownParts(report, inc);
  return [...parts, ...notCheckedParts(report, partial, unread, 'this incident')];
}

/** The images not checked for an incident (or a block of them), as a table, and how many could not be read at all. */
function notCheckedParts(report: Report, partial: readonly IncidentHit[], unread: number, what: string): string[] {
  const parts: string[] = [];
  if (partial.length > 0) {
    const rows = partial.map((hit) => [escapeMarkdown(refLabel(hit)), digestCell(hit.digest), escapeMarkdown(hit.why), escapeMarkdown(evidenceLabel(imageOf(report, hit)?.source))]);
    parts.push(`### Not checked for ${what} (${partial.length})`, table(['Image', 'Digest', 'Why', 'Evidence'], rows));
  }
  if (unread > 0) parts.push(`${unread} image${unread === 1 ? '' : 's'} could not be read at all: unknown for ${what} too (see Unknown).`);
  return parts;
}

function unknownSection(report: Report): string[] {
  const unknown = report.images.filter((i) => i.verdict === 'unknown');
  if (unknown.length === 0) return [];
  const rows = unknown.map((img) => [escapeMarkdown(refLabel(img)), digestCell(img.digest), escapeMarkdown(imageWhy(img)), escapeMarkdown(evidenceLabel(img.source))]);
  return [
    `## Could not check (${unknown.length})`,
    'Unknown is not clean: these images need a look before the incident can be closed.',
    table(['Image', 'Digest', 'Why', 'Evidence'], rows),
  ];
}

function imagesSection(report: Report): string[] {
  if (report.images.length === 0) return [];
  const rows = report.images.map((img) => [
    img.verdict === 'affected' ? '**AFFECTED**' : img.verdict.toUpperCase(),
    escapeMarkdown(refLabel(img)),
    digestCell(img.digest),
    escapeMarkdown(createdLabel(img.created)),
    escapeMarkdown(evidenceLabel(img.source)),
    String(img.packageCount),
  ]);
  return ['## All images', table(['Verdict', 'Image', 'Digest', 'Created', 'Source', 'Packages'], rows)];
}

function decided(img: ImageResult, s: NonNullable<NonNullable<ImageResult['created']>['sources']>[number]): boolean {
  const c = img.created!;
  return s.kind === 'push' ? s.value === c.pushed && s.source === c.pushedSource : c.reliable && s.value === c.value && s.source === c.source;
}

/** Every time source of the images that have more than their config's, the deciding one in bold. */
function buildTimesSection(report: Report): string[] {
  const shown = report.images.filter((img) => img.created?.pushed || img.created?.note || (img.created?.sources?.length ?? 0) > 1);
  if (shown.length === 0) return [];
  const rows = shown.flatMap((img) =>
    (img.created?.sources ?? []).map((s) => [
      escapeMarkdown(refLabel(img)),
      decided(img, s) ? `**${escapeMarkdown(s.source)}**` : escapeMarkdown(s.source),
      escapeMarkdown(s.value),
      s.reliable ? 'yes' : escapeMarkdown(`no${s.note ? `: ${s.note}` : ''}`),
    ]),
  );
  return ['## Build times', 'The deciding source is in bold; a push time bounds the build from above.', table(['Image', 'Source', 'Time', 'Trusted'], rows)];
}

/** The incidents with nothing of their own, in one section: how many, and what is unknown for all of them. */
function quietSection(report: Report, q: QuietIncidents | undefined): string[] {
  if (!q) return [];
  const parts = [`## ${q.count} other incident${q.count === 1 ? '' : 's'} hunted`, `Ids in the JSON report. ${q.unread + q.partial.length > 0 ? 'No affected or suspect images among those checked.' : 'No affected or suspect images.'}`];
  return [...parts, ...notCheckedParts(report, q.partial, q.unread, 'these incidents')];
}

function listSection(title: string, items: readonly string[]): string[] {
  return items.length === 0 ? [] : [title, items.map((s) => `- ${escapeMarkdown(s)}`).join('\n')];
}

export const markdownPresenter: Presenter = (report, out) => {
  const { shown, quiet } = incidentsShown(report);
  const parts = [
    '# sbom-hunt report',
    `**${escapeMarkdown(headline(report.summary))}**`,
    `Generated ${report.generatedAt} by ${report.tool.name} ${report.tool.version} (report schema ${report.schemaVersion}).`,
    ...shown.flatMap((inc) => incidentSection(report, inc)),
    ...quietSection(report, quiet),
    ...unknownSection(report),
    ...listSection('## Scan problems', report.errors),
    ...imagesSection(report),
    ...buildTimesSection(report),
    ...listSection('## Notes', report.notes),
  ];
  out.write(parts.join('\n\n') + '\n');
};
