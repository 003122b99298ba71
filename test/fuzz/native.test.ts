// The native image reader under fuzzing: the tar reader, manifests, configs, catalogers, and whole images in memory.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOGERS } from '../../src/acquire/native/catalogers/index.js';
import { createdTime, parseImageConfig } from '../../src/acquire/native/config.js';
import { resolveLimits } from '../../src/acquire/native/limits.js';
import { parseManifest } from '../../src/acquire/native/manifest.js';
import { readImage } from '../../src/acquire/native/read-image.js';
import { TarParser, type TarEntry } from '../../src/acquire/native/tar.js';
import { buildIocIndex } from '../../src/match/index.js';
import { judgeImage } from '../../src/match/verdict.js';
import { apkInstalled, dpkgStatus, npmPackageFiles, pythonDistInfo, yarnCacheZip } from '../helpers/image-builder.js';
import { buildTar, type TarFile } from '../helpers/tar.js';
import { allowing, check, FUZZ_TIMEOUT, isPlainError, sample } from './harness.js';
import { defaultConfig, defaultIndex, defaultManifest, memoryStore, sealImage } from './memory-image.js';
import { applyByteOps, applyJsonOps, byteOp, jsonOp, mutatedBytes } from './mutate.js';

const long = `usr/lib/node_modules/${'deep/'.repeat(30)}node_modules/axios/package.json`;
const files: TarFile[] = [
  { path: 'app/', type: 'dir' },
  ...npmPackageFiles('app/node_modules', 'axios', '1.14.1'),
  { path: long, content: JSON.stringify({ name: 'axios', version: '0.30.4' }) },
  { path: 'app/link', type: 'symlink', linkname: '../etc/passwd' },
  { path: 'app/hard', type: 'hardlink', linkname: 'app/node_modules/axios/package.json' },
  { path: 'var/lib/dpkg/status', content: dpkgStatus([{ name: 'bash', version: '5.2' }]) },
  { path: 'lib/apk/db/installed', content: apkInstalled([{ name: 'musl', version: '1.2' }]) },
  pythonDistInfo('requests', '2.31.0'),
  { path: 'app/sized', content: 'x'.repeat(700), pax: { mtime: '1.5', 'SCHILY.xattr.a': 'b' } },
  { path: 'app/.wh.gone', content: '' },
  yarnCacheZip('app', 'plain-crypto-js', '4.2.1'),
];
const tars = [
  sample('tar-pax', buildTar(files, { longNames: 'pax' })),
  sample('tar-gnu', buildTar(files, { longNames: 'gnu' })),
  sample('tar-no-end', buildTar(files.slice(0, 4), { noEndMarker: true })),
];

type Seen = { entries: (Omit<TarEntry, 'mode' | 'mtime'> & { body?: string })[]; error?: string };

/** Parses a tar in chunks of the given sizes (cycled); only plain `tar:` errors may come out. */
function parseTar(bytes: Buffer, chunks: number[] = [bytes.length || 1]): Seen {
  const seen: Seen = { entries: [] };
  const parser = new TarParser({
    onEntry: (e) => (seen.entries.push({ name: e.name, type: e.type, typeflag: e.typeflag, size: e.size, linkname: e.linkname }), e.size < 1 << 20),
    onBody: (_e, body) => void (seen.entries.at(-1)!.body = body.toString('latin1')),
  });
  const out = allowing(
    () => {
      let off = 0;
      for (let i = 0; off < bytes.length && !parser.done; i++) {
        const n = Math.max(1, chunks[i % chunks.length]!);
        parser.write(bytes.subarray(off, off + n));
        off += n;
      }
      parser.end();
    },
    (e) => isPlainError(e) && /^tar: /.test((e as Error).message),
  );
  if (!out.ok) seen.error = (out.error as Error).message;
  return seen;
}

// Messages of built-in errors (TypeError, RangeError...) that would mean a bug was caught and reported as a reason.
const BUILTIN = /Cannot read propert|is not a function|is not iterable|Invalid (array|string) length|Maximum call stack|out of range|ERR_[A-Z_]+|is not defined/;

function expectNoBuiltinErrors(reasons: string[]): void {
  for (const r of reasons) expect(r).not.toMatch(BUILTIN);
}

describe('fuzz: native image reader', () => {
  it('tar: mutated archives throw only plain `tar:` errors, the same however the bytes are chunked', () => {
    check(
      'tar-bytes',
      fc.property(mutatedBytes(tars), fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 5 }), ({ bytes }, chunks) => {
        expect(parseTar(bytes, chunks)).toEqual(parseTar(bytes));
      }),
      800,
    );
  }, FUZZ_TIMEOUT);

  it('tar: arbitrary bytes and hand-made headers throw only plain `tar:` errors', () => {
    const header = fc.uint8Array({ minLength: 512, maxLength: 512 }).map((h) => {
      const b = Buffer.from(h);
      b.fill(0x20, 148, 156);
      let sum = 0;
      for (const x of b) sum += x;
      b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
      return b;
    });
    check('tar-random', fc.property(fc.array(fc.oneof(header, fc.uint8Array({ maxLength: 1024 }).map((a) => Buffer.from(a))), { maxLength: 4 }), (parts) => void parseTar(Buffer.concat(parts))), 500);
  }, FUZZ_TIMEOUT);

  it('catalogers never throw on mutated content', () => {
    const limits = resolveLimits({ maxFileBytes: 4096 });
    const bodies = [
      sample('app/node_modules/axios/package.json', Buffer.from(JSON.stringify({ name: 'axios', version: '1.14.1' }))),
      sample('app/node_modules/.package-lock.json', Buffer.from(JSON.stringify({ packages: { '': {}, 'node_modules/axios': { version: '1.14.1' }, 'node_modules/x': { link: true } } }))),
      sample('var/lib/dpkg/status', Buffer.from(dpkgStatus([{ name: 'bash', version: '5.2' }, { name: 'gone', version: '1', status: 'deinstall ok config-files' }]))),
      sample('lib/apk/db/installed', Buffer.from(apkInstalled([{ name: 'musl', version: '1.2' }, { name: 'busybox', version: '1.36' }]))),
      sample('usr/lib/python3.12/site-packages/requests-2.31.0.dist-info/METADATA', Buffer.from(String(pythonDistInfo('requests', '2.31.0').content))),
      sample('app/.yarn/cache/axios-npm-1.14.1-0123456789-abcdef.zip', yarnCacheZip('app', 'axios', '1.14.1').content as Buffer),
    ];
    check(
      'catalogers',
      fc.property(mutatedBytes(bodies), ({ sample: s, bytes }) => {
        const cataloger = CATALOGERS.find((c) => c.wants(s.path))!;
        const result = cataloger.catalog(s.path, bytes, limits);
        for (const p of result.packages) expect(typeof p.name === 'string' && typeof p.version === 'string').toBe(true);
        const unread = cataloger.catalogUnread?.(s.path, bytes.length);
        if (unread) expect(Array.isArray(unread.packages)).toBe(true);
      }),
      1000,
    );
  }, FUZZ_TIMEOUT);

  it('manifests and configs: mutated documents throw only plain errors', () => {
    const config = Buffer.from(JSON.stringify({ ...defaultConfig, config: { Labels: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' } } }));
    const manifest = defaultManifest({ mediaType: '', digest: `sha256:${'a'.repeat(64)}`, size: 2 }, [{ mediaType: '', digest: `sha256:${'b'.repeat(64)}`, size: 3 }]);
    const docs = [sample('config', config), sample('manifest', Buffer.from(JSON.stringify(manifest))), sample('index', Buffer.from(JSON.stringify(defaultIndex({ mediaType: '', digest: `sha256:${'c'.repeat(64)}`, size: 9 }))))];
    check(
      'manifests',
      fc.property(fc.constantFrom(...docs), fc.array(jsonOp, { minLength: 1, maxLength: 4 }), fc.array(byteOp, { maxLength: 2 }), fc.constantFrom('', 'application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json'), (doc, ops, bytesOps, mediaType) => {
        const bytes = applyByteOps(Buffer.from(JSON.stringify(applyJsonOps(JSON.parse(doc.bytes.toString()), ops)) ?? 'null'), bytesOps);
        allowing(() => parseManifest({ bytes, digest: 'sha256:x', mediaType }), isPlainError);
        const parsed = allowing(() => parseImageConfig(bytes, 'sha256:x'), isPlainError);
        if (parsed.ok) expect(typeof createdTime(parsed.value).reliable).toBe('boolean');
      }),
      1000,
    );
  }, FUZZ_TIMEOUT);

  const index = buildIocIndex({ incidents: [], files: [] });

  it('whole images, every document mutated and re-sealed: readImage never throws, and a reason never hides a bug', async () => {
    await check(
      'images-sealed',
      fc.asyncProperty(
        fc.record({
          layerOps: fc.array(byteOp, { maxLength: 3 }),
          configOps: fc.array(jsonOp, { maxLength: 2 }),
          manifestOps: fc.array(jsonOp, { maxLength: 2 }),
          indexOps: fc.option(fc.array(jsonOp, { maxLength: 2 })),
          chunk: fc.integer({ min: 1, max: 4096 }),
        }),
        async ({ layerOps, configOps, manifestOps, indexOps, chunk }) => {
          const img = sealImage({
            layers: [applyByteOps(tars[0]!.bytes, layerOps), buildTar(npmPackageFiles('srv/node_modules', 'left-pad', '1.3.0'))],
            config: applyJsonOps(defaultConfig, configOps),
            manifest: (c, l) => applyJsonOps(defaultManifest(c, l), manifestOps),
            ...(indexOps ? { index: (m) => applyJsonOps(defaultIndex(m), indexOps) } : {}),
          });
          const read = await readImage(memoryStore(img, chunk), { ref: 'fuzz', limits: { maxFileBytes: 64 * 1024 } });
          const judged = judgeImage(read, index);
          expectNoBuiltinErrors([...read.errors, ...read.platforms.flatMap((p) => p.errors)]);
          if (read.errors.length > 0 || read.platforms.some((p) => p.errors.length > 0)) expect(judged.verdict).not.toBe('clean');
        },
      ),
      300,
    );
  }, FUZZ_TIMEOUT);

  it('whole images, one stored blob changed after sealing: never clean', async () => {
    const img = sealImage({ layers: [tars[0]!.bytes, buildTar(npmPackageFiles('srv/node_modules', 'left-pad', '1.3.0'))], config: defaultConfig, manifest: defaultManifest, index: defaultIndex });
    const digests = [...img.blobs.keys()];
    const clean = judgeImage(await readImage(memoryStore(img), { ref: 'fuzz' }), index);
    expect(clean.verdict).toBe('clean');
    await check(
      'images-tampered',
      fc.asyncProperty(fc.constantFrom(...digests), fc.array(byteOp, { minLength: 1, maxLength: 3 }), async (digest, ops) => {
        const changed = applyByteOps(img.blobs.get(digest)!, ops);
        // Setting a byte to the value it already has changes nothing: such a case proves nothing.
        fc.pre(!changed.equals(img.blobs.get(digest)!));
        const tampered = { ...img, blobs: new Map(img.blobs) };
        tampered.blobs.set(digest, changed);
        const judged = judgeImage(await readImage(memoryStore(tampered, 1000), { ref: 'fuzz' }), index);
        expect(judged.verdict).toBe('unknown');
      }),
      300,
    );
  }, FUZZ_TIMEOUT);
});
