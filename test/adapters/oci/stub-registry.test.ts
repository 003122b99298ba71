// Behaviours distribution 2.8 cannot show (it ignores `n` on tag lists): a loopback stub answers instead.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../../src/adapters/oci/client.js';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

const ALL_TAGS = ['a', 'b', `sha256-${'1'.repeat(64)}.sig`, 'c', 'd', `sha256-${'1'.repeat(64)}`, 'e'];

/** Pages tags like the spec says: `n` per page, `last` to resume, a relative Link to the next page. */
const pagedTags: Handler = (_req, res, url) => {
  const n = Number(url.searchParams.get('n') ?? ALL_TAGS.length);
  const last = url.searchParams.get('last');
  const start = last ? ALL_TAGS.indexOf(last) + 1 : 0;
  const page = ALL_TAGS.slice(start, start + n);
  if (start + n < ALL_TAGS.length) res.setHeader('link', `</v2/stub/app/tags/list?n=${n}&last=${page.at(-1)}>; rel="next"`);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ name: 'stub/app', tags: page }));
};

describe('RegistryClient against a stub registry', () => {
  let handler: Handler;
  const seen: string[] = [];
  let host: string;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    seen.push(url.pathname + url.search);
    handler(req, res, url);
  });
  const client = () => new RegistryClient({ insecureRegistries: [host], credentials: async () => undefined, pageSize: 2, retry: { retries: 0 } });
  const repo = () => ({ registry: host, repository: 'stub/app' });

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    seen.length = 0;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('follows tag pages and drops cosign and referrers tags', async () => {
    handler = pagedTags;
    expect(await client().listTags(repo())).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(seen).toEqual([
      '/v2/stub/app/tags/list?n=2',
      '/v2/stub/app/tags/list?n=2&last=b',
      '/v2/stub/app/tags/list?n=2&last=c',
      `/v2/stub/app/tags/list?n=2&last=sha256-${'1'.repeat(64)}`,
    ]);
  });

  it('stops a Link that loops back to a page already read', async () => {
    handler = (_req, res) => {
      res.setHeader('link', '</v2/stub/app/tags/list?n=2>; rel="next"');
      res.end(JSON.stringify({ tags: ['x'] }));
    };
    await expect(client().listTags(repo())).rejects.toThrow(`${host}: tags of stub/app: pagination does not end`);
  });

  it('does not follow a Link to another host', async () => {
    handler = (_req, res) => {
      res.setHeader('link', '<http://elsewhere.example/v2/stub/app/tags/list?last=x>; rel="next"');
      res.end(JSON.stringify({ tags: ['x'] }));
    };
    await expect(client().listTags(repo())).rejects.toThrow('next page points off the registry (http://elsewhere.example)');
  });

  it('rejects listings that are not the documented JSON', async () => {
    handler = (_req, res) => res.end(JSON.stringify({ tags: 'latest' }));
    await expect(client().listTags(repo())).rejects.toThrow(`${host}: tags of stub/app: unexpected response`);
    handler = (_req, res) => res.end('<html>');
    await expect(client().listRepositories(host)).rejects.toThrow(`${host}: catalog: response is not JSON`);
  });

  it('accepts a null tag list (an emptied repository)', async () => {
    handler = (_req, res) => res.end(JSON.stringify({ name: 'stub/app', tags: null }));
    expect(await client().listTags(repo())).toEqual([]);
  });

  it('refuses a schema 1 manifest even when the registry sends one unasked', async () => {
    handler = (_req, res) => {
      res.setHeader('content-type', 'application/vnd.docker.distribution.manifest.v1+prettyjws');
      res.end(JSON.stringify({ schemaVersion: 1, name: 'stub/app', fsLayers: [] }));
    };
    await expect(client().getManifest(repo(), 'old')).rejects.toThrow('manifest stub/app:old is docker schema 1, which is not supported');
  });

  it('reads the media type from the manifest when Content-Type is generic, and hashes when no digest header comes', async () => {
    const body = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json', manifests: [] });
    handler = (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(body);
    };
    const m = await client().getManifest(repo(), 'v1');
    expect(m.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
    const { createHash } = await import('node:crypto');
    expect(m.digest).toBe(`sha256:${createHash('sha256').update(body).digest('hex')}`);
  });

  it('refuses references from registry JSON that are not tags or digests, before any request', async () => {
    handler = (_req, res) => res.end('{}');
    await expect(client().getManifest(repo(), '../../_catalog')).rejects.toThrow(`${host}: stub/app: refusing "../../_catalog", which is not a tag or digest`);
    await expect(client().openBlob(repo(), 'latest')).rejects.toThrow('which is not a digest');
    expect(seen).toEqual([]);
  });

  it('asks the token service for the scope the challenge names, then reuses that token', async () => {
    const wanted = 'repository:stub/app:pull repository:stub/base:pull';
    handler = (req, res, url) => {
      if (url.pathname === '/token') {
        res.end(JSON.stringify({ token: `tok ${url.searchParams.getAll('scope').join('+')}`, expires_in: 300 }));
        return;
      }
      if (req.headers.authorization === 'Bearer tok repository:stub/app:pull+repository:stub/base:pull') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ tags: ['t'] }));
        return;
      }
      res.statusCode = 401;
      res.setHeader('www-authenticate', `Bearer realm="http://${host}/token",service="stub",scope="${wanted}",error="insufficient_scope"`);
      res.end();
    };
    const c = client();
    expect(await c.listTags(repo())).toEqual(['t']);
    expect(await c.listTags(repo())).toEqual(['t']);
    expect(seen.filter((p) => p.startsWith('/token'))).toEqual([
      '/token?service=stub&scope=repository%3Astub%2Fapp%3Apull&scope=repository%3Astub%2Fbase%3Apull',
    ]);
  });

  it('reports a 401 without a challenge as unauthorized', async () => {
    handler = (_req, res) => {
      res.statusCode = 401;
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
    };
    await expect(client().getManifest(repo(), 'v1')).rejects.toThrow(
      `${host}: manifest stub/app:v1: unauthorized for repository:stub/app:pull, no credentials found for ${host}`,
    );
  });
});
