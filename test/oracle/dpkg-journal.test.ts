// Differential: the deb packages sbom-hunt reads from an image's /var/lib/dpkg against the real dpkg-query over the
// same folder (--admindir). Generated databases: a status file (now and then with records dpkg never writes
// together, or missing) and the journal an interrupted dpkg leaves (updates/<digits>, applied in name order over
// the status file; names of other forms ignored, digit names of different lengths or over 10 digits refused), every
// dpkg state (unpacked, half-configured and the trigger states have their files on disk, half-installed only with
// its file list; config-files and not-installed do not), Multi-Arch: same instances of one name beside singletons,
// and shapes dpkg refuses or reads its own way (unknown Status words, bad or missing versions, names and field
// names in upper or lower case, trigger fields in the wrong state, a blank line of spaces, no final newline, a
// field twice, a comment line, CRLF line ends, continuation lines that start with CR or VT). Where dpkg-query
// lists packages, sbom-hunt lists exactly those with files on disk (name and version); where it refuses the
// database, the platform is unknown. `npm run fuzz` runs 500 cases.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/acquire/native/read-image.js';
import { openOciDir } from '../../src/inventory/oci-dir.js';
import { buildImageLayout } from '../helpers/image-builder.js';
import { seeded } from '../helpers/random.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

const RUNS = oracleRuns(60, 0.005);
const root = mkdtempSync(join(tmpdir(), 'dpkg-oracle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
const STATES = ['installed', 'installed', 'unpacked', 'half-installed', 'half-configured', 'triggers-awaited', 'triggers-pending', 'config-files', 'not-installed'];
const WANT = { installed: 'install', 'config-files': 'deinstall', 'not-installed': 'purge' } as Record<string, string>;

const NAMES = ['libacme1', 'xz-utils', 'acme-tool', 'killer', 'half'];

/** Shapes dpkg refuses or reads its own way, one now and then in a record. */
const ODD = ['state', 'want', 'words', 'no-version', 'version', 'upper-name', 'lower-fields', 'multi-arch', 'no-status', 'triggers'] as const;
const BAD_VERSIONS = ['1:', '1-', 'x:1', '1x:1', '-1:1', '2147483648:1', '2147483647:1', '1 2', '', 'a1', '1:2:3'];

function paragraph(r: Rand, name: string, arch: string, same: boolean, odd: (typeof ODD)[number] | undefined): string {
  const state = odd === 'state' ? 'weird' : pick(r, STATES);
  const want = odd === 'want' ? 'frob' : (WANT[state] ?? 'install');
  const words = odd === 'words' ? pick(r, [`${want} ok`, `${want} ok ${state} extra`, `${want.toUpperCase()} OK ${state.toUpperCase()}`]) : `${want} ok ${state}`;
  const lines = [`Package: ${odd === 'upper-name' ? name.toUpperCase() : name}`];
  if (odd !== 'no-status') lines.push(`Status: ${words}`);
  const version = odd === 'version' ? pick(r, BAD_VERSIONS) : pick(r, ['1.0-1', '1:2.0~rc1-1', '5.6.1+really5.4.5-1', '3']);
  if (state !== 'not-installed') {
    lines.push('Maintainer: t <t@example.com>', `Architecture: ${arch}`);
    if (odd !== 'no-version') lines.push(`Version: ${version}`);
    lines.push('Description: x');
  } else {
    lines.push(`Architecture: ${arch}`);
    if (odd === 'version') lines.push(`Version: ${version}`);
  }
  if (same) lines.push(`Multi-Arch: ${odd === 'multi-arch' ? pick(r, ['SAME', 'frob']) : 'same'}`);
  else if (odd === 'multi-arch') lines.push(`Multi-Arch: ${pick(r, ['same', 'foreign', 'Allowed'])}`);
  const awaited = state === 'triggers-awaited';
  const pending = state === 'triggers-pending' || (awaited && r() < 0.3);
  if (odd === 'triggers' ? r() < 0.5 : awaited) lines.push('Triggers-Awaited: libc-bin');
  if (odd === 'triggers' ? r() < 0.5 : pending) lines.push('Triggers-Pending: ldconfig');
  return (odd === 'lower-fields' ? lines.map((l) => l.replace(/^[^:]+/, (k) => k.toLowerCase())) : lines).join('\n');
}

/** Paragraphs over a few names: a name is Multi-Arch: same (amd64, i386) or a singleton in each record. */
function records(r: Rand, count: number, odd: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = pick(r, NAMES);
    const same = name === 'libacme1' && r() < 0.8;
    out.push(paragraph(r, name, same ? pick(r, ['amd64', 'i386']) : pick(r, ['amd64', 'all']), same, r() < odd ? pick(r, ODD) : undefined));
  }
  return `${out.join('\n\n')}\n`;
}

/** A file spoilt now and then as dpkg's parser sees it: a line of blanks, no final newline, a field twice, a comment, CRLF. */
function spoil(r: Rand, text: string): string {
  if (r() >= 0.04) return text;
  return pick(r, [
    () => text.replace('\n\n', '\n \t\n'),
    () => text.replace(/\n$/, ''),
    () => text.replace(/^(Version: .*)$/m, '$1\nVersion: 9'),
    () => `# a comment\n${text}`,
    () => `\n\n${text}\n\n`,
    () => text.replace(/\n/g, '\r\n'),
    () => text.replace(/^(Description: .*)$/m, '$1\n\rmore\n\vmore'),
  ])();
}

/**
 * One /var/lib/dpkg: a status file (mostly one record a name and architecture, as dpkg writes it; now and then
 * any records, or none at all) and 0-3 journal files, now and then named as dpkg refuses.
 */
function generate(r: Rand): Map<string, string> {
  const files = new Map<string, string>();
  const raw = records(r, 1 + Math.floor(r() * 4), 0.04);
  const unique = new Map<string, string>();
  for (const block of raw.trim().split('\n\n')) unique.set(/^Package: (.*)$/im.exec(block)?.[1] + (/^Architecture: (.*)$/im.exec(block)?.[1] ?? ''), block);
  const status = r() < 0.15 ? raw : `${[...unique.values()].join('\n\n')}\n`;
  if (r() >= 0.05) files.set('status', spoil(r, status));
  const journals = Math.floor(r() * 4);
  for (let j = 0; j < journals; j++) {
    const name = r() < 0.08 ? pick(r, ['00001', '01234567890', 'tmp.i', '12']) : String(j + Math.floor(r() * 3) * 10).padStart(4, '0');
    files.set(`updates/${name}`, spoil(r, records(r, 1 + Math.floor(r() * 2), 0.04)));
  }
  // File lists for some names: a half-installed package has files on disk only with one.
  for (const name of NAMES) if (r() < 0.5) files.set(`info/${name}${name === 'libacme1' && r() < 0.5 ? `:${pick(r, ['amd64', 'i386'])}` : ''}.list`, `/usr/share/${name}\n`);
  return files;
}

/**
 * What dpkg-query lists with files on disk, as `name version` (undefined where it refuses the database): every
 * state but config-files and not-installed, half-installed only with its file list (an install cut short before
 * it unpacked has none; the real builds of test/e2e/real-builds-deb.test.ts check this on disk).
 */
function dpkgQuery(admindir: string, files: Map<string, string>): string[] | undefined {
  try {
    const out = execFileSync('dpkg-query', [`--admindir=${admindir}`, '-W', '-f', '${Package} ${Version} ${db:Status-Status} ${Architecture}\n'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const onDisk = out
      .split('\n')
      .map((l) => l.split(' '))
      .filter(([name, , state, arch]) => state !== undefined && state !== 'config-files' && state !== 'not-installed' && (state !== 'half-installed' || files.has(`info/${name}.list`) || files.has(`info/${name}:${arch}.list`)));
    return [...new Set(onDisk.map(([name, version]) => `${name} ${version}`))].sort();
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
      mkdirSync(join(admindir, 'info'), { recursive: true });
      for (const [path, text] of files) writeFileSync(join(admindir, path), text);
      const expected = dpkgQuery(admindir, files);
      const built = await buildImageLayout(join(root, `img${i}`), { platforms: [{ layers: [{ files: [...files].map(([path, content]) => ({ path: `var/lib/dpkg/${path}`, content })) }] }] });
      const p = (await readImage(await openOciDir(built.dir), { ref: `case${i}` })).platforms[0]!;
      const ours = [...new Set(p.packages.filter((x) => x.ecosystem === 'deb').map((x) => `${x.name} ${x.version}`))].sort();
      if (expected === undefined) refused += 1;
      else if ([...files.keys()].some((f) => f.startsWith('updates/'))) journalled += 1;
      const same = expected === undefined ? p.errors.length > 0 : p.errors.length === 0 && JSON.stringify(ours) === JSON.stringify(expected);
      if (!same) disagreements.push(`case ${i}: dpkg-query ${JSON.stringify(expected ?? 'refuses')}, sbom-hunt ${JSON.stringify(ours)} errors ${JSON.stringify(p.errors)}; files ${JSON.stringify([...files])}`);
    }
    recordOracle('dpkg-journal', RUNS, disagreements.length, `seed ${seed}; ${journalled} with a journal dpkg-query read, ${refused} refused`);
    expect(journalled).toBeGreaterThan(RUNS / 4);
    expect(refused).toBeGreaterThan(0);
    expect(disagreements.slice(0, 3)).toEqual([]);
  }, 120_000);

  it("this machine's own dpkg database, as dpkg-query lists it", async () => {
    const dir = '/var/lib/dpkg';
    const journal = readdirSync(join(dir, 'updates')).map((n) => `updates/${n}`);
    const files = new Map(['status', ...journal].map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    // The file lists, empty: only whether one is there matters.
    for (const n of readdirSync(join(dir, 'info'))) if (n.endsWith('.list')) files.set(`info/${n}`, '');
    const expected = dpkgQuery(dir, files);
    const built = await buildImageLayout(join(root, 'host'), { platforms: [{ layers: [{ files: [...files].map(([path, content]) => ({ path: `var/lib/dpkg/${path}`, content })) }] }] });
    const p = (await readImage(await openOciDir(built.dir), { ref: 'host' })).platforms[0]!;
    expect(p.errors).toEqual([]);
    expect(expected?.length).toBeGreaterThan(50);
    expect([...new Set(p.packages.filter((x) => x.ecosystem === 'deb').map((x) => `${x.name} ${x.version}`))].sort()).toEqual(expected);
    console.log(`this machine's dpkg: ${expected?.length} packages as dpkg-query lists them, ${journal.length} journal files`);
  });
});
