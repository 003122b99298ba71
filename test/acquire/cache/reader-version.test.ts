// The cache knows its reader: a native answer written by another reader version is read again, never trusted.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AcquireContext, Acquirer } from '../../../src/acquire/acquirer.js';
import { openCache, withCache, type CacheStore } from '../../../src/acquire/cache/index.js';
import { acquireTarget } from '../../../src/acquire/index.js';
import { nativeAcquirer } from '../../../src/acquire/native/acquirer.js';
import { NATIVE_READER } from '../../../src/acquire/native/reader-version.js';
import type { Evidence } from '../../../src/model/package.js';
import type { AcquiredPlatform, Target } from '../../../src/model/target.js';
import { buildImageLayout, npmPackageFiles } from '../../helpers/image-builder.js';

const ctx = (): AcquireContext => ({ insecureRegistries: [], inputErrors: [] });
let store: CacheStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});
const tmp = () => mkdtempSync(path.join(tmpdir(), 'reader-version-'));
const open = () => (store = openCache(path.join(tmp(), 'cache.db')));

/** The native link, counting its reads. */
function counting(link: Acquirer): Acquirer & { calls: number } {
  const out = {
    name: link.name,
    calls: 0,
    acquire: async (t: Target, c: AcquireContext) => {
      out.calls++;
      return link.acquire(t, c);
    },
  };
  return out;
}

/** An OCI layout holding axios@1.14.1, addressed by digest (so the cache applies). */
async function layoutTarget(): Promise<Target> {
  const built = await buildImageLayout(path.join(tmp(), 'layout'), { platforms: [{ layers: [{ files: npmPackageFiles('app/node_modules', 'axios', '1.14.1') }] }] });
  return { kind: 'oci-layout', ref: 'app', path: built.dir, digest: built.indexDigest };
}

/** What an older reader that missed the package would have stored: a clean, error-free platform. */
const cleanFrom = (evidence: Evidence): AcquiredPlatform[] => [{ packages: [], evidence, errors: [], notes: [] }];

describe('cache entries record the native reader version', () => {
  it('the native reader stamps its version on every platform, and the cache keeps it', async () => {
    const target = await layoutTarget();
    const native = counting(nativeAcquirer);
    const chain = withCache([native], open(), { minStrength: 'scanned' });
    const first = await acquireTarget(target, ctx(), chain);
    expect(first.platforms[0]!.evidence).toMatchObject({ kind: 'native', reader: NATIVE_READER });
    const second = await acquireTarget(target, ctx(), chain);
    expect(native.calls).toBe(1);
    expect(second.platforms[0]!.evidence?.kind).toBe('cache');
    expect(second.platforms[0]!.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['axios@1.14.1']);
  });

  it.each<[string, Evidence]>([
    ['an older reader version', { kind: 'native', reader: 'sbom-hunt-native/1', detail: 'read by sbom-hunt' }],
    ['no recorded version (written before versions were kept)', { kind: 'native', detail: 'read by sbom-hunt' }],
    ['a newer reader version', { kind: 'native', reader: 'sbom-hunt-native/999' }],
  ])('a clean entry from %s is re-read, and the fresh answer replaces it', async (_what, evidence) => {
    const target = await layoutTarget();
    const s = open();
    const digest = (target as { digest: string }).digest;
    expect(s.put({ digest, ref: 'app', platforms: cleanFrom(evidence) })).toBe(true);
    expect(s.get(digest, 'scanned')).toBeUndefined();
    const native = counting(nativeAcquirer);
    const image = await acquireTarget(target, ctx(), withCache([native], s, { minStrength: 'scanned' }));
    expect(native.calls).toBe(1);
    expect(image.platforms[0]!.evidence?.kind).toBe('native');
    expect(image.platforms[0]!.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['axios@1.14.1']);
    const now = s.get(digest, 'scanned')!;
    expect(now.image.platforms[0]!.packages.map((p) => p.name)).toEqual(['axios']);
  });

  it('entries of other methods carry no native version and stay trusted', () => {
    const s = open();
    const digest = `sha256:${'5'.repeat(64)}`;
    s.put({ digest, ref: 'x', platforms: cleanFrom({ kind: 'syft', detail: 'syft 1.32.0' }) });
    expect(s.get(digest, 'scanned')?.method).toBe('syft');
  });

  it('a hunt over the cache, which cannot re-read, says a stale native entry is stale', () => {
    const s = open();
    const old = `sha256:${'6'.repeat(64)}`;
    const current = `sha256:${'7'.repeat(64)}`;
    s.put({ digest: old, ref: 'old', platforms: cleanFrom({ kind: 'native', reader: 'sbom-hunt-native/1' }) });
    s.put({ digest: current, ref: 'new', platforms: cleanFrom({ kind: 'native', reader: NATIVE_READER }) });
    const hunted = s.hunt([{ ecosystem: 'npm', nameKey: 'axios' }]);
    const byRef = Object.fromEntries(hunted.map((h) => [h.ref, h.stale]));
    expect(byRef.old).toMatch(/cached by native reader sbom-hunt-native\/1; this sbom-hunt reads with sbom-hunt-native\/\d+/);
    expect(byRef.new).toBeUndefined();
  });

  it('skipped index entries survive the cache', () => {
    const s = open();
    const digest = `sha256:${'8'.repeat(64)}`;
    const skipped = [{ digest: `sha256:${'9'.repeat(64)}`, platform: 'unknown/unknown', reason: 'attestation manifest (only in-toto layers)' }];
    s.put({ digest, ref: 'x', platforms: cleanFrom({ kind: 'native', reader: NATIVE_READER }), skipped });
    expect(s.get(digest, 'scanned')?.image.skipped).toEqual(skipped);
  });
});
