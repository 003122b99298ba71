import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AcquireContext, Acquirer } from '../../../src/acquire/acquirer.js';
import { cacheAcquirer, openCache, withCache, type CachePolicy, type CacheStore } from '../../../src/acquire/cache/index.js';
import { acquireTarget } from '../../../src/acquire/index.js';
import type { AcquiredImage, Target } from '../../../src/model/target.js';

const D = `sha256:${'9'.repeat(64)}`;
const byDigest: Target = { kind: 'registry', ref: `ghcr.io/o/app@${D}`, registry: 'ghcr.io', repository: 'o/app', digest: D };
const byTag: Target = { kind: 'registry', ref: 'ghcr.io/o/app:1', registry: 'ghcr.io', repository: 'o/app', tag: '1' };
const ctx = (): AcquireContext => ({ insecureRegistries: [], inputErrors: [] });
const scanned: CachePolicy = { minStrength: 'scanned' };

/** A link that reads an image the way syft would, counting how often it is asked. */
function countingLink(result: (t: Target) => AcquiredImage, kind: 'syft' | 'cosign' = 'syft'): Acquirer & { calls: number } {
  const link = {
    name: kind,
    calls: 0,
    async acquire(t: Target) {
      link.calls++;
      return { ok: true as const, image: result(t) };
    },
  };
  return link;
}
const good = (t: Target): AcquiredImage => ({
  ref: t.ref,
  ...(t.kind === 'registry' && t.digest ? { digest: t.digest } : {}),
  platforms: [{ packages: [{ ecosystem: 'npm', name: 'axios', version: '1.14.1', paths: [] }], evidence: { kind: 'syft', detail: 'syft 1.32.0' }, errors: [], notes: [] }],
  errors: [],
});

let store: CacheStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});
const open = () => (store = openCache(path.join(mkdtempSync(path.join(tmpdir(), 'cache-acq-')), 'cache.db')));

describe('cache link', () => {
  it('needs a digest', async () => {
    expect(await cacheAcquirer(open(), scanned).acquire(byTag, ctx())).toEqual({ ok: false, notMine: 'no digest to look up' });
    expect(await cacheAcquirer(store!, scanned).acquire({ kind: 'docker-archive', ref: 'a', path: '/a.tar' }, ctx())).toEqual({ ok: false, notMine: 'no digest to look up' });
  });

  it('says a miss with the strength it looked for', async () => {
    expect(await cacheAcquirer(open(), { minStrength: 'verified' }).acquire(byDigest, ctx())).toEqual({ ok: false, notMine: 'not cached at verified strength or better' });
  });

  it('steps aside when the cache cannot be read', async () => {
    const s = open();
    s.close();
    store = undefined;
    const outcome = await cacheAcquirer(s, scanned).acquire(byDigest, ctx());
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.notMine).toMatch(/^cache unreadable: /);
  });
});

describe('withCache', () => {
  it('stores a successful acquisition and answers the next run from the cache', async () => {
    const link = countingLink(good);
    const chain = withCache([link], open(), scanned);
    expect(chain.map((l) => l.name)).toEqual(['cache', 'syft']);
    const first = await acquireTarget(byDigest, ctx(), chain);
    expect(first.platforms[0]!.evidence?.kind).toBe('syft');
    const second = await acquireTarget({ ...byDigest, ref: 'other-name@digest' }, ctx(), chain);
    expect(link.calls).toBe(1);
    expect(second.ref).toBe('other-name@digest');
    expect(second.platforms[0]!.packages).toEqual(first.platforms[0]!.packages);
    expect(second.platforms[0]!.evidence?.kind).toBe('cache');
  });

  it.each<[string, Target, (t: Target) => AcquiredImage]>([
    ['an unknown result', byDigest, (t) => ({ ref: t.ref, platforms: [], errors: ['syft: timed out after 600s'] })],
    ['a platform with errors', byDigest, (t) => ({ ...good(t), platforms: [{ ...good(t).platforms[0]!, errors: ['layer unreadable'] }] })],
    ['a result read by tag', byTag, good],
    ['a result about another digest', byDigest, (t) => ({ ...good(t), digest: `sha256:${'8'.repeat(64)}` })],
  ])('never caches %s', async (_n, target, result) => {
    const link = countingLink(result);
    const chain = withCache([link], open(), scanned);
    await acquireTarget(target, ctx(), chain);
    await acquireTarget(target, ctx(), chain);
    expect(link.calls).toBe(2);
    expect(store!.stats().images).toBe(0);
  });

  it('a stricter run does not take a scanned entry, and stores its own verified one under its key', async () => {
    const s = open();
    await acquireTarget(byDigest, ctx(), withCache([countingLink(good)], s, scanned));
    const verifiedLink = countingLink((t) => ({ ...good(t), platforms: [{ ...good(t).platforms[0]!, evidence: { kind: 'cosign', verified: true } }] }), 'cosign');
    const strict: CachePolicy = { minStrength: 'verified', verifier: 'key /k/cosign.pub' };
    const image = await acquireTarget(byDigest, ctx(), withCache([verifiedLink], s, strict));
    expect(verifiedLink.calls).toBe(1);
    expect(image.platforms[0]!.evidence?.kind).toBe('cosign');
    expect(s.get(D, strict)?.method).toBe('cosign');
    expect(s.get(D, { minStrength: 'verified', verifier: 'key /other.pub' })).toBeUndefined();
  });
});
