// A bulk run (more incidents than src/model/bulk.ts lists) names the quiet incidents once and a gap for every
// incident as `*`: the blast radius each incident gets must be the one the full listing gave, case by case.
import { describe, expect, it } from 'vitest';
import { EVERY_INCIDENT, LISTED_INCIDENTS_MAX } from '../../src/model/bulk.js';
import type { ImageResult, Match, UncheckedIncident } from '../../src/model/finding.js';
import type { IncidentHit, Report } from '../../src/model/report.js';
import { buildReport } from '../../src/report/build.js';
import { hitFor, uncheckedHit } from '../../src/report/incidents.js';
import { mergeReports } from '../../src/report/merge.js';
import { htmlPresenter } from '../../src/report/presenters/html.js';
import { markdownPresenter } from '../../src/report/presenters/markdown.js';
import { sarifPresenter } from '../../src/report/presenters/sarif.js';
import type { Presenter } from '../../src/report/presenters/presenter.js';
import { tablePresenter } from '../../src/report/presenters/table.js';
import { incident, iocSet } from '../match/helpers.js';
import { seeded } from '../helpers/random.js';

const RUNS = Number(process.env.FUZZ_RUNS) > 0 ? Math.min(2000, Number(process.env.FUZZ_RUNS)) : 40;
const META = { version: '0.0.0', generatedAt: new Date('2026-04-01T00:00:00Z') };

type Lists = Pick<Report['incidents'][number], 'affected' | 'suspect' | 'acknowledged' | 'unknown'>;

interface Case {
  ids: string[];
  /** As the verdict writes them for this feed size: `*` in a bulk run. */
  images: ImageResult[];
  /** The same images with every gap named per incident, as before bulk runs. */
  enumerated: Map<string, ImageResult>;
}

function match(incident: string, live: boolean): Match {
  return { incident, ecosystem: 'npm', name: `p-${incident}`, version: '1.0.0', paths: [`/app/node_modules/p-${incident}/package.json`], matchedBy: 'version', matchKind: 'package-version', iocVersion: '1.0.0', inFinalFilesystem: live };
}

function makeCase(r: () => number): Case {
  const n = [3, 40, LISTED_INCIDENTS_MAX, LISTED_INCIDENTS_MAX + 1, 2500][Math.floor(r() * 5)]!;
  const ids = Array.from({ length: n }, (_, i) => `inc-${i}`);
  // A few incidents the images name; the rest of a big feed is quiet.
  const hot = Array.from({ length: 1 + Math.floor(r() * 6) }, () => ids[Math.floor(r() * n)]!);
  const pick = () => hot[Math.floor(r() * hot.length)]!;
  const bulk = n > LISTED_INCIDENTS_MAX;
  const images: ImageResult[] = [];
  const enumerated = new Map<string, ImageResult>();
  const count = Math.floor(r() * 12);
  for (let k = 0; k < count; k++) {
    const ref = `registry.test/app-${k}:1`;
    const base: ImageResult = { ref, digest: `sha256:${String(k).padStart(64, '0')}`, verdict: 'clean', reasons: [], packageCount: 3, windows: [], matches: [], platforms: [], workloads: [] };
    if (r() < 0.25) {
      images.push({ ...base, verdict: 'unknown', reasons: [`layer of ${ref} truncated`] });
      enumerated.set(ref, images.at(-1)!);
      continue;
    }
    const matches = Array.from({ length: Math.floor(r() * 3) }, () => match(pick(), r() < 0.6));
    const windows: ImageResult['windows'] = Array.from({ length: Math.floor(r() * 2) }, () => ({ incident: pick(), start: '2026-03-31T00:21:00Z', end: '2026-03-31T03:29:00Z', outcome: r() < 0.5 ? ('inside' as const) : ('outside' as const) }));
    // A bulk run folds the windows outside or unreliable into one entry for every incident: never an incident of its own.
    if (bulk && r() < 0.5) windows.push({ incident: EVERY_INCIDENT, start: '2026-03-30T00:00:00Z', end: '2026-04-02T00:00:00Z', outcome: r() < 0.5 ? 'outside' : 'unreliable', incidents: 40 });
    const live = new Set(matches.filter((m) => m.inFinalFilesystem).map((m) => m.incident));
    const verdict = live.size > 0 ? 'affected' : matches.length > 0 || windows.some((w) => w.outcome === 'inside') ? 'suspect' : 'clean';
    const acknowledged = matches.length > 0 && r() < 0.3 ? [{ incident: matches[0]!.incident, was: 'affected' as const, reason: 'accepted', who: 'sec', source: 'acks.yaml:1' }] : undefined;
    const named = new Map<string, string>();
    if (verdict !== 'clean') for (let g = Math.floor(r() * 2); g > 0; g--) named.set(pick(), 'the source lists no files');
    for (const id of live) named.delete(id);
    const unread = verdict !== 'clean' && r() < 0.4 ? `not fully read: layer sha256:${k} truncated` : undefined;
    const asWritten: UncheckedIncident[] = [...named].map(([incident, why]) => ({ incident, why }));
    const perIncident = new Map(named);
    if (unread) for (const id of ids) if (!live.has(id)) perIncident.set(id, perIncident.has(id) ? `${perIncident.get(id)}; ${unread}` : unread);
    const everyOne = [...perIncident].map(([incident, why]) => ({ incident, why }));
    const img: ImageResult = { ...base, verdict, matches, windows, ...(acknowledged ? { acknowledged } : {}) };
    const unchecked = bulk ? [...asWritten, ...(unread ? [{ incident: EVERY_INCIDENT, why: unread }] : [])] : everyOne;
    images.push({ ...img, ...(unchecked.length > 0 ? { unchecked } : {}) });
    enumerated.set(ref, { ...img, ...(everyOne.length > 0 ? { unchecked: everyOne } : {}) });
  }
  return { ids, images, enumerated };
}

/** Each incident's blast radius as the full listing computed it: every image asked about every incident. */
function reference(c: Case, order: readonly ImageResult[], id: string): Lists {
  const lists: Lists = { affected: [], suspect: [], acknowledged: [], unknown: [] };
  for (const shown of order) {
    const img = c.enumerated.get(shown.ref)!;
    const h = hitFor(img, id);
    if (h) lists[h.kind].push(h.hit);
    else {
      const u = uncheckedHit(img, id);
      if (u) lists.unknown.push(u);
    }
  }
  return lists;
}

/** Each incident's blast radius read back from a report: its entry, or the unlisted incidents' shared one. */
function expand(report: Report): Map<string, Lists> {
  const out = new Map<string, Lists>();
  for (const inc of report.incidents) out.set(inc.id, { affected: inc.affected, suspect: inc.suspect, acknowledged: inc.acknowledged, unknown: inc.unknown });
  for (const id of report.unlisted?.ids ?? []) {
    expect(out.has(id), `${id} both listed and unlisted`).toBe(false);
    out.set(id, { affected: [], suspect: [], acknowledged: [], unknown: report.unlisted!.unknown });
  }
  return out;
}

const strip = (l: Lists): Record<string, IncidentHit[]> => JSON.parse(JSON.stringify(l)) as Record<string, IncidentHit[]>;

describe('bulk runs: every incident keeps the blast radius the full listing gave it', () => {
  it(`agrees with asking every image about every incident (${RUNS} generated cases)`, () => {
    const r = seeded(20261204);
    let bulkCases = 0;
    for (let run = 0; run < RUNS; run++) {
      const c = makeCase(r);
      const set = iocSet(...c.ids.map((id) => incident(id, [])));
      const report = buildReport(c.images, set, META);
      const got = expand(report);
      const bulk = c.ids.length > LISTED_INCIDENTS_MAX;
      if (bulk) bulkCases++;
      expect(report.unlisted !== undefined, `run ${run}`).toBe(bulk);
      // Listed in IOC order, each incident once, listed or unlisted.
      const order = new Map(c.ids.map((id, i) => [id, i]));
      const listed = report.incidents.map((i) => order.get(i.id)!);
      expect(listed).toEqual([...listed].sort((a, b) => a - b));
      expect([...got.keys()].sort()).toEqual([...c.ids].sort());
      for (const id of c.ids) expect(strip(got.get(id)!), `run ${run}, ${id}`).toEqual(strip(reference(c, report.images, id)));
      if (bulk) expect(report.incidents.length).toBeLessThanOrEqual(new Set(c.images.flatMap((i) => [...i.matches.map((m) => m.incident), ...i.windows.map((w) => w.incident), ...(i.unchecked ?? []).map((u) => u.incident)])).size);
    }
    expect(bulkCases).toBeGreaterThan(RUNS / 5);
  });

  it('a merge of bulk shard reports keeps every incident hunted, and their blast radius', () => {
    const r = seeded(7);
    let compared = 0;
    for (let run = 0; compared < 5 && run < 200; run++) {
      const c = makeCase(r);
      if (c.ids.length <= LISTED_INCIDENTS_MAX || c.images.length < 2) continue;
      compared++;
      const set = iocSet(...c.ids.map((id) => incident(id, [])));
      const half = Math.floor(c.images.length / 2);
      const parts = [c.images.slice(0, half), c.images.slice(half)].map((imgs, i) => ({ file: `shard-${i}.json`, report: { ...buildReport(imgs, set, META), shard: { index: i, count: 2 } } }));
      const merged = mergeReports(parts, META);
      const whole = buildReport(c.images, set, META);
      const a = expand(merged);
      const b = expand(whole);
      expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
      for (const [id, lists] of b) expect(strip(a.get(id)!), `run ${run}, ${id}`).toEqual(strip(lists));
    }
    // Never vacuous: five bulk cases of two shards were merged and compared.
    expect(compared).toBe(5);
  });
});

describe('presenters fold the quiet incidents of a big feed into one block', () => {
  const ids = Array.from({ length: 5000 }, (_, i) => `MAL-2026-${i}`);
  const set = iocSet(...ids.map((id) => incident(id, [])));
  const unread: ImageResult = { ref: 'sboms/broken.spdx.json', verdict: 'unknown', reasons: ['sboms/broken.spdx.json:1: truncated JSON'], packageCount: 0, windows: [], matches: [], platforms: [], workloads: [] };
  const hit: ImageResult = { ref: 'registry.test/web:1', digest: `sha256:${'a'.repeat(64)}`, verdict: 'affected', reasons: ['p-MAL-2026-7@1.0.0 matches MAL-2026-7'], packageCount: 9, windows: [], matches: [match('MAL-2026-7', true)], platforms: [], workloads: [], unchecked: [{ incident: EVERY_INCIDENT, why: 'not fully read: linux/arm64: layer truncated' }] };
  const report = buildReport([unread, hit], set, META);
  const print = (p: Presenter, rep: Report = report): string => {
    let out = '';
    p(rep, { write: (s: string) => (out += s) }, { color: false, width: 100 });
    return out;
  };

  it('lists the incident with a finding in full and the other 4,999 as one block naming what is unknown for them', () => {
    expect(report.incidents.map((i) => i.id)).toEqual(['MAL-2026-7']);
    expect(report.unlisted?.ids).toHaveLength(4999);
    expect(report.unlisted?.unknown.map((h) => h.ref)).toEqual(['registry.test/web:1', 'sboms/broken.spdx.json']);
    const table = print(tablePresenter);
    expect(table).toContain('Incident MAL-2026-7');
    expect(table).toContain('4999 other incidents hunted (ids in the JSON report)');
    expect(table).toContain('no affected or suspect images among those checked');
    expect(table).toContain('not fully read: linux/arm64: layer truncated');
    expect(table).toContain('1 image could not be read at all: unknown for these incidents too');
    expect(table).not.toContain('MAL-2026-8');
    const md = print(markdownPresenter);
    expect(md).toContain('## 4999 other incidents hunted');
    expect(md).toContain('### Not checked for these incidents (1)');
    const html = print(htmlPresenter);
    expect(html).toContain('4999 other incidents hunted');
    expect(html).not.toContain('MAL-2026-8<');
    const sarif = JSON.parse(print(sarifPresenter)) as { runs: { tool: { driver: { rules: unknown[] } }; results: { message: { text: string } }[] }[] };
    expect(sarif.runs[0]!.tool.driver.rules).toHaveLength(3);
    expect(sarif.runs[0]!.results.map((x) => x.message.text).join('\n')).toContain('Unknown for every incident it has no finding for');
  });

  it('a small feed keeps one section per incident until more than 20 are quiet', () => {
    const small = (n: number) => buildReport([hit], iocSet(...ids.slice(0, n).map((id) => incident(id, []))), META);
    const lines = (rep: Report) => print(tablePresenter, rep);
    expect(lines(small(21))).toContain('Incident MAL-2026-20');
    expect(lines(small(21))).not.toContain('other incidents hunted');
    expect(lines(small(22))).toContain('21 other incidents hunted');
    expect(lines(small(22))).toContain('Incident MAL-2026-7');
  });
});
