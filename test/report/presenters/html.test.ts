// The HTML presenter as text: self-contained, escaped, under 2 MB for 1,000 images.
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../src/report/presenters/html.js';
import { buildReport } from '../../../src/report/build.js';
import type { ImageResult } from '../../../src/model/finding.js';
import { affectedImage, cleanImage, sampleImages, sampleIocs, sampleMeta, unknownImage, windowSuspectImage } from '../sample.js';

const XSS = '<img src=x onerror=alert(1)>';

function render(images: ImageResult[]): string {
  return renderHtml(buildReport(structuredClone(images), sampleIocs, sampleMeta));
}

/** A fleet as big as the issue asks for: one in ten affected, some suspect, some unknown, across clusters. */
function syntheticFleet(n: number): ImageResult[] {
  return Array.from({ length: n }, (_, i) => {
    const digest = `sha256:${i.toString(16).padStart(64, '0')}`;
    const ref = `registry.example.com/team-${i % 40}/service-${i}:1.${i % 17}.${i % 7}`;
    const workloads = [{ context: `prod-${['eu', 'us', 'ap'][i % 3]}`, namespace: `team-${i % 40}`, kind: 'Deployment', name: `service-${i}`, container: 'app', pods: 1 + (i % 5) }];
    const created = { value: new Date(Date.parse('2026-03-29T00:00:00Z') + i * 397_000).toISOString(), source: 'config created', reliable: i % 50 !== 0 };
    const base = i % 10 === 0 ? affectedImage : i % 10 === 1 ? windowSuspectImage : i % 25 === 2 ? unknownImage : cleanImage;
    return { ...structuredClone(base), ref, ...(base === unknownImage ? {} : { digest }), created, workloads };
  });
}

describe('html presenter', () => {
  it('renders an attacker-chosen package name and image ref as text, never as markup', () => {
    const evil: ImageResult = {
      ...structuredClone(affectedImage),
      ref: `registry.example.com/"><script>alert(2)</script>:1`,
      matches: affectedImage.matches.map((m) => ({ ...m, name: XSS, paths: [`/srv/${XSS}/package.json`] })),
    };
    const out = render([evil]);
    expect(out).not.toContain(XSS);
    expect(out).not.toContain('<script>alert(2)');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out.match(/<script>/g)).toHaveLength(1);
  });

  it('asks for nothing from the network: no external URL in a src, a stylesheet link or CSS', () => {
    const out = render(sampleImages);
    expect(out).not.toMatch(/\ssrc=/i);
    expect(out).not.toMatch(/<link\b/i);
    expect(out).not.toMatch(/url\(|@import/i);
    expect(out).toMatch(/Content-Security-Policy" content="default-src 'none'/);
  });

  it('says per incident how many workloads are affected, suspect and unknown, and the coverage', () => {
    const out = render(sampleImages);
    expect(out).toContain('axios-2026-03: 2 workloads (1 image) affected, 2 images suspect, 1 image unknown, coverage 83.3% (5/6)');
  });

  it('counts images when no workload runs them: a fleet of SBOM files never reads "0 workloads affected"', () => {
    const noWorkloads = sampleImages.map((img) => ({ ...img, workloads: [] }));
    const out = render(noWorkloads);
    expect(out).toContain('axios-2026-03: 1 image affected, 2 images suspect, 1 image unknown');
    expect(out).not.toMatch(/0 workloads/);
  });

  it('breaks image refs and paths after / (a <wbr>), never mid-word, and copies no break characters', () => {
    const out = render(sampleImages);
    expect(out).toContain('<code>registry.example.com/<wbr>payments/<wbr>api:2.3.0</code>');
    expect(out).toContain('/<wbr>srv/<wbr>app/<wbr>node_modules/<wbr>axios/<wbr>package.json');
    expect(out).not.toMatch(/word-break:\s*break-all/);
  });

  it('stays under 2 MB for 1,000 images', () => {
    const out = render(syntheticFleet(1000));
    const bytes = Buffer.byteLength(out);
    expect(bytes, `${bytes} bytes`).toBeLessThan(2 * 1024 * 1024);
    expect(out.match(/data-image=""/g)).toHaveLength(1000);
  });
});
