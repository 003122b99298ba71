import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openCache, type CacheStore } from '../../../src/acquire/cache/index.js';
import { FIND_PACKAGES_SQL } from '../../../src/acquire/cache/schema.js';
import type { Evidence, Package } from '../../../src/model/package.js';
import type { AcquiredPlatform } from '../../../src/model/target.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const pkg = (ecosystem: string, name: string, version: string, extra: Partial<Package> = {}): Package => ({ ecosystem, name, version, paths: [], ...extra });
const platform = (evidence: Evidence | undefined, packages: Package[], extra: Partial<AcquiredPlatform> = {}): AcquiredPlatform => ({
  packages,
  ...(evidence ? { evidence } : {}),
  errors: [],
  notes: [],
  ...extra,
});
const SYFT: Evidence = { kind: 'syft', format: 'syft-json', detail: 'syft 1.32.0 scan registry:r/a@x' };

let store: CacheStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
  vi.useRealTimers();
});
function fresh(): CacheStore {
  store = openCache(path.join(mkdtempSync(path.join(tmpdir(), 'cache-')), 'nested', 'cache.db'), { warn: (m) => expect.fail(m) });
  return store;
}

describe('cache store', () => {
  it('gives back what was stored, packages and all, marked as coming from the cache', () => {
    const s = fresh();
    const axios = pkg('npm', 'axios', '1.14.1', { purl: 'pkg:npm/axios@1.14.1', paths: ['/app/node_modules/axios/package.json'], deleted: true, layer: `sha256:${'a'.repeat(64)}` });
    const platforms = [
      platform(SYFT, [axios, pkg('apk', 'musl', '1.2.3')], { platform: 'linux/amd64', digest: D2, created: { value: '2026-03-30T10:00:00Z', source: 'config created', reliable: true }, notes: ['n1'] }),
      platform(SYFT, [pkg('npm', 'left-pad', '1.0.0')], { platform: 'linux/arm64' }),
    ];
    expect(s.put({ digest: D1, ref: 'r/a:1', platforms })).toBe(true);
    const hit = s.get(D1, 'scanned')!;
    expect(hit.method).toBe('syft');
    expect(hit.strength).toBe('scanned');
    expect(hit.image.platforms.map((p) => p.packages)).toEqual([[axios, pkg('apk', 'musl', '1.2.3')], [pkg('npm', 'left-pad', '1.0.0')]]);
    expect(hit.image.platforms[0]).toMatchObject({ platform: 'linux/amd64', digest: D2, created: platforms[0]!.created, notes: ['n1'], errors: [] });
    expect(hit.image.platforms[0]!.evidence).toEqual({
      kind: 'cache',
      cachedFrom: 'syft',
      format: 'syft-json',
      detail: `cached syft from ${hit.storedAt.toISOString()}: syft 1.32.0 scan registry:r/a@x`,
    });
    expect(hit.image.digest).toBe(D1);
  });

  it.each<[string, AcquiredPlatform[], string]>([
    ['an unknown platform', [platform(SYFT, [], { errors: ['syft: timed out'] })], D1],
    ['no evidence', [platform(undefined, [])], D1],
    ["the user's own SBOM file", [platform({ kind: 'sbom-file' }, [])], D1],
    ['a cache hit', [platform({ kind: 'cache' }, [])], D1],
    ['no platforms', [], D1],
    ['a tag instead of a digest', [platform(SYFT, [])], 'latest'],
  ])('stores nothing for %s', (_n, platforms, digest) => {
    const s = fresh();
    expect(s.put({ digest, ref: 'r', platforms })).toBe(false);
    expect(s.stats().images).toBe(0);
  });

  it('never lets a stricter policy reuse a weaker entry', () => {
    const s = fresh();
    s.put({ digest: D1, ref: 'r', platforms: [platform({ kind: 'attestation', verified: false }, [pkg('npm', 'a', '1')])] });
    expect(s.get(D1, 'scanned')).toBeUndefined();
    expect(s.get(D1, 'unverified')?.strength).toBe('unverified');
    s.put({ digest: D1, ref: 'r', platforms: [platform(SYFT, [pkg('npm', 'b', '1')])] });
    expect(s.get(D1, 'unverified')?.method).toBe('syft');
    expect(s.get(D1, 'verified')).toBeUndefined();
    s.put({ digest: D1, ref: 'r', platforms: [platform({ kind: 'cosign', verified: true }, [pkg('npm', 'c', '1')])], verifier: 'key A' });
    expect(s.get(D1, { minStrength: 'verified', verifier: 'key A' })?.image.platforms[0]!.evidence?.verified).toBe(true);
    // Verified under another key proves nothing to this run: it is at most unverified here.
    expect(s.get(D1, { minStrength: 'verified', verifier: 'key B' })).toBeUndefined();
    expect(s.get(D1, { minStrength: 'scanned', verifier: 'key B' })?.method).toBe('syft');
    const weak = s.get(D1, { minStrength: 'unverified', verifier: 'key B' })!;
    expect(weak.method).toBe('syft');
  });

  it('replaces an entry obtained the same way, keeping others', () => {
    const s = fresh();
    s.put({ digest: D1, ref: 'r', platforms: [platform(SYFT, [pkg('npm', 'old', '1')])] });
    s.put({ digest: D1, ref: 'r', platforms: [platform(SYFT, [pkg('npm', 'new', '1')])] });
    s.put({ digest: D1, ref: 'r', platforms: [platform({ kind: 'native' }, [pkg('npm', 'n', '1')])] });
    expect(s.stats()).toMatchObject({ images: 2, packages: 2, byMethod: { syft: 1, native: 1 } });
  });

  it('finds images by (ecosystem, name) through the index, with names normalised and no false friends', () => {
    const s = fresh();
    s.put({ digest: D1, ref: 'r/one', platforms: [platform(SYFT, [pkg('npm', 'axios', '1.14.1'), pkg('npm', '@types/axios', '0.14.0'), pkg('pypi', 'Requests_OAuthlib', '1.3.1')])] });
    s.put({ digest: D2, ref: 'r/two', platforms: [platform(SYFT, [pkg('npm', 'axios-mock-adapter', '1.14.1')])] });
    const hits = s.findImagesWithPackages([
      { ecosystem: 'npm', name: 'Axios' },
      { ecosystem: 'PyPI', name: 'requests-oauthlib' },
    ]);
    expect(hits.map((h) => `${h.ref} ${h.ecosystem}:${h.name}@${h.version}`)).toEqual(['r/one npm:axios@1.14.1', 'r/one pypi:Requests_OAuthlib@1.3.1']);
    const { DatabaseSync } = createRequire(import.meta.url)('node:sqlite') as typeof import('node:sqlite');
    const db = new DatabaseSync(s.path);
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${FIND_PACKAGES_SQL}`).all('npm', 'axios') as { detail: string }[];
    db.close();
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/SEARCH p USING INDEX packages_by_name \(ecosystem=\? AND name_key=\?\)/);
  });

  it('prunes by age and clears, packages going with their images', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const s = fresh();
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    s.put({ digest: D1, ref: 'old', platforms: [platform(SYFT, [pkg('npm', 'a', '1')])] });
    vi.setSystemTime(new Date('2026-03-01T00:00:00Z'));
    s.put({ digest: D2, ref: 'new', platforms: [platform(SYFT, [pkg('npm', 'b', '1'), pkg('npm', 'c', '1')])] });
    expect(s.stats()).toMatchObject({ images: 2, packages: 3, oldest: '2026-01-01T00:00:00.000Z', newest: '2026-03-01T00:00:00.000Z' });
    expect(s.prune(new Date('2026-02-01T00:00:00Z'))).toBe(1);
    expect(s.stats()).toMatchObject({ images: 1, packages: 2 });
    expect(s.get(D1, 'unverified')).toBeUndefined();
    expect(s.clear()).toBe(1);
    expect(s.stats()).toMatchObject({ images: 0, packages: 0, byMethod: {} });
    expect(s.stats().bytes).toBeGreaterThan(0);
  });

  it('keeps entries across runs, and two connections see each other', () => {
    const s = fresh();
    const other = openCache(s.path);
    try {
      other.put({ digest: D1, ref: 'r', platforms: [platform(SYFT, [pkg('npm', 'a', '1')])] });
      expect(s.get(D1, 'scanned')?.image.platforms[0]!.packages).toHaveLength(1);
    } finally {
      other.close();
    }
    s.close();
    store = openCache(s.path);
    expect(store.get(D1, 'scanned')?.method).toBe('syft');
  });
});
