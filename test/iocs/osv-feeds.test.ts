// OSV as the loader meets it in the field: a malicious-packages checkout, OSV's bulk zips, a ConfigMap mount.
import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { lintIocs, loadIocs } from '../../src/iocs/index.js';
import { releaseBytes } from '../../src/iocs/load.js';
import { buildIocIndex, matchPackages, matchPackagesDetailed } from '../../src/match/index.js';
import { matchReason } from '../../src/match/reasons.js';
import type { IocSet } from '../../src/model/ioc.js';
import { writeZip } from './zip-writer.js';

const FIX = 'fixtures/iocs/osv';
const TREE = `${FIX}/malicious-packages`;
const tmp = () => mkdtemp(path.join(tmpdir(), 'osv-feeds-'));
const hits = (set: IocSet, ecosystem: string, name: string, version: string) => matchPackages([{ ecosystem, name, version, paths: [] }], buildIocIndex(set)).map((m) => m.matchedBy);

describe('OSV range events', () => {
  it('turns introduced/fixed/last_affected/limit into ranges in each ecosystem, GIT ranges ignored', async () => {
    const [inc] = (await loadIocs([`${FIX}/ranges`])).incidents;
    expect(inc!.packages.map((p) => [p.name, p.ranges, p.anyVersion])).toEqual([
      ['semver-pkg', ['>=1.0.0 <1.2.0', '>=2.0.0 <=2.0.5'], false],
      ['eco-pkg', ['<3.0.0'], false],
      ['limit-star', ['>=4.0.0'], false],
      ['git-and-versions', [], false],
      ['Py_Pkg', ['>=1.0 <1.1'], false],
    ]);
    expect(inc!.packages[4]!.notes).toBeUndefined();
  });

  it.each<[string, string, string, string[]]>([
    ['npm', 'semver-pkg', '0.9.9', []],
    ['npm', 'semver-pkg', '1.1.9', ['range']],
    ['npm', 'semver-pkg', '1.2.0', []],
    ['npm', 'semver-pkg', '2.0.5', ['range']],
    ['npm', 'semver-pkg', '2.0.6', []],
    ['npm', 'eco-pkg', '2.9.9', ['range']],
    ['npm', 'eco-pkg', '3.0.0', []],
    ['npm', 'limit-star', '99.0.0', ['range']],
    ['npm', 'limit-star', '3.9.9', []],
    ['npm', 'git-and-versions', '0.1.0', ['version']],
    ['npm', 'git-and-versions', '0.1.1', []],
    ['pypi', 'py-pkg', '1.0', ['version']],
    // the ECOSYSTEM range is compared in PEP 440 order
    ['pypi', 'py-pkg', '1.0.5', ['range']],
  ])('%s %s@%s -> %j', async (eco, name, version, expected) => {
    expect(hits(await loadIocs([`${FIX}/ranges`]), eco, name, version)).toEqual(expected);
  });
});

describe('OSV records without version information', () => {
  it('match every version by name alone, and the finding says so', async () => {
    const set = await loadIocs([`${FIX}/no-version`]);
    const pkg = set.incidents[0]!.packages[0]!;
    expect(pkg).toMatchObject({ name: 'bare-evil', versions: [], ranges: [], anyVersion: true });
    expect(pkg.notes).toMatch(/lists no versions: every version matches/);
    const [d] = matchPackagesDetailed([{ ecosystem: 'npm', name: 'bare-evil', version: '7.0.0', paths: ['/app/node_modules/bare-evil/package.json'] }], buildIocIndex(set));
    expect(d!.match.matchedBy).toBe('any-version');
    expect(matchReason(d!)).toBe('bare-evil@7.0.0 at /app/node_modules/bare-evil/package.json matches MAL-2099-0100 (every version)');
    expect(hits(set, 'npm', 'bare-evil-helper', '7.0.0')).toEqual([]);
  });

  it('reads a package given only as a purl', async () => {
    const set = await loadIocs([`${FIX}/no-version`]);
    expect(set.incidents[0]!.packages[1]).toMatchObject({ ecosystem: 'npm', name: '@evil/purl-only', versions: ['9.9.9'], anyVersion: false });
    expect(hits(set, 'npm', '@evil/purl-only', '9.9.9')).toEqual(['version']);
  });
});

describe('an ossf/malicious-packages checkout', () => {
  it('loads osv/malicious, skips osv/withdrawn, withdrawn records, dot-folders and other JSON', async () => {
    const set = await loadIocs([TREE]);
    expect(set.incidents.map((i) => i.id)).toEqual(['MAL-2099-0002', 'MAL-2099-0001', 'MAL-2099-0003']);
    expect(set.files.map((f) => path.relative(TREE, f))).toEqual([
      'osv/malicious/npm/@scope/typo-lib/MAL-2099-0002.json',
      'osv/malicious/npm/evil-pkg/MAL-2099-0001.json',
      // read, and found withdrawn
      'osv/malicious/npm/retracted/MAL-2099-0004.json',
      'osv/malicious/pypi/requestz/MAL-2099-0003.json',
    ]);
    expect(hits(set, 'npm', 'was-bad', '2.0.0')).toEqual([]);
    expect(hits(set, 'npm', 'retracted', '1.0.0')).toEqual([]);
    expect(hits(set, 'npm', 'evil-pkg', '6.6.6')).toEqual([]);
    expect(hits(set, 'npm', 'evil-pkg', '1.0.1')).toEqual(['version']);
    expect(hits(set, 'npm', '@scope/typo-lib', '3.1.4')).toEqual(['any-version']);
    expect(hits(set, 'pypi', 'RequestZ', '0.1')).toEqual(['any-version']);
    expect(set.incidents[1]!.indicators).toEqual(['evil.example', '192.0.2.7']);
  });

  it('a withdrawn record named on its own loads as no incident', async () => {
    expect((await loadIocs([`${FIX}/withdrawn/MAL-2099-0200.json`])).incidents).toEqual([]);
  });

  it('a broken record names its line and field', async () => {
    const file = `${FIX}/broken/MAL-2099-0300.json`;
    await expect(loadIocs([file])).rejects.toThrow(`${file}:14 (affected[0].versions[0]): expected string, got number 1.5`);
  });

  it('a folder of JSON that is not OSV holds no IOC files', async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, 'package.json'), '{"name": "x", "version": "1.0.0"}');
    await writeFile(path.join(dir, 'tsconfig.json'), '{\n  // comments: JSONC, not JSON\n  "compilerOptions": {}\n}\n');
    await expect(loadIocs([dir])).rejects.toThrow(/no IOC files/);
    expect(await lintIocs([dir])).toMatchObject([{ file: dir, ok: false }]);
    // A truncated OSV record in the same folder is an error, not passed over.
    await writeFile(path.join(dir, 'MAL-2099-0400.json'), '{"schema_version": "1.7.4", "id": "MAL-2099-0400", "affected": [');
    await expect(loadIocs([dir])).rejects.toThrow(/MAL-2099-0400\.json:\d+: not valid YAML/);
  });

  it('a Kubernetes ConfigMap mount (..data and ..<timestamp> copies) loads each incident once', async () => {
    const dir = await tmp();
    const stamp = '..2099_01_02_03_04_05.123456789';
    await mkdir(path.join(dir, stamp));
    await writeFile(path.join(dir, stamp, 'axios.yaml'), await readFile('iocs/axios-2026-03.yaml'));
    await writeFile(path.join(dir, stamp, 'evil.json'), await readFile(`${TREE}/osv/malicious/npm/evil-pkg/MAL-2099-0001.json`));
    await symlink(stamp, path.join(dir, '..data'));
    await symlink('..data/axios.yaml', path.join(dir, 'axios.yaml'));
    await symlink('..data/evil.json', path.join(dir, 'evil.json'));
    const set = await loadIocs([dir]);
    expect(set.incidents.map((i) => i.id)).toEqual(['axios-2026-03', 'MAL-2099-0001']);
    expect(set.files.map((f) => path.basename(f))).toEqual(['axios.yaml', 'evil.json']);
  });
});

async function treeRecords(): Promise<{ name: string; data: Buffer }[]> {
  const names = ['npm/evil-pkg/MAL-2099-0001.json', 'npm/@scope/typo-lib/MAL-2099-0002.json', 'pypi/requestz/MAL-2099-0003.json'];
  return Promise.all(names.map(async (n) => ({ name: path.basename(n), data: await readFile(`${TREE}/osv/malicious/${n}`) })));
}

describe('releaseBytes: a decoded feed file\'s memory freed at once', () => {
  it('detaches a buffer of 1 MiB or more that is its own ArrayBuffer, and nothing else', () => {
    const big = Buffer.alloc(1 << 20, 1);
    const view = big.subarray(5, 10);
    releaseBytes(big);
    expect([big.length, big.buffer.byteLength, view.length]).toEqual([0, 0, 0]);
    const small = Buffer.alloc((1 << 20) - 1, 1);
    releaseBytes(small);
    expect(small.length).toBe((1 << 20) - 1);
    // A view into a larger buffer, or one not starting at its buffer's start, belongs to someone else.
    const shared = Buffer.alloc(3 << 20, 1);
    for (const part of [shared.subarray(0, 2 << 20), shared.subarray(1, (2 << 20) + 1)]) releaseBytes(part);
    expect(shared.length).toBe(3 << 20);
  });
});

describe("OSV's bulk zips", () => {
  it('reads flat *.json entries, passing over other JSON and macOS resource forks', async () => {
    const dir = await tmp();
    const zip = path.join(dir, 'all.zip');
    const junk = [{ name: 'manifest.json', data: '{"generated": "2099-01-01"}' }, { name: '__MACOSX/._MAL-2099-0001.json', data: 'binary junk' }];
    await writeFile(zip, writeZip([...(await treeRecords()), ...junk], { deflate: true }));
    const set = await loadIocs([zip]);
    expect(set.incidents.map((i) => i.id)).toEqual(['MAL-2099-0001', 'MAL-2099-0002', 'MAL-2099-0003']);
    expect(set.incidents[0]!.file).toBe(`${zip}!/MAL-2099-0001.json`);
    expect(hits(set, 'npm', 'evil-pkg', '1.0.0')).toEqual(['version']);
  });

  it('a zip in a folder is walked, and the same record in a tree and a zip is one incident', async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, 'npm-all.zip'), writeZip(await treeRecords(), { deflate: true }));
    const set = await loadIocs([dir, TREE]);
    expect(set.incidents.map((i) => i.id)).toEqual(['MAL-2099-0001', 'MAL-2099-0002', 'MAL-2099-0003']);
    expect(set.files.map((f) => path.basename(f))).toEqual(['npm-all.zip', 'MAL-2099-0002.json', 'MAL-2099-0001.json', 'MAL-2099-0004.json', 'MAL-2099-0003.json']);
  });

  it('reads a zip64 archive of more than 65,535 records, as OSV ships npm', async () => {
    const record = (i: number) => JSON.stringify({ schema_version: '1.7.4', id: `MAL-2099-${i}`, modified: '2099-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: `p${i}` }, versions: ['1.0.0'] }] });
    const zip = writeZip(Array.from({ length: 70_000 }, (_, i) => ({ name: `MAL-2099-${i}.json`, data: record(i) })));
    expect(zip.readUInt16LE(zip.length - 22 + 10)).toBe(0xffff);
    const dir = await tmp();
    await writeFile(path.join(dir, 'all.zip'), zip);
    const set = await loadIocs([path.join(dir, 'all.zip')]);
    expect(set.incidents).toHaveLength(70_000);
    expect(hits(set, 'npm', 'p69999', '1.0.0')).toEqual(['version']);
  }, 60_000);

  it('a zip over 1 MiB (its bytes released once decoded, so nothing may read them after): a broken record named, the rest kept, the same from the compiled cache', async () => {
    const record = (i: number) =>
      i === 777 ? '{"schema_version": "1.7.4", "id": "MAL-2099-777", "affected": [' : JSON.stringify({ schema_version: '1.7.4', id: `MAL-2099-${i}`, modified: '2099-01-01T00:00:00Z', summary: 'x'.repeat(200), affected: [{ package: { ecosystem: 'npm', name: `p${i}` }, versions: ['1.0.0'] }] });
    const zip = writeZip(Array.from({ length: 6_000 }, (_, i) => ({ name: `MAL-2099-${i}.json`, data: record(i) })), { deflate: true });
    expect(zip.length).toBeGreaterThan(1 << 20);
    const dir = await tmp();
    const file = path.join(dir, 'all.zip');
    await writeFile(file, zip);
    const errors: string[] = [];
    const cold = await loadIocs([file], (e) => errors.push(e.error.message));
    expect(errors).toEqual([expect.stringContaining('all.zip!/MAL-2099-777.json')]);
    expect(cold.incidents).toHaveLength(5_999);
    expect(hits(cold, 'npm', 'p5999', '1.0.0')).toEqual(['version']);
    // A load without errors is compiled; its second load is the cache's, and equal.
    const good = path.join(dir, 'good.zip');
    await writeFile(good, writeZip(Array.from({ length: 6_000 }, (_, i) => ({ name: `MAL-2099-${i}.json`, data: record(i === 777 ? 778 : i) })), { deflate: true }));
    const cacheDir = path.join(dir, 'cache');
    const first = await loadIocs([good], undefined, { cacheDir });
    const second = await loadIocs([good], undefined, { cacheDir });
    expect(second.incidents.map((i) => i.packages[0]!.name)).toEqual(first.incidents.map((i) => i.packages[0]!.name));
    expect(first.incidents).toHaveLength(5_999);
  }, 60_000);

  it.each<[string, (z: Buffer) => Buffer, RegExp]>([
    ['a truncated download', (z) => z.subarray(0, z.length - 30), /all\.zip: not a readable zip: no zip end-of-central-directory record/],
    ['a zip without OSV records', () => writeZip([{ name: 'readme.json', data: '{"a": 1}' }]), /all\.zip: no OSV records/],
    ['a broken record inside', () => writeZip([{ name: 'MAL-1.json', data: '{"schema_version": "1.7.4", "id": "MAL-1", "affected": []}' }]), /all\.zip!\/MAL-1\.json:1 \(affected\): an OSV record used as IOCs needs affected packages/],
  ])('%s is an InputError naming the zip', async (_what, make, message) => {
    const dir = await tmp();
    await writeFile(path.join(dir, 'all.zip'), make(writeZip(await treeRecords(), { deflate: true })));
    const err = await loadIocs([path.join(dir, 'all.zip')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(message);
  });
});
