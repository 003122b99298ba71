// The registry client against a real distribution registry (open, no auth).
import { buffer, text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../../src/adapters/oci/client.js';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.js';
import { digestOf, pushContent } from '../../helpers/push.js';
import { registryAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { makeImage, makeIndex, type TestImage } from './images.js';

if (!registryAvailable) console.warn(SKIP_MESSAGE);

describe.skipIf(!registryAvailable)('RegistryClient on a real registry', () => {
  let reg: TestRegistry;
  let proxy: FaultProxy;
  let app: TestImage;
  let amd: TestImage;
  let arm: TestImage;
  let indexDigest: string;
  const noCreds = async () => undefined;
  const client = (host: string, pageSize?: number) =>
    new RegistryClient({ insecureRegistries: [host], credentials: noCreds, pageSize, retry: { retries: 1, baseDelayMs: 10 } });

  beforeAll(async () => {
    reg = await startRegistry();
    proxy = await startFaultProxy(reg.url);
    app = makeImage(['1.0', 'latest']);
    await pushContent(reg.url, 'team/app', app);
    // cosign writes these next to the image; they are not images to scan
    const sigTag = `${app.digest.replace(':', '-')}.sig`;
    await pushContent(reg.url, 'team/app', makeImage([sigTag, `${app.digest.replace(':', '-')}.att`, app.digest.replace(':', '-')]));
    amd = makeImage([], 1024, 'amd64');
    arm = makeImage([], 1024, 'arm64');
    const idx = makeIndex(['multi'], [amd, arm]);
    indexDigest = idx.digest;
    await pushContent(reg.url, 'team/multi', idx);
    for (const name of ['a/one', 'b/two', 'c/three']) await pushContent(reg.url, name, makeImage(['v1']));
  });

  afterAll(async () => {
    await proxy?.stop();
    await reg?.stop();
  });

  it('fetches a manifest by tag with the digest the registry reports, bytes exactly as pushed', async () => {
    const m = await client(reg.host).getManifest({ registry: reg.host, repository: 'team/app' }, '1.0');
    expect(m.bytes.equals(app.manifest)).toBe(true);
    expect(m.digest).toBe(app.digest);
    expect(m.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
  });

  it('fetches an index and its children by digest', async () => {
    const c = client(reg.host);
    const repo = { registry: reg.host, repository: 'team/multi' };
    const root = await c.getManifest(repo, 'multi');
    expect(root.digest).toBe(indexDigest);
    expect(root.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    const child = await c.getManifest(repo, arm.digest);
    expect(child.bytes.equals(arm.manifest)).toBe(true);
    expect(child.digest).toBe(arm.digest);
  });

  it('HEAD gives the digest, type and size without the body', async () => {
    const info = await client(reg.host).headManifest({ registry: reg.host, repository: 'team/app' }, 'latest');
    expect(info).toEqual({ digest: app.digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: app.manifest.length });
  });

  it('streams blobs byte for byte', async () => {
    const repo = { registry: reg.host, repository: 'team/app' };
    const layer = await buffer(await client(reg.host).openBlob(repo, digestOf(app.layer)));
    expect(layer.equals(app.layer)).toBe(true);
  });

  it('follows a blob redirect to another origin', async () => {
    const front = await startFaultProxy(reg.url);
    try {
      front.addRule({ path: /\/blobs\//, fault: { kind: 'redirect', to: proxy.url } });
      proxy.clear();
      const repo = { registry: front.host, repository: 'team/app' };
      const config = await text(await client('127.0.0.1').openBlob(repo, digestOf(app.config)));
      expect(config).toBe(app.config.toString());
      expect(front.requests.map((r) => r.fault)).toEqual(['redirect']);
      expect(proxy.requests.map((r) => r.path)).toEqual([`/v2/team/app/blobs/${digestOf(app.config)}`]);
    } finally {
      await front.stop();
    }
  });

  it('names the registry, repository and reference when a manifest is missing', async () => {
    const err = await client(reg.host)
      .getManifest({ registry: reg.host, repository: 'team/app' }, 'nope')
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(new RegExp(`^${reg.host}: manifest team/app:nope: not found: MANIFEST_UNKNOWN`));
  });

  it('never asks for schema 1 manifests', async () => {
    proxy.clear();
    await client(proxy.host).getManifest({ registry: proxy.host, repository: 'team/app' }, '1.0');
    const accept = String(proxy.requests[0]?.headers.accept);
    expect(accept).toContain('application/vnd.oci.image.index.v1+json');
    expect(accept).toContain('application/vnd.docker.distribution.manifest.v2+json');
    expect(accept).not.toContain('distribution.manifest.v1');
  });

  it('lists tags without the cosign signature, attestation and referrers tags', async () => {
    const tags = await client(reg.host).listTags({ registry: reg.host, repository: 'team/app' });
    expect(tags.sort()).toEqual(['1.0', 'latest']);
  });

  it('pages the catalog by following Link headers', async () => {
    proxy.clear();
    const repos = await client(proxy.host, 2).listRepositories(proxy.host);
    expect(repos).toEqual(['a/one', 'b/two', 'c/three', 'team/app', 'team/multi']);
    const pages = proxy.requests.filter((r) => r.path.startsWith('/v2/_catalog'));
    expect(pages.length).toBe(3);
    expect(pages[1]?.path).toMatch(/last=b%2Ftwo|last=b\/two/);
  });

  it('refuses plain HTTP to a registry that is not listed as insecure', async () => {
    const c = new RegistryClient({ credentials: noCreds, retry: { retries: 0 } });
    const err = await c.listTags({ registry: reg.host, repository: 'team/app' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(new RegExp(`^${reg.host}: GET /v2/team/app/tags/list failed after 1 attempt: .*SSL.*\\(if ${reg.host} serves plain HTTP, pass --insecure-registry ${reg.host}\\)$`));
  });
});
