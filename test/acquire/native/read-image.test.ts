import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../../src/acquire/native/read-image.js';
import type { Package } from '../../../src/model/package.js';
import type { AcquiredImage } from '../../../src/model/target.js';
import { openOciDir } from '../../../src/inventory/oci-dir.js';
import { buildImageLayout, npmPackageFiles, type BuiltLayout, type ImageSpec, type LayerSpec, yarnCacheZip, dpkgStatus, apkInstalled, pythonDistInfo } from '../../helpers/image-builder.js';

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'read-image-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let lastBuilt: BuiltLayout;
async function read(spec: ImageSpec, opts: { platform?: string } = {}): Promise<AcquiredImage> {
  lastBuilt = await buildImageLayout(join(root, `img${n++}`), spec);
  return readImage(await openOciDir(lastBuilt.dir), { ref: 'test', ...opts });
}

function one(layers: LayerSpec[], extra: Partial<ImageSpec['platforms'][number]> = {}): ImageSpec {
  return { platforms: [{ layers, ...extra }] };
}

function names(pkgs: Package[]): string[] {
  return pkgs.filter((p) => !p.deleted).map((p) => `${p.ecosystem}:${p.name}@${p.version}`).sort();
}

describe('readImage: npm layouts', () => {
  it('finds nested and scoped node_modules, and ignores package.json deeper inside a package', async () => {
    const img = await read(
      one([
        {
          files: [
            ...npmPackageFiles('app/node_modules', 'axios', '1.14.1'),
            ...npmPackageFiles('app/node_modules', '@types/node', '22.0.0'),
            ...npmPackageFiles('app/node_modules', '@scope/pkg', '2.0.0'),
            ...npmPackageFiles('app/node_modules/axios/node_modules', 'plain-crypto-js', '4.2.1'),
            { path: 'app/package.json', content: JSON.stringify({ name: 'my-app', version: '1.0.0' }) },
          ],
        },
      ]),
    );
    expect(img.errors).toEqual([]);
    const p = img.platforms[0]!;
    expect(p.errors).toEqual([]);
    expect(names(p.packages)).toEqual(['npm:@scope/pkg@2.0.0', 'npm:@types/node@22.0.0', 'npm:axios@1.14.1', 'npm:plain-crypto-js@4.2.1']);
    const axios = p.packages.find((x) => x.name === 'axios')!;
    expect(axios.paths).toEqual(['/app/node_modules/axios/package.json']);
    expect(axios.purl).toBe('pkg:npm/axios@1.14.1');
    expect(axios.layer).toMatch(/^sha256:/);
    expect(p.packages.find((x) => x.name === '@scope/pkg')?.purl).toBe('pkg:npm/%40scope/pkg@2.0.0');
    expect(p.evidence?.kind).toBe('native');
  });

  it('reads pnpm store folders and yarn unplugged folders', async () => {
    const img = await read(
      one([
        {
          files: [
            ...npmPackageFiles('app/node_modules/.pnpm/axios@1.14.1/node_modules', 'axios', '1.14.1'),
            { path: 'app/node_modules/axios', type: 'symlink', linkname: '.pnpm/axios@1.14.1/node_modules/axios' },
            ...npmPackageFiles('app/.yarn/unplugged/plain-crypto-js-npm-4.2.1-abc123/node_modules', 'plain-crypto-js', '4.2.1'),
            yarnCacheZip('app', 'axios', '1.14.0'),
            yarnCacheZip('app', '@scope/zipped', '3.1.0'),
            { path: 'app/.yarn/cache/broken-npm-1.0.0-x.zip', content: 'not a zip' },
          ],
        },
      ]),
    );
    const p = img.platforms[0]!;
    expect(names(p.packages)).toEqual(['npm:@scope/zipped@3.1.0', 'npm:axios@1.14.0', 'npm:axios@1.14.1', 'npm:plain-crypto-js@4.2.1']);
    expect(p.packages.find((x) => x.version === '1.14.0')?.paths).toEqual(['/app/.yarn/cache/axios-npm-1.14.0-0123456789-abcdef.zip/node_modules/axios/package.json']);
    expect(p.notes.join('\n')).toContain('broken-npm-1.0.0-x.zip');
    // Also where require('axios') finds it: through pnpm's symlink.
    expect(p.packages.find((x) => x.version === '1.14.1')?.paths).toEqual(['/app/node_modules/.pnpm/axios@1.14.1/node_modules/axios/package.json', '/app/node_modules/axios/package.json']);
  });

  it('reads npm hidden lockfiles, merging paths with package.json findings', async () => {
    const lock = {
      name: 'app',
      lockfileVersion: 3,
      packages: {
        'node_modules/axios': { version: '1.14.1' },
        'node_modules/axios/node_modules/plain-crypto-js': { version: '4.2.1' },
        'node_modules/aliased': { name: 'left-pad', version: '1.3.0' },
        'node_modules/my-workspace': { resolved: 'packages/ws', link: true },
      },
    };
    const img = await read(one([{ files: [{ path: 'app/node_modules/.package-lock.json', content: JSON.stringify(lock) }, ...npmPackageFiles('app/node_modules', 'axios', '1.14.1')] }]));
    const p = img.platforms[0]!;
    expect(names(p.packages)).toEqual(['npm:axios@1.14.1', 'npm:left-pad@1.3.0', 'npm:plain-crypto-js@4.2.1']);
    expect(p.packages.find((x) => x.name === 'axios')?.paths.sort()).toEqual(['/app/node_modules/.package-lock.json', '/app/node_modules/axios/package.json']);
  });

  it('a package.json that cannot be parsed makes the platform unknown, naming it, and the rest are still read', async () => {
    const img = await read(one([{ files: [{ path: 'node_modules/bad/package.json', content: '{not json' }, ...npmPackageFiles('node_modules', 'good', '1.0.0')] }]));
    const p = img.platforms[0]!;
    expect(p.errors).toEqual(['npm: cannot read /node_modules/bad/package.json: not valid JSON: the runtime cannot load it']);
    expect(names(p.packages)).toEqual(['npm:good@1.0.0']);
  });
});

describe('readImage: OS and Python packages', () => {
  it('reads dpkg status, distroless status.d, apk installed and Python metadata', async () => {
    const img = await read(
      one([
        {
          files: [
            { path: 'var/lib/dpkg/status', content: dpkgStatus([{ name: 'libc6', version: '2.36-9' }, { name: 'gone', version: '1.0', status: 'deinstall ok config-files' }]) },
            { path: 'var/lib/dpkg/status.d/openssl', content: 'Package: openssl\nVersion: 3.0.11-1\nArchitecture: amd64\n' },
            { path: 'var/lib/dpkg/status.d/openssl.md5sums', content: 'abc  usr/bin/openssl\n' },
            { path: 'lib/apk/db/installed', content: apkInstalled([{ name: 'musl', version: '1.2.4-r2' }, { name: 'busybox', version: '1.36.1-r5' }]) },
            pythonDistInfo('requests', '2.31.0'),
            { path: 'usr/lib/python3/dist-packages/six.egg-info/PKG-INFO', content: 'Metadata-Version: 1.0\nName: six\nVersion: 1.16.0\n' },
          ],
        },
      ]),
    );
    expect(names(img.platforms[0]!.packages)).toEqual([
      'apk:busybox@1.36.1-r5',
      'apk:musl@1.2.4-r2',
      'deb:libc6@2.36-9',
      'deb:openssl@3.0.11-1',
      'pypi:requests@2.31.0',
      'pypi:six@1.16.0',
    ]);
  });
});

describe('readImage: dpkg across layers', () => {
  it("a deleted layer's status file is read as it was, and with the journal a later layer left beside it", async () => {
    const journal = 'Package: xz-utils\nStatus: install ok installed\nVersion: 5.6.1+really5.4.5-1\nArchitecture: amd64\n\nPackage: tmpdep\nStatus: install ok unpacked\nVersion: 1\nArchitecture: all\n';
    const img = await read(
      one([
        { files: [{ path: 'var/lib/dpkg/status', content: dpkgStatus([{ name: 'xz-utils', version: '5.6.1-1' }, { name: 'libc6', version: '2.36-9' }]) }] },
        // A dpkg killed mid-upgrade: the status file stays as it was, the changes are in its journal.
        { files: [{ path: 'var/lib/dpkg/updates/0000', content: journal }] },
        // The next dpkg writes the journal into the status file, removes it, and purges tmpdep.
        { files: [{ path: 'var/lib/dpkg/status', content: dpkgStatus([{ name: 'xz-utils', version: '5.6.1+really5.4.5-1' }, { name: 'libc6', version: '2.36-9' }]) }, { path: 'var/lib/dpkg/updates/0000', content: '', whiteout: true }] },
      ]),
    );
    const p = img.platforms[0]!;
    expect(p.errors).toEqual([]);
    expect(names(p.packages)).toEqual(['deb:libc6@2.36-9', 'deb:xz-utils@5.6.1+really5.4.5-1']);
    expect(p.packages.filter((x) => x.deleted).map((x) => `${x.name}@${x.version}`).sort()).toEqual(['tmpdep@1', 'xz-utils@5.6.1-1']);
  });
});

describe('readImage: dpkg package identity', () => {
  const multiArch = ['amd64', 'i386'].map((arch) => `Package: libc6\nStatus: install ok installed\nMulti-Arch: same\nArchitecture: ${arch}\nSource: glibc\nVersion: 2.36-9+deb12u14\n`).join('\n') + '\nPackage: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nSource: zlib1g\nVersion: 1:1.2.13.dfsg-1\n\nPackage: bash\nStatus: install ok installed\nArchitecture: amd64\nSource: bash (5.2.15-2)\nVersion: 5.2.15-2+b13\n';

  it("a Multi-Arch: same library's instances are two packages, each with its architecture, the os-release distribution (etc/os-release a link written before its target, as Debian's tar has it) and its source (a binNMU's with the version in parentheses)", async () => {
    const img = await read(
      one([
        {
          files: [
            { path: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
            { path: 'usr/lib/os-release', content: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_ID="12"\nID=debian\n' },
            { path: 'var/lib/dpkg/status', content: multiArch },
          ],
        },
      ]),
    );
    const p = img.platforms[0]!;
    expect(p.errors).toEqual([]);
    expect(p.packages.map((x) => x.purl).sort()).toEqual([
      'pkg:deb/debian/bash@5.2.15-2+b13?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2',
      'pkg:deb/debian/libc6@2.36-9+deb12u14?arch=amd64&distro=debian-12&upstream=glibc',
      'pkg:deb/debian/libc6@2.36-9+deb12u14?arch=i386&distro=debian-12&upstream=glibc',
      'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12',
    ]);
  });

  it('with no os-release the purl has no namespace or distro, never a guessed one', async () => {
    const img = await read(one([{ files: [{ path: 'var/lib/dpkg/status', content: multiArch }] }]));
    expect(img.platforms[0]!.packages.map((x) => x.purl).sort()).toEqual([
      'pkg:deb/bash@5.2.15-2+b13?arch=amd64&upstream=bash%405.2.15-2',
      'pkg:deb/libc6@2.36-9+deb12u14?arch=amd64&upstream=glibc',
      'pkg:deb/libc6@2.36-9+deb12u14?arch=i386&upstream=glibc',
      'pkg:deb/zlib1g@1:1.2.13.dfsg-1?arch=amd64',
    ]);
  });
});

describe('readImage: whiteouts', () => {
  it('reports a package deleted by a later layer as deleted, with the layer that had it', async () => {
    const img = await read(one([{ files: npmPackageFiles('app/node_modules', 'axios', '1.14.1') }, { files: [{ path: 'app/node_modules/axios', whiteout: true }] }]));
    const p = img.platforms[0]!;
    expect(p.errors).toEqual([]);
    expect(names(p.packages)).toEqual([]);
    const axios = p.packages.find((x) => x.name === 'axios')!;
    expect(axios.deleted).toBe(true);
    expect(axios.layer).toBe(lastBuilt.images[0]!.platforms[0]!.layerDigests[0]);
    expect(axios.paths).toEqual(['/app/node_modules/axios/package.json']);
  });

  it('opaque directories hide lower content but keep the same layer\'s files', async () => {
    const img = await read(
      one([
        { files: [...npmPackageFiles('app/node_modules', 'axios', '1.14.1'), ...npmPackageFiles('srv/node_modules', 'kept', '1.0.0')] },
        // The folder has an entry of its own, as every builder writes it: containerd keeps what the layer unpacked.
        { files: [{ path: 'app/node_modules/axios', type: 'dir' }, ...npmPackageFiles('app/node_modules', 'axios', '1.14.0'), { path: 'app/node_modules', opaque: true }] },
      ]),
    );
    const p = img.platforms[0]!;
    expect(names(p.packages)).toEqual(['npm:axios@1.14.0', 'npm:kept@1.0.0']);
    expect(p.packages.filter((x) => x.deleted).map((x) => `${x.name}@${x.version}`)).toEqual(['axios@1.14.1']);
  });

  it('a member below a symlinked folder lands where the link points, as containerd places it (found by the layer-apply oracle)', async () => {
    const img = await read(
      one([
        { files: [{ path: 'srv/node_modules', type: 'dir' }, { path: 'app/node_modules', type: 'symlink', linkname: '/srv/node_modules' }] },
        // Written "into" the link: the runtime writes srv/node_modules/axios/package.json; a later link change must not hide it.
        { files: npmPackageFiles('app/node_modules', 'axios', '1.14.1') },
        { files: [{ path: 'app/node_modules', type: 'symlink', linkname: '/elsewhere' }] },
      ]),
    );
    const p = img.platforms[0]!;
    const axios = p.packages.find((x) => x.name === 'axios' && !x.deleted);
    expect(axios?.paths).toEqual(['/srv/node_modules/axios/package.json']);
  });

  it('a whiteout below a symlinked folder removes the file the link points at', async () => {
    const img = await read(
      one([
        { files: [{ path: 'app/node_modules', type: 'symlink', linkname: '../srv/node_modules' }, ...npmPackageFiles('srv/node_modules', 'axios', '1.14.1')] },
        { files: [{ path: 'app/node_modules/axios', content: '', whiteout: true }] },
      ]),
    );
    const p = img.platforms[0]!;
    expect(p.packages.filter((x) => !x.deleted).map((x) => x.name)).toEqual([]);
    expect(p.packages.filter((x) => x.deleted).map((x) => x.name)).toEqual(['axios']);
  });

  it('a package re-created unchanged is not reported as deleted; a replaced version is', async () => {
    const img = await read(
      one([
        { files: [...npmPackageFiles('a/node_modules', 'same', '1.0.0'), ...npmPackageFiles('a/node_modules', 'axios', '1.14.1')] },
        { files: [...npmPackageFiles('a/node_modules', 'same', '1.0.0'), ...npmPackageFiles('a/node_modules', 'axios', '1.14.2')] },
      ]),
    );
    const p = img.platforms[0]!;
    expect(names(p.packages)).toEqual(['npm:axios@1.14.2', 'npm:same@1.0.0']);
    expect(p.packages.filter((x) => x.deleted).map((x) => `${x.name}@${x.version}`)).toEqual(['axios@1.14.1']);
  });

  it('a symlink placed over a package directory hides the lower package', async () => {
    const img = await read(one([{ files: npmPackageFiles('node_modules', 'axios', '1.14.1') }, { files: [{ path: 'node_modules/axios', type: 'symlink', linkname: '/tmp' }] }]));
    const p = img.platforms[0]!;
    expect(names(p.packages)).toEqual([]);
    expect(p.packages.map((x) => x.deleted)).toEqual([true]);
  });
});

describe('readImage: links and cancellation', () => {
  it('reads a hard-linked package.json through its target, and a symlinked one where the runtime finds it, by its folder name', async () => {
    const img = await read(
      one([
        {
          files: [
            ...npmPackageFiles('a/node_modules', 'axios', '1.14.1'),
            { path: 'b/node_modules/axios/package.json', type: 'hardlink', linkname: 'a/node_modules/axios/package.json' },
            { path: 'c/node_modules/evil/package.json', type: 'symlink', linkname: '/a/node_modules/axios/package.json' },
          ],
        },
      ]),
    );
    const axios = img.platforms[0]!.packages;
    expect(axios.map((x) => [x.name, x.paths.sort()])).toEqual([
      ['axios', ['/a/node_modules/axios/package.json', '/b/node_modules/axios/package.json', '/c/node_modules/evil/package.json']],
      ['evil', ['/c/node_modules/evil/package.json']],
    ]);
    expect(img.platforms[0]!.notes.join('\n')).toContain('/c/node_modules/evil/package.json: package.json names it "axios"; the runtime loads it as "evil"');
  });

  it('reads a distutils egg-info file', async () => {
    const img = await read(one([{ files: [{ path: 'usr/lib/python3/dist-packages/chardet-3.0.4.egg-info', content: 'Metadata-Version: 1.1\nName: chardet\nVersion: 3.0.4\n' }] }]));
    expect(names(img.platforms[0]!.packages)).toEqual(['pypi:chardet@3.0.4']);
  });

  it('an aborted read makes the platform unknown', async () => {
    const controller = new AbortController();
    controller.abort();
    lastBuilt = await buildImageLayout(join(root, `img${n++}`), one([{ files: npmPackageFiles('a/node_modules', 'axios', '1.14.1') }]));
    const img = await readImage(await openOciDir(lastBuilt.dir), { ref: 'x', signal: controller.signal });
    expect(img.platforms[0]!.errors.join()).toMatch(/abort/i);
  });
});
