import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/acquire/native/read-image.js';
import { inventoryDockerArchive, openDockerArchive } from '../../src/inventory/docker-archive.js';
import { buildDockerArchive, npmPackageFiles, type DockerArchiveSpec } from '../helpers/image-builder.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'docker-archive-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const base = { files: [{ path: 'etc/os-release', content: 'ID=debian\n' }] };
const app = (tag: string | undefined, version: string): DockerArchiveSpec => ({
  ...(tag ? { repoTags: [tag] } : {}),
  created: '2026-03-31T00:00:00Z',
  layers: [base, { files: npmPackageFiles('app/node_modules', 'axios', version) }, { files: [{ path: 'app/node_modules/axios', whiteout: true }, ...npmPackageFiles('app/node_modules', 'axios', '1.14.0')] }],
});

describe.each(['classic', 'oci'] as const)('docker save archives (%s)', (format) => {
  it('reads the image: packages, deleted packages and created time', async () => {
    const file = join(root, `${format}-one.tar`);
    await buildDockerArchive(file, [app('app:1', '1.14.1')], format);
    const img = await readImage(await openDockerArchive(file), { ref: 'app:1' });
    expect(img.errors).toEqual([]);
    const p = img.platforms[0]!;
    expect(p.errors).toEqual([]);
    expect(p.platform).toBe('linux/amd64');
    expect(p.created).toMatchObject({ value: '2026-03-31T00:00:00Z', source: 'config created', reliable: true });
    expect(p.packages.map((x) => `${x.name}@${x.version}${x.deleted ? ' deleted' : ''}`).sort()).toEqual(['axios@1.14.0', 'axios@1.14.1 deleted']);
  });

  it('lists every image and opens each by tag, sharing a repeated base layer', async () => {
    const file = join(root, `${format}-two.tar`);
    await buildDockerArchive(file, [app('app:1', '1.14.1'), app('other:2', '1.13.0')], format);
    const targets = await inventoryDockerArchive(file);
    expect(targets).toEqual([
      { kind: 'docker-archive', ref: 'app:1', path: file },
      { kind: 'docker-archive', ref: 'other:2', path: file },
    ]);
    const deleted = [];
    for (const t of targets) {
      const img = await readImage(await openDockerArchive(file, { ref: t.ref }), { ref: t.ref });
      expect(img.platforms[0]!.errors).toEqual([]);
      deleted.push(img.platforms[0]!.packages.find((x) => x.deleted)?.version);
    }
    expect(deleted).toEqual(['1.14.1', '1.13.0']);
  });
});

describe('docker save archives: failures', () => {
  it('a file that is not a tar is an input error naming it', async () => {
    const file = join(root, 'junk.tar');
    await writeFile(file, 'not a tar archive at all, '.repeat(50));
    await expect(openDockerArchive(file)).rejects.toThrow(/junk\.tar: not a readable docker archive/);
  });

  it('a layer that does not hash to its diff_id makes the platform unknown', async () => {
    const file = join(root, 'tampered.tar');
    const spec = app('t:1', '1.14.1');
    await buildDockerArchive(file, [{ ...spec, layers: [base, { ...spec.layers[1]!, corrupt: true }] }], 'classic');
    const img = await readImage(await openDockerArchive(file), { ref: 't:1' });
    expect(img.platforms[0]!.errors.join()).toMatch(/layer sha256:[a-f0-9]{64}: digest mismatch/);
  });
});

describe('OCI layout tarballs without manifest.json', () => {
  it('lists images from index.json and reads them (tarball written by GNU tar)', async () => {
    const file = join(root, 'oci-only.tar');
    await buildDockerArchive(file, [app('app:1', '1.14.1'), app(undefined, '1.0.0')], 'oci');
    const dir = join(root, 'oci-only');
    await mkdir(dir);
    execFileSync('tar', ['-xf', file, '-C', dir]);
    execFileSync('tar', ['-cf', join(root, 'oci-only-2.tar'), '-C', dir, 'oci-layout', 'index.json', 'blobs']);
    const targets = await inventoryDockerArchive(join(root, 'oci-only-2.tar'));
    expect(targets.map((t) => t.ref)).toEqual(['docker.io/library/app:1', `${join(root, 'oci-only-2.tar')}#1`]);
    const versions = [];
    for (const t of targets) {
      const img = await readImage(await openDockerArchive(join(root, 'oci-only-2.tar'), { ref: t.ref }), { ref: t.ref });
      versions.push(img.platforms[0]?.packages.find((x) => x.deleted)?.version);
    }
    expect(versions).toEqual(['1.14.1', '1.0.0']);
  });
});
