// E2E: build times against the real registry, with Docker Hub's tags API answered from loopback for the same host
// (--push-time-api HOST=dockerhub@URL): push time as the upper bound, the cache keeping it, refusals leaving the scan going.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImageLayout, npmPackageFiles, type BuiltLayout, type ImageSpec, type LayerSpec } from '../helpers/image-builder.js';
import { pushOciLayout } from '../helpers/push.js';
import { registryAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { startVendorApi, type VendorApi } from '../helpers/vendor-api.js';
import { runCli } from '../helpers/cli.js';
import type { Report } from '../../src/model/report.js';

if (!registryAvailable) {
  if (process.env.CI) throw new Error(SKIP_MESSAGE);
  console.warn(SKIP_MESSAGE);
}

const WINDOW = '2026-03-31T00:21:00Z/2026-03-31T03:29:00Z';
const base: LayerSpec = { files: npmPackageFiles('app/node_modules', 'lodash', '4.17.21') };

async function pushImage(reg: TestRegistry, dir: string, repoTag: string, spec: Omit<ImageSpec, 'ref'>): Promise<BuiltLayout> {
  const [repo, tag] = repoTag.split(':') as [string, string];
  const marker: LayerSpec = { files: [{ path: 'etc/image-name', content: `${repoTag}\n` }] };
  const layout = await buildImageLayout(join(dir, repoTag.replace(/[/:]/g, '_')), { ...spec, platforms: spec.platforms.map((p) => ({ ...p, layers: [...p.layers, marker] })), ref: tag });
  await pushOciLayout(reg.url, repo, layout.dir);
  return layout;
}

function hubTag(name: string, digest: string, pushed: string) {
  return { name, digest, tag_last_pushed: pushed, last_updated: pushed, images: [], media_type: 'application/vnd.oci.image.index.v1+json', tag_status: 'active', v2: true };
}

describe.skipIf(!registryAvailable)('push times (real registry + Docker Hub API on loopback)', () => {
  let reg: TestRegistry;
  let hub: VendorApi;
  let dir: string;
  const built: Record<string, BuiltLayout> = {};
  const tags: Record<string, ReturnType<typeof hubTag>[]> = {};

  beforeAll(async () => {
    reg = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-e2e-push-'));
    const epoch = { created: '1970-01-01T00:00:00Z', layers: [base] };
    built.in = await pushImage(reg, dir, 'shop/repro-in:1', { platforms: [epoch] });
    built.before = await pushImage(reg, dir, 'shop/repro-before:1', { platforms: [{ ...epoch, layers: [base, { files: [{ path: 'x', content: 'b' }] }] }] });
    built.late = await pushImage(reg, dir, 'shop/late:1', { platforms: [{ created: '2026-04-05T00:00:00Z', layers: [base] }] });
    built.twice = await pushImage(reg, dir, 'shop/twice:new', { platforms: [{ created: '2026-03-31T01:00:00Z', layers: [base] }] });
    built.endless = await pushImage(reg, dir, 'shop/endless:1', { platforms: [{ created: '2026-03-31T01:00:00Z', layers: [base] }] });
    built.found = await pushImage(reg, dir, 'shop/found:1', { platforms: [{ created: '2026-03-31T01:00:00Z', layers: [base, { files: [{ path: 'y', content: 'f' }] }] }] });
    built.private = await pushImage(reg, dir, 'shop/private:1', { platforms: [{ created: '1980-01-01T00:00:00Z', labels: { 'org.opencontainers.image.created': '2026-03-31T02:00:00Z' }, layers: [base] }] });
    tags['repro-in'] = [hubTag('1', built.in.indexDigest, '2026-03-31T01:00:00.000000Z')];
    tags['repro-before'] = [hubTag('1', built.before.indexDigest, '2026-03-30T10:00:00.000000Z')];
    tags.late = [hubTag('1', built.late.indexDigest, '2026-03-31T02:00:00.000000Z')];
    // The same digest under two tags: re-pushed as `new` after the window, first pushed as `old` before it.
    tags.twice = [hubTag('new', built.twice.indexDigest, '2026-04-01T09:00:00Z'), hubTag('old', built.twice.indexDigest, '2026-03-30T10:00:00Z')];
    hub = await startVendorApi(({ path }, url) => {
      // Tag pages without end, each naming other digests (and `found`'s digest on the first page only).
      const endless = /^\/v2\/namespaces\/shop\/repositories\/(endless|found)\/tags\?page_size=100(?:&page=(\d+))?$/.exec(path);
      if (endless) {
        const page = Number(endless[2] ?? 1);
        const others = Array.from({ length: 100 }, (_, i) => hubTag(`p${page}-${i}`, `sha256:${String(page * 1000 + i).padStart(64, '0')}`, '2026-03-29T00:00:00Z'));
        const mine = endless[1] === 'found' && page === 1 ? [hubTag('1', built.found!.indexDigest, '2026-03-30T10:00:00Z')] : [];
        return { body: { count: 1_000_000, next: `${url}/v2/namespaces/shop/repositories/${endless[1]}/tags?page_size=100&page=${page + 1}`, previous: null, results: [...mine, ...others] } };
      }
      const m = /^\/v2\/namespaces\/shop\/repositories\/([^/]+)\/tags\?page_size=100$/.exec(path);
      if (!m || m[1] === 'private') return { status: 401, body: { message: 'authentication required' } };
      return { body: { count: tags[m[1]!]?.length ?? 0, next: null, previous: null, results: tags[m[1]!] ?? [] } };
    });
  }, 120_000);

  afterAll(async () => {
    await hub?.stop();
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const scan = async (extra: string[], refs: string[]) => {
    const run = await runCli(['scan', ...refs.map((r) => `${reg.host}/${r}`), '--insecure-registry', reg.host, '--push-time-api', `${reg.host}=dockerhub@${hub.url}`, '--window', WINDOW, '--sbom-sources', 'native', '-f', 'json', '-q', '--fail-on', 'none', ...extra]);
    expect(run.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
    return JSON.parse(run.stdout) as Report;
  };
  const img = (r: Report, ref: string) => r.images.find((i) => i.ref === `${reg.host}/${ref}`)!;

  it('judges each image by its push time as documented, and a refused API leaves the rest going', async () => {
    const r = await scan(['--no-cache'], ['shop/repro-in:1', 'shop/repro-before:1', 'shop/late:1', 'shop/twice:new', 'shop/private:1']);
    const inside = img(r, 'shop/repro-in:1');
    expect(inside.verdict).toBe('suspect');
    expect(inside.windows.find((w) => w.incident === '--window')).toMatchObject({ outcome: 'inside', basis: 'push' });
    expect(inside.created).toMatchObject({ reliable: false, pushed: '2026-03-31T01:00:00.000000Z' });

    const before = img(r, 'shop/repro-before:1');
    expect(before.verdict).toBe('clean');
    expect(before.reasons.join('\n')).toMatch(/first pushed 2026-03-30T10:00:00.000Z \(registry push time \(Docker Hub tag_last_pushed of 1\)\), before the window given with --window|first pushed 2026-03-30T10:00:00.000Z .*before the --window range/);

    const late = img(r, 'shop/late:1');
    expect(late.created?.note).toMatch(/config created 2026-04-05T00:00:00Z is after the registry's push time/);
    expect(late.verdict).toBe('suspect');

    const twice = img(r, 'shop/twice:new');
    expect(twice.created).toMatchObject({ pushed: '2026-03-30T10:00:00Z', pushedSource: 'registry push time (Docker Hub tag_last_pushed of old)' });
    expect(twice.verdict).toBe('clean');
    expect(twice.created?.sources?.filter((s) => s.kind === 'push')).toHaveLength(2);

    const refused = img(r, 'shop/private:1');
    expect(refused.reasons.join('\n')).toMatch(/registry push time not available: Docker Hub tags API: HTTP 401/);
    // 1980-01-01 created beside a label inside the window: the label decides.
    expect(refused.created).toMatchObject({ value: '2026-03-31T02:00:00Z', source: 'label org.opencontainers.image.created', reliable: true });
    expect(refused.verdict).toBe('suspect');
  }, 120_000);

  it('a warm sweep asks no vendor API again: push times are cached with the image', async () => {
    const cache = join(dir, 'cache');
    const refs = [`shop/repro-in:1@${built.in!.indexDigest}`, `shop/repro-before:1@${built.before!.indexDigest}`];
    const cold = await scan(['--cache-dir', cache, '--sbom-sources', 'cache,native'], refs);
    const asked = hub.requests.length;
    const warm = await scan(['--cache-dir', cache, '--sbom-sources', 'cache,native'], refs);
    expect(cold.images.map((i) => i.verdict)).toEqual(['suspect', 'clean']);
    expect(hub.requests.length).toBe(asked);
    expect(warm.images.map((i) => [i.verdict, i.created?.pushed])).toEqual(cold.images.map((i) => [i.verdict, i.created?.pushed]));
    expect(warm.images.every((i) => i.source?.kind === 'cache')).toBe(true);
  }, 120_000);

  it('a tag listing that never ends is read to its page limit, and the limit is named, never a silent cut', async () => {
    const before = hub.requests.length;
    const r = await scan(['--no-cache'], ['shop/endless:1', 'shop/found:1']);
    const asked = hub.requests.slice(before).map((q) => q.path);
    expect(asked.filter((p) => p.includes('/endless/'))).toHaveLength(10);
    const endless = img(r, 'shop/endless:1');
    expect(endless.reasons.join('\n')).toMatch(/registry push time not available: Docker Hub tags API: no tag of shop\/endless names sha256:[0-9a-f]{64}; Docker Hub tags API: only the first 10 pages \(1,000 entries\) were read \(limit\)/);
    // Found on the first page: the push time counts, and the cut is said beside it.
    const found = img(r, 'shop/found:1');
    expect(found.created).toMatchObject({ pushed: '2026-03-30T10:00:00Z' });
    expect(found.verdict).toBe('clean');
    expect(found.reasons.join('\n')).toMatch(/registry push time: Docker Hub tags API: only the first 10 pages \(1,000 entries\) were read \(limit\)/);
  }, 120_000);

  it('--no-push-times asks nothing', async () => {
    const asked = hub.requests.length;
    const r = await scan(['--no-cache', '--no-push-times'], ['shop/repro-in:1']);
    expect(hub.requests.length).toBe(asked);
    expect(img(r, 'shop/repro-in:1').windows.find((w) => w.incident === '--window')?.outcome).toBe('unreliable');
  }, 60_000);
});
