// `sbom-hunt iocs update`: against a feed server on 127.0.0.1 started here; no test reaches the internet.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIocs } from '../../src/iocs/index.js';
import { writeZip } from '../iocs/zip-writer.js';
import { runMain } from './iocs-helpers.js';

const TREE = 'fixtures/iocs/osv/malicious-packages/osv/malicious';
let server: Server;
let base = '';
const routes = new Map<string, { status: number; body: Buffer }>();

beforeAll(async () => {
  const records = ['npm/evil-pkg/MAL-2099-0001.json', 'npm/@scope/typo-lib/MAL-2099-0002.json'];
  const good = writeZip(await Promise.all(records.map(async (r) => ({ name: path.basename(r), data: await readFile(`${TREE}/${r}`) }))), { deflate: true });
  routes.set('/npm/all.zip', { status: 200, body: good });
  routes.set('/broken/all.zip', { status: 200, body: good.subarray(0, good.length - 40) });
  routes.set('/big/all.zip', { status: 200, body: Buffer.alloc(1024 * 1024 + 1, 0x50) });
  routes.set('/gone/all.zip', { status: 404, body: Buffer.from('not here') });
  routes.set('/feed', { status: 200, body: await readFile('iocs/axios-2026-03.yaml') });
  routes.set('/not-iocs.json', { status: 200, body: Buffer.from('{"name": "left-pad", "version": "1.0.0"}') });
  server = createServer((req, res) => {
    if (req.url === '/chunked/all.zip') {
      // No Content-Length: only the running count can stop it.
      res.writeHead(200, { 'content-type': 'application/zip' });
      for (let i = 0; i < 20; i++) res.write(Buffer.alloc(64 * 1024, 0x50));
      res.end();
      return;
    }
    const r = routes.get(req.url ?? '');
    res.writeHead(r?.status ?? 404, { 'content-type': 'application/octet-stream', 'content-length': String(r?.body.length ?? 0) });
    res.end(r?.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const tmp = () => mkdtemp(path.join(tmpdir(), 'iocs-update-'));
const leftovers = async (dir: string) => (await readdir(dir)).filter((f) => f.startsWith('.'));

describe('iocs update', () => {
  it('downloads an OSV zip into DIR, which then loads as --ioc DIR', async () => {
    const dir = await tmp();
    const r = await runMain(['iocs', 'update', '--from', `${base}/npm/all.zip`, '--to', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^updated ${dir}/all\\.zip: 2 incident\\(s\\), 2 package\\(s\\), \\d+ bytes from ${base}/npm/all\\.zip\\n$`));
    expect((await loadIocs([dir])).incidents.map((i) => i.id)).toEqual(['MAL-2099-0001', 'MAL-2099-0002']);
    expect(await leftovers(dir)).toEqual([]);
  });

  it.each([
    ['a truncated zip', '/broken/all.zip', /all\.zip: not a readable zip: no zip end-of-central-directory record/],
    ['a feed over --max-mb', '/big/all.zip', /feed is 1048577 bytes, over the 1048576-byte limit/],
    ['a chunked feed that grows past --max-mb', '/chunked/all.zip', /feed larger than the 1048576-byte limit/],
    ['a 404', '/gone/all.zip', /127\.0\.0\.1:\d+: GET \/gone\/all\.zip: HTTP 404/],
  ])('%s: exit 2 naming why, the previous copy kept byte for byte', async (_what, route, why) => {
    const dir = await tmp();
    expect((await runMain(['iocs', 'update', '--from', `${base}/npm/all.zip`, '--to', dir])).code).toBe(0);
    const before = await readFile(path.join(dir, 'all.zip'));
    const r = await runMain(['iocs', 'update', '--from', `${base}${route}`, '--to', dir, '--max-mb', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(why);
    expect(r.stderr).toContain(`kept the previous ${dir}/all.zip`);
    expect((await readFile(path.join(dir, 'all.zip'))).equals(before)).toBe(true);
    expect(await leftovers(dir)).toEqual([]);
  });

  it('a JSON feed that holds no IOCs is refused and nothing is written', async () => {
    const dir = await tmp();
    const r = await runMain(['iocs', 'update', '--from', `${base}/not-iocs.json`, '--to', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${base}/not-iocs.json: not an IOC format I know`);
    expect(r.stderr).toContain(`nothing written to ${dir}`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('a URL without a usable file name needs --name, and then works with YAML', async () => {
    const dir = await tmp();
    const bare = await runMain(['iocs', 'update', '--from', `${base}/feed`, '--to', dir]);
    expect([bare.code, bare.stderr]).toEqual([2, 'sbom-hunt: error: the URL\'s file name "feed" does not end in .yaml, .yml, .json, .zip: give --name\n']);
    const named = await runMain(['iocs', 'update', '--from', `${base}/feed`, '--to', dir, '--name', 'axios.yaml']);
    expect(named.code).toBe(0);
    expect((await loadIocs([dir])).incidents.map((i) => i.id)).toEqual(['axios-2026-03']);
  });

  it.each([
    ['plain http to another host', 'http://feeds.example.invalid/all.zip', /is not https \(plain http is accepted only for loopback hosts\)/],
    ['not a URL', 'all.zip', /--from: not a URL/],
  ])('%s is a usage error before any connection', async (_what, from, why) => {
    const dir = await tmp();
    const r = await runMain(['iocs', 'update', '--from', from, '--to', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(why);
  });

  it('--max-mb must be a positive whole number', async () => {
    const r = await runMain(['iocs', 'update', '--from', `${base}/npm/all.zip`, '--to', await tmp(), '--max-mb', 'lots']);
    expect([r.code, r.stderr]).toEqual([2, 'sbom-hunt: error: --max-mb: Invalid input: expected number, received NaN\n']);
  });
});

describe('iocs update leaves an earlier YAML in the folder alone', () => {
  it('only the named file is replaced', async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, 'local.yaml'), 'apiVersion: sbom-hunt/v1\nincidents:\n  - id: local\n    packages: [{ecosystem: npm, name: l, versions: ["1.0.0"]}]\n');
    expect((await runMain(['iocs', 'update', '--from', `${base}/npm/all.zip`, '--to', dir])).code).toBe(0);
    expect((await loadIocs([dir])).incidents.map((i) => i.id)).toEqual(['local', 'MAL-2099-0001', 'MAL-2099-0002']);
  });
});
