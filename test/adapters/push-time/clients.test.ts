// Each vendor's push-time client against a loopback server answering as the vendor documents its API.
import { afterEach, describe, expect, it } from 'vitest';
import { acrClient } from '../../../src/adapters/push-time/acr.js';
import { dockerHubClient } from '../../../src/adapters/push-time/docker-hub.js';
import { gcrClient } from '../../../src/adapters/push-time/gcr.js';
import { ghcrClient } from '../../../src/adapters/push-time/ghcr.js';
import { gitlabClient } from '../../../src/adapters/push-time/gitlab.js';
import { harborClient } from '../../../src/adapters/push-time/harbor.js';
import { quayClient } from '../../../src/adapters/push-time/quay.js';
import { parsePushTimeApi, routeFor, type PushAnswer } from '../../../src/adapters/push-time/vendor.js';
import { RegistryClient } from '../../../src/adapters/oci/client.js';
import { startVendorApi, type VendorApi, type VendorRoutes } from '../../helpers/vendor-api.js';

const INDEX = `sha256:${'a'.repeat(64)}`;
const AMD64 = `sha256:${'b'.repeat(64)}`;
const OTHER = `sha256:${'c'.repeat(64)}`;

let api: VendorApi | undefined;
afterEach(async () => {
  await api?.stop();
  api = undefined;
});

async function serve(routes: VendorRoutes): Promise<VendorApi> {
  api = await startVendorApi(routes);
  return api;
}

function pushes(a: PushAnswer): [string, string, string][] {
  if ('absent' in a) throw new Error(`absent: ${a.absent}`);
  return a.pushes.map((p) => [p.digest, p.source.source, p.source.value]);
}

function absent(a: PushAnswer): string {
  if (!('absent' in a)) throw new Error(`expected absent, got ${JSON.stringify(a)}`);
  return a.absent;
}

const q = { registry: 'docker.io', repository: 'shop/api', digests: [INDEX, AMD64] };

describe('routing', () => {
  it.each([
    ['gcr.io', 'gcr'],
    ['eu.gcr.io', 'gcr'],
    ['europe-west1-docker.pkg.dev', 'gcr'],
    ['docker.io', 'dockerhub'],
    ['myreg.azurecr.io', 'acr'],
    ['quay.io', 'quay'],
    ['registry.gitlab.com', 'gitlab'],
    ['ghcr.io', 'ghcr'],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'ecr'],
    ['harbor.example.com', undefined],
    ['evil-gcr.io.example.com', undefined],
    ['ghcr.io.example.com', undefined],
    ['127.0.0.1:5000', undefined],
  ])('%s -> %s', (host, vendor) => {
    expect(routeFor(host, new Map())?.vendor).toBe(vendor);
  });

  it('--push-time-api names a vendor (and URL) for a host, or turns one off', () => {
    const o = parsePushTimeApi(['harbor.corp=harbor', '127.0.0.1:5000=dockerhub@http://127.0.0.1:6000/', 'docker.io=none']);
    expect(routeFor('harbor.corp', o)).toEqual({ vendor: 'harbor' });
    expect(routeFor('127.0.0.1:5000', o)).toEqual({ vendor: 'dockerhub', apiUrl: 'http://127.0.0.1:6000' });
    expect(routeFor('docker.io', o)).toBeUndefined();
    expect(() => parsePushTimeApi(['docker.io=dockrhub'])).toThrow(/VENDOR one of gcr, dockerhub/);
    expect(() => parsePushTimeApi(['x=gcr@ftp://y'])).toThrow(/not an http\(s\) URL/);
  });
});

describe('Docker Hub tags API', () => {
  const tag = (name: string, digest: string, pushed: string, images: { digest: string; last_pushed: string }[] = []) => ({
    creator: 1,
    id: 2,
    images: images.map((i) => ({ architecture: 'amd64', os: 'linux', size: 1, status: 'active', last_pulled: pushed, ...i })),
    last_updated: pushed,
    last_updater: 1,
    last_updater_username: 'u',
    name,
    repository: 3,
    full_size: 1,
    v2: true,
    tag_status: 'active',
    tag_last_pulled: pushed,
    tag_last_pushed: pushed,
    media_type: 'application/vnd.oci.image.index.v1+json',
    content_type: 'image',
    digest,
  });

  it('reads every page, every tag naming the digest, and the platform images; sends no credentials', async () => {
    const s = await serve(({ path }, base) => {
      if (path === '/v2/namespaces/shop/repositories/api/tags?page_size=100')
        return { body: { count: 3, next: `${base}/v2/namespaces/shop/repositories/api/tags?page=2&page_size=100`, previous: null, results: [tag('v2', INDEX, '2026-04-01T09:00:00.000000Z'), tag('x', OTHER, '2026-01-01T00:00:00Z')] } };
      if (path === '/v2/namespaces/shop/repositories/api/tags?page=2&page_size=100')
        return { body: { count: 3, next: null, previous: 'x', results: [tag('v1', INDEX, '2026-03-30T10:00:00.123456Z', [{ digest: AMD64, last_pushed: '2026-03-30T09:59:00Z' }])] } };
      return undefined;
    });
    const got = pushes(await dockerHubClient(s.url).lookup(q));
    expect(got).toEqual([
      [INDEX, 'registry push time (Docker Hub tag_last_pushed of v2)', '2026-04-01T09:00:00.000000Z'],
      [INDEX, 'registry push time (Docker Hub tag_last_pushed of v1)', '2026-03-30T10:00:00.123456Z'],
      [AMD64, 'registry push time (Docker Hub images[].last_pushed in v1)', '2026-03-30T09:59:00Z'],
    ]);
    expect(s.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('a next page on another origin is not followed', async () => {
    const s = await serve(() => ({ body: { count: 1, next: 'http://198.51.100.1/steal', results: [tag('v1', INDEX, '2026-03-30T10:00:00Z')] } }));
    expect(pushes(await dockerHubClient(s.url).lookup(q))).toHaveLength(1);
    expect(s.requests).toHaveLength(1);
  });

  it.each([
    [401, /HTTP 401/],
    [404, /HTTP 404/],
    [429, /HTTP 429/],
  ])('HTTP %i makes the source absent', async (status, why) => {
    const s = await serve(() => ({ status, body: { message: 'nope' } }));
    expect(absent(await dockerHubClient(s.url).lookup(q))).toMatch(why);
  });

  it('a body that is not the documented shape is absent, not a crash', async () => {
    const s = await serve(() => ({ body: { results: 'no' } }));
    expect(absent(await dockerHubClient(s.url).lookup(q))).toMatch(/unexpected response shape/);
    const t = await startVendorApi(() => ({ body: '<html>' }));
    expect(absent(await dockerHubClient(t.url).lookup(q))).toMatch(/not JSON/);
    await t.stop();
  });

  it('no tag naming the digest, or a repository Docker Hub cannot hold, is absent', async () => {
    const s = await serve(() => ({ body: { count: 1, next: null, results: [tag('x', OTHER, '2026-01-01T00:00:00Z')] } }));
    expect(absent(await dockerHubClient(s.url).lookup(q))).toMatch(/no tag of shop\/api names/);
    expect(absent(await dockerHubClient(s.url).lookup({ ...q, repository: 'a/b/c' }))).toMatch(/no repository a\/b\/c/);
  });

  it('a redirect is not followed', async () => {
    const s = await serve(() => ({ status: 302, headers: { location: 'http://198.51.100.1/x' } }));
    expect(absent(await dockerHubClient(s.url).lookup(q))).toMatch(/HTTP 302: redirects are not followed/);
  });
});

describe('GCR / Artifact Registry tags/list', () => {
  it('reads timeUploadedMs as the push time and timeCreatedMs as the registry-reported created, through the registry client', async () => {
    const s = await serve(({ path }) => {
      if (path === '/v2/') return { body: {} };
      if (path === '/v2/proj/app/tags/list')
        return {
          body: {
            child: [],
            manifest: {
              [INDEX]: { imageSizeBytes: '0', layerId: '', mediaType: 'application/vnd.oci.image.index.v1+json', tag: ['v1'], timeCreatedMs: '0', timeUploadedMs: '1774864800000' },
              [AMD64]: { imageSizeBytes: '1234', layerId: '', mediaType: 'application/vnd.oci.image.manifest.v1+json', tag: [], timeCreatedMs: '315532800000', timeUploadedMs: '1774864790000' },
            },
            name: 'proj/app',
            tags: ['v1'],
          },
        };
      return undefined;
    });
    const client = new RegistryClient({ insecureRegistries: [s.host], credentials: async () => undefined, retry: { retries: 0 } });
    const got = pushes(await gcrClient(client).lookup({ registry: s.host, repository: 'proj/app', digests: [INDEX, AMD64] }));
    expect(got).toEqual([
      [INDEX, 'registry push time (GCR timeUploadedMs)', '2026-03-30T10:00:00.000Z'],
      [AMD64, 'registry push time (GCR timeUploadedMs)', '2026-03-30T09:59:50.000Z'],
      [AMD64, 'GCR timeCreatedMs', '1980-01-01T00:00:00.000Z'],
    ]);
  });

  it('a tags/list without the manifest map (plain distribution) or refused is absent', async () => {
    const s = await serve(({ path }) => (path === '/v2/' ? { body: {} } : path.includes('plain') ? { body: { name: 'plain', tags: ['v1'] } } : { status: 401, body: { errors: [{ code: 'UNAUTHORIZED' }] } }));
    const client = new RegistryClient({ insecureRegistries: [s.host], credentials: async () => undefined, retry: { retries: 0 } });
    expect(absent(await gcrClient(client).lookup({ registry: s.host, repository: 'plain', digests: [INDEX] }))).toMatch(/no manifest entry/);
    expect(absent(await gcrClient(client).lookup({ registry: s.host, repository: 'private/app', digests: [INDEX] }))).toMatch(/HTTP 401/);
  });
});

describe('ACR manifest attributes', () => {
  it('createdTime of the digest, not lastUpdateTime', async () => {
    const s = await serve(({ path }) => {
      if (path === '/v2/') return { body: {} };
      if (path === `/acr/v1/team/app/_manifests/${INDEX}`)
        return {
          body: {
            registry: 'myreg.azurecr.io',
            imageName: 'team/app',
            manifest: { digest: INDEX, imageSize: 2401606, createdTime: '2026-03-30T10:00:00.9983915Z', lastUpdateTime: '2026-04-02T06:17:20.9983915Z', mediaType: 'application/vnd.oci.image.index.v1+json', tags: ['v1', 'v2'], changeableAttributes: { deleteEnabled: true, writeEnabled: true, readEnabled: true, listEnabled: true } },
          },
        };
      return undefined;
    });
    const client = new RegistryClient({ insecureRegistries: [s.host], credentials: async () => undefined, retry: { retries: 0 } });
    expect(pushes(await acrClient(client).lookup({ registry: s.host, repository: 'team/app', digests: [INDEX] }))).toEqual([[INDEX, 'registry push time (ACR createdTime)', '2026-03-30T10:00:00.9983915Z']]);
    expect(absent(await acrClient(client).lookup({ registry: s.host, repository: 'team/other', digests: [INDEX] }))).toMatch(/HTTP 404/);
  });
});

describe('Harbor artifact API', () => {
  it('double-encodes a nested repository, reads push_time and the tags, sends basic credentials when given', async () => {
    const s = await serve(({ path }) =>
      path === `/api/v2.0/projects/lib/repositories/team%252Fapp/artifacts/${INDEX}?with_tag=true`
        ? { body: { id: 1, digest: INDEX, push_time: '2026-03-30T10:00:00.000Z', pull_time: '2026-04-02T00:00:00.000Z', tags: [{ id: 1, name: 'v1', push_time: '2026-03-30T10:00:01.000Z', pull_time: '0001-01-01T00:00:00.000Z', immutable: false }] } }
        : undefined,
    );
    const got = pushes(await harborClient({ apiUrl: s.url, credential: { username: 'robot', password: 'secret' } }).lookup({ registry: s.host, repository: 'lib/team/app', digests: [INDEX] }));
    expect(got).toEqual([
      [INDEX, 'registry push time (Harbor push_time)', '2026-03-30T10:00:00.000Z'],
      [INDEX, 'registry push time (Harbor push_time of tag v1)', '2026-03-30T10:00:01.000Z'],
    ]);
    expect(s.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('robot:secret').toString('base64')}`);
  });

  it('401 is absent', async () => {
    const s = await serve(() => ({ status: 401, body: { errors: [{ code: 'UNAUTHORIZED', message: 'unauthorized' }] } }));
    expect(absent(await harborClient({ apiUrl: s.url }).lookup({ registry: s.host, repository: 'lib/app', digests: [INDEX] }))).toMatch(/HTTP 401/);
  });
});

describe('Quay tag API', () => {
  it('walks the tag history pages and keeps every start_ts of the digest', async () => {
    const s = await serve(({ path }) => {
      if (path === '/api/v1/repository/org/app/tag/?onlyActiveTags=false&limit=100&page=1')
        return { body: { tags: [{ name: 'v1', reversion: false, start_ts: 1775037600, manifest_digest: INDEX, is_manifest_list: true, size: null, last_modified: 'Wed, 01 Apr 2026 10:00:00 -0000' }], page: 1, has_additional: true } };
      if (path === '/api/v1/repository/org/app/tag/?onlyActiveTags=false&limit=100&page=2')
        return { body: { tags: [{ name: 'v1', reversion: false, start_ts: 1774864800, end_ts: 1775037600, manifest_digest: INDEX, is_manifest_list: true, size: null, last_modified: 'Mon, 30 Mar 2026 10:00:00 -0000', expiration: 'Wed, 01 Apr 2026 10:00:00 -0000' }], page: 2, has_additional: false } };
      return undefined;
    });
    expect(pushes(await quayClient(s.url).lookup({ registry: 'quay.io', repository: 'org/app', digests: [INDEX] }))).toEqual([
      [INDEX, 'registry push time (Quay start_ts of tag v1)', '2026-04-01T10:00:00.000Z'],
      [INDEX, 'registry push time (Quay start_ts of tag v1)', '2026-03-30T10:00:00.000Z'],
    ]);
  });

  it('403 is absent', async () => {
    const s = await serve(() => ({ status: 403, body: { error: 'Unauthorized' } }));
    expect(absent(await quayClient(s.url).lookup({ registry: 'quay.io', repository: 'org/app', digests: [INDEX] }))).toMatch(/HTTP 403/);
  });
});

describe('GitLab container registry API', () => {
  const routes: VendorRoutes = ({ path }) => {
    if (path === '/api/v4/projects/group%2Fproj%2Fapp') return { status: 404, body: { message: '404 Project Not Found' } };
    if (path === '/api/v4/projects/group%2Fproj') return { body: { id: 9, path_with_namespace: 'group/proj' } };
    if (path === '/api/v4/projects/9/registry/repositories?per_page=100')
      return { body: [{ id: 1, name: '', path: 'group/proj', project_id: 9, location: 'registry.gitlab.com/group/proj', created_at: '2019-01-10T13:38:57.391Z' }, { id: 2, name: 'app', path: 'group/proj/app', project_id: 9, location: 'registry.gitlab.com/group/proj/app', created_at: '2019-01-10T13:39:08.229Z' }] };
    if (path === '/api/v4/projects/9/registry/repositories/2/tags/v1')
      return { body: { name: 'v1', path: 'group/proj/app:v1', location: 'registry.gitlab.com/group/proj/app:v1', revision: 'r', short_revision: 'r', digest: INDEX, created_at: '2026-03-30T10:00:00.000+00:00', total_size: 1 } };
    if (path === '/api/v4/projects/9/registry/repositories/2/tags?per_page=20') return { body: [{ name: 'v1', path: 'group/proj/app:v1', location: 'registry.gitlab.com/group/proj/app:v1' }] };
    return undefined;
  };

  it('finds the project by the longest path prefix, the repository by its path, the tag details by name', async () => {
    const s = await serve(routes);
    const got = pushes(await gitlabClient({ apiUrl: s.url, token: 'glpat-abc' }).lookup({ registry: 'registry.gitlab.com', repository: 'group/proj/app', digests: [INDEX], tag: 'v1' }));
    expect(got).toEqual([[INDEX, 'registry push time (GitLab created_at of tag v1)', '2026-03-30T10:00:00.000+00:00']]);
    expect(s.requests.every((r) => r.headers['private-token'] === 'glpat-abc')).toBe(true);
  });

  it('without a tag, lists the tags; a tag naming another digest does not count', async () => {
    const s = await serve(routes);
    expect(pushes(await gitlabClient({ apiUrl: s.url }).lookup({ registry: 'registry.gitlab.com', repository: 'group/proj/app', digests: [INDEX] }))).toHaveLength(1);
    expect(s.requests.some((r) => r.headers['private-token'] !== undefined)).toBe(false);
    expect(absent(await gitlabClient({ apiUrl: s.url }).lookup({ registry: 'registry.gitlab.com', repository: 'group/proj/app', digests: [OTHER], tag: 'v1' }))).toMatch(/no tag of group\/proj\/app names/);
  });

  it('a private project (401) is absent', async () => {
    const s = await serve(() => ({ status: 401, body: { message: '401 Unauthorized' } }));
    expect(absent(await gitlabClient({ apiUrl: s.url }).lookup({ registry: 'registry.gitlab.com', repository: 'group/proj', digests: [INDEX] }))).toMatch(/HTTP 401/);
  });
});

describe('GitHub Packages versions API (ghcr.io)', () => {
  const version = (id: number, name: string, created: string, tags: string[]) => ({
    id,
    name,
    url: `https://api.github.com/users/octo/packages/container/app/versions/${id}`,
    package_html_url: 'https://github.com/users/octo/packages/container/package/app',
    created_at: created,
    updated_at: created,
    html_url: `https://github.com/users/octo/packages/container/app/${id}`,
    metadata: { package_type: 'container', container: { tags } },
  });

  it('needs a token: without one nothing is asked', async () => {
    const s = await serve(() => undefined);
    expect(absent(await ghcrClient({ apiUrl: s.url }).lookup({ registry: 'ghcr.io', repository: 'octo/app', digests: [INDEX] }))).toMatch(/needs a token with read:packages/);
    expect(s.requests).toHaveLength(0);
  });

  it('tries the organisation, then the user; follows Link pages on its own origin; sends the token there only', async () => {
    const s = await serve(({ path }, base) => {
      if (path.startsWith('/orgs/')) return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
      if (path === '/users/octo/packages/container/app%2Fcli/versions?per_page=100')
        return { body: [version(2, OTHER, '2026-04-01T00:00:00Z', ['latest'])], headers: { link: `<${base}/users/octo/packages/container/app%2Fcli/versions?per_page=100&page=2>; rel="next", <${base}/x?page=2>; rel="last"` } };
      if (path === '/users/octo/packages/container/app%2Fcli/versions?per_page=100&page=2') return { body: [version(1, INDEX, '2026-03-30T10:00:00Z', ['v1'])], headers: { link: '<http://198.51.100.1/x>; rel="next"' } };
      return undefined;
    });
    const got = pushes(await ghcrClient({ apiUrl: s.url, token: 'ghp_test' }).lookup({ registry: 'ghcr.io', repository: 'octo/app/cli', digests: [INDEX] }));
    expect(got).toEqual([[INDEX, 'registry push time (GitHub Packages created_at (tags v1))', '2026-03-30T10:00:00Z']]);
    expect(s.requests.map((r) => r.headers.authorization)).toEqual(['Bearer ghp_test', 'Bearer ghp_test', 'Bearer ghp_test']);
  });

  it('a token without read:packages (403) is absent', async () => {
    const s = await serve(() => ({ status: 403, body: { message: 'Resource not accessible by personal access token' } }));
    expect(absent(await ghcrClient({ apiUrl: s.url, token: 't' }).lookup({ registry: 'ghcr.io', repository: 'octo/app', digests: [INDEX] }))).toMatch(/HTTP 403/);
  });
});
