// Transient and hard registry failures, injected by a proxy in front of a real registry.
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../../src/adapters/oci/client.js';
import { RegistryImageStore } from '../../../src/adapters/oci/registry-store.js';
import { ToolError } from '../../../src/errors.js';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.js';
import { digestOf, pushContent } from '../../helpers/push.js';
import { registryAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { makeImage, type TestImage } from './images.js';

if (!registryAvailable) console.warn(SKIP_MESSAGE);

describe.skipIf(!registryAvailable)('registry faults', () => {
  let reg: TestRegistry;
  let proxy: FaultProxy;
  let img: TestImage;
  const manifestPath = /\/v2\/faulty\/app\/manifests\//;
  const client = (timeoutMs = 5000, retries = 2) =>
    new RegistryClient({ insecureRegistries: ['127.0.0.1'], credentials: async () => undefined, retry: { retries, baseDelayMs: 20, maxDelayMs: 5000, timeoutMs } });
  const repo = () => ({ registry: proxy.host, repository: 'faulty/app' });

  beforeAll(async () => {
    reg = await startRegistry();
    proxy = await startFaultProxy(reg.url);
    img = makeImage(['1.0'], 256 * 1024);
    await pushContent(reg.url, 'faulty/app', img);
  });
  beforeEach(() => proxy.clear());
  afterAll(async () => {
    await proxy?.stop();
    await reg?.stop();
  });

  it('waits out a 429 for as long as Retry-After says, then succeeds', async () => {
    proxy.addRule({ path: manifestPath, fault: { kind: 'status', status: 429, headers: { 'retry-after': '1' } }, times: 1 });
    const started = Date.now();
    const m = await client().getManifest(repo(), '1.0');
    expect(m.digest).toBe(img.digest);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(proxy.requests.map((r) => r.fault ?? 'pass')).toEqual(['status', 'pass']);
  });

  it('gives up after the bounded number of attempts on a persistent 500', async () => {
    proxy.addRule({ path: manifestPath, fault: { kind: 'status', status: 500 } });
    const err = (await client(5000, 2).getManifest(repo(), '1.0').catch((e: Error) => e)) as Error;
    expect(err).toBeInstanceOf(ToolError);
    expect(err.message).toBe(`${proxy.host}: GET /v2/faulty/app/manifests/1.0 failed after 3 attempts: HTTP 500 Internal Server Error`);
    expect(proxy.requests).toHaveLength(3);
  });

  it('does not wait for a Retry-After longer than the limit', async () => {
    proxy.addRule({ path: manifestPath, fault: { kind: 'status', status: 503, headers: { 'retry-after': '3600' } } });
    const started = Date.now();
    const err = (await client().getManifest(repo(), '1.0').catch((e: Error) => e)) as Error;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(err.message).toContain('HTTP 503 Service Unavailable (Retry-After 3600 s is longer than the 5 s limit)');
  });

  it('retries a connection closed before the response', async () => {
    proxy.addRule({ path: manifestPath, fault: { kind: 'reset' }, times: 1 });
    const m = await client().getManifest(repo(), '1.0');
    expect(m.bytes.equals(img.manifest)).toBe(true);
    expect(proxy.requests).toHaveLength(2);
  });

  it('ends a blob cut off mid-body as a stream error naming the host, not a crash', async () => {
    proxy.addRule({ path: /\/blobs\//, fault: { kind: 'drop-body', afterBytes: 10_000 } });
    const stream = await client().openBlob(repo(), digestOf(img.layer));
    const err = (await buffer(stream).catch((e: Error) => e)) as Error;
    expect(err).toBeInstanceOf(ToolError);
    expect(err.message).toMatch(new RegExp(`^${proxy.host}: download of /v2/faulty/app/blobs/sha256:[0-9a-f]{64} broke off`));
  });

  it('ends a blob that stalls mid-body after the idle deadline', async () => {
    proxy.addRule({ path: /\/blobs\//, fault: { kind: 'stall-body', afterBytes: 10_000 } });
    const stream = await client(300).openBlob(repo(), digestOf(img.layer));
    const started = Date.now();
    const err = (await buffer(stream).catch((e: Error) => e)) as Error;
    expect(err).toBeInstanceOf(ToolError);
    expect(err.message).toMatch(/broke off: stalled for 300 ms$/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('does not time out a blob whose reader is slow, only a silent network', async () => {
    const stream = await client(200).openBlob(repo(), digestOf(img.layer));
    await new Promise((r) => setTimeout(r, 600)); // the reader dawdles; the data waits in buffers
    expect((await buffer(stream)).equals(img.layer)).toBe(true);
  });

  it('keeps at most `concurrency` requests in flight per registry', async () => {
    proxy.addRule({ path: manifestPath, fault: { kind: 'delay', ms: 150 } });
    const c = new RegistryClient({ insecureRegistries: ['127.0.0.1'], credentials: async () => undefined, concurrency: 2 });
    const all = await Promise.all(Array.from({ length: 6 }, () => c.getManifest(repo(), '1.0')));
    expect(all.every((m) => m.digest === img.digest)).toBe(true);
    expect(proxy.maxInFlight()).toBe(2);
  });

  it('a registry slower than the per-request deadline costs that deadline once: not retried, and not asked again by this client', async () => {
    proxy.addRule({ path: manifestPath, fault: { kind: 'delay', ms: 2000 } });
    const c = client(200, 3);
    const started = Date.now();
    const err = (await c.getManifest(repo(), '1.0').catch((e: Error) => e)) as Error;
    expect(err.message).toBe(`${proxy.host}: GET /v2/faulty/app/manifests/1.0 timed out after 200 ms; the host is not asked again this run`);
    expect(Date.now() - started).toBeLessThan(1500);
    const sent = proxy.requests.length;
    const again = (await c.getManifest(repo(), '2.0').catch((e: Error) => e)) as Error;
    expect(again.message).toBe(`${proxy.host}: not asked again: it did not answer earlier in this run (GET /v2/faulty/app/manifests/1.0 timed out after 200 ms)`);
    expect(proxy.requests.length).toBe(sent);
  });

  it('stops at once when the scan is cancelled, in a request or in a Retry-After wait', async () => {
    proxy.addRule({ path: /manifests\/slow/, fault: { kind: 'delay', ms: 3000 } });
    proxy.addRule({ path: /manifests\/busy/, fault: { kind: 'status', status: 429, headers: { 'retry-after': '4' } } });
    for (const tag of ['slow', 'busy']) {
      const controller = new AbortController();
      const c = new RegistryClient({ insecureRegistries: ['127.0.0.1'], credentials: async () => undefined, signal: controller.signal });
      setTimeout(() => controller.abort(), 200);
      const started = Date.now();
      await expect(c.getManifest(repo(), tag)).rejects.toThrow(`${proxy.host}: GET /v2/faulty/app/manifests/${tag} cancelled`);
      expect(Date.now() - started).toBeLessThan(1500);
    }
  });

  it('ends a blob download when the scan is cancelled mid-body', async () => {
    proxy.addRule({ path: /\/blobs\//, fault: { kind: 'stall-body', afterBytes: 10_000 } });
    const controller = new AbortController();
    const c = new RegistryClient({ insecureRegistries: ['127.0.0.1'], credentials: async () => undefined, signal: controller.signal });
    const stream = await c.openBlob(repo(), digestOf(img.layer));
    setTimeout(() => controller.abort(), 100);
    await expect(buffer(stream)).rejects.toThrow(/broke off: cancelled$/);
  });

  it('lets a store reader see each failure as an error for that image', async () => {
    proxy.addRule({ path: manifestPath, fault: { kind: 'status', status: 502 } });
    const store = new RegistryImageStore(client(5000, 0), { registry: proxy.host, repository: 'faulty/app', tag: '1.0' });
    expect(store.label).toBe(`${proxy.host}/faulty/app:1.0`);
    await expect(store.getRootManifest()).rejects.toThrow(`${proxy.host}: GET /v2/faulty/app/manifests/1.0 failed after 1 attempt: HTTP 502 Bad Gateway`);
  });
});
