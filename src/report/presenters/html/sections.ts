// The HTML report's sections: headlines, each incident's blast radius by cluster and namespace, unknowns, all images.
import type { ImageResult, Workload } from '../../../model/finding.js';
import type { IncidentHit, Report, ReportIncident } from '../../../model/report.js';
import type { Verdict } from '../../../model/verdict.js';
import { createdLabel, describedLabel, evidenceLabel, shortDigest, timeSourcesLabel, windowLabel, findingLabel } from '../../describe.js';
import { imageOf, incidentsShown, unknownParts, type QuietIncidents } from '../lookup.js';
import { esc, escPath, link } from './escape.js';

const NO_CLUSTER = 'not found in a cluster (SBOM files or image lists)';

export function verdictBadge(v: Verdict): string {
  return `<span class="v v-${v}">${v.toUpperCase()}</span>`;
}

/** The image an SBOM file describes, under its path. */
function describedCell(x: Pick<IncidentHit, 'describes'>): string {
  const d = describedLabel(x.describes);
  return d ? `<br><span class="muted describes">describes <code>${esc(d)}</code></span>` : '';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function workloadCount(report: Report, hits: readonly IncidentHit[]): number {
  return hits.reduce((n, h) => n + (imageOf(report, h)?.workloads.length ?? 0), 0);
}

/** One line per incident: what the on-call person reads first. */
/**
 * What a headline counts: workloads when a cluster says what runs the images, else the images themselves, so a
 * fleet of SBOM files with 2 affected reads "2 images affected", never "0 workloads affected".
 */
function hitCount(report: Report, hits: readonly IncidentHit[]): string {
  const w = workloadCount(report, hits);
  return w > 0 ? `${plural(w, 'workload')} (${plural(hits.length, 'image')})` : plural(hits.length, 'image');
}

export function headlines(report: Report): string {
  const { coverage } = report.summary;
  const { shown, quiet } = incidentsShown(report);
  const items = shown.map((inc) => {
    // Unknown for this incident: the unread images and those not checked for it (an SBOM listing no files).
    const text = `${inc.id}: ${hitCount(report, inc.affected)} affected, ${hitCount(report, inc.suspect)} suspect, ${hitCount(report, inc.unknown)} unknown, coverage ${coverage.percent}% (${coverage.checked}/${coverage.total})`;
    return `<li class="${inc.affected.length > 0 ? 'has-affected' : ''}" data-incident="${esc(inc.id)}">${esc(text)}</li>`;
  });
  if (quiet) items.push(`<li>${esc(`${plural(quiet.count, 'other incident')}: 0 affected, 0 suspect, ${plural(quiet.unread + quiet.partial.length, 'image')} unknown`)}</li>`);
  return `<ul class="headlines">${items.join('')}</ul>`;
}

function packagesCell(hit: IncidentHit): string {
  if (hit.packages.length === 0) return '<span class="muted">none: built inside the window</span>';
  return hit.packages
    .map((p) => {
      const detail = p.detail && p.ecosystem === 'image' ? `<br><span class="muted">${esc(p.detail)}</span>` : '';
      const paths = p.ecosystem === 'file' ? [] : p.paths;
      return `<div><code>${esc(findingLabel(p))}</code>${paths.map((x) => `<br><code class="muted">${escPath(x)}</code>`).join('')}${detail}</div>`;
    })
    .join('');
}

interface Row {
  hit: IncidentHit;
  verdict: 'affected' | 'suspect' | 'unknown';
  workload?: Workload;
  img?: ImageResult;
}

function groupRows(report: Report, inc: ReportIncident): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  const add = (key: string, row: Row) => groups.set(key, [...(groups.get(key) ?? []), row]);
  // Unknown rows are the images checked for other incidents but not this one; the unread ones have their own section.
  const { partial } = unknownParts(report, inc);
  for (const [verdict, hits] of [['affected', inc.affected], ['suspect', inc.suspect], ['unknown', partial]] as const) {
    for (const hit of hits) {
      const img = imageOf(report, hit);
      const base = { hit, verdict, ...(img ? { img } : {}) };
      if (!img || img.workloads.length === 0) add(NO_CLUSTER, base);
      for (const w of img?.workloads ?? []) add(`cluster ${w.context}, namespace ${w.namespace}`, { ...base, workload: w });
    }
  }
  return new Map([...groups].sort(([a], [b]) => (a === NO_CLUSTER ? 1 : b === NO_CLUSTER ? -1 : a.localeCompare(b))));
}

function hitRow(r: Row): string {
  const w = r.workload ? `${esc(`${r.workload.kind}/${r.workload.name}`)}<br><span class="muted">container ${esc(r.workload.container)}, ${r.workload.pods} pods</span>` : '<span class="muted">-</span>';
  const built = r.img ? esc(createdLabel(r.img.created)) : '-';
  return `<tr data-verdict="${r.verdict}"><td>${verdictBadge(r.verdict)}</td><td>${w}</td><td><code>${escPath(r.hit.ref)}</code>${describedCell(r.hit)}<br><code class="muted">${esc(shortDigest(r.hit.digest))}</code></td><td>${r.verdict === 'unknown' ? '<span class="muted">not checked</span>' : packagesCell(r.hit)}</td><td>${esc(r.hit.why)}<br><span class="muted">built ${built}</span></td></tr>`;
}

export function incidentSection(report: Report, inc: ReportIncident, timeline: string): string {
  const windows = inc.windows.map((w) => esc(windowLabel(w))).join('; ') || 'none declared';
  const refs = inc.references.map((r) => `<li>${link(r)}</li>`).join('');
  const groups = [...groupRows(report, inc)].map(
    ([key, rows]) => `<h3>${esc(key)}</h3><table><thead><tr><th scope="col">verdict</th><th scope="col">workload</th><th scope="col">image</th><th scope="col">packages and paths</th><th scope="col">why</th></tr></thead><tbody>${rows.map(hitRow).join('')}</tbody></table>`,
  );
  return `<section aria-labelledby="inc-${esc(inc.id)}"><h2 id="inc-${esc(inc.id)}">${esc(inc.id)}: ${esc(inc.title)}</h2>
<p>Compromise window: ${windows}. ${inc.notes ? esc(inc.notes) : ''}</p>${refs ? `<ul>${refs}</ul>` : ''}
${groups.length > 0 ? groups.join('') : '<p>No image is affected or suspect for this incident.</p>'}${unreadLine(report, inc)}
${timeline}<p class="legend">Marks: ▲ affected, ◆ suspect, ■ unknown, ● clean. ◀ N and N ▶ count images built before or after the period shown.</p></section>`;
}

/** The images nobody could read count for every incident: said under each one, listed once in the unknown section. */
function unreadLine(report: Report, inc: ReportIncident): string {
  const { unread } = unknownParts(report, inc);
  return unread > 0 ? `<p>${esc(plural(unread, 'image'))} could not be read at all: unknown for this incident too (see Unknown).</p>` : '';
}

/** The incidents with nothing of their own (src/report/presenters/lookup.ts incidentsShown), as one section. */
export function quietSection(report: Report, q: QuietIncidents | undefined): string {
  if (!q) return '';
  const partial = q.partial.map((hit) => `<li><code>${escPath(hit.ref)}</code> <code class="muted">${esc(shortDigest(hit.digest))}</code>: ${esc(hit.why)}</li>`).join('');
  const checked = q.unread + q.partial.length > 0 ? 'No image among those checked is affected or suspect for any of them.' : 'No image is affected or suspect for any of them.';
  return `<section aria-labelledby="quiet"><h2 id="quiet">${esc(plural(q.count, 'other incident'))} hunted</h2><p>Ids in the JSON report. ${checked}</p>${partial ? `<p>Not fully checked for these incidents:</p><ul>${partial}</ul>` : ''}${q.unread > 0 ? `<p>${esc(plural(q.unread, 'image'))} could not be read at all: unknown for these incidents too (see Unknown).</p>` : ''}</section>`;
}

export function unknownSection(report: Report): string {
  const rows = report.images
    .filter((i) => i.verdict === 'unknown')
    .map((i) => `<tr data-verdict="unknown"><td><code>${escPath(i.ref)}</code>${describedCell(i)}<br><code class="muted">${esc(shortDigest(i.digest))}</code></td><td><ul>${i.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul></td></tr>`);
  const body = rows.length > 0 ? `<table><thead><tr><th scope="col">image</th><th scope="col">why it could not be checked</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '<p>Every image was checked.</p>';
  return `<section aria-labelledby="unknown"><h2 id="unknown">Could not be checked (${rows.length}): never counted as clean</h2>${body}</section>`;
}

export function imagesSection(report: Report): string {
  const rows = report.images.map(
    (i) => `<tr data-verdict="${i.verdict}" data-image=""><td>${verdictBadge(i.verdict)}</td><td><code>${escPath(i.ref)}</code>${describedCell(i)}</td><td><code>${esc(shortDigest(i.digest))}</code></td><td>${esc(createdLabel(i.created))}${timeSourcesLabel(i.created).length > 1 ? `<ul class="muted">${timeSourcesLabel(i.created).map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : ''}</td><td>${esc(evidenceLabel(i.source))}</td><td>${i.packageCount}</td></tr>`,
  );
  return `<section aria-labelledby="images"><h2 id="images">All images (${report.images.length})</h2><table><thead><tr><th scope="col">verdict</th><th scope="col">image</th><th scope="col">digest</th><th scope="col">built</th><th scope="col">evidence</th><th scope="col">packages</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

export function filtersForm(): string {
  const boxes = (['affected', 'suspect', 'unknown', 'clean'] as const)
    .map((v) => `<label><input type="checkbox" name="verdict" value="${v}" checked> ${verdictBadge(v)}</label>`)
    .join('');
  return `<form id="filters" hidden role="search" aria-label="Filter images"><fieldset><legend class="muted">Show</legend>${boxes}</fieldset><label for="search">Search</label><input type="search" id="search" placeholder="image, package, cluster, path"><span id="filter-status" role="status" aria-live="polite"></span></form>`;
}
