// OSV feed at scale: 200,000 records in one OSV-style zip through the real loader, then 1,000 SBOMs of 800 packages matched.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadIocs } from '../src/iocs/index.js';
import { buildIocIndex } from '../src/match/ioc-index.js';
import { matchPackages } from '../src/match/match-packages.js';
import type { Package } from '../src/model/package.js';
import { writeZip } from '../test/iocs/zip-writer.js';

const RECORDS = 200_000;
const SBOMS = 1_000;
const PACKAGES_PER_SBOM = 800;

/** The shapes malicious-packages and osv.dev publish: exact versions, `introduced: 0`, ranges, other ecosystems. */
function record(i: number): string {
  const eco = i % 10 === 9 ? 'PyPI' : 'npm';
  const pkg = { ecosystem: eco, name: i % 7 === 0 ? `@scope${i % 13}/mal-${i}` : `mal-${i}` };
  const affected =
    i % 4 === 0
      ? { package: pkg, versions: ['0.0.1-security'], ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }
      : i % 4 === 1 && eco === 'npm'
        ? { package: pkg, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0.0' }, { fixed: '1.4.0' }] }] }
        : { package: pkg, versions: ['1.0.0', `2.${i % 5}.1`] };
  return JSON.stringify({
    modified: '2026-03-31T02:07:58Z',
    published: '2026-03-31T02:07:58Z',
    schema_version: '1.7.4',
    id: `MAL-2026-${i}`,
    summary: `Malicious code in ${pkg.name} (${eco})`,
    details: 'The package was found to contain malicious code.',
    affected: [affected],
    database_specific: { 'malicious-packages-origins': [{ source: 'bench', sha256: i.toString(16).padStart(64, '0'), versions: ['1.0.0'] }] },
  });
}

/** SBOMs of ordinary packages with a few IOC names mixed in, so hits and misses are both measured. */
function makeSboms(): Package[][] {
  const sboms: Package[][] = [];
  for (let s = 0; s < SBOMS; s++) {
    const pkgs: Package[] = [];
    for (let k = 0; k < PACKAGES_PER_SBOM; k++) {
      const n = (s * 7919 + k * 104_729) % 250_000;
      const name = k % 100 === 0 ? `mal-${n % RECORDS}` : `lib-${n}`;
      pkgs.push({ ecosystem: 'npm', name, version: `${1 + (k % 3)}.${k % 5}.1`, paths: [] });
    }
    sboms.push(pkgs);
  }
  return sboms;
}

const ms = (t0: number) => `${(performance.now() - t0).toFixed(0)} ms`;

export async function benchOsvFeed(): Promise<{ name: string; value: string; note?: string }[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sbom-hunt-bench-osv-'));
  try {
    const zipPath = path.join(dir, 'all.zip');
    const zip = writeZip(Array.from({ length: RECORDS }, (_, i) => ({ name: `MAL-2026-${i}.json`, data: record(i) })), { deflate: true });
    await writeFile(zipPath, zip);
    const heap0 = process.memoryUsage().heapUsed;
    let t0 = performance.now();
    const set = await loadIocs([zipPath]);
    const load = ms(t0);
    t0 = performance.now();
    const index = buildIocIndex(set);
    const build = ms(t0);
    const heap = process.memoryUsage().heapUsed - heap0;
    const sboms = makeSboms();
    t0 = performance.now();
    let hits = 0;
    for (const pkgs of sboms) hits += matchPackages(pkgs, index).length;
    const matchMs = performance.now() - t0;
    return [
      { name: `osv: load ${RECORDS.toLocaleString('en')} records (zip64, deflated)`, value: load, note: `${(zip.length / 1024 ** 2).toFixed(0)} MB zip, ${set.incidents.length} incidents` },
      { name: 'osv: build the IOC index', value: build, note: `${index.keys} keys, ${index.size} entries` },
      { name: 'osv: heap held by incidents + index', value: `${(heap / 1024 ** 2).toFixed(0)} MB` },
      { name: `osv: match ${SBOMS} SBOMs x ${PACKAGES_PER_SBOM} packages`, value: `${matchMs.toFixed(0)} ms`, note: `${((matchMs * 1e6) / (SBOMS * PACKAGES_PER_SBOM)).toFixed(0)} ns/package, ${hits} hits` },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
