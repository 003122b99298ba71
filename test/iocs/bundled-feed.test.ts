import { describe, expect, it } from 'vitest';
import { loadIocs } from '../../src/iocs/index.js';

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
