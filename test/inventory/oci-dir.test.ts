import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/acquire/native/read-image.js';
import { inventoryOciDir, ociDirSource, openOciDir } from '../../src/inventory/oci-dir.js';
import { buildImageLayout, npmPackageFiles } from '../helpers/image-builder.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oci-dir-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const image = (ref: string | undefined, version: string) => ({
  ...(ref ? { ref } : {}),
  platforms: [{ layers: [{ files: npmPackageFiles('app/node_modules', 'axios', version) }] }],
});

describe('OCI layout directories', () => {
  it('lists one target per index.json entry, named by ref annotation, and reads each by digest', async () => {
    const dir = join(root, 'two');
    const built = await buildImageLayout(dir, [image('registry.example/app:1', '1.14.1'), image(undefined, '1.14.0')]);
    const targets = await inventoryOciDir(dir);
    expect(targets).toEqual([
      { kind: 'oci-layout', ref: 'registry.example/app:1', path: dir, digest: built.images[0]!.digest },
      { kind: 'oci-layout', ref: `${dir}@${built.images[1]!.digest}`, path: dir, digest: built.images[1]!.digest },
    ]);
    const versions = [];
    for (const t of targets) {
      const img = await readImage(await openOciDir(dir, { digest: t.kind === 'oci-layout' ? t.digest : undefined }), { ref: t.ref });
      versions.push(img.platforms[0]?.packages[0]?.version);
    }
    expect(versions).toEqual(['1.14.1', '1.14.0']);
  });

  it('a tag-only ref name is qualified with the layout path', async () => {
    const dir = join(root, 'tag-only');
    const built = await buildImageLayout(dir, image('v1.2', '1.0.0'));
    expect(await inventoryOciDir(dir)).toEqual([{ kind: 'oci-layout', ref: `${dir}:v1.2`, path: dir, digest: built.indexDigest }]);
  });

  it('selects by ref, and refuses to guess among several images', async () => {
    const dir = join(root, 'sel');
    await buildImageLayout(dir, [image('app:1', '1.0.0'), image('app:2', '2.0.0')]);
    const byRef = await readImage(await openOciDir(dir, { ref: 'app:2' }), { ref: 'app:2' });
    expect(byRef.platforms[0]?.packages[0]?.version).toBe('2.0.0');
    const guess = await readImage(await openOciDir(dir), { ref: 'x' });
    expect(guess.errors.join()).toMatch(/2 images, name one \(app:1, app:2\)/);
  });

  it('a missing blob is an unknown reason naming it; a hostile digest never becomes a path', async () => {
    const dir = join(root, 'missing');
    const built = await buildImageLayout(dir, image('a', '1'));
    await rm(join(dir, 'blobs', 'sha256', built.images[0]!.platforms[0]!.layerDigests[0]!.slice(7)));
    const img = await readImage(await openOciDir(dir), { ref: 'a' });
    expect(img.platforms[0]!.errors.join()).toContain(built.images[0]!.platforms[0]!.layerDigests[0]!);
    const store = await openOciDir(dir);
    await expect(store.getManifest('sha256:../../../etc/passwd')).rejects.toThrow(/malformed digest/);
  });

  it('a directory that is not a layout is an input error from the inventory source', async () => {
    const dir = join(root, 'not-layout');
    await buildImageLayout(dir, image('a', '1'));
    await writeFile(join(dir, 'index.json'), '{"nope": 1}');
    await expect(inventoryOciDir(dir)).rejects.toThrow(/index\.json/);
    const result = await ociDirSource.inventory(join(root, 'does-not-exist'));
    expect(result.targets).toEqual([]);
    expect(result.inputErrors.join()).toContain('oci-layout');
  });
});
