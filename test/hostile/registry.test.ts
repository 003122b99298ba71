// A registry that serves an endless or stalled blob (a tiny HTTP server on 127.0.0.1), read through the
// real RegistryClient beside a good image: bounded time, unknown with the reason, the good image intact.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/adapters/oci/client.js';
import { RegistryImageStore } from '../../src/adapters/oci/registry-store.js';
import { inventoryOciDir } from '../../src/inventory/oci-dir.js';
import type { Target } from '../../src/model/target.js';
import { gzipSync } from 'node:zlib';
import { buildImageLayout, npmPackageFiles } from '../helpers/image-builder.js';
import { pushOciLayout } from '../helpers/push.js';
import { registryAvailable, startRegistry } from '../helpers/registry.js';
import { buildTar } from '../helpers/tar.js';
import { defaultConfig, defaultManifest, sealImage, type MemoryImage } from '../fuzz/memory-image.js';
import { record, scanPair, measured } from './pair.js';

type BlobMode = 'endless' | 'stall';

/** Serves one image; its one layer blob is endless zeros or stops after a few bytes and never ends. */
async function hostileRegistry(img: MemoryImage, layer: string, mode: BlobMode): Promise<{ host: string; server: Server; sentBytes: () => number }> {
  let sent = 0;
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/v2/' || url === '/v2') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    const manifest = /^\/v2\/hostile\/manifests\/(.+)$/.exec(url);
    if (manifest) {
      const bytes = img.blobs.get(img.root)!;
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': img.root, 'content-length': bytes.length });
      return void res.end(req.method === 'HEAD' ? undefined : bytes);
    }
    const blob = /^\/v2\/hostile\/blobs\/(.+)$/.exec(url)?.[1];
    if (blob === layer) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      if (mode === 'stall') return void res.write(Buffer.alloc(1024));
      const zeros = Buffer.alloc(256 * 1024);
      const pump = () => {
        while (!res.destroyed && res.write(zeros)) sent += zeros.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      return pump();
    }
    const bytes = blob ? img.blobs.get(blob) : undefined;
    if (!bytes) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, server, sentBytes: () => sent };
}

let root: string;
let good: Target;
const servers: Server[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hostile-registry-'));
  good = (await inventoryOciDir((await buildImageLayout(join(root, 'good'), { ref: 'good:1', platforms: [{ layers: [{ files: npmPackageFiles('app/node_modules', 'axios', '1.14.1') }] }] })).dir))[0]!;
});
afterAll(async () => {
  for (const s of servers) s.closeAllConnections(), s.close();
  await rm(root, { recursive: true, force: true });
  console.log(`hostile registry (case, ms, RSS growth MiB, reason):\n${measured.map((m) => `  ${m.case}\t${m.ms} ms\t${m.rssGrowthMiB} MiB\t${m.reason}`).join('\n')}`);
});

async function scanHostile(layerSize: (real: number) => number, mode: BlobMode, limits = {}) {
  const tar = buildTar(npmPackageFiles('srv/node_modules', 'left-pad', '1.3.0'));
  const img = sealImage({ layers: [tar], config: defaultConfig, manifest: (c, l) => defaultManifest(c, l.map((d) => ({ ...d, size: layerSize(d.size) }))) });
  const layer = [...img.blobs.entries()].find(([, b]) => b === tar)![0];
  const reg = await hostileRegistry(img, layer, mode);
  servers.push(reg.server);
  const client = new RegistryClient({ insecureRegistries: ['127.0.0.1'], credentials: async () => undefined, retry: { retries: 0, timeoutMs: 1000 } });
  const target: Target = { kind: 'registry', ref: `${reg.host}/hostile:1`, registry: reg.host, repository: 'hostile', tag: '1' };
  const openStore = async (t: Target) => (t.kind === 'registry' ? new RegistryImageStore(client, { registry: t.registry, repository: t.repository, tag: '1' }) : undefined);
  const r = await scanPair(target, good, { openStore, limits });
  return { r, sent: reg.sentBytes() };
}

describe('hostile registry blobs', () => {
  it('an endless body for a blob of honest size is cut off at the size', async () => {
    const { r } = await scanHostile((n) => n, 'endless');
    record('endless body, honest size', r);
    expect(r.hostile.verdict).toBe('unknown');
    expect(r.hostile.reasons.join('\n')).toMatch(/more bytes than the descriptor size \d+/);
    expect(r.ms).toBeLessThan(5000);
    expect(r.good.verdict).toBe('affected');
  });

  it('an endless body for a blob whose size says 1 TiB stops at maxLayerBytes', async () => {
    const { r, sent } = await scanHostile(() => 2 ** 40, 'endless', { maxLayerBytes: 32 * 1024 ** 2 });
    record('endless body, size 1 TiB, cap 32 MiB', r);
    expect(r.hostile.verdict).toBe('unknown');
    expect(r.hostile.reasons.join('\n')).toMatch(/limit maxLayerBytes exceeded: more than 33554432 decompressed bytes/);
    expect(r.ms).toBeLessThan(10_000);
    expect(sent).toBeLessThan(512 * 1024 ** 2);
    expect(r.good.verdict).toBe('affected');
  });

  it('a body that stalls is given up after the idle timeout', async () => {
    const { r } = await scanHostile((n) => n + 4096, 'stall');
    record('stalled body, idle timeout 1 s', r);
    expect(r.hostile.verdict).toBe('unknown');
    expect(r.hostile.reasons.join('\n')).toMatch(/stalled for 1000 ms|timed out/);
    expect(r.ms).toBeLessThan(5000);
    expect(r.good.verdict).toBe('affected');
  });
});

describe.skipIf(!registryAvailable)('hostile images in the real registry', () => {
  it('a gzip bomb pushed to the registry stops at maxLayerBytes; the good image beside it, from the same registry, is affected', async () => {
    const reg = await startRegistry();
    try {
      const bomb = gzipSync(buildTar([{ path: 'zeros', content: Buffer.alloc(64 * 1024 ** 2) }]), { level: 9 });
      await pushOciLayout(reg.url, 'hostile/bomb', (await buildImageLayout(join(root, 'bomb'), { ref: '1', platforms: [{ layers: [{ files: [], raw: bomb }] }] })).dir);
      await pushOciLayout(reg.url, 'fine/app', (await buildImageLayout(join(root, 'fine'), { ref: '1', platforms: [{ layers: [{ files: npmPackageFiles('app/node_modules', 'axios', '1.14.1') }] }] })).dir);
      const client = new RegistryClient({ insecureRegistries: ['127.0.0.1'], credentials: async () => undefined, retry: { retries: 0, timeoutMs: 5000 } });
      const target = (repository: string): Target => ({ kind: 'registry', ref: `${reg.host}/${repository}:1`, registry: reg.host, repository, tag: '1' });
      const openStore = async (t: Target) => (t.kind === 'registry' ? new RegistryImageStore(client, { registry: t.registry, repository: t.repository, tag: '1' }) : undefined);
      const r = await scanPair(target('hostile/bomb'), target('fine/app'), { openStore, limits: { maxLayerBytes: 8 * 1024 ** 2 } });
      record('gzip bomb via the real registry, cap 8 MiB', r);
      expect(r.hostile.verdict).toBe('unknown');
      expect(r.hostile.reasons.join('\n')).toMatch(/limit maxLayerBytes exceeded: more than 8388608 decompressed bytes/);
      expect(r.ms).toBeLessThan(5000);
      expect(r.good.verdict).toBe('affected');
    } finally {
      await reg.stop();
    }
  });
});
