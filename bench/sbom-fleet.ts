// The goal row: `scan sbom:DIR` over a fleet of syft-style SPDX files against a flat 20,000-entry IOC file, paired
// with the reference matcher written the way the SBOM-monitoring guide's monitor works (reference-matcher.py:
// PyYAML + libyaml, exact name+version sets) on the same files, and sbom-hunt's time printed as a ratio of it.
// Sizes: SBOM_HUNT_BENCH_SBOMS (files), SBOM_HUNT_BENCH_FEED (IOC entries), SBOM_HUNT_BENCH_PAIRS.
// `node dist/bench/sbom-fleet.js make DIR` writes the fleet and feed only (DIR/sboms, DIR/feed.yaml).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Report } from '../src/model/report.js';

interface Row {
  name: string;
  value: string;
  note?: string;
}

const SBOMS = Number(process.env.SBOM_HUNT_BENCH_SBOMS ?? 200);
const FEED = Number(process.env.SBOM_HUNT_BENCH_FEED ?? 20_000);
const PAIRS = Number(process.env.SBOM_HUNT_BENCH_PAIRS ?? 3);
const PACKAGES = 800;
const CLI = fileURLToPath(new URL('../../bin/sbom-hunt.js', import.meta.url));
const PROBE = fileURLToPath(new URL('./rss-probe.js', import.meta.url));
const REFERENCE = fileURLToPath(new URL('../../bench/reference-matcher.py', import.meta.url));
const run = promisify(execFile);

const hex = (s: string, n = 16) => createHash('sha256').update(s).digest('hex').slice(0, n);

type Eco = 'npm' | 'pypi' | 'deb';

/** Package k of file i: most shared across the fleet, as images share a base; 1 in 20 files carries axios 1.14.1. */
function packageOf(i: number, k: number): { eco: Eco; name: string; version: string } {
  const eco: Eco = k % 5 === 3 ? 'pypi' : k % 5 === 4 ? 'deb' : 'npm';
  const name = k < 600 ? `base-${eco}-${k}` : `app${i % 40}-${eco}-${k}`;
  if (i % 20 === 7 && k === PACKAGES - 1) return { eco: 'npm', name: 'axios', version: '1.14.1' };
  return { eco, name, version: `1.${k % 20}.${i % 3}` };
}

/** One package as syft writes it in SPDX 2.3: a CPE, a purl, the manifest it read in sourceInfo; a deb CONTAINS a file it owns. */
function spdxPackage(i: number, k: number): { pkg: object; file?: object; rel?: object } {
  const { eco, name, version } = packageOf(i, k);
  const id = `SPDXRef-Package-${eco}-${name}-${hex(`${i}/${k}`)}`;
  const fileId = `SPDXRef-File-${hex(`${i}/${k}/f`)}`;
  const where =
    eco === 'npm' ? { manifest: `/app/node_modules/${name}/package.json`, what: 'installed node module manifest file', purl: `pkg:npm/${name}@${version}` }
    : eco === 'pypi' ? { manifest: `/usr/lib/python3.12/site-packages/${name.replaceAll('-', '_')}-${version}.dist-info/METADATA`, what: 'installed python package manifest file', purl: `pkg:pypi/${name}@${version}` }
    : { manifest: `/var/lib/dpkg/status`, what: 'dpkg DB', purl: `pkg:deb/debian/${name}@${version}?arch=amd64&distro=debian-12` };
  const pkg = {
    name,
    SPDXID: id,
    versionInfo: version,
    supplier: 'NOASSERTION',
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    sourceInfo: `acquired package info from ${where.what}: ${where.manifest}`,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'MIT',
    copyrightText: 'NOASSERTION',
    externalRefs: [
      { referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: `cpe:2.3:a:${name}:${name}:${version}:*:*:*:*:*:*:*` },
      { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: where.purl },
    ],
  };
  if (eco !== 'deb') return { pkg };
  const file = { fileName: `/usr/share/doc/${name}/copyright`, SPDXID: fileId, checksums: [{ algorithm: 'SHA1', checksumValue: hex(`${i}/${k}/sum`, 40) }], licenseConcluded: 'NOASSERTION', copyrightText: '' };
  return { pkg, file, rel: { spdxElementId: id, relatedSpdxElement: fileId, relationshipType: 'CONTAINS' } };
}

function spdxDocument(i: number): string {
  const parts = Array.from({ length: PACKAGES }, (_, k) => spdxPackage(i, k));
  const image = { name: `registry.example/app${i}`, SPDXID: 'SPDXRef-DocumentRoot-Image', versionInfo: `sha256:${hex(`image ${i}`, 64)}`, supplier: 'NOASSERTION', downloadLocation: 'NOASSERTION', filesAnalyzed: false, primaryPackagePurpose: 'CONTAINER' };
  return JSON.stringify({
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `registry.example/app${i}`,
    documentNamespace: `https://anchore.com/syft/image/app${i}-${hex(`ns ${i}`, 32)}`,
    creationInfo: { licenseListVersion: '3.25', creators: ['Organization: Anchore, Inc', 'Tool: syft-1.18.1'], created: '2026-03-30T12:00:00Z' },
    packages: [image, ...parts.map((p) => p.pkg)],
    files: parts.flatMap((p) => (p.file ? [p.file] : [])),
    relationships: [...parts.flatMap((p) => (p.rel ? [p.rel] : [])), { spdxElementId: 'SPDXRef-DOCUMENT', relatedSpdxElement: 'SPDXRef-DocumentRoot-Image', relationshipType: 'DESCRIBES' }],
  });
}

/** The guide's flat list (name, version, ecosystem, reference per entry): axios 1.14.1 plus entries naming fleet packages at other versions and names no file has. */
function flatFeed(entries: number): string {
  const lines = ['packages:', '  - name: axios', '    version: "1.14.1"', '    ecosystem: npm', '    disclosed: "2026-03-31"', '    reference: "https://osv.dev/vulnerability/MAL-2026-2307"'];
  for (let e = 1; e < entries; e++) {
    const k = e % PACKAGES;
    const { eco, name } = e % 10 === 0 ? packageOf(e % 40, k) : { eco: 'npm', name: `feed-only-${e}` };
    lines.push(`  - name: ${name}`, `    version: "9.${e % 13}.${e % 7}"`, `    ecosystem: ${eco}`, `    reference: "https://osv.dev/vulnerability/MAL-2026-${10000 + e}"`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes DIR/sboms/*.spdx.json and DIR/feed.yaml; returns the fleet's size in bytes. */
export async function makeSbomFleet(dir: string, files = SBOMS, feedEntries = FEED): Promise<number> {
  await mkdir(join(dir, 'sboms'), { recursive: true });
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const text = spdxDocument(i);
    bytes += Buffer.byteLength(text);
    await writeFile(join(dir, 'sboms', `app${String(i).padStart(4, '0')}.spdx.json`), text);
  }
  await writeFile(join(dir, 'feed.yaml'), flatFeed(feedEntries));
  return bytes;
}

interface Reference {
  files: number;
  packages: number;
  hits: number;
  hitFiles: string[];
}

async function timeReference(dir: string): Promise<{ seconds: number; result: Reference }> {
  const started = performance.now();
  const { stdout } = await run('python3', [REFERENCE, join(dir, 'sboms'), join(dir, 'feed.yaml')], { maxBuffer: 16 * 1024 * 1024 });
  return { seconds: (performance.now() - started) / 1000, result: JSON.parse(stdout) as Reference };
}

async function timeCli(dir: string, n: number): Promise<{ seconds: number; rssMb: number; report: Report }> {
  const rssFile = join(dir, `rss-${n}`);
  const out = join(dir, `report-${n}.json`);
  const args = ['--import', PROBE, CLI, 'scan', `sbom:${join(dir, 'sboms')}`, '--ioc', join(dir, 'feed.yaml'), '--no-cache', '--format', 'json', '-o', out, '--fail-on', 'none', '--quiet'];
  const started = performance.now();
  await run(process.execPath, args, { env: { ...process.env, SBOM_HUNT_RSS_FILE: rssFile, CI: 'true' }, maxBuffer: 16 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  return { seconds, rssMb: Number(await readFile(rssFile, 'utf8')) / 1024, report: JSON.parse(await readFile(out, 'utf8')) as Report };
}

/** The same files must be hits for both, or the ratio compares two different jobs. */
function checkAgreement(ref: Reference, report: Report): void {
  const affected = report.images.filter((i) => i.verdict === 'affected').map((i) => i.ref.split('/').at(-1)).sort();
  if (report.summary.images !== SBOMS || report.summary.unknown > 0) throw new Error(`sbom-fleet: ${report.summary.images} images read, ${report.summary.unknown} unknown`);
  if (ref.files !== SBOMS || JSON.stringify(affected) !== JSON.stringify(ref.hitFiles)) {
    throw new Error(`sbom-fleet: sbom-hunt and the reference disagree: ${affected.length} affected against ${ref.hitFiles.length} files with hits`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchSbomFleet(): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-bench-sbom-fleet-'));
  try {
    const bytes = await makeSbomFleet(dir);
    const what = `${SBOMS} SPDX files (${(bytes / 1024 / 1024).toFixed(0)} MB, ${PACKAGES} packages each), ${FEED.toLocaleString('en')}-entry flat IOC YAML`;
    // Pairs back to back, order alternating, so a busy neighbour slows both sides of a pair alike.
    const pairs: { py: number; cli: number; rss: number }[] = [];
    for (let p = 0; p < PAIRS; p++) {
      const first = p % 2 === 0 ? await timeReference(dir) : undefined;
      const cli = await timeCli(dir, p);
      const ref = first ?? (await timeReference(dir));
      checkAgreement(ref.result, cli.report);
      pairs.push({ py: ref.seconds, cli: cli.seconds, rss: cli.rssMb });
    }
    const ratio = median(pairs.map((x) => x.cli / x.py));
    return [
      { name: 'sbom fleet: reference matcher (Python, PyYAML+libyaml)', value: `${median(pairs.map((x) => x.py)).toFixed(2)} s`, note: `${what}; median of ${PAIRS}` },
      { name: 'sbom fleet: sbom-hunt scan sbom:DIR', value: `${median(pairs.map((x) => x.cli)).toFixed(2)} s`, note: `whole CLI run, JSON report to a file; peak RSS ${median(pairs.map((x) => x.rss)).toFixed(0)} MB; median of ${PAIRS}` },
      { name: 'sbom fleet: sbom-hunt / reference (aim <= 0.5x)', value: `${ratio.toFixed(2)}x`, note: `median of ${PAIRS} paired runs: ${pairs.map((x) => `${x.cli.toFixed(2)}/${x.py.toFixed(2)}`).join(', ')} s` },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'make' && process.argv[3]) {
  const bytes = await makeSbomFleet(process.argv[3]);
  console.log(`${SBOMS} SBOM files, ${(bytes / 1024 / 1024).toFixed(1)} MB, feed of ${FEED} entries in ${process.argv[3]}`);
}
