// File indicators through the native reader: every regular file of every layer is looked at, those that could
// match are recorded (hashed when an indicator needs it), and the verdict says affected, suspect or unknown.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../../src/acquire/native/read-image.js';
import { openOciDir } from '../../../src/inventory/oci-dir.js';
import { buildIocIndex } from '../../../src/match/ioc-index.js';
import { judgePlatform } from '../../../src/match/verdict.js';
import type { FileIndicator } from '../../../src/model/ioc.js';
import type { AcquiredPlatform } from '../../../src/model/target.js';
import { buildImageLayout, npmPackageFiles, type LayerSpec } from '../../helpers/image-builder.js';
import { incident, iocSet } from '../../match/helpers.js';

const PTH = 'import os, base64; exec(base64.b64decode("cHJpbnQoJ293bmVkJyk="))\n';
const PTH_SHA = createHash('sha256').update(PTH).digest('hex');
const SITE = 'usr/lib/python3.12/site-packages';

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'file-iocs-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function read(layers: LayerSpec[], files: FileIndicator[]): Promise<{ p: AcquiredPlatform; layers: string[] }> {
  const built = await buildImageLayout(join(root, `img${n++}`), { platforms: [{ layers }] });
  const img = await readImage(await openOciDir(built.dir), { ref: 'x', fileIndicators: files });
  expect(img.errors).toEqual([]);
  return { p: img.platforms[0]!, layers: built.images[0]!.platforms[0]!.layerDigests };
}

function judge(p: AcquiredPlatform, files: FileIndicator[]) {
  return judgePlatform(p, buildIocIndex(iocSet(incident('teampcp', [], { files }))));
}

const byPath: FileIndicator = { path: '/usr/**/site-packages/litellm_init.pth' };
const byHash: FileIndicator = { sha256: PTH_SHA };
const both: FileIndicator = { path: '/usr/**/site-packages/litellm_init.pth', sha256: PTH_SHA };

describe('native reader: file indicators', () => {
  it.each([
    ['path', byPath, 'file-path'],
    ['hash', byHash, 'file-hash'],
    ['path and hash', both, 'file-hash'],
    ['hash and size', { sha256: PTH_SHA, size: Buffer.byteLength(PTH) }, 'file-hash'],
  ] as const)('a file in the final filesystem matched by %s is affected, with its path and layer', async (_what, f, kind) => {
    const { p, layers } = await read([{ files: npmPackageFiles('app/node_modules', 'a', '1.0.0') }, { files: [{ path: `${SITE}/litellm_init.pth`, content: PTH }] }], [f]);
    const r = judge(p, [f]);
    expect(r.verdict).toBe('affected');
    expect(r.matches).toMatchObject([{ matchedBy: 'file', matchKind: kind, name: `/${SITE}/litellm_init.pth`, paths: [`/${SITE}/litellm_init.pth`], layer: layers[1], inFinalFilesystem: true }]);
    expect(r.reasons[0]).toContain(`file /${SITE}/litellm_init.pth (layer ${layers[1]}) matches teampcp`);
  });

  it('a file only in a layer a later one deleted is suspect, naming the layer that had it', async () => {
    const { p, layers } = await read([{ files: [{ path: `${SITE}/litellm_init.pth`, content: PTH }] }, { files: [{ path: `${SITE}/litellm_init.pth`, content: '', whiteout: true }] }], [both]);
    const r = judge(p, [both]);
    expect(r.verdict).toBe('suspect');
    expect(r.matches).toMatchObject([{ inFinalFilesystem: false, layer: layers[0] }]);
    expect(r.reasons[0]).toMatch(/was in layer sha256:[0-9a-f]{64} but deleted by a later layer/);
  });

  it('a file replaced by other content is suspect by hash (the build had it), not affected; by path it is affected', async () => {
    const layers: LayerSpec[] = [{ files: [{ path: `${SITE}/litellm_init.pth`, content: PTH }] }, { files: [{ path: `${SITE}/litellm_init.pth`, content: '# clean\n' }] }];
    expect(judge((await read(layers, [both])).p, [both]).verdict).toBe('suspect');
    const path = judge((await read(layers, [byPath])).p, [byPath]);
    expect(path.verdict).toBe('affected');
    // The same path in the final filesystem: the deleted copy adds nothing.
    expect(path.matches).toHaveLength(1);
  });

  it('an opaque folder hides a lower file: suspect', async () => {
    const { p } = await read([{ files: [{ path: `${SITE}/litellm_init.pth`, content: PTH }] }, { files: [{ path: SITE, content: '', opaque: true }, { path: `${SITE}/other.pth`, content: 'x' }] }], [byHash]);
    expect(judge(p, [byHash]).verdict).toBe('suspect');
  });

  it('false-positive guards: another name, another hash, another size, a relative-looking folder are clean', async () => {
    const layers: LayerSpec[] = [
      {
        files: [
          { path: `${SITE}/litellm_init.pth.bak`, content: PTH },
          { path: `opt/site-packages/litellm_init.pth`, content: PTH },
          { path: `${SITE}/xlitellm_init.pth`, content: PTH },
          { path: `${SITE}/litellm_init.pth`, content: `${PTH} ` },
        ],
      },
    ];
    const guards: FileIndicator[] = [{ path: '/usr/**/site-packages/litellm_init.pth', sha256: PTH_SHA }, { sha256: PTH_SHA, size: 3 }, { path: '/usr/lib/litellm_init.pth' }];
    const r = judge((await read(layers, guards)).p, guards);
    expect(r.matches).toEqual([]);
    expect(r.verdict).toBe('clean');
  });

  it('a symlinked folder: the file is matched at the path a program sees it by', async () => {
    const f: FileIndicator = { path: '/usr/lib/python3/site-packages/litellm_init.pth', sha256: PTH_SHA };
    const { p } = await read([{ files: [{ path: 'opt/py/site-packages/litellm_init.pth', content: PTH }, { path: 'usr/lib/python3', type: 'symlink', linkname: '/opt/py' }] }], [f]);
    const r = judge(p, [f]);
    expect(r.verdict).toBe('affected');
    expect(r.matches.map((m) => m.name)).toEqual(['/usr/lib/python3/site-packages/litellm_init.pth']);
  });

  it('a symlink named like the indicator is matched with its target content; a hard link copies its target', async () => {
    const layers: LayerSpec[] = [
      {
        files: [
          { path: 'tmp/litellm_init.pth', content: PTH },
          { path: `${SITE}/litellm_init.pth`, type: 'symlink', linkname: '/tmp/litellm_init.pth' },
          { path: 'srv/site-packages/litellm_init.pth', type: 'hardlink', linkname: 'tmp/litellm_init.pth' },
        ],
      },
    ];
    const f: FileIndicator = { path: '/**/site-packages/litellm_init.pth', sha256: PTH_SHA };
    const r = judge((await read(layers, [f])).p, [f]);
    expect(r.verdict).toBe('affected');
    expect(r.matches.map((m) => m.name).sort()).toEqual(['/srv/site-packages/litellm_init.pth', `/${SITE}/litellm_init.pth`]);
  });

  it('a symlink named like a hash indicator whose target was not hashed leaves the platform unknown', async () => {
    const f: FileIndicator = { path: '/**/litellm_init.pth', sha256: PTH_SHA };
    const { p } = await read([{ files: [{ path: 'tmp/blob', content: PTH }, { path: `${SITE}/litellm_init.pth`, type: 'symlink', linkname: '/tmp/blob' }] }], [f]);
    const r = judge(p, [f]);
    expect(r.verdict).toBe('unknown');
    expect(r.reasons.join('\n')).toMatch(/could not be checked .*symlink to \/tmp\/blob, whose content was not hashed/);
  });

  it('only files that could match are recorded and hashed; the rest stream past', async () => {
    const many = Array.from({ length: 200 }, (_, i) => ({ path: `data/f${i}.txt`, content: `file ${i}` }));
    const layers: LayerSpec[] = [{ files: [...many, { path: `${SITE}/litellm_init.pth`, content: PTH }] }];
    const named = (await read(layers, [both])).p.files!;
    expect(named.records.map((r) => r.path)).toEqual([`/${SITE}/litellm_init.pth`]);
    const sized = (await read(layers, [{ sha256: PTH_SHA, size: Buffer.byteLength(PTH) }])).p.files!;
    expect(sized.records.map((r) => r.path)).toEqual([`/${SITE}/litellm_init.pth`]);
    // A hash with neither path nor size can be any file: every one is hashed.
    const all = (await read(layers, [byHash])).p.files!;
    expect(all.records).toHaveLength(201);
    expect(all.records.every((r) => /^[0-9a-f]{64}$/.test(r.sha256 ?? ''))).toBe(true);
  });

  it('files a path cataloger reads (package.json) and large files are hashed too; packages are still found', async () => {
    const pkgJson = npmPackageFiles('app/node_modules', 'axios', '1.14.1');
    const content = Buffer.from(pkgJson[0]!.content as string);
    const f: FileIndicator = { sha256: createHash('sha256').update(content).digest('hex') };
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    const g: FileIndicator = { path: '/opt/big.bin', sha256: createHash('sha256').update(big).digest('hex') };
    const { p } = await read([{ files: [...pkgJson, { path: 'opt/big.bin', content: big }] }], [f, g]);
    expect(p.packages.map((x) => `${x.name}@${x.version}`)).toEqual(['axios@1.14.1']);
    const r = judge(p, [f, g]);
    expect(r.matches.map((m) => m.name).sort()).toEqual(['/app/node_modules/axios/package.json', '/opt/big.bin']);
  });

  it('without file indicators nothing is recorded', async () => {
    const built = await buildImageLayout(join(root, `img${n++}`), { platforms: [{ layers: [{ files: [{ path: 'a', content: PTH }] }] }] });
    const img = await readImage(await openOciDir(built.dir), { ref: 'x' });
    expect(img.platforms[0]!.files).toBeUndefined();
  });
});
