import { describe, expect, it } from 'vitest';
import { catalogerFor } from '../../../../src/acquire/native/catalogers/index.js';
import { yarnPnpCataloger } from '../../../../src/acquire/native/catalogers/yarn-pnp.js';
import { yarnZipCataloger } from '../../../../src/acquire/native/catalogers/yarn-zip.js';
import type { KeptFile } from '../../../../src/acquire/native/layered-files.js';
import { DEFAULT_LIMITS } from '../../../../src/acquire/native/limits.js';
import { zipFiles } from '../../../helpers/image-builder.js';

describe('which files a cataloger wants', () => {
  it.each([
    ['app/node_modules/axios/package.json', 'npm'],
    ['node_modules/@scope/pkg/package.json', 'npm'],
    ['a/node_modules/b/node_modules/c/package.json', 'npm'],
    ['app/node_modules/.pnpm/axios@1.14.1/node_modules/axios/package.json', 'npm'],
    ['app/.yarn/unplugged/axios-npm-1.14.1-abc/node_modules/axios/package.json', 'npm'],
    ['app/node_modules/.package-lock.json', 'npm-lockfile'],
    ['app/.yarn/cache/axios-npm-1.14.1-0123456789-abcdef.zip', 'yarn-zip'],
    ['root/.yarn/berry/cache/axios-npm-1.14.1-0123456789-abcdef.zip', 'yarn-zip'],
    ['usr/local/share/yarn/berry/cache/axios-npm-1.14.1-0123456789-10c0.zip', 'yarn-zip'],
    // Yarn's cache names wherever cacheFolder, globalFolder or YARN_CACHE_FOLDER put them (test/oracle/yarn-pnp.test.ts).
    ['var/cache/yarn/axios-npm-1.14.1-0123456789-abcdef.zip', 'yarn-zip'],
    ['opt/yarn/cache/@acme-http-npm-1.0.0-2b52b119dc-10c0.zip', 'yarn-zip'],
    ['app/deps/patched-mid-patch-9cea5b44a3-8.zip', 'yarn-zip'],
    ['app/.pnp.cjs', 'yarn-pnp'],
    ['.pnp.data.json', 'yarn-pnp'],
    // Bun's cache folders wherever bunfig.toml's [install.cache] dir puts them (test/oracle/bun-isolated.test.ts).
    ['opt/bun-cache/axios@1.14.1@@@1/package.json', 'npm'],
    ['usr/lib/python3/site-packages/requests-2.31.0.dist-info/METADATA', 'python'],
    ['usr/lib/python3/site-packages/six.egg-info/PKG-INFO', 'python'],
    ['var/lib/dpkg/status', 'dpkg'],
    ['var/lib/dpkg/status.d/openssl', 'dpkg'],
    ['lib/apk/db/installed', 'apk'],
    ['usr/lib/python3/site-packages/Foo-1.0.DIST-INFO/METADATA', 'python'],
    ['usr/lib/python3/site-packages/six.egg-info/METADATA', 'python'],
    ['usr/lib/python3/site-packages/six-1.0.EGG-INFO', 'python'],
    ['usr/lib/python3/site-packages/six-1.0-py3.11.egg/EGG-INFO/PKG-INFO', 'python'],
    ['usr/lib/python3/site-packages/six-1.0-py3.11.egg', 'python'],
    ['deno-dir/npm/registry.npmjs.org/axios/1.14.1/package.json', 'npm'],
    ['root/.bun/install/cache/axios@1.14.1@@@1/package.json', 'npm'],
    ['root/.npm/_cacache/index-v5/3c/1f/0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b', 'npm-cacache'],
  ])('%s -> %s', (path, name) => {
    expect(catalogerFor(path)?.name).toBe(name);
  });

  // Every package.json is kept (a symlinked node_modules may show it), but these are no package's location.
  it.each(['app/node_modules/axios/lib/package.json', 'app/package.json', 'app/node_modules/.bin/package.json', 'app/node_modules/@scope/package.json', 'npm/axios/1.0.0/package.json'])(
    '%s is kept and names no package',
    (path) => {
      expect(catalogerFor(path)?.name).toBe('npm');
      expect(catalogerFor(path)!.catalog(path, Buffer.from('{"name":"axios","version":"1.14.1"}'), DEFAULT_LIMITS)).toEqual({ packages: [], notes: [] });
    },
  );

  it.each([
    'app/node_modules/axios/package.json.bak',
    'app/.yarn/cache/readme.txt',
    'srv/downloads/axios-1.14.1.zip',
    'app/pnp.cjs',
    'var/lib/dpkg/status-old',
    'var/lib/dpkg/status.d/openssl.md5sums',
    'usr/lib/python3/site-packages/requests-2.31.0.dist-info/RECORD',
    'home/lib/apk/db/installed',
  ])('%s -> none', (path) => {
    expect(catalogerFor(path)).toBeUndefined();
  });
});

function run(path: string, content: string | Buffer) {
  return catalogerFor(path)!.catalog(path, Buffer.from(content), DEFAULT_LIMITS);
}
const ids = (r: ReturnType<typeof run>) => r.packages.map((p) => `${p.ecosystem}:${p.name}@${p.version}`);

describe('malformed files: an error where the loader fails on it, a note where it ignores it; never exceptions', () => {
  it.each<[string, string | Buffer, 'errors' | 'notes', RegExp]>([
    ['node_modules/x/package.json', '[1,2]', 'errors', /not a JSON object/],
    ['node_modules/x/package.json', '', 'errors', /not valid JSON/],
    ['node_modules/x/package.json', '{"name":"x","vers', 'errors', /not valid JSON/],
    ['node_modules/x/package.json', Buffer.from('\ufeff{"name":"x","version":"1"}', 'utf16le'), 'errors', /not UTF-8/],
    ['deno/npm/registry.npmjs.org/x/1.0.0/package.json', '{', 'errors', /not valid JSON/],
    ['node_modules/.package-lock.json', '{"lockfileVersion":3}', 'notes', /no "packages" object/],
    ['a.dist-info/METADATA', 'Version: 1.0\n', 'errors', /no Name header/],
    ['a.dist-info/METADATA', Buffer.from([0x4e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xff, 0x0a]), 'errors', /not UTF-8/],
    ['a.dist-info/METADATA', '', 'errors', /empty METADATA and no PKG-INFO/],
    ['a.egg-info', 'Metadata-Version: 1.1\nVersion: 1\n', 'errors', /no Name header/],
    ['var/lib/dpkg/status', 'Status: install ok installed\nVersion: 1\n', 'errors', /missing 'Package' field/],
    ['lib/apk/db/installed', 'V:1.0\nA:x86_64\n', 'notes', /no P: line/],
    ['.yarn/cache/x-npm-1.0.0-0123456789-ab.zip', 'PK not really', 'notes', /end-of-central-directory/],
    ['x/foo-1.0.egg', 'not a zip', 'notes', /not a zipped egg/],
    ['app/.pnp.cjs', "const RAW_RUNTIME_STATE =\n'{\\\n  \"packageRegistryData\": [';\n", 'errors', /not valid JSON/],
    ['app/.pnp.data.json', '{"packageRegistryData": {}}', 'errors', /packageRegistryData/],
    ['app/.pnp.data.json', Buffer.from([0x7b, 0xff]), 'errors', /not UTF-8/],
  ])('%s: %s', (path, content, kind, text) => {
    const r = run(path, content);
    expect(r.packages).toEqual([]);
    expect((r[kind] ?? []).join()).toMatch(text);
  });
});

describe('cataloger details', () => {
  it('a package.json without a name takes the folder name; without a version, an empty one', () => {
    expect(ids(run('node_modules/@s/n/package.json', '{"description":"x"}'))).toEqual(['npm:@s/n@']);
  });

  it('a package.json whose name disagrees with its folder: listed under the folder name (what require() finds) and its own, with a note', () => {
    const r = run('node_modules/my-alias/package.json', '{"name":"axios","version":"1.14.1"}');
    expect(ids(r)).toEqual(['npm:my-alias@1.14.1', 'npm:axios@1.14.1']);
    expect(r.notes).toEqual(['npm: /node_modules/my-alias/package.json: package.json names it "axios"; the runtime loads it as "my-alias"; listed under both names']);
    expect(ids(run('node_modules/axios/package.json', '{"name":"not-axios","version":"1.14.1"}'))).toEqual(['npm:axios@1.14.1', 'npm:not-axios@1.14.1']);
  });

  it("Deno's and Bun's caches: the folder names the package; the version is package.json's, the folder's too when they differ", () => {
    expect(ids(run('deno-dir/npm/registry.npmjs.org/@scope/pkg/2.0.0_1/package.json', '{"name":"@scope/pkg","version":"2.0.0"}'))).toEqual(['npm:@scope/pkg@2.0.0']);
    // Deno names a capitalised package by the base32 of its name, and a registry by host, port and path.
    expect(ids(run('root/.cache/deno/npm/localhost_4873/_ijuwottbnvsq/4.0.0/package.json', '{"version":"4.0.0"}'))).toEqual(['npm:BigName@4.0.0']);
    expect(ids(run('root/.cache/deno/npm/corp.example/api/npm/remote/_ijuwottbnvsq/4.0.0/package.json', '{"name":"BigName","version":"4.0.0"}'))).toEqual(['npm:BigName@4.0.0']);
    expect(ids(run('root/.cache/deno/npm/4873/_notbase32x/1.0.0/package.json', '{"version":"1.0.0"}'))).toEqual(['npm:_notbase32x@1.0.0']);
    expect(ids(run('root/.bun/install/cache/@scope/pkg@2.0.0@@@1/package.json', '{"name":"@scope/pkg","version":"2.0.0"}'))).toEqual(['npm:@scope/pkg@2.0.0']);
    expect(ids(run('root/.bun/install/cache/axios@1.14.1@@@1/package.json', '{"name":"axios","version":"1.14.0"}'))).toEqual(['npm:axios@1.14.0', 'npm:axios@1.14.1']);
  });

  it("npm's _cacache: tarball keys (any registry, scoped, %2f, deleted entries) name packages in the download cache; packuments do not", () => {
    const line = (key: string, integrity: string | null = 'sha512-x') => `0123456789abcdef0123456789abcdef01234567\t${JSON.stringify({ key, integrity, time: 1, size: 1, metadata: {} })}`;
    const bucket = [
      line('make-fetch-happen:request-cache:https://registry.npmjs.org/axios/-/axios-1.14.1.tgz'),
      line('make-fetch-happen:request-cache:https://registry.npmjs.org/@scope/pkg/-/pkg-2.0.0-beta.1.tgz'),
      line('make-fetch-happen:request-cache:https://mirror.example/api/npm/npm-remote/@s%2fx/-/x-3.0.0.tgz', null),
      line('make-fetch-happen:request-cache:https://registry.npmjs.org/axios'),
      line('pacote:tarball:axios@1.14.1'),
      line('make-fetch-happen:request-cache:https://downloads.example/vendor/axios-1.14.1.tgz'),
      'garbage line',
    ].join('\n');
    const r = run('root/.npm/_cacache/index-v5/3c/1f/0a9b', bucket);
    expect(ids(r)).toEqual(['npm:axios@1.14.1', 'npm:@scope/pkg@2.0.0-beta.1', 'npm:@s/x@3.0.0']);
    expect(r.packages.map((p) => p.location)).toEqual(['download-cache', 'download-cache', 'download-cache']);
    expect(r.notes.join()).toContain('1 line(s) that are not index entries');
    expect(r.notes.join()).toContain('1 tarball(s) fetched from addresses that name no package');
  });

  it('dpkg keeps the packages whose files are on disk (not config-files), folding continuation lines', () => {
    const status = 'Package: a\nStatus: install ok installed\nVersion: 1:2.0-1\nDescription: x\n more\n\nPackage: b\nStatus: install ok half-installed\nVersion: 1\n\nPackage: c\nStatus: deinstall ok config-files\nVersion: 1\n';
    expect(ids(run('var/lib/dpkg/status', status))).toEqual(['deb:a@1:2.0-1', 'deb:b@1']);
  });

  it('dpkg status wants its final newline as dpkg-query does; a distroless status.d file, read by no dpkg, does not', () => {
    expect(run('var/lib/dpkg/status', 'Package: a\nStatus: install ok installed\nVersion: 1').errors?.join()).toMatch(/line 3: no newline at the end/);
    expect(ids(run('var/lib/dpkg/status.d/openssl', 'Package: openssl\nVersion: 3.0.11-1\nArchitecture: amd64'))).toEqual(['deb:openssl@3.0.11-1']);
  });

  it('python reads headers as email.parser does: names in any case, first wins, the body ignored', () => {
    expect(ids(run('x.dist-info/METADATA', 'metadata-version: 2.1\nname: litellm\nVERSION: 1.82.7\n'))).toEqual(['pypi:litellm@1.82.7']);
    expect(ids(run('x.dist-info/METADATA', 'Name: first\nName: second\nVersion: 1\n'))).toEqual(['pypi:first@1']);
    expect(ids(run('x.dist-info/METADATA', 'Name:\tlitellm\r\nVersion:1.82.7\r\n'))).toEqual(['pypi:litellm@1.82.7']);
    // A line that is not a header ends the headers: what follows is body.
    expect(run('x.dist-info/METADATA', 'Metadata-Version: 2.1\nbad line\nName: hidden\n').errors?.join()).toMatch(/no Name header/);
  });

  it('python reads only the header block', () => {
    expect(ids(run('x.dist-info/METADATA', 'Name: Foo_Bar\nVersion: 1.0\n\nName: body\n'))).toEqual(['pypi:Foo_Bar@1.0']);
    expect(run('x.dist-info/METADATA', 'Name: Foo_Bar\nVersion: 1.0\n').packages[0]?.purl).toBe('pkg:pypi/foo-bar@1.0');
  });

  it('yarn zips: stored and deflated entries, only node_modules/<name>/package.json', () => {
    const zip = zipFiles([
      { path: 'node_modules/a/package.json', content: '{"name":"a","version":"1.0.0"}', store: true },
      { path: 'node_modules/@s/b/package.json', content: '{"name":"@s/b","version":"2.0.0"}' },
      { path: 'node_modules/a/lib/package.json', content: '{"name":"inner","version":"0"}' },
      { path: 'node_modules/c/package.json', content: '{broken' },
    ]);
    const r = run('.yarn/cache/a-npm-1.0.0-0123456789-ab.zip', zip);
    expect(ids(r)).toEqual(['npm:a@1.0.0', 'npm:@s/b@2.0.0']);
    // Plug'n'Play cannot load a package whose package.json does not parse: unknown, as in node_modules.
    expect((r.errors ?? []).join()).toContain('node_modules/c/package.json: not valid JSON');
  });

  // The state as Yarn 4 inlines it (a single-quoted string, `\` before each line break) and as Yarn 3 does.
  const pnpState = (entries: unknown[]) => JSON.stringify({ packageRegistryData: entries }, null, 2).replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\\n');
  const registry = [
    [null, [[null, { packageLocation: './', linkType: 'SOFT' }]]],
    ['app', [['workspace:.', { packageLocation: './', linkType: 'SOFT' }]]],
    ['ws-a', [['workspace:packages/ws-a', { packageLocation: './packages/ws-a/', linkType: 'SOFT' }]]],
    ['vendored', [['portal:../vendor/axios::locator=app%40workspace%3A.', { packageLocation: '../vendor/axios/', linkType: 'SOFT' }]]],
    ['gone', [['link:./gone::locator=app%40workspace%3A.', { packageLocation: './gone/', linkType: 'SOFT' }]]],
    ['leaf', [['npm:1.0.0', { packageLocation: './.yarn/cache/leaf-npm-1.0.0-0123456789-ab.zip/node_modules/leaf/', linkType: 'HARD' }]]],
  ];
  const files = new Map<string, string>([
    ['app/package.json', '{"name":"app","version":"1.0.0"}'],
    ['app/packages/ws-a/package.json', '{"name":"ws-a","version":"0.1.0"}'],
    ['vendor/axios/package.json', '{"name":"axios","version":"1.14.1"}'],
  ]);
  const lookup = (p: string) => (files.has(p) ? ({ path: p, content: Buffer.from(files.get(p)!) } as unknown as KeptFile) : undefined);
  it.each([
    ['Yarn 4', `#!/usr/bin/env node\n"use strict";\n\nconst RAW_RUNTIME_STATE =\n'${pnpState(registry)}';\n`],
    ['Yarn 3', `function $$SETUP_STATE(hydrateRuntimeState, basePath) {\n  return hydrateRuntimeState(JSON.parse('${pnpState(registry)}'), {basePath});\n}\n`],
  ])(".pnp.cjs (%s): the SOFT locators' folders by the name the map gives them, not the top-level workspace", (_, text) => {
    const r = yarnPnpCataloger.catalog('app/.pnp.cjs', Buffer.from(text), DEFAULT_LIMITS, lookup);
    expect(ids(r).sort()).toEqual(['npm:axios@1.14.1', 'npm:vendored@1.14.1', 'npm:ws-a@0.1.0']);
    expect(r.notes.join()).toMatch(/package.json names it "axios"; the runtime loads it as "vendored"/);
    expect(r.errors).toBeUndefined();
    // The state written to .pnp.data.json (pnpEnableInlining: false): a .pnp.cjs without it names nothing itself.
    expect(ids(yarnPnpCataloger.catalog('app/.pnp.data.json', Buffer.from(JSON.stringify({ packageRegistryData: registry })), DEFAULT_LIMITS, lookup)).sort()).toEqual(ids(r).sort());
    expect(yarnPnpCataloger.catalog('app/.pnp.cjs', Buffer.from('"use strict";\n'), DEFAULT_LIMITS, lookup)).toEqual({ packages: [], notes: [] });
    expect(yarnPnpCataloger.catalogUnread('app/.pnp.cjs', 1e9).errors?.join()).toMatch(/over the limit maxFileBytes/);
  });

  it("yarn zips: the zip's folder is the package's identity (a patch: or file: dependency under another name)", () => {
    const zip = zipFiles([{ path: 'node_modules/patched-mid/package.json', content: '{"name":"mid","version":"2.0.0"}' }]);
    const r = run('.yarn/cache/patched-mid-patch-9cea5b44a3-5426342ec9.zip', zip);
    expect(ids(r)).toEqual(['npm:patched-mid@2.0.0', 'npm:mid@2.0.0']);
    expect(r.notes.join()).toContain('package.json names it "mid"');
  });

  // Yarn's file names (structUtils.slugifyLocator + checksum or cache key), as Yarn 3 and 4 write them (test/oracle/yarn-berry-cache.test.ts).
  it.each([
    ['@acme-util-npm-0.1.5-071d0c13e9-f31aae5b2e.zip', ['@acme/util@0.1.5'], false],
    ['leaf-npm-3.0.0-beta.1-43df8d6f65-10c0.zip', ['leaf@3.0.0-beta.1'], false],
    ['my-npm-tool-npm-1.0.0-17836bb0a5-8.zip', ['my-npm-tool@1.0.0'], false],
    ['@my-org-pkg-npm-1.0.0-17836bb0a5-10c0.zip', ['@my/org-pkg@1.0.0', '@my-org/pkg@1.0.0'], false],
    ['patched-mid-patch-9cea5b44a3-5426342ec9.zip', ['patched-mid@'], true],
    ['tarred-file-b371ab748d-10c0.zip', ['tarred@'], true],
    ['urlpkg-http-42bb2eca2a-d96694d470.zip', ['urlpkg@'], true],
    ['not-a-cache-name.zip', [], true],
  ])('a yarn zip over the limit is named by its file name: %s', (file, want, unknown) => {
    const r = yarnZipCataloger.catalogUnread(`app/.yarn/cache/${file}`, 1e9);
    expect(r.packages.map((p) => `${p.name}@${p.version}`)).toEqual(want);
    expect((r.errors ?? []).length > 0).toBe(unknown);
  });

  // Bun's cache folders, as bun 1.1, 1.2 and 1.4 write them (test/oracle/bun-install-cache.test.ts).
  it.each([
    ['leaf@1.2.0@@@1', '{"name":"leaf","version":"1.2.0"}', ['npm:leaf@1.2.0'], 0],
    ['leaf@1.2.0@@127.0.0.1__4a140454325def3b@@@1', '{"name":"leaf","version":"1.2.0"}', ['npm:leaf@1.2.0'], 0],
    ['leaf@3.0.0-c0734e9369ab610d@@@1', '{"name":"leaf","version":"3.0.0-beta.1"}', ['npm:leaf@3.0.0-beta.1'], 0],
    ['@acme/util@0.1.5+BAA767C3E245FB17@@registry.example__ab@@@1', '{"name":"@acme/util","version":"0.1.5+build.7"}', ['npm:@acme/util@0.1.5+build.7'], 0],
    ['dot.name@1.0.0@@@1_patch_hash=9b017a1a905a9eb8', '{"name":"dot.name","version":"1.0.0"}', ['npm:dot.name@1.0.0'], 0],
    ['@G@510253fa72b3a73a35b606dc326154686cab9a46', '{"name":"gitdep","version":"0.5.0-alpha"}', ['npm:gitdep@0.5.0-alpha'], 0],
    ['@T@sha512-013fdd2a559c9387f00fa071c66b24ae@@@1', '{"name":"urlpkg","version":"1.0.0"}', ['npm:urlpkg@1.0.0'], 0],
    // A hashed tag that cannot be the package.json's version: listed as package.json says, noted.
    ['leaf@3.0.0-c0734e9369ab610d@@@1', '{"name":"leaf","version":"3.0.0"}', ['npm:leaf@3.0.0'], 1],
  ])('bun cache folder %s', (folder, json, want, notes) => {
    const r = run(`root/.bun/install/cache/${folder}/package.json`, json);
    expect(ids(r)).toEqual(want);
    expect(r.notes).toHaveLength(notes);
  });

  it('a bun git or tarball folder whose package.json has no name is unknown', () => {
    expect(run('root/.bun/install/cache/@G@510253fa/package.json', '{"version":"1.0.0"}').errors?.join()).toContain('names no package');
  });
});
