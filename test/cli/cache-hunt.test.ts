// `sbom-hunt cache hunt`: a hunt over every image scanned before, from the cache's package index alone,
// through the CLI against a real SQLite cache filled by the store itself.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openCache } from '../../src/acquire/cache/index.js';
import { NATIVE_READER } from '../../src/acquire/native/reader-version.js';
import type { Evidence, Package } from '../../src/model/package.js';
import type { Report } from '../../src/model/report.js';
import type { AcquiredPlatform } from '../../src/model/target.js';
import { runCli } from '../helpers/cli.js';

const AXIOS_FEED = path.resolve(import.meta.dirname, '../../iocs/axios-2026-03.yaml');

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const npm = (name: string, version: string, extra: Partial<Package> = {}): Package => ({ ecosystem: 'npm', name, version, paths: [`/app/node_modules/${name}/package.json`], ...extra });
const NATIVE: Evidence = { kind: 'native', reader: NATIVE_READER, detail: 'layers read from the registry' };
const filler = (n: number) => Array.from({ length: n }, (_, i) => npm(`lib-${i}`, '1.0.0'));
const platform = (packages: Package[], extra: Partial<AcquiredPlatform> = {}): AcquiredPlatform => ({ packages, evidence: NATIVE, errors: [], notes: [], ...extra });
const OUTSIDE = { value: '2026-02-01T00:00:00Z', source: 'image config created', reliable: true };

describe('cache hunt', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sbom-hunt-hunt-'));
  beforeAll(() => {
    const store = openCache(path.join(dir, 'cache.db'));
    store.put({ digest: digest('a'), ref: 'reg/shop/web:1', platforms: [platform([npm('axios', '1.14.1'), ...filler(3)], { created: OUTSIDE })] });
    // The same image stored again by a later run: one image in the hunt, not two.
    store.put({ digest: digest('a'), ref: 'reg/shop/web:1', platforms: [platform([npm('axios', '1.14.1'), ...filler(3)], { created: OUTSIDE })] });
    store.put({ digest: digest('b'), ref: 'reg/shop/api:2', platforms: [platform([npm('plain-crypto-js', '4.2.1', { deleted: true, layer: digest('9') }), ...filler(2)], { created: OUTSIDE })] });
    // cart's SBOM came from a verified attestation: still counted as attested when answered from the cache.
    const attested: Evidence = { kind: 'attestation', verified: true, format: 'in-toto/cyclonedx-json-1.5', detail: 'referrer via the referrers tag' };
    store.put({ digest: digest('c'), ref: 'reg/shop/cart:3', platforms: [platform(filler(4), { evidence: attested, created: { value: '2026-03-31T01:10:00Z', source: 'image config created', reliable: true } })] });
    store.put({ digest: digest('d'), ref: 'reg/shop/ui:4', platforms: [platform([npm('axios', '1.14.0'), npm('@types/axios', '1.14.1'), npm('axios-mock-adapter', '1.14.1'), ...filler(2)], { created: OUTSIDE })] });
    // A clean answer from an older native reader: the hunt cannot re-read it, so it is unknown, not clean.
    store.put({ digest: digest('e'), ref: 'reg/shop/old:5', platforms: [platform(filler(2), { evidence: { ...NATIVE, reader: 'sbom-hunt-native/1' }, created: OUTSIDE })] });
    store.close();
  });

  it('answers from the index: affected, suspect (deleted, built in the window), clean with the real package count', async () => {
    // The axios feed alone: the bundled feeds also hold a file indicator, which these entries never looked for.
    const run = await runCli(['cache', 'hunt', '--cache-dir', dir, '--ioc', AXIOS_FEED, '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    const byRef = Object.fromEntries(report.images.map((i) => [i.ref, i]));
    expect(report.summary).toMatchObject({ images: 5, affected: 1, suspect: 2, clean: 1, unknown: 1, attestedImages: 1 });
    expect(byRef['reg/shop/old:5']).toMatchObject({ verdict: 'unknown' });
    expect(byRef['reg/shop/old:5']!.reasons[0]).toMatch(/^cached by native reader sbom-hunt-native\/1; this sbom-hunt reads with sbom-hunt-native\/\d+, so the entry must be read again$/);
    expect(byRef['reg/shop/web:1']).toMatchObject({ verdict: 'affected', digest: digest('a'), packageCount: 4 });
    expect(byRef['reg/shop/web:1']!.matches[0]).toMatchObject({ name: 'axios', version: '1.14.1', paths: ['/app/node_modules/axios/package.json'] });
    expect(byRef['reg/shop/web:1']!.source).toMatchObject({ kind: 'cache', cachedFrom: 'native', detail: expect.stringMatching(/^cached native from .+: layers read from the registry$/) });
    expect(byRef['reg/shop/api:2']).toMatchObject({ verdict: 'suspect', packageCount: 3 });
    expect(byRef['reg/shop/api:2']!.matches[0]).toMatchObject({ name: 'plain-crypto-js', inFinalFilesystem: false });
    expect(byRef['reg/shop/cart:3']).toMatchObject({ verdict: 'suspect', source: { kind: 'cache', cachedFrom: 'attestation', verified: true } });
    // The lookalikes are cached too, under other names or versions: none is the IOC.
    expect(byRef['reg/shop/ui:4']).toMatchObject({ verdict: 'clean', packageCount: 5, reasons: ['no IOC package among 5 package(s)'] });
  });

  it("with the bundled feeds, an entry that never looked for a feed's file indicator is unknown, not clean", async () => {
    const run = await runCli(['cache', 'hunt', '--cache-dir', dir, '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    const ui = (JSON.parse(run.stdout) as Report).images.find((i) => i.ref === 'reg/shop/ui:4')!;
    expect(ui.verdict).toBe('unknown');
    expect(ui.reasons.join('\n')).toMatch(/file indicator\(s\) of teampcp-litellm-2026-03 could not be checked/);
  });

  it('follows --fail-on, and says plainly when there is no cache yet', async () => {
    expect((await runCli(['cache', 'hunt', '--cache-dir', dir, '--fail-on', 'none', '--format', 'json'])).code).toBe(0);
    const none = await runCli(['cache', 'hunt', '--cache-dir', path.join(dir, 'nowhere')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no SBOM cache at');
  });
});
