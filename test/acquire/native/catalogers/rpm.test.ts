// The SQLite rpmdb read by the native cataloger, against `rpm -qa` on the same database (written by
// Debian's rpm from packages rpmbuild made), with generated names, versions, releases and epochs.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rpmCataloger } from '../../../../src/acquire/native/catalogers/rpm.js';
import { readRpmHeader } from '../../../../src/acquire/native/rpm-header.js';
import { seeded } from '../../../helpers/random.js';
import { haveTool } from '../../../helpers/real-tools.js';
import { buildRpmdb, rpmQueryAll, type RpmSpec } from '../../../helpers/rpm-build.js';

const HAVE_RPM = haveTool('rpmbuild', 'rpm');

export function generatedRpms(seed: number, n: number): RpmSpec[] {
  const rand = seeded(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  return Array.from({ length: n }, (_, i) => ({
    name: `${pick(['xz', 'xz-libs', 'openssl', 'python3.12', 'lib_x+', 'glibc-langpack-en'])}-${i}`,
    version: `${Math.floor(rand() * 10)}.${Math.floor(rand() * 20)}${pick(['', '.1', '~rc1', '^20260101git', '.p2'])}`,
    release: `${1 + Math.floor(rand() * 9)}${pick(['', '.fc40', '.el9_4', '.amzn2023.0.2'])}`,
    ...(rand() < 0.4 ? { epoch: Math.floor(rand() * 3) } : {}),
  }));
}

describe.skipIf(!HAVE_RPM)('rpmdb.sqlite against rpm -qa', () => {
  it('every package rpm lists, with name, epoch, version, release and arch, for generated package sets', async () => {
    for (const seed of [1, 2]) {
      const pkgs = generatedRpms(seed, 6);
      const db = await buildRpmdb(pkgs);
      const dir = await mkdtemp(join(tmpdir(), 'rpmdb-'));
      await writeFile(join(dir, 'rpmdb.sqlite'), db);
      const oracle = await rpmQueryAll(dir);
      const result = rpmCataloger.catalog('var/lib/rpm/rpmdb.sqlite', db);
      expect(result.errors ?? []).toEqual([]);
      expect(result.packages).toHaveLength(oracle.length);
      const ours = result.packages
        .map((p) => {
          const m = /^(?:(\d+):)?(.*)-([^-]*)$/.exec(p.version)!;
          const arch = new URL(p.purl!.replace('pkg:', 'pkg://x/')).searchParams.get('arch');
          return [p.name, m[1] ?? '(none)', m[2], m[3], arch].join('\t');
        })
        .sort();
      expect(ours).toEqual(oracle);
      expect(result.packages.every((p) => p.path === '/var/lib/rpm/rpmdb.sqlite')).toBe(true);
    }
  }, 120_000);
});

describe('rpm databases that are not read are unknown, never clean', () => {
  it('BerkeleyDB Packages and ndb Packages.db name their format', () => {
    for (const path of ['var/lib/rpm/Packages', 'usr/lib/sysimage/rpm/Packages.db']) {
      const r = rpmCataloger.catalog(path, Buffer.alloc(4096));
      expect(r.packages).toEqual([]);
      expect(r.errors?.[0]).toMatch(/a format this reader does not read; its packages are unknown/);
    }
  });

  it('a write-ahead log with content is a reason; an empty one is not', () => {
    expect(rpmCataloger.catalog('var/lib/rpm/rpmdb.sqlite-wal', Buffer.alloc(0)).errors).toBeUndefined();
    expect(rpmCataloger.catalog('var/lib/rpm/rpmdb.sqlite-wal', Buffer.alloc(100)).errors?.[0]).toMatch(/write-ahead log/);
  });

  it('a file that is not SQLite, and a SQLite file without a Packages table', () => {
    expect(rpmCataloger.catalog('var/lib/rpm/rpmdb.sqlite', Buffer.from('not a database at all'.repeat(100))).errors?.[0]).toMatch(/not a readable rpmdb/);
  });

  it('header blobs: every truncation and corrupted count is a reason, never a throw', () => {
    const good = Buffer.alloc(8 + 16 + 8);
    good.writeUInt32BE(1, 0);
    good.writeUInt32BE(8, 4);
    good.writeUInt32BE(1000, 8);
    good.writeUInt32BE(6, 12);
    good.writeUInt32BE(0, 16);
    good.writeUInt32BE(1, 20);
    good.write('xz\0', 24);
    expect(readRpmHeader(good)).toEqual({ name: 'xz' });
    for (let n = 0; n < good.length; n++) expect(typeof readRpmHeader(good.subarray(0, n))).toBe('string');
    const rand = seeded(7);
    for (let i = 0; i < 500; i++) {
      const b = Buffer.from(good);
      b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      expect(() => readRpmHeader(b)).not.toThrow();
    }
  });
});
