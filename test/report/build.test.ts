import { describe, expect, it } from 'vitest';
import type { ImageResult } from '../../src/model/finding.js';
import { Report } from '../../src/model/report.js';
import { buildReport, summarize } from '../../src/report/build.js';
import { presenters } from '../../src/report/presenters/index.js';
import { affectedImage, cleanImage, deletedLayerImage, sampleImages, sampleIocs, sampleMeta, sink, unknownImage, windowSuspectImage } from './sample.js';

const report = () => buildReport(sampleImages, sampleIocs, sampleMeta);

function image(ref: string, verdict: ImageResult['verdict'], extra: Partial<ImageResult> = {}): ImageResult {
  return { ref, verdict, reasons: [], packageCount: 1, windows: [], matches: [], platforms: [], workloads: [], ...extra };
}

describe('buildReport summary and coverage', () => {
  it('counts every verdict and reports coverage as images not unknown', () => {
    const r = report();
    expect(r.summary).toEqual({
      images: 6,
      affected: 1,
      suspect: 2,
      unknown: 1,
      clean: 2,
      coverage: { checked: 5, total: 6, percent: 83.3 },
      attestedImages: 2,
      complete: false,
    });
  });

  it('is complete only when something was looked at, all of it read, and the scan had no problem', () => {
    expect(summarize([image('a', 'clean'), image('b', 'affected')]).complete).toBe(true);
    expect(summarize([image('a', 'clean'), image('b', 'unknown')]).complete).toBe(false);
    expect(summarize([]).complete).toBe(false);
    expect(summarize([image('a', 'clean')], ['registry:x: catalog refused']).complete).toBe(false);
  });

  it('rounds coverage down, so one unchecked image in many never shows 100%', () => {
    const many = Array.from({ length: 2000 }, (_, i) => image(`img-${i}`, 'clean'));
    many.push(image('broken', 'unknown'));
    expect(summarize(many).coverage).toEqual({ checked: 2000, total: 2001, percent: 99.9 });
    expect(summarize([image('a', 'clean'), image('b', 'unknown'), image('c', 'unknown')]).coverage.percent).toBe(33.3);
  });

  it('reports 0% coverage when there were no images at all', () => {
    expect(summarize([]).coverage).toEqual({ checked: 0, total: 0, percent: 0 });
  });

  it('carries tool, time, schema version, errors and notes', () => {
    const r = report();
    expect(r.schemaVersion).toBe('1.6');
    expect(r.tool).toEqual({ name: 'sbom-hunt', version: '0.1.0' });
    expect(r.generatedAt).toBe('2026-04-01T06:00:00.000Z');
    expect(r.errors).toEqual(sampleMeta.errors);
    expect(r.notes).toEqual(sampleMeta.notes);
  });
});

describe('buildReport ordering', () => {
  it('sorts images worst verdict first, then by ref', () => {
    expect(report().images.map((i) => `${i.verdict} ${i.ref}`)).toEqual([
      'affected registry.example.com/payments/api:2.3.0',
      'suspect registry.example.com/tools/builder:1.4.2',
      'suspect registry.example.com/web/frontend:5.1.0',
      'unknown registry.internal:5000/legacy/batch:0.9',
      'clean docker.io/library/nginx:1.27',
      'clean registry.example.com/admin/console:7.0.1',
    ]);
  });

  it('sorts matches and workloads inside an image, and does not touch its input', () => {
    const before = JSON.stringify(sampleImages);
    const payments = report().images[0]!;
    expect(payments.matches.map((m) => m.name)).toEqual(['axios', 'plain-crypto-js']);
    expect(payments.workloads.map((w) => w.context)).toEqual(['prod-eu', 'staging']);
    expect(payments.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(JSON.stringify(sampleImages)).toBe(before);
  });

  it('gives the same JSON whatever order the images arrive in', () => {
    const a = sink();
    const b = sink();
    presenters.json(buildReport(sampleImages, sampleIocs, sampleMeta), a, { color: false });
    presenters.json(buildReport([...sampleImages].reverse(), sampleIocs, sampleMeta), b, { color: false });
    expect(a.text()).toBe(b.text());
  });
});

describe('buildReport blast radius per incident', () => {
  it('lists the affected image with its packages and paths, and both kinds of suspect with why', () => {
    const axios = report().incidents.find((i) => i.id === 'axios-2026-03')!;
    expect(axios.windows).toEqual([{ start: '2026-03-31T00:21:00.000Z', end: '2026-03-31T03:29:00.000Z' }]);
    expect(axios.affected.map((h) => h.ref)).toEqual([affectedImage.ref]);
    expect(axios.affected[0]!.packages.map((p) => `${p.name}@${p.version} ${p.paths.join(',')}`)).toEqual([
      'axios@1.14.1 /srv/app/node_modules/axios/package.json',
      'plain-crypto-js@4.2.1 /srv/app/node_modules/plain-crypto-js/package.json',
    ]);
    expect(axios.suspect.map((h) => h.ref)).toEqual([deletedLayerImage.ref, windowSuspectImage.ref]);
    expect(axios.suspect[0]!.why).toMatch(/plain-crypto-js@4\.2\.1 was in a layer that a later layer deleted/);
    expect(axios.suspect[0]!.packages[0]!.inFinalFilesystem).toBe(false);
    expect(axios.suspect[1]!.why).toMatch(/built 2026-03-31T02:47:00Z .*inside the axios-2026-03 window/);
    expect(axios.suspect[1]!.packages).toEqual([]);
  });

  it('does not list an affected image as suspect too, though it was built inside the window', () => {
    const axios = report().incidents.find((i) => i.id === 'axios-2026-03')!;
    expect(axios.suspect.map((h) => h.ref)).not.toContain(affectedImage.ref);
  });

  it('lists an incident with no hits, so the report shows what was hunted', () => {
    const other = report().incidents.find((i) => i.id === 'example-2025-09')!;
    expect(other).toMatchObject({ affected: [], suspect: [], references: [], indicators: [] });
  });

  it('keeps unknown and clean images out of every blast radius', () => {
    const refs = report().incidents.flatMap((i) => [...i.affected, ...i.suspect].map((h) => h.ref));
    expect(refs).not.toContain(unknownImage.ref);
    expect(refs).not.toContain(cleanImage.ref);
  });

  it('an image can be affected by one incident and suspect for another', () => {
    const both = image('both', 'affected', {
      matches: [{ ...affectedImage.matches[0]!, incident: 'example-2025-09' }],
      windows: [{ incident: 'axios-2026-03', start: 's', end: 'e', outcome: 'inside' }],
    });
    const r = buildReport([both], sampleIocs, sampleMeta);
    expect(r.incidents.map((i) => [i.id, i.affected.length, i.suspect.length])).toEqual([
      ['axios-2026-03', 0, 1],
      ['example-2025-09', 1, 0],
    ]);
  });

  it('adds an entry for a window the images name but no IOC file does (a --window)', () => {
    const w = { start: new Date('2026-05-01T00:00:00Z'), end: new Date('2026-05-02T00:00:00Z'), source: '--window' };
    const inWindow = image('late', 'suspect', { windows: [{ incident: '--window', start: '2026-05-01T00:00:00.000Z', end: '2026-05-02T00:00:00.000Z', outcome: 'inside' }] });
    const r = buildReport([inWindow], sampleIocs, { ...sampleMeta, windows: [w] });
    const extra = r.incidents.at(-1)!;
    expect(extra).toMatchObject({ id: '--window', title: 'Compromise window given on the command line (--window)' });
    expect(extra.windows).toEqual([{ start: '2026-05-01T00:00:00.000Z', end: '2026-05-02T00:00:00.000Z' }]);
    expect(extra.suspect.map((h) => h.ref)).toEqual(['late']);
    expect(r.windows).toEqual([{ start: '2026-05-01T00:00:00.000Z', end: '2026-05-02T00:00:00.000Z', source: '--window' }]);
  });

  it('lists a --window with no image inside it, so the report shows it was hunted', () => {
    const w = { start: new Date('2026-05-01T00:00:00Z'), end: new Date('2026-05-02T00:00:00Z'), source: '--window' };
    const r = buildReport([cleanImage], sampleIocs, { ...sampleMeta, windows: [w] });
    expect(r.incidents.map((i) => i.id)).toEqual(['axios-2026-03', 'example-2025-09', '--window']);
    expect(r.incidents[2]).toMatchObject({ affected: [], suspect: [] });
  });

  it('merges one package reported once per path into one entry with every path', () => {
    const m = affectedImage.matches[1]!;
    const twice = image('twice', 'affected', { matches: [m, { ...m, paths: ['/other/node_modules/axios/package.json'] }] });
    const hit = buildReport([twice], sampleIocs, sampleMeta).incidents[0]!.affected[0]!;
    expect(hit.packages).toHaveLength(1);
    expect(hit.packages[0]!.paths).toEqual(['/other/node_modules/axios/package.json', '/srv/app/node_modules/axios/package.json']);
  });
});

describe('the JSON report', () => {
  it('prints [] and never null for empty lists, even when an upstream result left them out', () => {
    const sparse = { ref: 'sparse', verdict: 'unknown', packageCount: 0 } as unknown as ImageResult;
    const out = sink();
    presenters.json(buildReport([sparse], { incidents: [], files: [] }, { version: '0.1.0', generatedAt: new Date(0) }), out, { color: false });
    const text = out.text();
    expect(text).not.toContain('null');
    const parsed = JSON.parse(text);
    expect(parsed.images[0]).toMatchObject({ reasons: [], windows: [], matches: [], platforms: [], workloads: [] });
    expect(parsed).toMatchObject({ incidents: [], windows: [], errors: [], notes: [] });
  });

  // A lockfile note quotes its source: a private git dependency's URL carries a token (npm v1 writes it so).
  it('masks URL credentials in a platform reason as in the image reason', () => {
    const note = '/package-lock.json: node_modules/priv is git+https://ghp_tok3n:x-oauth-basic@github.com/org/priv.git#abc: listed without one';
    const platform: ImageResult['platforms'][number] = { verdict: 'clean', reasons: [note], packageCount: 1, windows: [], matches: [] };
    const out = sink();
    presenters.json(buildReport([image('dir:/src', 'clean', { reasons: [note], platforms: [platform] })], sampleIocs, sampleMeta), out, { color: false });
    expect(out.text()).not.toContain('ghp_tok3n');
    expect(JSON.parse(out.text()).images[0].platforms[0].reasons).toEqual([note.replace('ghp_tok3n:x-oauth-basic', '***')]);
  });

  it('is read back by the Report schema unchanged (what `report merge` relies on)', () => {
    const out = sink();
    presenters.json(report(), out, { color: false });
    const parsed = JSON.parse(out.text());
    expect(Report.parse(parsed)).toEqual(parsed);
  });

  it('starts with the contract fields, in a fixed key order', () => {
    expect(Object.keys(report())).toEqual(['schemaVersion', 'tool', 'generatedAt', 'summary', 'incidents', 'windows', 'images', 'errors', 'notes']);
    expect(Object.keys(report().images[0]!)).toEqual(['ref', 'digest', 'verdict', 'reasons', 'packageCount', 'created', 'windows', 'source', 'matches', 'platforms', 'workloads']);
  });

  it('the schema accepts a later 1.x report and rejects a 2.x one', () => {
    const r = JSON.parse(JSON.stringify(report()));
    expect(Report.safeParse({ ...r, schemaVersion: '1.7', futureField: true }).success).toBe(true);
    const v2 = Report.safeParse({ ...r, schemaVersion: '2.0' });
    expect(v2.success).toBe(false);
    expect(Report.safeParse({ ...r, images: [{ ref: 'x' }] }).success).toBe(false);
  });
});
