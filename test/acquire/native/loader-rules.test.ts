// Through the whole native path (image builder -> OCI layout -> readImage -> judgeImage): packages seen where
// the ecosystem's own loaders see them, and a build's download cache making the image suspect.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../../src/acquire/native/read-image.js';
import { openOciDir } from '../../../src/inventory/oci-dir.js';
import { buildIocIndex } from '../../../src/match/ioc-index.js';
import { judgeImage } from '../../../src/match/verdict.js';
import { incident, ioc, iocSet } from '../../match/helpers.js';
import { buildImageLayout, npmPackageFiles, zipFiles, type LayerSpec } from '../../helpers/image-builder.js';

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'loader-rules-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function scan(layers: LayerSpec[]) {
  const built = await buildImageLayout(join(root, `img${n++}`), { platforms: [{ layers }] });
  const img = await readImage(await openOciDir(built.dir), { ref: 'x' });
  const index = buildIocIndex(iocSet(incident('axios-2026-03', [ioc('npm', 'axios', ['1.14.1'])]), incident('litellm', [ioc('pypi', 'litellm', ['1.82.7'])])));
  return { p: img.platforms[0]!, judged: judgeImage(img, index) };
}
const ids = (p: { packages: { ecosystem: string; name: string; version: string }[] }) => p.packages.map((x) => `${x.ecosystem}:${x.name}@${x.version}`).sort();

describe('loader rules through the native reader', () => {
  it('a node_modules that is a symlink to another folder of the image (absolute, relative, through a linked parent) is read', async () => {
    for (const linkname of ['/srv/mods', '../srv/mods', '/data/mods']) {
      const { p, judged } = await scan([
        { files: [...npmPackageFiles('srv/mods', 'axios', '1.14.1'), { path: 'data', type: 'symlink', linkname: 'srv' }] },
        { files: [{ path: 'app/node_modules', type: 'symlink', linkname }] },
      ]);
      expect(p.errors).toEqual([]);
      expect(p.packages.find((x) => x.name === 'axios')?.paths).toEqual(['/app/node_modules/axios/package.json']);
      expect(judged.verdict).toBe('affected');
    }
  });

  it('a symlinked node_modules deleted by a later layer: nothing live in the final filesystem, but the build could load it (suspect)', async () => {
    const { p, judged } = await scan([{ files: [...npmPackageFiles('srv/mods', 'axios', '1.14.1'), { path: 'app/node_modules', type: 'symlink', linkname: '/srv/mods' }] }, { files: [{ path: 'app/node_modules', whiteout: true }] }]);
    expect(p.packages.filter((x) => !x.deleted)).toEqual([]);
    expect(p.packages.map((x) => [x.name, x.version, x.paths, x.deleted])).toEqual([['axios', '1.14.1', ['/app/node_modules/axios/package.json'], true]]);
    expect(judged.verdict).toBe('suspect');
  });

  it('a package file a later layer deleted is listed at the paths it was loadable by then, through the links of that time', async () => {
    // Layer 1 installs axios into /opt/nm and links /app/node_modules to it; layer 2 re-links to a clean tree;
    // layer 3 deletes /opt/nm. Never loadable at /opt/nm (not a node_modules folder), always by /app/node_modules.
    const { p, judged } = await scan([
      { files: [...npmPackageFiles('opt/nm', 'axios', '1.14.1'), { path: 'app/node_modules', type: 'symlink', linkname: '../opt/nm' }] },
      { files: [...npmPackageFiles('srv/clean', 'axios', '1.14.0'), { path: 'app/node_modules', type: 'symlink', linkname: '/srv/clean' }] },
      { files: [{ path: 'opt/nm', whiteout: true }] },
    ]);
    expect(p.packages.map((x) => [x.name, x.version, x.paths, !!x.deleted]).sort()).toEqual([
      ['axios', '1.14.0', ['/app/node_modules/axios/package.json'], false],
      ['axios', '1.14.1', ['/app/node_modules/axios/package.json'], true],
    ]);
    expect(judged.verdict).toBe('suspect');
  });

  it('Python: lower-case headers, egg-info folders with METADATA, .egg folders and zipped eggs', async () => {
    const egg = zipFiles([{ path: 'EGG-INFO/PKG-INFO', content: 'Metadata-Version: 1.1\nName: zipped\nVersion: 3.0\n' }]);
    const { p, judged } = await scan([
      {
        files: [
          { path: 'usr/lib/python3/site-packages/litellm-1.82.7.dist-info/METADATA', content: 'metadata-version: 2.1\nname: litellm\nversion: 1.82.7\n' },
          { path: 'usr/lib/python3/site-packages/six.egg-info/METADATA', content: 'Name: six\nVersion: 1.16.0\n' },
          { path: 'usr/lib/python3/site-packages/six.egg-info/PKG-INFO', content: 'Name: six\nVersion: 0.0-ignored\n' },
          { path: 'usr/lib/python3/site-packages/foo-1.0-py3.11.egg/EGG-INFO/PKG-INFO', content: 'Name: foo\nVersion: 1.0\n' },
          { path: 'usr/lib/python3/site-packages/zipped-3.0-py3.11.egg', content: egg },
        ],
      },
    ]);
    expect(p.errors).toEqual([]);
    expect(ids(p)).toEqual(['pypi:foo@1.0', 'pypi:litellm@1.82.7', 'pypi:six@1.16.0', 'pypi:zipped@3.0']);
    expect(judged.verdict).toBe('affected');
  });

  it('a non-root USER without HOME: its home from /etc/passwd is a Node global folder (runc sets HOME from it)', async () => {
    const passwd = 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n';
    const built = await buildImageLayout(join(root, `img${n++}`), { platforms: [{ process: { User: 'node:node' }, layers: [{ files: [{ path: 'etc/passwd', content: passwd }, ...npmPackageFiles('home/node/.node_modules', 'axios', '1.14.1')] }] }] });
    const p = (await readImage(await openOciDir(built.dir), { ref: 'x' })).platforms[0]!;
    expect(p.packages.find((x) => x.name === 'axios')?.location).toBeUndefined();
    expect(p.errors).toEqual([]);
    expect(ids(p)).toEqual(['npm:axios@1.14.1']);
    const nonePasswd = await buildImageLayout(join(root, `img${n++}`), { platforms: [{ process: { User: 'node' }, layers: [{ files: npmPackageFiles('home/node/.node_modules', 'axios', '1.14.1') }] }] });
    const q = (await readImage(await openOciDir(nonePasswd.dir), { ref: 'x' })).platforms[0]!;
    expect(q.notes).toEqual(expect.arrayContaining([expect.stringMatching(/\/etc\/passwd not read/)]));
  });

  it('Python: zips on sys.path (a .pth line, PYTHONPATH, pythonXY.zip) are read, zips on no path are not; too big or unreadable is unknown', async () => {
    const dist = (name: string, version: string) => zipFiles([{ path: `${name}-${version}.dist-info/METADATA`, content: `Name: ${name}\nVersion: ${version}\n` }]);
    const site = 'usr/local/lib/python3.13/site-packages';
    const { p, judged } = await scan([
      { files: [{ path: 'opt/lib.zip', content: dist('litellm', '1.82.7') }, { path: 'usr/share/python-wheels/six-1.16.0-py3-none-any.whl', content: dist('six', '1.16.0') }, { path: 'usr/local/lib/python313.zip', content: dist('stdlibby', '3.13') }] },
      // The .pth comes in a later layer than the zip it names: the zip is read again from its layer.
      { files: [{ path: `${site}/deps.pth`, content: 'import os\n# /usr/share/python-wheels/six-1.16.0-py3-none-any.whl\n/opt/lib.zip\n/opt/missing.zip\n' }] },
    ]);
    expect(p.errors).toEqual([]);
    expect(ids(p)).toEqual(['pypi:litellm@1.82.7', 'pypi:stdlibby@3.13']);
    expect(p.packages.find((x) => x.name === 'litellm')?.paths).toEqual(['/opt/lib.zip!/litellm-1.82.7.dist-info/METADATA']);
    expect(judged.verdict).toBe('affected');

    const built = await buildImageLayout(join(root, `img${n++}`), {
      platforms: [{ process: { Env: ['PYTHONPATH=/opt/big:/opt/broken.zip:/opt/nested.zip/lib'] }, layers: [{ files: [{ path: 'opt/big', content: zipFiles([{ path: 'litellm-1.82.7.dist-info/METADATA', content: `Name: litellm\nVersion: 1.82.7\n${'x'.repeat(2000)}`, store: true }]) }, { path: 'opt/broken.zip', content: Buffer.concat([Buffer.alloc(40, 1), Buffer.from('PK\x05\x06'), Buffer.alloc(18, 0xff)]) }, { path: 'opt/nested.zip', content: zipFiles([{ path: 'lib/deppy-1.0.dist-info/METADATA', content: 'Name: deppy\nVersion: 1.0\n' }]) }] }] }],
    });
    const q = (await readImage(await openOciDir(built.dir), { ref: 'x', limits: { maxZipBytes: 1000 } })).platforms[0]!;
    expect(ids(q)).toEqual(['pypi:deppy@1.0']);
    expect(q.packages[0]?.paths).toEqual(['/opt/nested.zip!/lib/deppy-1.0.dist-info/METADATA']);
    expect(q.errors).toEqual([expect.stringMatching(/opt\/big: on sys.path, \d+ bytes is over maxZipBytes/), expect.stringMatching(/opt\/broken.zip: on sys.path, not a zip/)]);
  });

  it("an IOC tarball in npm's _cacache makes the image suspect, saying the build fetched it", async () => {
    const entry = JSON.stringify({ key: 'make-fetch-happen:request-cache:https://registry.npmjs.org/axios/-/axios-1.14.1.tgz', integrity: 'sha512-x', time: 1, size: 1, metadata: {} });
    const { judged } = await scan([{ files: [{ path: 'root/.npm/_cacache/index-v5/3c/1f/0a9b8c', content: `\n0123456789abcdef0123456789abcdef01234567\t${entry}` }, ...npmPackageFiles('app/node_modules', 'axios', '1.14.0')] }]);
    expect(judged.verdict).toBe('suspect');
    expect(judged.reasons.join('\n')).toContain("axios@1.14.1 at /root/.npm/_cacache/index-v5/3c/1f/0a9b8c: its tarball is in npm's download cache (_cacache): the build fetched it");
  });

  it("Deno's npm cache and Bun's install cache are packages on disk: affected", async () => {
    for (const dir of ['deno-dir/npm/registry.npmjs.org/axios/1.14.1', 'root/.bun/install/cache/axios@1.14.1@@@1']) {
      const { judged } = await scan([{ files: [{ path: `${dir}/package.json`, content: JSON.stringify({ name: 'axios', version: '1.14.1' }) }] }]);
      expect(judged.verdict).toBe('affected');
    }
  });

  it('a rewritten name in node_modules/axios/package.json still finds axios (the folder is its identity)', async () => {
    const { judged } = await scan([{ files: [{ path: 'app/node_modules/axios/package.json', content: JSON.stringify({ name: 'totally-safe', version: '1.14.1' }) }] }]);
    expect(judged.verdict).toBe('affected');
  });

  it('a UTF-16 or truncated package.json is unknown with its path, not clean', async () => {
    for (const content of [Buffer.from('\ufeff{"name":"axios","version":"1.14.1"}', 'utf16le'), '{"name":"axios","vers']) {
      const { judged } = await scan([{ files: [{ path: 'app/node_modules/axios/package.json', content }] }]);
      expect(judged.verdict).toBe('unknown');
      expect(judged.reasons.join()).toContain('/app/node_modules/axios/package.json');
    }
  });

  // Found by test/oracle/node-resolve.test.ts: Node loads `require('axios')` through a link to a folder that holds
  // the link (or to the root), reading that folder's package.json; the link was dropped as "the tree inside itself".
  it('a package folder linked to a folder above it (or to the root) is the package that folder holds', async () => {
    for (const [at, linkname, pkg] of [
      ['app/node_modules/axios', '..', 'app/package.json'],
      ['app/node_modules/axios', '../..', 'package.json'],
      ['app/node_modules/axios', '/app', 'app/package.json'],
      ['node_modules/axios', '..', 'package.json'],
      ['srv/node_modules/axios', '/', 'package.json'],
    ] as const) {
      const { p, judged } = await scan([{ files: [{ path: pkg, content: JSON.stringify({ name: 'app', version: '1.14.1' }) }, { path: at, type: 'symlink', linkname }] }]);
      expect(p.errors).toEqual([]);
      expect(p.packages.find((x) => x.name === 'axios')?.paths).toEqual([`/${at}/package.json`]);
      expect(judged.verdict).toBe('affected');
    }
  });

  // Found by the same differential: reading <node_modules>/<name>/package.json through a loop fails with ELOOP,
  // which Node turns into ERR_INVALID_PACKAGE_CONFIG (require throws, it does not go on to the next node_modules).
  it('a symlink loop where node looks for a package (folder, scope, node_modules, seen through a linked folder) is unknown', async () => {
    const cases: [string, string][][] = [
      [['app/node_modules/axios', 'axios']],
      [['app/node_modules/@acme', '/app/node_modules/@acme2'], ['app/node_modules/@acme2', '@acme']],
      [['app/node_modules', '/app/node_modules']],
      [['srv/mods/axios', '/srv/mods/axios'], ['app/node_modules', '/srv/mods']],
    ];
    for (const links of cases) {
      const { judged } = await scan([{ files: [...npmPackageFiles('opt/node_modules', 'lodash', '4.17.21'), ...links.map(([path, linkname]) => ({ path, type: 'symlink' as const, linkname }))] }]);
      expect(judged.verdict).toBe('unknown');
      expect(judged.reasons.join()).toMatch(/symlink loop at \/app\/node_modules.*ELOOP/);
    }
    // A loop where node never looks (not a node_modules entry) changes nothing.
    const { judged } = await scan([{ files: [...npmPackageFiles('opt/node_modules', 'axios', '1.14.1'), { path: 'etc/loop', type: 'symlink', linkname: 'loop' }] }]);
    expect(judged.verdict).toBe('affected');
  });
});
