// The build-time timeline as inline SVG: one mark per image, the compromise window as a band, a lane per verdict.
import type { ImageResult } from '../../../model/finding.js';
import type { ReportIncident } from '../../../model/report.js';
import type { Verdict } from '../../../model/verdict.js';
import { esc } from './escape.js';
import { timeSourcesLabel } from '../../describe.js';

const W = 960;
const LEFT = 150;
const RIGHT = 70;
const LANE = 34;
const TOP = 24;
const LANES: readonly Verdict[] = ['affected', 'suspect', 'unknown', 'acknowledged', 'clean'];
const MARGIN_MS = 2 * 86_400_000;

/** Shape by verdict, so the verdict reads without colour: triangle, diamond, square, circle. */
export function markShape(v: Verdict, x: number, y: number): string {
  const [a, b] = [x.toFixed(1), y.toFixed(1)];
  switch (v) {
    case 'affected':
      return `<path d="M${a} ${(y - 6).toFixed(1)}l6 10h-12z"/>`;
    case 'suspect':
      return `<path d="M${a} ${(y - 6).toFixed(1)}l5 6-5 6-5-6z"/>`;
    case 'unknown':
      return `<rect x="${(x - 4.5).toFixed(1)}" y="${(y - 4.5).toFixed(1)}" width="9" height="9"/>`;
    case 'clean':
      return `<circle cx="${a}" cy="${b}" r="4"/>`;
    case 'acknowledged':
      return `<circle cx="${a}" cy="${b}" r="4" fill="none" stroke-width="2"/>`;
  }
}

/** The incident's verdict for an image: affected or suspect for this incident, else its own verdict if not a finding. */
function verdictFor(img: ImageResult, inc: ReportIncident): Verdict {
  const is = (hits: ReportIncident['affected']) => hits.some((h) => h.ref === img.ref && h.digest === img.digest);
  if (is(inc.affected)) return 'affected';
  if (is(inc.suspect)) return 'suspect';
  if (is(inc.acknowledged)) return 'acknowledged';
  return img.verdict === 'unknown' ? 'unknown' : 'clean';
}

function builtAt(img: ImageResult): number | undefined {
  if (!img.created?.reliable || !img.created.value) return undefined;
  const t = Date.parse(img.created.value);
  return Number.isNaN(t) ? undefined : t;
}

interface Domain {
  from: number;
  to: number;
}

function domainOf(inc: ReportIncident, times: number[]): Domain | undefined {
  const ws = inc.windows.flatMap((w) => [Date.parse(w.start), Date.parse(w.end)]).filter((t) => !Number.isNaN(t));
  if (ws.length > 0) return { from: Math.min(...ws) - MARGIN_MS, to: Math.max(...ws) + MARGIN_MS };
  if (times.length === 0) return undefined;
  const [from, to] = [Math.min(...times), Math.max(...times)];
  return from === to ? { from: from - MARGIN_MS, to: to + MARGIN_MS } : { from, to };
}

function axis(d: Domain, x: (t: number) => number, bottom: number): string {
  const day = 86_400_000;
  const step = Math.max(1, Math.ceil((d.to - d.from) / day / 8)) * day;
  const ticks: string[] = [];
  for (let t = Math.ceil(d.from / day) * day; t <= d.to; t += step) {
    ticks.push(`<line class="axis" x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${bottom}" y2="${bottom + 5}"/><text x="${x(t).toFixed(1)}" y="${bottom + 17}" text-anchor="middle">${new Date(t).toISOString().slice(0, 10)}</text>`);
  }
  return `<line class="axis" x1="${LEFT}" x2="${W - RIGHT}" y1="${bottom}" y2="${bottom}"/>${ticks.join('')}`;
}

function mark(img: ImageResult, v: Verdict, x: number, y: number): string {
  const built = img.created?.value ? `built ${img.created.value}${img.created.reliable ? '' : ' (unreliable)'}` : 'build time unknown';
  const when = [built, ...(img.created?.pushed ? [`first pushed ${img.created.pushed}`] : []), ...timeSourcesLabel(img.created)].join('; ');
  return `<g class="${v}" data-verdict="${v}"><title>${esc(`${img.ref} — ${v}, ${when}`)}</title>${markShape(v, x, y)}</g>`;
}

/** One SVG per incident; images whose build time is missing or unreliable get their own lane, apart from the time axis. */
export function timelineSvg(inc: ReportIncident, images: readonly ImageResult[], idx: number): string {
  const timed = images.map((img) => ({ img, t: builtAt(img), v: verdictFor(img, inc) }));
  const d = domainOf(inc, timed.flatMap((e) => (e.t === undefined ? [] : [e.t])));
  if (!d) return `<p class="muted">No image has a reliable build time: no timeline for ${esc(inc.id)}.</p>`;
  const x = (t: number) => LEFT + ((t - d.from) / (d.to - d.from)) * (W - LEFT - RIGHT);
  const laneY = (i: number) => TOP + i * LANE + LANE / 2;
  const bottom = TOP + (LANES.length + 1) * LANE;
  const parts: string[] = [];
  for (const w of inc.windows) {
    const [s, e] = [x(Date.parse(w.start)), x(Date.parse(w.end))];
    parts.push(`<rect class="band" x="${s.toFixed(1)}" y="${TOP - 14}" width="${Math.max(3, e - s).toFixed(1)}" height="${bottom - TOP + 14}"/><text x="${s.toFixed(1)}" y="${TOP - 3}">compromise window</text>`);
  }
  LANES.forEach((v, i) => parts.push(`<text x="8" y="${laneY(i) + 4}">${v}</text>`));
  parts.push(`<text x="8" y="${laneY(LANES.length) + 4}">time unreliable</text>`);
  const edge = new Map<string, number>();
  let unreliable = 0;
  timed.forEach(({ img, t, v }, n) => {
    const lane = LANES.indexOf(v);
    if (t === undefined) {
      parts.push(mark(img, v, LEFT + 6 + ((unreliable++ * 9) % (W - LEFT - RIGHT - 12)), laneY(LANES.length) + ((n % 3) - 1) * 4));
    } else if (t < d.from || t > d.to) {
      const side = t < d.from ? 'earlier' : 'later';
      edge.set(`${lane}|${side}`, (edge.get(`${lane}|${side}`) ?? 0) + 1);
    } else {
      parts.push(mark(img, v, x(t), laneY(lane) + ((n % 5) - 2) * 3));
    }
  });
  for (const [k, count] of edge) {
    const [lane, side] = k.split('|') as [string, string];
    const y = laneY(Number(lane)) + 4;
    parts.push(side === 'earlier' ? `<text x="${LEFT - 4}" y="${y}" text-anchor="end">◀ ${count}</text>` : `<text x="${W - RIGHT + 4}" y="${y}">${count} ▶</text>`);
  }
  const title = `Build times of ${images.length} images against the ${inc.id} compromise window`;
  return `<svg class="timeline" viewBox="0 0 ${W} ${bottom + 26}" role="img" aria-labelledby="tl-${idx}-t"><title id="tl-${idx}-t">${esc(title)}</title>${parts.join('')}${axis(d, x, bottom)}</svg>`;
}
