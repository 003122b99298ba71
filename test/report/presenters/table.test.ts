import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/report/build.js';
import { tablePresenter } from '../../../src/report/presenters/table.js';
import { tersePresenter } from '../../../src/report/presenters/terse.js';
import { cleanImage, sampleImages, sampleIocs, sampleMeta, sink } from '../sample.js';

const ANSI = /\u001b\[/;
const report = buildReport(sampleImages, sampleIocs, sampleMeta);

function render(present: typeof tablePresenter, opts: { color: boolean; quiet?: boolean }): string {
  const out = sink();
  present(report, out, opts);
  return out.text();
}

describe('table presenter', () => {
  it('prints no ANSI escapes when colour is off, even if the environment forces colour', () => {
    const saved = process.env.FORCE_COLOR;
    process.env.FORCE_COLOR = '3';
    try {
      expect(render(tablePresenter, { color: false })).not.toMatch(ANSI);
    } finally {
      if (saved === undefined) delete process.env.FORCE_COLOR;
      else process.env.FORCE_COLOR = saved;
    }
  });

  it('colours when asked, and the verdict words are still there (colour is never the only signal)', () => {
    const coloured = render(tablePresenter, { color: true });
    expect(coloured).toMatch(ANSI);
    const plain = coloured.replace(/\u001b\[[0-9;]*m/g, '');
    expect(plain).toBe(render(tablePresenter, { color: false }));
    for (const word of ['AFFECTED', 'SUSPECT', 'UNKNOWN', 'CLEAN']) expect(plain).toContain(word);
  });

  it('opens with the headline counts and coverage', () => {
    const first = render(tablePresenter, { color: false }).split('\n')[0];
    expect(first).toBe('sbom-hunt 0.1.0 — 6 images: 1 affected, 2 suspect, 1 unknown, 2 clean; coverage 83.3% (5 of 6 checked)');
  });

  it('shows the blast radius with package, path, evidence and where the image runs', () => {
    const text = render(tablePresenter, { color: false });
    expect(text).toContain('npm axios@1.14.1 [package version]  /srv/app/node_modules/axios/package.json');
    expect(text).toContain('(attestation, verified)');
    expect(text).toContain('platforms: linux/amd64 affected, linux/arm64 affected');
    expect(text).toContain('runs in prod-eu/payments Deployment/payments-api (container api, 3 pods)');
    expect(text).toMatch(/UNKNOWN\s+registry\.internal:5000\/legacy\/batch:0\.9[^\n]*\n\s+syft failed/);
  });

  it('quiet drops the all-images table and notes, and keeps what needs action', () => {
    const quiet = render(tablePresenter, { color: false, quiet: true });
    expect(quiet).not.toContain('All images:');
    expect(quiet).not.toContain('Notes:');
    expect(quiet).toContain('Could not check 1 image');
    expect(quiet).toContain('Scan problems:');
  });
});

describe('terse presenter (check)', () => {
  it('prints one line per image, one per scan error, and the summary line', () => {
    const lines = render(tersePresenter, { color: false }).trimEnd().split('\n');
    expect(lines).toHaveLength(report.images.length + report.errors.length + 1);
    expect(lines[0]).toBe('AFFECTED  registry.example.com/payments/api:2.3.0 — contains axios@1.14.1, plain-crypto-js@4.2.1 (axios-2026-03)');
    expect(lines.at(-1)).toMatch(/^6 images: 1 affected, 2 suspect, 1 unknown, 2 clean; coverage 83\.3%/);
  });

  it('says one image, and quiet leaves clean images out but still counts them', () => {
    const out = sink();
    tersePresenter(buildReport([cleanImage], sampleIocs, { ...sampleMeta, errors: [] }), out, { color: false, quiet: true });
    expect(out.text()).toBe('1 image: 0 affected, 0 suspect, 0 unknown, 1 clean; coverage 100% (1 of 1 checked)\n');
  });
});
