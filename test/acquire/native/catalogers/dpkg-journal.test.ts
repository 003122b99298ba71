// Differential: the deb packages sbom-hunt reads from an image's /var/lib/dpkg against the real dpkg-query over the
// same folder (--admindir). Generated databases: a status file and the journal an interrupted dpkg leaves
// (updates/<digits>, applied in name order over the status file; names of other forms ignored, digit names of
// different lengths or over 10 digits refused), every dpkg state (half-installed, unpacked, half-configured and the
// trigger states have their files on disk; config-files and not-installed do not), Multi-Arch: same instances of
// one name beside singletons, and states dpkg does not know. Where dpkg-query lists packages, sbom-hunt lists
// exactly those with files on disk (name and version); where it refuses the database, the platform is unknown.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readImage } from '../../../../src/acquire/native/read-image.js';
import { openOciDir } from '../../../../src/inventory/oci-dir.js';
import { buildImageLayout } from '../../../helpers/image-builder.js';
import { seeded } from '../../../helpers/random.js';
import { oracleRuns, oracleSeed, recordOracle } from '../../../oracle/tally.js';

const RUNS = oracleRuns(60, 0.0005);
const root = mkdtempSync(join(tmpdir(), 'dpkg-oracle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
const STATES = ['installed', 'installed', 'unpacked', 'half-installed', 'half-configured', 'triggers-awaited', 'triggers-pending', 'config-files', 'not-installed'];
const WANT = { installed: 'install', 'config-files': 'deinstall', 'not-installed': 'purge' } as Record<string, string>;

function paragraph(r: Rand, name: string, arch: string, same: boolean, odd: boolean): string {
  const state = odd ? 'weird' : pick(r, STATES);
  const lines = [`Package: ${name}`, `Status: ${WANT[state] ?? 'install'} ok ${state}`];
  if (state !== 'not-installed') lines.push('Maintainer: t <t@example.com>', `Architecture: ${arch}`, `Version: ${pick(r, ['1.0-1', '1:2.0~rc1-1', '5.6.1+really5.4.5-1', '3'])}`, 'Description: x');
  else lines.push(`Architecture: ${arch}`);
  if (same) lines.push('Multi-Arch: same');
  if (state === 'triggers-awaited') lines.push('Triggers-Awaited: libc-bin');
  if (state === 'triggers-pending') lines.push('Triggers-Pending: ldconfig');
  return lines.join('\n');
}

/** Paragraphs over a few names: a name is Multi-Arch: same (amd64, i386) or a singleton in each record. */
function records(r: Rand, count: number, odd: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = pick(r, ['libacme1', 'xz-utils', 'acme-tool', 'killer', 'half']);
    const same = name === 'libacme1' && r() < 0.8;
    out.push(paragraph(r, name, same ? pick(r, ['amd64', 'i386']) : pick(r, ['amd64', 'all']), same, r() < odd));
  }
  return `${out.join('\n\n')}\n`;
}

/** One /var/lib/dpkg: a status file (unique records) and 0-3 journal files, now and then named as dpkg refuses. */
function generate(r: Rand): Map<string, string> {
  const files = new Map<string, string>();
  const status = new Map<string, string>();
  for (const block of records(r, 1 + Math.floor(r() * 4), 0.02).trim().split('\n\n')) status.set(/^Package: (.*)$/m.exec(block)![1]! + (/^Architecture: (.*)$/m.exec(block)?.[1] ?? ''), block);
  files.set('status', `${[...status.values()].join('\n\n')}\n`);
  const journals = Math.floor(r() * 4);
  for (let j = 0; j < journals; j++) {
    const name = r() < 0.08 ? pick(r, ['00001', '01234567890', 'tmp.i', '12']) : String(j + Math.floor(r() * 3) * 10).padStart(4, '0');
    files.set(`updates/${name}`, records(r, 1 + Math.floor(r() * 2), 0.02));
  }
  return files;
}

function dpkgQuery(admindir: string): string[] | undefined {
  try {
    const out = execFileSync('dpkg-query', [`--admindir=${admindir}`, '-W', '-f', '${Package} ${Version} ${db:Status-Status}\n'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const onDisk = out.split('\n').filter((l) => l && !/ (config-files|not-installed)$/.test(l));
    return [...new Set(onDisk.map((l) => l.replace(/ \S+$/, '')))].sort();
  } catch {
    return undefined;
  }
}

describe('dpkg: sbom-hunt agrees with dpkg-query', () => {
  it(`${RUNS} generated status files and journals`, async () => {
    const seed = oracleSeed(1e9);
    const r = seeded(seed);
    const disagreements: string[] = [];
    let journalled = 0;
    let refused = 0;
    for (let i = 0; i < RUNS; i++) {
      const files = generate(r);
      const admindir = join(root, `case${i}`, 'var/lib/dpkg');
      mkdirSync(join(admindir, 'updates'), { recursive: true });
      for (const [path, text] of files) writeFileSync(join(admindir, path), text);
      const expected = dpkgQuery(admindir);
      const built = await buildImageLayout(join(root, `img${i}`), { platforms: [{ layers: [{ files: [...files].map(([path, content]) => ({ path: `var/lib/dpkg/${path}`, content })) }] }] });
      const p = (await readImage(await openOciDir(built.dir), { ref: `case${i}` })).platforms[0]!;
      const ours = [...new Set(p.packages.filter((x) => x.ecosystem === 'deb').map((x) => `${x.name} ${x.version}`))].sort();
      if (expected === undefined) refused += 1;
      else if (files.size > 1) journalled += 1;
      const same = expected === undefined ? p.errors.length > 0 : p.errors.length === 0 && JSON.stringify(ours) === JSON.stringify(expected);
      if (!same) disagreements.push(`case ${i}: dpkg-query ${JSON.stringify(expected ?? 'refuses')}, sbom-hunt ${JSON.stringify(ours)} errors ${JSON.stringify(p.errors)}; files ${JSON.stringify([...files])}`);
    }
    recordOracle('dpkg-journal', RUNS, disagreements.length, `seed ${seed}; ${journalled} with a journal dpkg-query read, ${refused} refused`);
    expect(journalled).toBeGreaterThan(RUNS / 4);
    expect(refused).toBeGreaterThan(0);
    expect(disagreements.slice(0, 3)).toEqual([]);
  }, 120_000);
});
