// End to end: an image built by the test builder, pushed to a real registry, read back by the native reader.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readImage } from '../../../src/acquire/native/read-image.js';
import { RegistryClient } from '../../../src/adapters/oci/client.js';
import { parseReference } from '../../../src/adapters/oci/reference.js';
import { RegistryImageStore } from '../../../src/adapters/oci/registry-store.js';
import { buildImageLayout, npmPackageFiles, type BuiltLayout } from '../../helpers/image-builder.js';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.js';
import { pushOciLayout } from '../../helpers/push.js';
import { registryAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../../helpers/registry.js';

if (!registryAvailable) console.warn(SKIP_MESSAGE);

describe.skipIf(!registryAvailable)('readImage through RegistryImageStore', () => {
  let reg: TestRegistry;
  let proxy: FaultProxy;
  let tmp: string;
  let built: BuiltLayout;
  const store = (ref: string) =>
    new RegistryImageStore(
      new RegistryClient({ insecureRegistries: ['127.0.0.1'], credentials: async () => undefined, retry: { retries: 0, timeoutMs: 5000 } }),
      parseReference(ref),
    );
  const npm = (pkgs: { name: string; version: string; deleted?: boolean }[]) =>
    pkgs.filter((p) => !p.deleted).map((p) => `${p.name}@${p.version}`).sort();

  beforeAll(async () => {
    reg = await startRegistry();
    proxy = await startFaultProxy(reg.url);
    tmp = await mkdtemp(join(tmpdir(), 'sbom-hunt-e2e-'));
    const layer = { files: [...npmPackageFiles('app/node_modules', 'axios', '1.14.1'), ...npmPackageFiles('app/node_modules', 'left-pad', '1.3.0')] };
    built = await buildImageLayout(join(tmp, 'layout'), {
      ref: '1.0',
      index: true,
      attestations: true,
      platforms: [
        { architecture: 'amd64', layers: [layer] },
        { architecture: 'arm64', layers: [layer, { files: npmPackageFiles('app/node_modules', 'plain-crypto-js', '4.2.1') }] },
      ],
    });
    await pushOciLayout(reg.url, 'shop/web', built.dir);
  });
  beforeEach(() => proxy.clear());
  afterAll(async () => {
    await proxy?.stop();
    await reg?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('reads every platform of a multi-platform image by tag, packages and digests intact', async () => {
    const image = await readImage(store(`${proxy.host}/shop/web:1.0`), { ref: 'web' });
    expect(image.errors).toEqual([]);
    expect(image.digest).toBe(built.indexDigest);
    const byPlatform = Object.fromEntries(image.platforms.map((p) => [p.platform, npm(p.packages)]));
    expect(byPlatform).toEqual({
      'linux/amd64': ['axios@1.14.1', 'left-pad@1.3.0'],
      'linux/arm64': ['axios@1.14.1', 'left-pad@1.3.0', 'plain-crypto-js@4.2.1'],
    });
    expect(image.platforms.every((p) => p.errors.length === 0)).toBe(true);
  });

  it('reads one platform by its manifest digest', async () => {
    const arm = built.images[0]?.platforms.find((p) => p.platform === 'linux/arm64');
    const image = await readImage(store(`${proxy.host}/shop/web@${arm?.digest}`), { ref: 'web-arm' });
    expect(image.digest).toBe(arm?.digest);
    expect(image.platforms.map((p) => npm(p.packages))).toEqual([['axios@1.14.1', 'left-pad@1.3.0', 'plain-crypto-js@4.2.1']]);
  });

  it('turns a layer download cut off mid-body into an error on that platform, not a crash', async () => {
    proxy.addRule({ path: /\/blobs\//, fault: { kind: 'drop-body', afterBytes: 100 } });
    const image = await readImage(store(`${proxy.host}/shop/web:1.0`), { ref: 'web' });
    const errors = [...image.errors, ...image.platforms.flatMap((p) => p.errors)];
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toContain(`${proxy.host}: download of /v2/shop/web/blobs/sha256:`);
  });

  it('turns a missing tag into an image error naming registry and tag', async () => {
    const image = await readImage(store(`${proxy.host}/shop/web:2.0`), { ref: 'web' });
    expect(image.platforms).toEqual([]);
    expect(image.errors).toEqual([`${proxy.host}/shop/web:2.0: ${proxy.host}: manifest shop/web:2.0: not found: MANIFEST_UNKNOWN manifest unknown`]);
  });
});
