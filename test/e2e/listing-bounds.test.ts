// Registry listings bounded in names, bytes and pages (issue 13 item 8), through the built CLI: a loopback server
// shaped like the registry API sends what a hostile or broken registry would; the real docker-registry shows the
// bounds on the normal path. Past a bound the source is an unknown entry naming the limit, exit 4, never a crash.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImageLayout, npmPackageFiles, type LayerSpec } from '../helpers/image-builder.js';
import { pushOciLayout } from '../helpers/push.js';
import { registryAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import type { Report } from '../../src/model/report.js';

if (!registryAvailable) {
  if (process.env.CI) throw new Error(SKIP_MESSAGE);
  console.warn(SKIP_MESSAGE);
}

const STACK = /\n\s+at .*:\d+:\d+|Unhandled 'error' event|internal error|heap/i;
/** Just under the client's 8 MiB cap on one response. */
const PAGE_BYTES = 8 * 1024 * 1024 - 4096;

type Route = (path: string, url: URL, res: ServerResponse) => void;

/** A loopback server answering `/v2/...` as `route` says, counting each path it was asked. */
async function startStub(route: Route) {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    asked.push(url.pathname + url.search);
    res.setHeader('docker-distribution-api-version', 'registry/2.0');
    if (url.pathname === '/v2/') return void res.end('{}');
    route(url.pathname, url, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { host, asked, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function json(res: ServerResponse, body: unknown, link?: string): void {
  res.setHeader('content-type', 'application/json');
  if (link) res.setHeader('link', `<${link}>; rel="next"`);
  res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
}

function report(run: CliRun): Report {
  expect(run.stderr).not.toMatch(STACK);
  return JSON.parse(run.stdout) as Report;
}

function sourceEntry(r: Report, ref: string) {
  const entry = r.images.find((i) => i.ref === ref);
  expect(entry, `no entry for ${ref} in ${r.images.map((i) => i.ref).join(', ')}`).toBeDefined();
  expect(entry).toMatchObject({ kind: 'source', verdict: 'unknown' });
  return entry!.reasons.join('\n');
}

const scan = (args: string[], host: string) => runCli(['scan', ...args, '--insecure-registry', host, '--sbom-sources', 'native', '--no-cache', '--no-push-times', '-f', 'json']);

describe('listings from a registry that does not play fair', () => {
  let stub: Awaited<ReturnType<typeof startStub>>;
  let route: Route;
  beforeAll(async () => {
    stub = await startStub((p, u, res) => route(p, u, res));
  });
  afterAll(() => stub?.close());
  const reset = (r: Route) => {
    stub.asked.length = 0;
    route = r;
  };
  const tagListsAsked = () => stub.asked.filter((a) => a.includes('/tags/list')).map((a) => a.replace(/\?.*/, ''));

  it('one page of 200,000 names over --max-repositories 50: the first 50 listed, the source unknown naming the limit, exit 4', async () => {
    const names = Array.from({ length: 200_000 }, (_, i) => `huge/r${i}`);
    const page = Buffer.from(JSON.stringify({ repositories: names }));
    reset((p, _u, res) => (p === '/v2/_catalog' ? json(res, page) : json(res, { tags: [] })));
    const run = await scan([`registry:${stub.host}`, '--max-repositories', '50'], stub.host);
    const r = report(run);
    expect(run.code, run.stderr).toBe(4);
    expect(sourceEntry(r, `registry:${stub.host}`)).toMatch(/catalog: over 50 repositories \(limit; raise it with --max-repositories\); the 50 repositories listed before it are scanned/);
    expect(new Set(tagListsAsked()).size).toBe(50);
    expect(run.stderr).toMatch(/incomplete/);
  });

  it('an endless Link chain of unique URLs, each page one new name: stopped at the page bound that goes with --max-repositories', async () => {
    reset((p, u, res) => {
      if (p !== '/v2/_catalog') return json(res, { tags: [] });
      const n = Number(u.searchParams.get('page') ?? 0);
      json(res, { repositories: [`chain/r${n}`] }, `/v2/_catalog?page=${n + 1}`);
    });
    const run = await scan([`registry:${stub.host}`, '--max-repositories', '1000'], stub.host);
    const r = report(run);
    expect(run.code, run.stderr).toBe(4);
    expect(sourceEntry(r, `registry:${stub.host}`)).toMatch(/catalog: pagination does not end: over 200 pages \(limit; it grows with --max-repositories\)/);
    expect(stub.asked.filter((a) => a.startsWith('/v2/_catalog'))).toHaveLength(200);
  });

  it('an endless chain of unique URLs repeating the same names (default bounds): stopped after 100 pages with nothing new, not 10,000', async () => {
    reset((p, u, res) => {
      if (p !== '/v2/_catalog') return json(res, { tags: ['1'] });
      const n = Number(u.searchParams.get('page') ?? 0);
      json(res, { repositories: ['same/a', 'same/b'] }, `/v2/_catalog?page=${n + 1}&pad=${'x'.repeat(n % 50)}`);
    });
    const run = await scan([`registry:${stub.host}`], stub.host);
    const r = report(run);
    expect(run.code, run.stderr).toBe(4);
    expect(sourceEntry(r, `registry:${stub.host}`)).toMatch(/catalog: pagination does not progress: 100 pages in a row listed no new name/);
    expect(stub.asked.filter((a) => a.startsWith('/v2/_catalog')).length).toBeLessThanOrEqual(101);
    // The two names it did list are still scanned (and unknown: the stub serves no manifests), each once.
    expect(r.images.filter((i) => i.kind !== 'source').map((i) => i.ref).sort()).toEqual([`${stub.host}/same/a:1`, `${stub.host}/same/b:1`]);
    expect(tagListsAsked().sort()).toEqual(['/v2/same/a/tags/list', '/v2/same/b/tags/list']);
  });

  it('pages of 8 MiB that never end (default bounds): cut at 256 MiB in all, no heap abort, exit 4', async () => {
    // Whitespace is valid JSON: every page is as large as one response may be, and lists one tag.
    const body = Buffer.alloc(PAGE_BYTES, 0x20);
    body.write('{"tags":["1"]}', 0);
    reset((p, u, res) => {
      if (!p.endsWith('/tags/list')) return json(res, { errors: [{ code: 'MANIFEST_UNKNOWN' }] });
      const n = Number(u.searchParams.get('page') ?? 0);
      json(res, body, `/v2/big/app/tags/list?page=${n + 1}`);
    });
    const started = Date.now();
    const run = await scan([`registry:${stub.host}/big/app`], stub.host);
    console.log(`8 MiB pages without end: ${stub.asked.length} requests, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const r = report(run);
    expect(run.code, run.stderr).toBe(4);
    expect(sourceEntry(r, `registry:${stub.host}/big/app`)).toMatch(/tags of big\/app: pages total over 256 MiB after 33 pages \(limit of one listing\)/);
    expect(r.images.map((i) => i.ref)).toContain(`${stub.host}/big/app:1`);
  });

  it('a tag of 4 MB and a repository name of 4 MB: refused by name, cut to 100 characters, never carried into the report', async () => {
    const long = 'a'.repeat(4 * 1024 * 1024);
    reset((p, _u, res) => {
      if (p === '/v2/_catalog') return json(res, { repositories: ['shop/app', `shop/${long}`] });
      if (p === '/v2/shop/app/tags/list') return json(res, { tags: ['1', `t${long}`] });
      json(res, { errors: [{ code: 'MANIFEST_UNKNOWN' }] });
    });
    const run = await scan([`registry:${stub.host}`], stub.host);
    const r = report(run);
    expect(run.code, run.stderr).toBe(4);
    const why = sourceEntry(r, `registry:${stub.host}`);
    expect(why).toContain(`${stub.host}: catalog lists "shop/${'a'.repeat(95)}", which is not a repository name`);
    expect(why).toContain(`${stub.host}/shop/app: tags list "t${'a'.repeat(99)}", which is not a tag`);
    expect(r.images.filter((i) => i.kind !== 'source').map((i) => i.ref)).toEqual([`${stub.host}/shop/app:1`]);
    expect(run.stdout.length).toBeLessThan(100_000);
    expect(run.stderr.length).toBeLessThan(100_000);
  });

  it('names repeated across pages are listed once: each repository asked for its tags once, each image once', async () => {
    reset((p, u, res) => {
      if (p === '/v2/_catalog') {
        const page = u.searchParams.get('last');
        if (!page) return json(res, { repositories: ['dup/a', 'dup/b'] }, '/v2/_catalog?last=dup/b');
        return json(res, { repositories: ['dup/b', 'dup/a', 'dup/c'] });
      }
      if (p.endsWith('/tags/list')) return u.searchParams.get('last') ? json(res, { tags: ['1', '2'] }) : json(res, { tags: ['1'] }, `${p}?last=1`);
      json(res, { errors: [{ code: 'MANIFEST_UNKNOWN' }] });
    });
    const run = await scan([`registry:${stub.host}`], stub.host);
    const r = report(run);
    expect(run.code, run.stderr).toBe(4);
    const refs = r.images.map((i) => i.ref);
    expect(refs.filter((x) => x.endsWith('/dup/a:1'))).toHaveLength(1);
    expect(refs.filter((x) => x.startsWith(stub.host)).sort()).toEqual(['a', 'b', 'c'].flatMap((x) => [`${stub.host}/dup/${x}:1`, `${stub.host}/dup/${x}:2`]));
    expect(tagListsAsked().filter((x) => x === '/v2/dup/a/tags/list')).toHaveLength(2); // its two pages, once
    // Nothing but the unread manifests is unknown: the listing itself was complete.
    expect(r.images.some((i) => i.kind === 'source')).toBe(false);
  });

  it('--max-tags is shared by the repositories of one catalog: the rest are named as not listed', async () => {
    reset((p, _u, res) => {
      if (p === '/v2/_catalog') return json(res, { repositories: ['t/a', 't/b', 't/c', 't/d', 't/e', 't/f'] });
      if (p.endsWith('/tags/list')) return json(res, { tags: ['1', '2', '3'] });
      json(res, { errors: [{ code: 'MANIFEST_UNKNOWN' }] });
    });
    const run = await scan([`registry:${stub.host}`, '--max-tags', '7'], stub.host);
    const r = report(run);
    expect(run.code, run.stderr).toBe(4);
    const why = sourceEntry(r, `registry:${stub.host}`);
    expect(why).toMatch(/over 7 tags \(limit; raise it with --max-tags\)/);
    expect(r.images.filter((i) => i.kind !== 'source')).toHaveLength(7);
    expect(why).toMatch(/repositor(y|ies) of the catalog not listed: over 7 tags/);
  });

  it('a bad value for a bound is a usage error naming the flag, before anything is asked', async () => {
    reset((_p, _u, res) => json(res, {}));
    const run = await runCli(['scan', `registry:${stub.host}`, '--insecure-registry', stub.host, '--max-repositories', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--max-repositories/);
    expect(stub.asked).toEqual([]);
  });
});

describe.skipIf(!registryAvailable)('listing bounds on a real docker-registry', () => {
  let reg: TestRegistry;
  let dir: string;
  const base: LayerSpec = { files: npmPackageFiles('app/node_modules', 'lodash', '4.17.21') };
  beforeAll(async () => {
    reg = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-e2e-listing-'));
    for (const repo of ['shop/a', 'shop/b', 'shop/c']) {
      for (const tag of ['1', '2']) {
        const layout = await buildImageLayout(join(dir, `${repo.replace('/', '_')}-${tag}`), { ref: tag, platforms: [{ layers: [base, { files: [{ path: 'etc/name', content: `${repo}:${tag}\n` }] }] }] });
        await pushOciLayout(reg.url, repo, layout.dir);
      }
    }
  }, 120_000);
  afterAll(async () => {
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('within the default bounds the whole catalog is listed and read: exit 0, no source entry', async () => {
    const run = await scan([`registry:${reg.host}`], reg.host);
    const r = report(run);
    expect(run.code, run.stderr).toBe(0);
    expect(r.images.map((i) => i.ref).sort()).toEqual(['a', 'b', 'c'].flatMap((x) => [`${reg.host}/shop/${x}:1`, `${reg.host}/shop/${x}:2`]));
    expect(r.summary.coverage.percent).toBe(100);
  });

  it('--max-repositories 2 and --max-tags 1 against the real catalog: what fits is read and clean, the source is unknown, exit 4', async () => {
    const repos = await scan([`registry:${reg.host}`, '--max-repositories', '2'], reg.host);
    const r = report(repos);
    expect(repos.code, repos.stderr).toBe(4);
    expect(sourceEntry(r, `registry:${reg.host}`)).toMatch(/catalog: over 2 repositories \(limit; raise it with --max-repositories\)/);
    const read = r.images.filter((i) => i.kind !== 'source');
    expect(read).toHaveLength(4);
    expect(read.every((i) => i.verdict === 'clean')).toBe(true);
    expect(r.summary.coverage.percent).toBeLessThan(100);

    const tags = await scan([`registry:${reg.host}/shop/a`, `registry:${reg.host}/shop/b`, '--max-tags', '1'], reg.host);
    const t = report(tags);
    expect(tags.code, tags.stderr).toBe(4);
    expect(sourceEntry(t, `registry:${reg.host}/shop/a`)).toMatch(/tags of shop\/a: over 1 tags \(limit; raise it with --max-tags\)/);
    expect(sourceEntry(t, `registry:${reg.host}/shop/b`)).toMatch(/tags of shop\/b: over 1 tags/);
    // --allow-incomplete accepts the gap, as for any other incomplete run.
    expect((await scan([`registry:${reg.host}/shop/a`, '--max-tags', '1', '--allow-incomplete'], reg.host)).code).toBe(0);
  });
});
