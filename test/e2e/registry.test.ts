// End to end through the built CLI against the real registry: catalog sweep, bare refs, broken blobs, auth, cache.
import { readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImageLayout, npmPackageFiles, type BuiltLayout, type ImageSpec, type LayerSpec } from '../helpers/image-builder.js';
import { pushContent, pushOciLayout } from '../helpers/push.js';
import { registryAvailable, htpasswdAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import type { Report } from '../../src/model/report.js';

if (!registryAvailable) console.warn(SKIP_MESSAGE);

type Image = Report['images'][number];

const base: LayerSpec = { files: npmPackageFiles('app/node_modules', 'lodash', '4.17.21') };
const ioc: LayerSpec = {
  files: [...npmPackageFiles('app/node_modules', 'axios', '1.14.1'), ...npmPackageFiles('app/node_modules/axios/node_modules', 'plain-crypto-js', '4.2.1')],
};

/** Builds one image in its own layout and pushes it under `repo:tag`; a marker file makes its layer digests unique. */
async function pushImage(reg: TestRegistry, dir: string, repoTag: string, spec: Omit<ImageSpec, 'ref'>, auth?: string): Promise<BuiltLayout> {
  const [repo, tag] = repoTag.split(':') as [string, string];
  const marker: LayerSpec = { files: [{ path: `etc/image-name`, content: `${repoTag} ${reg.host}\n` }] };
  const platforms = spec.platforms.map((p) => ({ ...p, layers: [...p.layers, marker] }));
  const layout = await buildImageLayout(join(dir, repoTag.replace(/[/:]/g, '_')), { ...spec, platforms, ref: tag });
  await pushOciLayout(reg.url, repo, layout.dir, auth);
  return layout;
}

function parse(run: CliRun): Report {
  expect(run.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
  return JSON.parse(run.stdout) as Report;
}

function byRef(report: Report, ref: string): Image {
  const img = report.images.find((i) => i.ref === ref);
  expect(img, `${ref} in ${report.images.map((i) => i.ref).join(', ')}`).toBeDefined();
  return img!;
}

/** The stored bytes of a blob inside the registry's storage folder (the test registries live under the temp dir). */
async function storedBlobPath(digest: string): Promise<string> {
  const hex = digest.slice(7);
  for (const d of await readdir(tmpdir())) {
    if (!d.startsWith('sbom-hunt-registry-')) continue;
    const file = join(tmpdir(), d, 'data/docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    if (existsSync(file)) return file;
  }
  throw new Error(`blob ${digest} not found in any test registry storage`);
}

describe.skipIf(!registryAvailable)('registry sweep through the CLI', () => {
  let reg: TestRegistry;
  let dir: string;
  const built: Record<string, BuiltLayout> = {};

  beforeAll(async () => {
    reg = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-e2e-registry-'));
    built.api1 = await pushImage(reg, dir, 'shop/api:1.0', { platforms: [{ layers: [base] }] });
    built.api2 = await pushImage(reg, dir, 'shop/api:1.1', { platforms: [{ layers: [base, ioc] }] });
    built.multi = await pushImage(reg, dir, 'shop/web:2', {
      attestations: true,
      platforms: [
        { architecture: 'amd64', layers: [base] },
        { architecture: 'arm64', layers: [base, ioc] },
      ],
    });
    built.window = await pushImage(reg, dir, 'tools/cli:v3', { platforms: [{ created: '2026-03-31T01:00:00Z', layers: [base] }] });
    built.missing = await pushImage(reg, dir, 'broken/missing:1', { platforms: [{ layers: [base] }] });
    built.short = await pushImage(reg, dir, 'broken/short:1', { platforms: [{ layers: [base] }] });
    built.corrupt = await pushImage(reg, dir, 'broken/corrupt:1', { platforms: [{ layers: [{ ...base, compression: 'none' }] }] });
    // Same manifest under a second tag: one digest, scanned once.
    const api1Root = built.api1.manifests.find((m) => m.digest === built.api1!.indexDigest)!;
    await pushContent(reg.url, 'shop/api', { blobs: [], manifests: [{ bytes: api1Root.bytes, mediaType: api1Root.mediaType, tags: ['latest'] }] });
    // A cosign signature next to shop/api:1.1: an artifact, not an image.
    const sig = await buildImageLayout(join(dir, 'sig'), { ref: `${built.api2.indexDigest.replace(':', '-')}.sig`, platforms: [{ layers: [{ files: [{ path: 'sig', content: 'x' }] }] }] });
    await pushOciLayout(reg.url, 'shop/api', sig.dir);
    await pushOciLayout(reg.url, 'shop/api', (await buildImageLayout(join(dir, 'att'), { ref: `${built.api2.indexDigest.replace(':', '-')}.att`, platforms: [{ layers: [] }] })).dir);
    const missingLayer = built.missing.images[0]!.platforms[0]!.layerDigests[0]!;
    const del = await fetch(`${reg.url}/v2/broken/missing/blobs/${missingLayer}`, { method: 'DELETE' });
    expect(del.status).toBe(202);
    // Stored bytes that are no gzip and shorter than the descriptor: the digest check, not the parse error, is the reason.
    // Storage is shared by every repository, so only a layer of this image alone (its marker, the last one) is touched.
    await writeFile(await storedBlobPath(built.short.images[0]!.platforms[0]!.layerDigests.at(-1)!), 'not the bytes that were pushed');
    // Same size, valid tar, one version digit changed in a file's content: only the digest check can tell.
    const corruptLayer = built.corrupt.images[0]!.platforms[0]!.layerDigests[0]!;
    const stored = await storedBlobPath(corruptLayer);
    const tampered = (await readFile(stored)).toString('latin1').replace('"version":"4.17.21"', '"version":"4.17.22"');
    expect(tampered).toContain('4.17.22');
    await writeFile(stored, Buffer.from(tampered, 'latin1'));
  });
  afterAll(async () => {
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('registry:HOST finds every repository and tag, judges each, skips signature tags, and survives broken blobs', async () => {
    const h = reg.host;
    const run = await runCli(['scan', `registry:${h}`, '--insecure-registry', h, '--sbom-sources', 'native', '--no-cache', '-f', 'json', '-q']);
    expect(run.code).toBe(1);
    const report = parse(run);
    const refs = report.images.map((i) => i.ref).sort();
    expect(refs).toEqual([`${h}/broken/corrupt:1`, `${h}/broken/missing:1`, `${h}/broken/short:1`, `${h}/shop/api:1.0`, `${h}/shop/api:1.1`, `${h}/shop/web:2`, `${h}/tools/cli:v3`]);
    expect(refs.join(' ')).not.toMatch(/sha256-/);
    expect(byRef(report, `${h}/shop/api:1.0`).verdict).toBe('clean');
    expect(byRef(report, `${h}/shop/api:1.0`).reasons.join('\n')).toContain(`also named ${h}/shop/api:latest`);
    const api2 = byRef(report, `${h}/shop/api:1.1`);
    expect(api2.verdict).toBe('affected');
    expect(api2.digest).toBe(built.api2!.indexDigest);
    expect(api2.source?.kind).toBe('native');
    expect(api2.matches.map((m) => m.name).sort()).toEqual(['axios', 'plain-crypto-js']);
    const web = byRef(report, `${h}/shop/web:2`);
    expect(web.verdict).toBe('affected');
    expect(web.digest).toBe(built.multi!.indexDigest);
    expect(Object.fromEntries(web.platforms.map((p) => [p.platform, p.verdict]))).toEqual({ 'linux/amd64': 'clean', 'linux/arm64': 'affected' });
    expect(byRef(report, `${h}/tools/cli:v3`).verdict).toBe('suspect');
    for (const broken of ['broken/missing:1', 'broken/corrupt:1', 'broken/short:1']) {
      const img = byRef(report, `${h}/${broken}`);
      expect(img.verdict, broken).toBe('unknown');
      expect(img.reasons.length).toBeGreaterThan(0);
    }
    expect(byRef(report, `${h}/broken/corrupt:1`).reasons.join('\n')).toMatch(/digest mismatch/i);
    expect(byRef(report, `${h}/broken/short:1`).reasons.join('\n')).toMatch(/digest mismatch/i);
    expect(byRef(report, `${h}/broken/missing:1`).reasons.join('\n')).toMatch(/BLOB_UNKNOWN|404|not found/i);
    expect(report.summary).toMatchObject({ images: 7, affected: 2, suspect: 1, unknown: 3, clean: 1 });
  });

  it('a bare reference HOST/REPO:TAG scans that one image', async () => {
    const h = reg.host;
    const run = await runCli(['scan', `${h}/shop/api:1.1`, '--insecure-registry', h, '--sbom-sources', 'native', '--no-cache', '-f', 'json', '-q']);
    expect(run.code).toBe(1);
    const report = parse(run);
    expect(report.images.map((i) => [i.ref, i.verdict, i.digest])).toEqual([[`${h}/shop/api:1.1`, 'affected', built.api2!.indexDigest]]);
    // --images: two tags of one manifest are pinned to its digest and scanned once.
    const listed = parse(await runCli(['scan', '--images', '-', '--insecure-registry', h, '--sbom-sources', 'native', '--no-cache', '-f', 'json', '-q'], { input: `${h}/shop/api:1.0\n${h}/shop/api:latest\n` }));
    expect(listed.images.map((i) => [i.ref, i.verdict, i.digest])).toEqual([[`${h}/shop/api:1.0`, 'clean', built.api1!.indexDigest]]);
    expect(listed.images[0]!.reasons).toContain(`also named ${h}/shop/api:latest (same digest, scanned once)`);
    // A tag that does not exist: the inventory HEAD fails quietly, acquisition names the failure on the image.
    const missing = parse(await runCli(['scan', `${h}/shop/api:nope`, '--insecure-registry', h, '--sbom-sources', 'native', '--no-cache', '-f', 'json', '-q']));
    expect(missing.errors).toEqual([]);
    expect(missing.images.map((i) => [i.ref, i.verdict, i.digest])).toEqual([[`${h}/shop/api:nope`, 'unknown', undefined]]);
    expect(missing.images[0]!.reasons.join('\n')).toMatch(/MANIFEST_UNKNOWN|404|not found/i);
  });

  it('a second identical scan with the default chain is answered from the cache', async () => {
    const h = reg.host;
    const cacheDir = await mkdtemp(join(dir, 'cache-'));
    const args = ['scan', `registry:${h}/shop/api`, `registry:${h}/shop/web`, '--insecure-registry', h, '--cache-dir', cacheDir, '-f', 'json', '-q'];
    const cold = parse(await runCli(args));
    const warm = parse(await runCli(args));
    const verdicts = (r: Report) => r.images.map((i) => [i.ref, i.verdict, i.digest]);
    expect(verdicts(warm)).toEqual(verdicts(cold));
    expect(cold.images.length).toBeGreaterThanOrEqual(3);
    for (const img of cold.images) expect(img.source?.kind, img.ref).toBe('native');
    for (const img of warm.images) {
      expect(img.source?.kind, img.ref).toBe('cache');
      expect(img.source?.detail).toMatch(/cached native/);
    }
  });
});

describe.skipIf(!registryAvailable || !htpasswdAvailable)('registry with htpasswd auth through the CLI', () => {
  const user = 'ci-reader';
  const password = 'S3cret-Pa55-e2e-do-not-print';
  let reg: TestRegistry;
  let dir: string;
  let built: BuiltLayout;

  beforeAll(async () => {
    reg = await startRegistry({ htpasswd: { [user]: password } });
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-e2e-auth-'));
    const basic = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    built = await pushImage(reg, dir, 'private/app:1', { platforms: [{ layers: [base, ioc] }] }, basic);
  });
  afterAll(async () => {
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('credentials from the environment reach the registry and never appear in the output', async () => {
    const h = reg.host;
    const args = ['scan', `registry:${h}`, '--insecure-registry', h, '--sbom-sources', 'native', '--no-cache'];
    const env = { SBOM_HUNT_REGISTRY_USERNAME: user, SBOM_HUNT_REGISTRY_PASSWORD: password };
    const run = await runCli([...args, '-f', 'json'], { env });
    const report = parse(run);
    expect(report.images.map((i) => [i.ref, i.verdict, i.digest])).toEqual([[`${h}/private/app:1`, 'affected', built.indexDigest]]);
    const table = await runCli([...args, '-f', 'table'], { env });
    const basic = Buffer.from(`${user}:${password}`).toString('base64');
    for (const text of [run.stdout, run.stderr, table.stdout, table.stderr]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(basic);
    }
    const anonymous = await runCli([...args, '-f', 'json']);
    const refused = parse(anonymous);
    // The refused catalog is an unknown entry of its own: "0 of 0" never reads as a green gate.
    expect(refused.images.map((i) => [i.kind, i.ref, i.verdict])).toEqual([['source', `registry:${h}`, 'unknown']]);
    expect(refused.images[0]!.reasons.join('\n')).toMatch(/unauthori[sz]ed/i);
    expect(refused.errors.join('\n')).toMatch(/unauthori[sz]ed/i);
    expect(refused.summary.coverage).toEqual({ checked: 0, total: 1, percent: 0 });
    expect(anonymous.code).toBe(4);
    // Unknown is never clean: a catalog nobody could list fails the gate that asks about unknowns.
    expect((await runCli([...args, '-f', 'json', '--fail-on', 'unknown'])).code).toBe(1);
  });
});
