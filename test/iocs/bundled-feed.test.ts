import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { lintIocs, loadIocs } from '../../src/iocs/index.js';

// The shipped feed is what responders run by default: its facts are checked against the OSV records.
describe('bundled iocs/ feed', () => {
  it('describes the March 2026 axios compromise as the advisories do', async () => {
    const set = await loadIocs(['iocs']);
    const inc = set.incidents.find((i) => i.id === 'axios-2026-03');
    expect(inc).toBeDefined();
    const versions = (name: string) => inc!.packages.filter((p) => p.ecosystem === 'npm' && p.name === name).flatMap((p) => p.versions);
    expect(versions('axios').sort()).toEqual(['0.30.4', '1.14.1']);
    expect(versions('axios')).not.toContain('0.30.0');
    expect(versions('plain-crypto-js')).toEqual(['4.2.1']);
    expect(inc!.packages.every((p) => !p.anyVersion && p.ranges.length === 0)).toBe(true);
    expect(inc!.windows.map((w) => [w.start.toISOString(), w.end.toISOString()])).toEqual([
      ['2026-03-31T00:21:00.000Z', '2026-03-31T03:29:00.000Z'],
    ]);
    expect(inc!.aliases).toEqual(expect.arrayContaining(['GHSA-fw8c-xr5c-95f9', 'MAL-2026-2307', 'MAL-2026-2306']));
    expect(inc!.indicators).toEqual(expect.arrayContaining(['sfrclak.com', '142.11.206.73', 'http://sfrclak.com:8000/6202033']));
  });

  it('pairs each OSV id with the right package (MAL-2026-2307 is axios, MAL-2026-2306 plain-crypto-js)', async () => {
    const inc = (await loadIocs(['iocs'])).incidents.find((i) => i.id === 'axios-2026-03')!;
    const text = (name: string) => inc.packages.filter((p) => p.name === name).map((p) => `${p.reference} ${p.notes}`).join(' ');
    expect(text('axios')).toMatch(/GHSA-fw8c-xr5c-95f9/);
    expect(text('axios')).toMatch(/MAL-2026-2307/);
    expect(text('axios')).not.toMatch(/MAL-2026-2306/);
    expect(text('plain-crypto-js')).toMatch(/MAL-2026-2306/);
    expect(text('plain-crypto-js')).not.toMatch(/MAL-2026-2307|GHSA-fw8c-xr5c-95f9/);
  });
});

// The TeamPCP feed's facts are the ones two public reports agree on (the file names them); a change to them must
// be a change to this test too.
describe('bundled iocs/teampcp-2026-03.yaml', () => {
  const load = async () => (await loadIocs(['iocs'])).incidents;
  const byId = async (id: string) => {
    const inc = (await load()).find((i) => i.id === id);
    expect(inc, id).toBeDefined();
    return inc!;
  };
  const days = (inc: { windows: { start: Date; end: Date }[] }) => inc.windows.map((w) => [w.start.toISOString(), w.end.toISOString()]);

  it('lints ok with the rest of iocs/, each file on its own', async () => {
    const results = await lintIocs(['iocs']);
    expect(results.map((r) => [r.file, r.ok, r.error])).toContainEqual(['iocs/teampcp-2026-03.yaml', true, undefined]);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('trivy: the Go module at v0.69.4 only, Docker Hub tags 0.69.4-0.69.6 by name, March 19-23 UTC', async () => {
    const inc = await byId('teampcp-trivy-2026-03');
    expect(inc.packages.map((p) => [p.ecosystem, p.name, p.versions, p.ranges, p.anyVersion])).toEqual([['go', 'github.com/aquasecurity/trivy', ['v0.69.4'], [], false]]);
    expect((inc.images ?? []).map((i) => i.ref)).toEqual(['docker.io/aquasec/trivy:0.69.4', 'docker.io/aquasec/trivy:0.69.5', 'docker.io/aquasec/trivy:0.69.6']);
    // No digests: no two reports give them. No `latest`: it names clean images today.
    expect((inc.images ?? []).every((i) => i.digests.length === 0 && i.layers.length === 0 && i.config === undefined)).toBe(true);
    expect(days(inc)).toEqual([['2026-03-19T00:00:00.000Z', '2026-03-24T00:00:00.000Z']]);
    expect(inc.files ?? []).toEqual([]);
  });

  it('litellm: PyPI 1.82.7 and 1.82.8, litellm_init.pth by path under any site-packages, March 24 UTC', async () => {
    const inc = await byId('teampcp-litellm-2026-03');
    expect(inc.packages.map((p) => [p.ecosystem, p.name, p.versions.sort()])).toEqual([['pypi', 'litellm', ['1.82.7', '1.82.8']]]);
    // Path only: the SHA-256 has one source, and the size would miss a variant.
    expect(inc.files?.map((f) => [f.path, f.sha256, f.size])).toEqual([['/**/site-packages/litellm_init.pth', undefined, undefined]]);
    expect(days(inc)).toEqual([['2026-03-24T00:00:00.000Z', '2026-03-25T00:00:00.000Z']]);
    expect(inc.indicators).toContain('models.litellm.cloud');
  });

  it('names its public sources: every incident has references, and no CanisterWorm package without two reports', async () => {
    const text = await readFile('iocs/teampcp-2026-03.yaml', 'utf8');
    for (const id of ['teampcp-trivy-2026-03', 'teampcp-litellm-2026-03']) expect((await byId(id)).references.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/CanisterWorm[^\n]*left out/);
    expect(text).toMatch(/one source|one report only|only one report/);
    expect((await load()).flatMap((i) => i.packages).filter((p) => p.ecosystem === 'npm' && !['axios', 'plain-crypto-js'].includes(p.name))).toEqual([]);
  });
});
