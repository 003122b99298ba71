// Hostile images read natively, each beside a good image: bounded time, unknown with a reason that names
// the limit or the fault, and the good image's verdict untouched. Figures are printed for docs/limits.md.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryOciDir } from '../../src/inventory/oci-dir.js';
import type { ImageStore } from '../../src/model/oci.js';
import type { Target } from '../../src/model/target.js';
import { buildImageLayout, MT, npmPackageFiles, sha256, type ImageSpec, type LayerSpec } from '../helpers/image-builder.js';
import { buildTar, tarHeader } from '../helpers/tar.js';
import { defaultConfig, defaultIndex, defaultManifest, memoryStore, sealImage, type MemoryImage } from '../fuzz/memory-image.js';
import { measured, record, scanPair, type PairResult } from './pair.js';

let root: string;
let good: Target;
let n = 0;
const axios = npmPackageFiles('app/node_modules', 'axios', '1.14.1');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hostile-'));
  good = (await inventoryOciDir((await buildImageLayout(join(root, 'good'), { ref: 'good:1', platforms: [{ layers: [{ files: axios }] }] })).dir))[0]!;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  console.log(`hostile images (case, ms, RSS growth MiB, reason):\n${measured.map((m) => `  ${m.case}\t${m.ms} ms\t${m.rssGrowthMiB} MiB\t${m.reason}`).join('\n')}`);
});

async function layout(spec: ImageSpec | LayerSpec[]): Promise<Target> {
  const s = Array.isArray(spec) ? { ref: 'bad:1', platforms: [{ layers: spec }] } : spec;
  return (await inventoryOciDir((await buildImageLayout(join(root, `img${n++}`), s)).dir))[0]!;
}

/** A memory image as a registry target, and the opener that serves it. */
function inMemory(store: ImageStore): { target: Target; openStore: (t: Target) => Promise<ImageStore | undefined> } {
  const target: Target = { kind: 'registry', ref: `memory/${n++}`, registry: 'memory', repository: 'hostile', tag: '1' };
  return { target, openStore: async (t) => (t.ref === target.ref ? store : undefined) };
}

function expectGoodUntouched(r: PairResult): void {
  expect(r.good.verdict).toBe('affected');
  expect(r.good.matches.map((m) => `${m.name}@${m.version}`)).toEqual(['axios@1.14.1']);
}

function expectUnknown(r: PairResult, reason: RegExp, maxMs: number): void {
  expect(r.hostile.verdict).toBe('unknown');
  expect(r.hostile.reasons.join('\n')).toMatch(reason);
  expect(r.ms).toBeLessThan(maxMs);
  expectGoodUntouched(r);
}

describe('hostile layers (oci-dir)', () => {
  it('a gzip bomb: 64 KiB stored, 64 MiB out; stops at maxLayerBytes', async () => {
    const bomb = gzipSync(buildTar([{ path: 'zeros', content: Buffer.alloc(64 * 1024 ** 2) }]), { level: 9 });
    expect(bomb.length).toBeLessThan(128 * 1024);
    const r = await scanPair(await layout([{ files: [], raw: bomb }]), good, { limits: { maxLayerBytes: 8 * 1024 ** 2 } });
    record('gzip bomb 64 KiB -> 64 MiB, cap 8 MiB', r);
    expectUnknown(r, /limit maxLayerBytes exceeded/, 5000);
  });

  it('a tar of very many empty entries stops at maxEntriesPerLayer (lowered to 1,000)', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ path: `e/${i}`, content: '' }));
    const r = await scanPair(await layout([{ files: many, compression: 'none' }]), good, { limits: { maxEntriesPerLayer: 1000 } });
    record('5,000 empty entries, cap 1,000', r);
    expectUnknown(r, /limit maxEntriesPerLayer exceeded: more than 1000 tar entries/, 5000);
  });

  it('a real stream of over 1,000,000 entries (560 MB, made lazily) stops at the default entry cap', async () => {
    const header = tarHeader({ name: 'e', size: 0, type: '0' });
    const batch = Buffer.concat(Array.from({ length: 2048 }, () => header));
    const batches = Math.ceil(1_100_000 / 2048); // 100,000 entries more than the cap: the read must stop early
    const size = batches * batch.length;
    const lazy = new Readable({
      read() {
        this.push(sent++ < batches ? batch : null);
      },
    });
    let sent = 0;
    // The true digest, so that only the entry cap can stop the read.
    const hash = createHash('sha256');
    for (let i = 0; i < batches; i++) hash.update(batch);
    const digest = `sha256:${hash.digest('hex')}`;
    const img = sealImage({ layers: [], config: defaultConfig, manifest: (c) => defaultManifest(c, [{ mediaType: '', digest, size }]) });
    const base = memoryStore(img);
    const store: ImageStore = { ...base, openBlob: async (d) => (d.digest === digest ? lazy : base.openBlob(d)) };
    const { target, openStore } = inMemory(store);
    const r = await scanPair(target, good, { openStore });
    record('1,000,000 entries, lazily, default cap', r);
    expectUnknown(r, /limit maxEntriesPerLayer exceeded: more than 1000000 tar entries/, 20_000);
    expect(sent).toBeLessThan(batches); // stopped before the end of the stream
  }, 60_000);

  it('a symlink loop is never followed: the image reads in bounded time with its true verdict, the looping package.json named', async () => {
    const loop = [
      { path: 'a', type: 'symlink' as const, linkname: 'b' },
      { path: 'b', type: 'symlink' as const, linkname: 'a' },
      { path: 'srv/node_modules/self', type: 'symlink' as const, linkname: 'self' },
      { path: 'srv/node_modules/self/package.json', type: 'symlink' as const, linkname: '../self/package.json' },
      ...npmPackageFiles('srv/node_modules', 'plain-crypto-js', '4.2.1'),
    ];
    const r = await scanPair(await layout([{ files: loop }]), good);
    record('symlink loop', r);
    // affected outranks unknown; the package.json linked to itself is still named as unread.
    expect(r.hostile.verdict).toBe('affected');
    expect(r.hostile.matches.map((m) => m.name)).toEqual(['plain-crypto-js']);
    // Its parent folder is the loop: containerd cannot place it (ELOOP) and refuses the layer; named, not skipped.
    expect(r.hostile.reasons.join('\n')).toMatch(/\/srv\/node_modules\/self\/package.json lies below a symlink loop/);
    expect(r.ms).toBeLessThan(5000);
    expectGoodUntouched(r);
  });

  // The bundled feeds name no deb package: clean, with every package listed, in bounded time.
  it.each([
    {
      // Every journal file asks for the whole journal when no status file is there: it is listed once per view.
      name: 'dpkg journal of 10,000 files, no status',
      files: Array.from({ length: 10_000 }, (_, i) => ({ path: `var/lib/dpkg/updates/${String(i).padStart(5, '0')}`, content: `Package: p${i % 50}\nStatus: install ok installed\nVersion: 1.${i}\nArchitecture: all\n` })),
      packages: 50,
    },
    {
      // Each record is placed by its architecture's slot, not by scanning the name's other instances.
      name: 'dpkg status of 50,000 instances of one name',
      files: [{ path: 'var/lib/dpkg/status', content: Array.from({ length: 50_000 }, (_, i) => `Package: xz-utils\nStatus: install ok installed\nVersion: 5.6.${i}\nArchitecture: a${i}\nMulti-Arch: same\n`).join('\n') }],
      packages: 50_000,
    },
  ])('a $name reads whole in bounded time', async ({ name, files, packages }) => {
    const r = await scanPair(await layout([{ files }]), good);
    record(name, r);
    expect(r.hostile.verdict).toBe('clean');
    expect(r.hostile.reasons.join('\n')).toMatch(new RegExp(`among ${packages} package`));
    expect(r.ms).toBeLessThan(15_000);
    expectGoodUntouched(r);
  });

  it('a package.json symlinked to a file that was not read is unknown; one linked to a package read before is counted there', async () => {
    const hidden = [{ path: 'blob/data', content: JSON.stringify({ name: 'axios', version: '1.14.1' }) }, { path: 'app/node_modules/axios/package.json', type: 'symlink' as const, linkname: '../../../blob/data' }];
    const r = await scanPair(await layout([{ files: hidden }]), good);
    record('symlink to an unread file', r);
    expectUnknown(r, /symlink \/app\/node_modules\/axios\/package.json points at "..\/..\/..\/blob\/data", which was not read/, 5000);
    const counted = [...npmPackageFiles('a/node_modules', 'plain-crypto-js', '4.2.1'), { path: 'b/node_modules/plain-crypto-js/package.json', type: 'symlink' as const, linkname: '../../../a/node_modules/plain-crypto-js/package.json' }];
    const ok = await scanPair(await layout([{ files: counted }]), good);
    expect(ok.hostile.verdict).toBe('affected');
    expect(ok.hostile.reasons.join('\n')).not.toMatch(/symlink/);
  });

  it('a hard link climbing out of the root is held at the root, as containerd opens it: unknown when its target was not read', async () => {
    const r = await scanPair(await layout([{ files: [{ path: 'app/node_modules/evil/package.json', type: 'hardlink', linkname: '../../../etc/passwd' }] }]), good);
    record('hard link outside the layer', r);
    expectUnknown(r, /hard link \/app\/node_modules\/evil\/package.json points at \/etc\/passwd, which was not read/, 5000);
    const held = [...npmPackageFiles('srv/node_modules', 'axios', '1.14.1'), { path: 'app/node_modules/axios/package.json', type: 'hardlink' as const, linkname: '../../../srv/node_modules/axios/package.json' }];
    const found = await scanPair(await layout([{ files: held }]), good);
    expect(found.hostile.verdict).toBe('affected');
    expect(found.hostile.matches.flatMap((m) => m.paths)).toContain('/app/node_modules/axios/package.json');
  });

  it('a package.json hard-linked to a file that was not read is unknown, not clean', async () => {
    const r = await scanPair(await layout([{ files: [{ path: 'blob/data', content: JSON.stringify({ name: 'axios', version: '1.14.1' }) }, { path: 'app/node_modules/axios/package.json', type: 'hardlink', linkname: 'blob/data' }] }]), good);
    record('hard link to an unread file', r);
    expectUnknown(r, /hard link \/app\/node_modules\/axios\/package.json points at \/blob\/data, which was not read/, 5000);
  });

  it('`..` and absolute member names are placed where containerd places them: axios written as ../../srv/... or /abs/... is found', async () => {
    const r = await scanPair(
      await layout([
        {
          files: [
            { path: '../../srv/node_modules/axios/package.json', content: JSON.stringify({ name: 'axios', version: '1.14.1' }) },
            { path: '/abs/node_modules/plain-crypto-js/package.json', content: JSON.stringify({ name: 'plain-crypto-js', version: '4.2.1' }) },
          ],
          compression: 'none',
        },
      ]),
      good,
    );
    record('.. and absolute names', r);
    expect(r.hostile.verdict).toBe('affected');
    expect(r.hostile.matches.flatMap((m) => m.paths).sort()).toEqual(['/abs/node_modules/plain-crypto-js/package.json', '/srv/node_modules/axios/package.json']);
    expect(r.hostile.reasons.join('\n')).toMatch(/climbs above the root with \.\.: containerd places it at \/srv\/node_modules\/axios\/package.json, docker refuses the layer/);
    expectGoodUntouched(r);
  });

  it('a layer blob that is a FIFO (or a device) is unknown at once, never a read that blocks forever', async () => {
    const dir = join(root, `img${n++}`);
    const built = await buildImageLayout(dir, { ref: 'fifo:1', platforms: [{ layers: [{ files: axios }] }] });
    const [, hex] = built.images[0]!.platforms[0]!.layerDigests[0]!.split(':');
    const blob = join(built.dir, 'blobs', 'sha256', hex!);
    rmSync(blob);
    execFileSync('mkfifo', [blob]);
    const r = await scanPair((await inventoryOciDir(built.dir))[0]!, good);
    record('layer blob is a FIFO', r);
    expectUnknown(r, /is not a regular file/, 5000);
  }, 20_000);

  it('a package.json over the file cap is unknown, naming maxFileBytes', async () => {
    const big = { path: 'app/node_modules/padded/package.json', content: JSON.stringify({ name: 'axios', version: '1.14.1', pad: 'x'.repeat(2 * 1024 ** 2) }) };
    const r = await scanPair(await layout([{ files: [big] }]), good, { limits: { maxFileBytes: 1024 ** 2 } });
    record('package.json 2 MiB, cap 1 MiB', r);
    expectUnknown(r, /limit maxFileBytes exceeded: .*\/app\/node_modules\/padded\/package.json is \d+ bytes/, 5000);
  });
});

describe('hostile manifests, indexes and configs', () => {
  it('an index listing itself (a store that serves it under the digest it names) is unknown', async () => {
    const img: MemoryImage = { root: '', blobs: new Map(), types: new Map() };
    const self = `sha256:${'1'.repeat(64)}`;
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: [{ mediaType: MT.ociIndex, digest: self, size: 200 }] }));
    img.blobs.set(self, bytes);
    img.types.set(self, MT.ociIndex);
    img.root = self;
    const { target, openStore } = inMemory(memoryStore(img));
    const r = await scanPair(target, good, { openStore });
    record('index that lists itself', r);
    expectUnknown(r, /digest mismatch/, 5000);
  });

  it('indexes nested past maxIndexDepth, and one child listed 300 times, stop at their limits', async () => {
    const leaf = sealImage({ layers: [buildTar(axios)], config: defaultConfig, manifest: defaultManifest });
    const manifestDigest = leaf.root;
    let child = { mediaType: MT.ociManifest, digest: manifestDigest, size: leaf.blobs.get(manifestDigest)!.length, platform: { os: 'linux', architecture: 'amd64' } } as Record<string, unknown>;
    for (let i = 0; i < 7; i++) {
      const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: [child] }));
      const digest = sha256(bytes);
      leaf.blobs.set(digest, bytes);
      leaf.types.set(digest, MT.ociIndex);
      child = { mediaType: MT.ociIndex, digest, size: bytes.length };
    }
    leaf.root = child.digest as string;
    const deep = inMemory(memoryStore(leaf));
    const r1 = await scanPair(deep.target, good, { openStore: deep.openStore });
    record('indexes nested 7 deep', r1);
    expectUnknown(r1, /limit maxIndexDepth exceeded/, 5000);

    const wide = sealImage({ layers: [buildTar(npmPackageFiles('x/node_modules', 'left-pad', '1.3.0'))], config: defaultConfig, manifest: defaultManifest, index: (m) => ({ ...defaultIndex(m), manifests: Array.from({ length: 300 }, () => ({ ...m, mediaType: MT.ociIndex })) }) });
    // Each entry is an index that holds the one manifest: 300 nested fetches.
    const inner = Buffer.from(JSON.stringify(defaultIndex({ mediaType: MT.ociManifest, digest: [...wide.types].find(([, t]) => t === MT.ociManifest)![0], size: 1 })));
    void inner;
    const w = inMemory(memoryStore(wide));
    const r2 = await scanPair(w.target, good, { openStore: w.openStore });
    record('one child listed 300 times', r2);
    expect(r2.hostile.verdict).toBe('unknown');
    expect(r2.ms).toBeLessThan(10_000);
    expectGoodUntouched(r2);
  });

  it('an index of 10,000 platforms stops at maxManifests / maxPlatforms', async () => {
    const img = sealImage({
      layers: [buildTar(npmPackageFiles('x/node_modules', 'left-pad', '1.3.0'))],
      config: defaultConfig,
      manifest: defaultManifest,
      index: (m) => ({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: Array.from({ length: 10_000 }, (_, i) => ({ ...m, platform: { os: 'linux', architecture: 'amd64', variant: `v${i}` } })) }),
    });
    expect(img.blobs.get(img.root)!.length).toBeLessThan(4 * 1024 ** 2);
    const { target, openStore } = inMemory(memoryStore(img));
    const r = await scanPair(target, good, { openStore });
    record('index of 10,000 platforms', r);
    expectUnknown(r, /limit (maxManifests|maxPlatforms) exceeded/, 15_000);
    expect(r.hostile.reasons.join('\n')).toMatch(/limit maxPlatforms exceeded: more than 256 platforms/);
  }, 30_000);

  it('a config over the config cap, by its descriptor or by its bytes, is unknown naming maxManifestBytes', async () => {
    const big = { ...defaultConfig, config: { Labels: { pad: 'x'.repeat(200 * 1024) } } };
    const honest = sealImage({ layers: [buildTar(axios)], config: big, manifest: defaultManifest });
    const a = inMemory(memoryStore(honest));
    const r1 = await scanPair(a.target, good, { openStore: a.openStore, limits: { maxManifestBytes: 64 * 1024 } });
    record('config 200 KiB, cap 64 KiB', r1);
    expectUnknown(r1, /limit maxManifestBytes exceeded: config sha256:[0-9a-f]{64} is \d+ bytes/, 5000);
    const lying = sealImage({ layers: [buildTar(axios)], config: big, manifest: (c, l) => defaultManifest({ ...c, size: 100 }, l) });
    const b = inMemory(memoryStore(lying));
    const r2 = await scanPair(b.target, good, { openStore: b.openStore, limits: { maxManifestBytes: 64 * 1024 } });
    record('config 200 KiB that says 100 bytes', r2);
    expectUnknown(r2, /limit maxManifestBytes exceeded: config sha256:[0-9a-f]{64} is over 65536 bytes/, 5000);
  });

  it('a layer whose size field lies, smaller or larger, is unknown', async () => {
    const tar = buildTar(npmPackageFiles('x/node_modules', 'left-pad', '1.3.0'));
    for (const [label, size, reason] of [
      ['smaller', 100, /more bytes than the descriptor size 100/],
      ['larger', tar.length + 512, new RegExp(`size ${tar.length} differs from descriptor size ${tar.length + 512}`)],
    ] as const) {
      const img = sealImage({ layers: [tar], config: defaultConfig, manifest: (c, l) => defaultManifest(c, l.map((d) => ({ ...d, size }))) });
      const { target, openStore } = inMemory(memoryStore(img));
      const r = await scanPair(target, good, { openStore });
      record(`layer size field ${label}`, r);
      expectUnknown(r, reason, 5000);
    }
  });
});
