import { describe, expect, it } from 'vitest';
import { displayWidth, fitLine, type Seg } from '../../../src/report/presenters/fit.js';
import { buildReport } from '../../../src/report/build.js';
import { tablePresenter } from '../../../src/report/presenters/table.js';
import { sampleImages, sampleIocs, sampleMeta, sink, unknownImage } from '../sample.js';

function rng(seed: number) {
  let x = seed >>> 0;
  return (n: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), (x >>> 8) % n);
}

const PARTS = ['a', 'bb', 'node_modules', '/', '/srv/app/', 'registry.example.com', ':5000', '@sha256:0a1b2c', ',', ';', '—', 'ü', '漢字', '😀', 'x'.repeat(30)];

function generated(seed: number): { segs: Seg[]; kept: string[] } {
  const r = rng(seed);
  const word = () => Array.from({ length: 1 + r(4) }, () => PARTS[r(PARTS.length)]).join('');
  const segs: Seg[] = [];
  const kept: string[] = [];
  for (let i = 0, n = 1 + r(12); i < n; i++) {
    if (r(3) === 0) {
      const k = word();
      kept.push(k);
      segs.push({ text: k, keep: true });
    } else segs.push({ text: Array.from({ length: 1 + r(5) }, word).join(' '.repeat(1 + r(2))) + (r(2) ? ' ' : '') });
  }
  return { segs, kept };
}

describe('fitLine', () => {
  it('2,000 generated lines at widths 20-160: within the width unless one kept word alone is wider, nothing lost, kept words whole', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const { segs, kept } = generated(seed);
      const width = 20 + (seed % 141);
      const lines = fitLine(segs, width, '  ', '      ');
      const ctx = `seed ${seed}, width ${width}: ${JSON.stringify(lines)}`;
      for (const l of lines) if (displayWidth(l) > width) expect(kept.some((k) => l.trim() === k), ctx).toBe(true);
      const squash = (s: string) => s.replace(/\s+/g, '');
      expect(squash(lines.join('')), ctx).toBe(squash(segs.map((s) => s.text).join('')));
      for (const k of kept) expect(lines.some((l) => l.includes(k)), ctx).toBe(true);
    }
  });

  it('breaks a long path after a /, and counts wide characters as two columns', () => {
    expect(fitLine([{ text: 'npm x  /srv/app/node_modules/plain-crypto-js/package.json' }], 30, '', '  ')).toEqual(['npm x  /srv/app/node_modules/', '  plain-crypto-js/package.json']);
    expect(displayWidth('漢字😀a\u001b[1mb\u001b[22m')).toBe(8);
  });

  it('without a width: one line, exactly as the parts were given', () => {
    expect(fitLine([{ text: 'a  b' }, { text: 'keep me', keep: true }, { text: ' c' }], undefined, '  ')).toEqual(['  a  bkeep me c']);
  });
});

describe('the table at a width', () => {
  it('shows which workloads run an unknown image: those are the teams to chase', () => {
    const unknownRunning = { ...unknownImage, workloads: [{ context: 'prod', namespace: 'batch', kind: 'CronJob', name: 'nightly', container: 'job', pods: 1 }] };
    const out = sink();
    tablePresenter(buildReport([unknownRunning], sampleIocs, sampleMeta), out, { color: false, width: 80 });
    const text = out.text();
    expect(text).toMatch(/UNKNOWN {3}registry\.internal:5000\/legacy\/batch:0\.9[^\n]*\n(?:.*\n)*? {6}runs in prod\/batch CronJob\/nightly \(container job, 1 pod\)/);
  });

  it('every width from 40 to 200 fits the sample fleet, with colour on too', () => {
    const report = buildReport(sampleImages, sampleIocs, sampleMeta);
    for (let width = 40; width <= 200; width += 7) {
      for (const color of [false, true]) {
        const out = sink();
        tablePresenter(report, out, { color, width });
        const over = out.text().split('\n').filter((l) => displayWidth(l) > width);
        // Only a line holding nothing but one whole image ref may pass the width.
        for (const l of over) expect(sampleImages.some((i) => l.includes(i.ref) && displayWidth(i.ref) + 10 > width), `${width}: ${l}`).toBe(true);
        for (const img of sampleImages) expect(out.text()).toContain(img.ref);
      }
    }
  });
});
