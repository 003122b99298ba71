// Every field of a package survives the cache: generated packages stored and read back (get and hunt) equal what
// was stored, a lockfile entry that fetches an IOC tarball under another name or with an IOC integrity is found by
// the hunt, and a schema 1 cache (whose rows dropped those fields) is migrated in place with its entries read again.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openCache } from '../../../src/acquire/cache/index.js';
import { normalizePackageName } from '../../../src/match/names.js';
import type { Evidence, Package } from '../../../src/model/package.js';

const SYFT: Evidence = { kind: 'syft', format: 'syft-json', detail: 'syft 1.32.0' };
const D = (c: string) => `sha256:${c.repeat(64)}`;
const text = fc.string({ minLength: 1, maxLength: 12 });

const pkgArb: fc.Arbitrary<Package> = fc
  .record(
    {
      ecosystem: fc.constantFrom('npm', 'pypi', 'go', 'deb', 'maven', ''),
      name: text,
      version: fc.string({ maxLength: 8 }),
      purl: text.map((t) => `pkg:npm/${encodeURIComponent(t)}@1`),
      paths: fc.array(text.map((t) => `/app/${t}`), { maxLength: 3 }),
      deleted: fc.constant(true as const),
      location: fc.constant('download-cache' as const),
      layer: fc.constant(D('a')),
      dependencyPath: fc.array(text, { maxLength: 3 }),
      declared: fc.record({ name: text, version: text }),
      fromFields: fc.constant(true as const),
      resolved: fc.constantFrom('https://registry.npmjs.org/axios/-/axios-1.14.1.tgz', 'https://registry.npmjs.org/@s/x/-/x-2.0.0.tgz', 'file:../x.tgz'),
      integrity: fc.array(fc.constantFrom(`sha512-${'a'.repeat(128)}`, `sha1-${'b'.repeat(40)}`), { maxLength: 2 }),
    },
    { requiredKeys: ['ecosystem', 'name', 'version', 'paths'] },
  )
  .map((p) => p as Package);

function fresh() {
  const dir = mkdtempSync(path.join(tmpdir(), 'cache-fields-'));
  return { file: path.join(dir, 'cache.db'), store: openCache(path.join(dir, 'cache.db'), { warn: (m) => expect.fail(m) }) };
}

describe('the cache keeps every package field', () => {
  it('get gives back generated packages exactly as stored', () => {
    const { store } = fresh();
    let n = 0;
    fc.assert(
      fc.property(fc.array(fc.array(pkgArb, { maxLength: 6 }), { minLength: 1, maxLength: 3 }), (perPlatform) => {
        const digest = `sha256:${(n++).toString(16).padStart(64, '0')}`;
        store.put({ digest, ref: 'r', platforms: perPlatform.map((packages) => ({ packages, evidence: SYFT, errors: [], notes: [] })) });
        expect(store.get(digest, 'scanned')!.image.platforms.map((p) => p.packages)).toEqual(perPlatform);
      }),
      { numRuns: 150 },
    );
    store.close();
  });

  it('hunt finds an entry by its name, by the tarball it fetches, and by its integrity, once, with its fields', () => {
    const { store } = fresh();
    const sri = `sha512-${'c'.repeat(128)}`;
    const renamed: Package = { ecosystem: 'npm', name: 'foo', version: '1.0.0', paths: ['/app/node_modules/.package-lock.json'], resolved: 'https://registry.npmjs.org/axios/-/axios-1.14.1.tgz', dependencyPath: ['web@1.0.0'] };
    const hashed: Package = { ecosystem: 'npm', name: 'bar', version: '2.0.0', paths: ['/app/node_modules/.package-lock.json'], integrity: [sri] };
    const both: Package = { ...renamed, name: 'baz', integrity: [sri] };
    store.put({ digest: D('1'), ref: 'r/a:1', platforms: [{ packages: [renamed, hashed, both, { ecosystem: 'npm', name: 'left-pad', version: '1.3.0', paths: [] }], evidence: SYFT, errors: [], notes: [] }] });
    const hits = (keys: string[], hashes: string[] = []) =>
      store
        .hunt(
          keys.map((k) => ({ ecosystem: 'npm', nameKey: normalizePackageName('npm', k) })),
          hashes,
        )[0]!
        .platforms[0]!.hits.map((p) => p.name)
        .sort();
    expect(hits(['axios'])).toEqual(['baz', 'foo']);
    expect(hits([], [sri])).toEqual(['bar', 'baz']);
    expect(hits(['axios', 'bar'], [sri])).toEqual(['bar', 'baz', 'foo']);
    expect(hits(['left-pad'])).toEqual(['left-pad']);
    expect(store.hunt([{ ecosystem: 'npm', nameKey: 'axios' }])[0]!.platforms[0]!.hits.find((p) => p.name === 'foo')).toEqual(renamed);
    store.close();
  });

  it('migrates a schema 1 cache in place: push times and entries stay, entries are read again', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cache-v1-'));
    const file = path.join(dir, 'cache.db');
    // The schema 1 layout as sbom-hunt wrote it before lockfile fields were kept.
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA application_id = ${0x53424843}; PRAGMA user_version = 1;
      CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL);
      CREATE TABLE images (id INTEGER PRIMARY KEY, digest TEXT NOT NULL, method TEXT NOT NULL, strength TEXT NOT NULL, verifier TEXT NOT NULL DEFAULT '',
        ref TEXT NOT NULL, stored_at INTEGER NOT NULL, body TEXT NOT NULL, UNIQUE (digest, method, strength, verifier));
      CREATE TABLE packages (image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE, platform INTEGER NOT NULL, ecosystem TEXT NOT NULL,
        name TEXT NOT NULL, name_key TEXT NOT NULL, version TEXT NOT NULL, purl TEXT, paths TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, layer TEXT);
      CREATE INDEX packages_by_name ON packages (ecosystem, name_key);
      CREATE TABLE push_times (registry TEXT NOT NULL, repository TEXT NOT NULL, digest TEXT NOT NULL, stored_at INTEGER NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (registry, repository, digest));
      INSERT INTO schema_version VALUES (1, '2026-11-01T00:00:00Z');
      INSERT INTO images VALUES (1, '${D('1')}', 'syft', 'scanned', '', 'r/a:1', 1, '{"platforms":[{"notes":[],"evidence":{"kind":"syft"}}]}');
      INSERT INTO packages VALUES (1, 0, 'npm', 'foo', 'foo', '1.0.0', NULL, '[]', 0, NULL);
      INSERT INTO push_times VALUES ('r', 'a', '${D('1')}', 1, '[]');`);
    db.close();
    const store = openCache(file, { warn: (m) => expect.fail(m) });
    // The old row may have lost a resolved URL or an integrity: it is a miss, and unknown to a hunt.
    expect(store.get(D('1'), 'scanned')).toBeUndefined();
    expect(store.hunt([{ ecosystem: 'npm', nameKey: 'foo' }])[0]!.stale).toMatch(/kept fewer package fields \(layout 1, now 2\)/);
    expect(store.getPushTimes('r', 'a', D('1'))).toEqual([]);
    // Read again and stored: answered from the cache with every field.
    const again: Package = { ecosystem: 'npm', name: 'foo', version: '1.0.0', paths: [], resolved: 'https://registry.npmjs.org/axios/-/axios-1.14.1.tgz' };
    store.put({ digest: D('1'), ref: 'r/a:1', platforms: [{ packages: [again], evidence: SYFT, errors: [], notes: [] }] });
    expect(store.get(D('1'), 'scanned')!.image.platforms[0]!.packages).toEqual([again]);
    store.close();
    const reopened = openCache(file, { warn: (m) => expect.fail(m) });
    expect(reopened.get(D('1'), 'scanned')!.image.platforms[0]!.packages).toEqual([again]);
    reopened.close();
  });
});
