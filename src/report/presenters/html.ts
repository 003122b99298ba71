// One self-contained HTML file for people at 3 a.m.: no network requests, readable without JavaScript, printable.
import { createHash } from 'node:crypto';
import type { Report } from '../../model/report.js';
import { headline } from '../describe.js';
import { esc } from './html/escape.js';
import { SCRIPT } from './html/script.js';
import { filtersForm, headlines, imagesSection, incidentSection, quietSection, unknownSection } from './html/sections.js';
import { incidentsShown } from './lookup.js';
import { STYLE } from './html/style.js';
import { timelineSvg } from './html/timeline.js';
import type { Presenter } from './presenter.js';

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

let csp: string | undefined;

/**
 * The policy forbids every fetch (default-src 'none') and runs only our own style and script, by hash:
 * even text that slipped past escaping could neither load anything nor execute. Hashed on the first HTML report,
 * not when the module loads (every scan loads it).
 */
function contentSecurityPolicy(): string {
  return (csp ??= `default-src 'none'; style-src ${sha256(STYLE)}; script-src ${sha256(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`);
}

function errorsBlock(report: Report): string {
  if (report.errors.length === 0) return '';
  const items = report.errors.map((e) => `<li>${esc(e)}</li>`).join('');
  return `<div class="errors" role="alert"><strong>The inventory is incomplete: the fleet may hold more images than shown.</strong><ul>${items}</ul></div>`;
}

export function renderHtml(report: Report): string {
  const { shown, quiet } = incidentsShown(report);
  const incidents = [...shown.map((inc, i) => incidentSection(report, inc, timelineSvg(inc, report.images, i))), quietSection(report, quiet)].filter(Boolean).join('\n');
  const notes = report.notes.length > 0 ? `<section aria-labelledby="notes"><h2 id="notes">Notes</h2><ul>${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>sbom-hunt report ${esc(report.generatedAt)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>sbom-hunt report</h1>
<p class="meta">Generated ${esc(report.generatedAt)} by sbom-hunt ${esc(report.tool.version)} (report schema ${esc(report.schemaVersion)}).</p>
<p><strong>${esc(headline(report.summary))}</strong></p>
${headlines(report)}
${errorsBlock(report)}
</header>
<main>
${filtersForm()}
${incidents}
${unknownSection(report)}
${imagesSection(report)}
${notes}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

export const htmlPresenter: Presenter = (report, out) => {
  out.write(renderHtml(report));
};
