// OSV feed at scale: 200,000 records in one OSV-style zip through the real loader, then 1,000 SBOMs of 800 packages matched.
// The zip is written here; loading, indexing and matching run in a fresh child process, as `sbom-hunt scan --ioc all.zip`
// would, so the writer's garbage and heap do not count against the loader.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Package } from '../src/model/package.js';
import { writeZip } from '../test/iocs/zip-writer.js';

export const RECORDS = 200_000;
export const SBOMS = 1_000;
export const PACKAGES_PER_SBOM = 800;

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

/** SBOM `s` of the bench: ordinary packages with a few IOC names mixed in, so hits and misses are both measured. */
export function makeSbom(s: number): Package[] {
  const pkgs: Package[] = [];
  for (let k = 0; k < PACKAGES_PER_SBOM; k++) {
    const n = (s * 7919 + k * 104_729) % 250_000;
    const name = k % 100 === 0 ? `mal-${n % RECORDS}` : `lib-${n}`;
    pkgs.push({ ecosystem: 'npm', name, version: `${1 + (k % 3)}.${k % 5}.1`, paths: [] });
  }
  return pkgs;
}

export function makeSboms(): Package[][] {
  return Array.from({ length: SBOMS }, (_, s) => makeSbom(s));
}

export interface OsvChildFigures {
  loadMs: number;
  indexMs: number;
  matchMs: number;
  incidents: number;
  keys: number;
  entries: number;
  hits: number;
  heapMb: number;
  rssMb: number;
}

const child = fileURLToPath(new URL('./osv-child.js', import.meta.url));

export async function benchOsvFeed(): Promise<{ name: string; value: string; note?: string }[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sbom-hunt-bench-osv-'));
  try {
    const zipPath = path.join(dir, 'all.zip');
    const zip = writeZip(Array.from({ length: RECORDS }, (_, i) => ({ name: `MAL-2026-${i}.json`, data: record(i) })), { deflate: true });
    await writeFile(zipPath, zip);
    const { stdout } = await promisify(execFile)(process.execPath, [child, zipPath], { maxBuffer: 1024 * 1024 });
    const f = JSON.parse(stdout) as OsvChildFigures;
    return [
      { name: `osv: load ${RECORDS.toLocaleString('en')} records (zip64, deflated)`, value: `${f.loadMs.toFixed(0)} ms`, note: `${(zip.length / 1024 ** 2).toFixed(0)} MB zip, ${f.incidents} incidents, fresh process` },
      { name: 'osv: build the IOC index', value: `${f.indexMs.toFixed(0)} ms`, note: `${f.keys} keys, ${f.entries} entries` },
      { name: 'osv: heap held by incidents + index', value: `${f.heapMb.toFixed(0)} MB`, note: `peak RSS of that process ${f.rssMb.toFixed(0)} MB` },
      { name: `osv: match ${SBOMS} SBOMs x ${PACKAGES_PER_SBOM} packages`, value: `${f.matchMs.toFixed(0)} ms`, note: `${((f.matchMs * 1e6) / (SBOMS * PACKAGES_PER_SBOM)).toFixed(0)} ns/package, ${f.hits} hits` },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
