// Registry inventory against a real registry: whole catalog, one repository, one image, and failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/adapters/oci/client.js';
import { UsageError } from '../../src/errors.js';
import { inventoryRegistry, resolutionMs, resolveDigests, wantsPinning } from '../../src/inventory/registry.js';
import { registrySource } from '../../src/inventory/registry-sources.js';
import { makeImage } from '../adapters/oci/images.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { pushContent } from '../helpers/push.js';
import { registryAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../helpers/registry.js';

if (!registryAvailable) console.warn(SKIP_MESSAGE);

describe.skipIf(!registryAvailable)('inventoryRegistry', () => {
  let reg: TestRegistry;
  let proxy: FaultProxy;
  let h: string;
  const client = () => new RegistryClient({ insecureRegistries: ['127.0.0.1'], credentials: async () => undefined, pageSize: 2, retry: { retries: 0 } });

  beforeAll(async () => {
    reg = await startRegistry();
    proxy = await startFaultProxy(reg.url);
    h = proxy.host;
    const web = makeImage(['1.0', '1.1']);
    await pushContent(reg.url, 'shop/web', web);
    await pushContent(reg.url, 'shop/web', makeImage([`${web.digest.replace(':', '-')}.sig`, `${web.digest.replace(':', '-')}.sbom`]));
    await pushContent(reg.url, 'shop/api', makeImage(['main']));
    await pushContent(reg.url, 'tools/cli', makeImage(['v3']));
  });
  afterAll(async () => {
    await proxy?.stop();
    await reg?.stop();
  });

  it('registry:HOST lists every tag of every repository in the catalog, signatures left out', async () => {
    proxy.clear();
    const { targets, errors } = await inventoryRegistry(`registry:${h}`, client());
    expect(errors).toEqual([]);
    expect(targets.map((t) => t.ref)).toEqual([`${h}/shop/api:main`, `${h}/shop/web:1.0`, `${h}/shop/web:1.1`, `${h}/tools/cli:v3`]);
    expect(targets[0]).toEqual({ kind: 'registry', ref: `${h}/shop/api:main`, registry: h, repository: 'shop/api', tag: 'main' });
    expect(proxy.requests.filter((r) => r.path.startsWith('/v2/_catalog')).length).toBe(2);
  });

  it('registry:HOST/REPO lists every tag of one repository', async () => {
    const { targets, errors } = await inventoryRegistry(`registry:${h}/shop/web`, client());
    expect(errors).toEqual([]);
    expect(targets.map((t) => (t.kind === 'registry' ? t.tag : t.kind))).toEqual(['1.0', '1.1']);
  });

  it('registry:HOST/REPO:TAG, @digest and a bare reference name one image without listing', async () => {
    proxy.clear();
    const digest = `sha256:${'e'.repeat(64)}`;
    expect((await inventoryRegistry(`registry:${h}/shop/web:1.1`, client())).targets).toEqual([
      { kind: 'registry', ref: `${h}/shop/web:1.1`, registry: h, repository: 'shop/web', tag: '1.1' },
    ]);
    expect((await inventoryRegistry(`registry:${h}/shop/web@${digest}`, client())).targets).toEqual([
      { kind: 'registry', ref: `${h}/shop/web@${digest}`, registry: h, repository: 'shop/web', digest },
    ]);
    expect((await inventoryRegistry(`${h}/shop/api`, client())).targets.map((t) => t.ref)).toEqual([`${h}/shop/api:latest`]);
    expect((await inventoryRegistry('alpine', client())).targets.map((t) => t.ref)).toEqual(['docker.io/library/alpine:latest']);
    expect(proxy.requests).toEqual([]);
  });

  it('reports a repository whose tags cannot be listed, and keeps the others', async () => {
    proxy.clear();
    proxy.addRule({ path: /\/v2\/shop\/web\/tags\/list/, fault: { kind: 'status', status: 500 } });
    const { targets, errors } = await inventoryRegistry(`registry:${h}`, client());
    expect(targets.map((t) => (t.kind === 'registry' ? t.repository : t.kind))).toEqual(['shop/api', 'tools/cli']);
    expect(errors).toEqual([`${h}/shop/web: cannot list tags: ${h}: GET /v2/shop/web/tags/list failed after 1 attempt: HTTP 500 Internal Server Error`]);
    proxy.clear();
  });

  it('reports a registry whose catalog cannot be read', async () => {
    proxy.addRule({ path: /\/v2\/_catalog/, fault: { kind: 'reset' } });
    const { targets, errors } = await inventoryRegistry(`registry:${h}`, client());
    expect(targets).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^${h}: cannot list the catalog: ${h}: GET /v2/_catalog failed after 1 attempt: `));
    proxy.clear();
  });

  it('reports a repository that does not exist', async () => {
    const { errors } = await inventoryRegistry(`registry:${h}/nope/missing`, client());
    expect(errors).toEqual([`${h}/nope/missing: cannot list tags: ${h}: tags of nope/missing: not found: NAME_UNKNOWN repository name not known to registry`]);
  });

  it('throws UsageError for a spec that is not a reference', async () => {
    await expect(inventoryRegistry('registry:', client())).rejects.toThrow(UsageError);
    await expect(inventoryRegistry(`registry:${h}/Shop/Web`, client())).rejects.toThrow('lower case');
  });

  it('is a Source: bad specs become input errors, and insecure hosts come from the context', async () => {
    expect(await registrySource.inventory('team/App:1', { insecureRegistries: [] })).toEqual({
      targets: [],
      errors: [],
      inputErrors: ['invalid image reference "team/App:1": repository name must be lower case'],
    });
    const r = await registrySource.inventory(`${reg.host}/tools/cli`, { insecureRegistries: ['127.0.0.1'] });
    expect(r.targets.map((t) => t.ref)).toEqual([`${reg.host}/tools/cli:v3`]);
  });

  it('marks listed tags for pinning on the target itself: a copy keeps the mark, the pinned copy carries the lookup time', async () => {
    const r = await registrySource.inventory(`${reg.host}/tools/cli`, { insecureRegistries: ['127.0.0.1'] });
    const listed = r.targets[0]!;
    // Another stage copying the target (as the image list and dedup do) must not lose the mark: the tag would be
    // read unpinned, and a tag moved meanwhile read as another image than the one the cache key names.
    const copy = { ...listed };
    expect([wantsPinning(listed), wantsPinning(copy)]).toEqual([true, true]);
    const gone = { ...copy, ref: `${reg.host}/tools/cli:nope`, tag: 'nope' };
    const [pinned, missed] = await resolveDigests([copy, gone], new RegistryClient({ insecureRegistries: ['127.0.0.1'], credentials: async () => undefined, retry: { retries: 0 } }));
    expect(pinned).toMatchObject({ kind: 'registry', tag: 'v3', digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect([wantsPinning(pinned!), wantsPinning(missed!)]).toEqual([false, false]);
    expect(missed).not.toHaveProperty('digest');
    expect(resolutionMs(pinned!)).toBeGreaterThanOrEqual(0);
    expect(typeof (pinned as { lookupMs?: number }).lookupMs).toBe('number');
    expect(typeof (missed as { lookupMs?: number }).lookupMs).toBe('number');
  });
});

describe('inventoryRegistry with a catalog it cannot trust', () => {
  it('reports catalog entries that are not repository names and lists the rest', async () => {
    const asked: string[] = [];
    const lister = {
      listRepositories: async () => ['good/app', '../../v2/_catalog', 'Bad/Case', 'x:y'],
      listTags: async (repo: { repository: string }) => {
        asked.push(repo.repository);
        return ['1'];
      },
    };
    const { targets, errors } = await inventoryRegistry('registry:r.example:5000', lister);
    expect(targets.map((t) => t.ref)).toEqual(['r.example:5000/good/app:1']);
    expect(asked).toEqual(['good/app']);
    expect(errors).toEqual([
      'r.example:5000: catalog lists "../../v2/_catalog", which is not a repository name',
      'r.example:5000: catalog lists "Bad/Case", which is not a repository name',
      'r.example:5000: catalog lists "x:y", which is not a repository name',
    ]);
  });
});
