import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../../src/acquire/native/read-image.js';
import type { Limits } from '../../../src/acquire/native/limits.js';
import { openOciDir } from '../../../src/inventory/oci-dir.js';
import { buildImageLayout, npmPackageFiles, yarnCacheZip, zstdAvailable, type BuiltLayout, type LayerSpec, type PlatformSpec } from '../../helpers/image-builder.js';
import { buildTar } from '../../helpers/tar.js';

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'read-layers-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function readOne(layers: LayerSpec[], extra: Partial<PlatformSpec> = {}, limits: Partial<Limits> = {}) {
  const built: BuiltLayout = await buildImageLayout(join(root, `img${n++}`), { platforms: [{ layers, ...extra }] });
  const img = await readImage(await openOciDir(built.dir), { ref: 'x', limits });
  expect(img.errors).toEqual([]);
  return { p: img.platforms[0]!, built };
}

const axios = (version = '1.14.1') => npmPackageFiles('app/node_modules', 'axios', version);
const versions = (pkgs: { name: string; version: string; deleted?: boolean }[]) => pkgs.filter((x) => !x.deleted).map((x) => `${x.name}@${x.version}`).sort();

describe('readImage: layer bytes', () => {
  it('a layer whose bytes do not match its digest makes the platform unknown, naming the layer', async () => {
    const { p, built } = await readOne([{ files: axios('1.0.0') }, { files: axios(), corrupt: true }]);
    const bad = built.images[0]!.platforms[0]!.layerDigests[1]!;
    expect(p.errors).toHaveLength(1);
    expect(p.errors[0]).toContain(`layer ${bad}: digest mismatch`);
  });

  it('reads uncompressed layers, and layers whose media type says gzip but whose bytes are plain tar', async () => {
    const { p } = await readOne([{ files: axios('1.0.0'), compression: 'none' }, { files: npmPackageFiles('node_modules', 'b', '2.0.0'), compression: 'none', mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }]);
    expect(p.errors).toEqual([]);
    expect(versions(p.packages)).toEqual(['axios@1.0.0', 'b@2.0.0']);
  });

  it.skipIf(!zstdAvailable())('reads zstd layers', async () => {
    const { p } = await readOne([{ files: axios(), compression: 'zstd' }]);
    expect(p.errors).toEqual([]);
    expect(versions(p.packages)).toEqual(['axios@1.14.1']);
  });

  it('a layer that is not a tar archive, or a truncated gzip, is unknown, naming the layer', async () => {
    const notTar = await readOne([{ files: [], raw: Buffer.from('this is not a tar archive. '.repeat(40)) }]);
    const digest = notTar.built.images[0]!.platforms[0]!.layerDigests[0]!;
    expect(notTar.p.errors).toEqual([`layer ${digest}: tar: header checksum mismatch (not a tar archive, or corrupt)`]);
    const whole = gzipSync(buildTar(axios().map((f) => ({ ...f, content: `${f.content}${' '.repeat(4000)}` }))));
    const cut = await readOne([{ files: [], raw: whole.subarray(0, whole.length >> 1) }]);
    expect(cut.p.errors.join()).toMatch(/^layer sha256:[a-f0-9]{64}: .*(unexpected end of file|truncated)/);
  });
});

describe('readImage: created time', () => {
  it('trusts a real config created time', async () => {
    const { p } = await readOne([{ files: [] }], { created: '2026-03-31T01:02:03Z' });
    expect(p.created).toMatchObject({ value: '2026-03-31T01:02:03Z', source: 'config created', reliable: true });
  });

  it('marks the Unix epoch (reproducible builds) unreliable, and falls back to the OCI label', async () => {
    const epoch = await readOne([{ files: [] }], { created: '1970-01-01T00:00:00Z' });
    expect(epoch.p.created).toMatchObject({ value: '1970-01-01T00:00:00Z', source: 'config created', reliable: false, note: expect.stringMatching(/placeholder/) });
    const labelled = await readOne([{ files: [] }], { created: '1970-01-01T00:00:00Z', labels: { 'org.opencontainers.image.created': '2026-03-30T23:00:00Z' } });
    expect(labelled.p.created).toMatchObject({ value: '2026-03-30T23:00:00Z', source: 'label org.opencontainers.image.created', reliable: true });
    expect(labelled.p.created?.sources?.map((s) => [s.kind, s.reliable])).toEqual([
      ['config', false],
      ['label', true],
    ]);
  });

  it('a missing time is unreliable', async () => {
    const { p } = await readOne([{ files: [] }], { created: null });
    expect(p.created).toEqual({ reliable: false, sources: [] });
  });
});

describe('readImage: hostile names and limits', () => {
  it('places `..` and absolute names as containerd does (cleaned, `..` held at the root), noting a climb above it', async () => {
    const { p } = await readOne([
      {
        files: [
          ...axios(),
          { path: '../../etc/node_modules/evil/package.json', content: '{"name":"evil","version":"1"}' },
          { path: '/abs/node_modules/abs/package.json', content: '{"name":"abs","version":"1"}' },
          { path: 'zz/../x/./node_modules//dot/package.json', content: '{"name":"dot","version":"1"}' },
        ],
        compression: 'none',
      },
    ]);
    expect(versions(p.packages).sort()).toEqual(['abs@1', 'axios@1.14.1', 'dot@1', 'evil@1']);
    expect(p.packages.find((x) => x.name === 'evil')?.paths).toEqual(['/etc/node_modules/evil/package.json']);
    expect(p.packages.find((x) => x.name === 'dot')?.paths).toEqual(['/x/node_modules/dot/package.json']);
    expect(p.errors).toEqual([]);
    expect(p.notes.join('\n')).toMatch(/"\.\.\/\.\.\/etc\/node_modules\/evil\/package.json" climbs above the root/);
    expect(p.notes.join('\n')).not.toMatch(/abs\/node_modules/);
  });

  it('reads PAX and GNU long names', async () => {
    const deep = `app/${'very-long-directory-name/'.repeat(6)}node_modules`;
    const pax = await readOne([{ files: npmPackageFiles(deep, 'axios', '1.14.1'), longNames: 'pax' }]);
    expect(pax.p.packages.map((x) => x.paths[0])).toEqual([`/${deep}/axios/package.json`]);
    const gnu = await readOne([{ files: npmPackageFiles(deep, '@scope/long', '1.0.0'), longNames: 'gnu' }]);
    expect(gnu.p.packages.map((x) => x.paths[0])).toEqual([`/${deep}/@scope/long/package.json`]);
  });

  it('does not read a file over the file limit, and makes the platform unknown so padding cannot hide a package', async () => {
    const { p } = await readOne([{ files: [...axios(), { path: 'node_modules/big/package.json', content: JSON.stringify({ name: 'big', version: '1', pad: 'x'.repeat(5000) }) }] }], {}, { maxFileBytes: 1000 });
    expect(versions(p.packages)).toEqual(['axios@1.14.1']);
    expect(p.errors).toHaveLength(1);
    expect(p.errors[0]).toMatch(/^limit maxFileBytes exceeded: \/node_modules\/big\/package.json is \d+ bytes; not read$/);
  });

  it('names a yarn cache zip over the zip limit from its file name, with a note', async () => {
    const zip = yarnCacheZip('app', '@scope/big', '2.0.0-beta.1');
    const { p } = await readOne([{ files: [zip, yarnCacheZip('app', 'small', '1.0.0')] }], {}, { maxZipBytes: 200 });
    expect(p.errors).toEqual([]);
    expect(versions(p.packages)).toEqual(['@scope/big@2.0.0-beta.1', 'small@1.0.0']);
    expect(p.notes.join()).toContain('name and version read from the file name');
  });

  it('too many tar entries or too many decompressed bytes make the platform unknown, naming the limit', async () => {
    const entries = await readOne([{ files: axios() }], {}, { maxEntriesPerLayer: 2 });
    expect(entries.p.errors.join()).toContain('limit maxEntriesPerLayer exceeded');
    const bytes = await readOne([{ files: axios() }], {}, { maxLayerBytes: 1024 });
    expect(bytes.p.errors.join()).toContain('limit maxLayerBytes exceeded');
    const layers = await readOne([{ files: [] }, { files: [] }], {}, { maxLayers: 1 });
    expect(layers.p.errors.join()).toContain('limit maxLayers exceeded');
  });
});
