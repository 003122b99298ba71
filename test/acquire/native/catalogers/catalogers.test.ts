import { describe, expect, it } from 'vitest';
import { catalogerFor } from '../../../../src/acquire/native/catalogers/index.js';
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
    ['usr/lib/python3/site-packages/requests-2.31.0.dist-info/METADATA', 'python'],
    ['usr/lib/python3/site-packages/six.egg-info/PKG-INFO', 'python'],
    ['var/lib/dpkg/status', 'dpkg'],
    ['var/lib/dpkg/status.d/openssl', 'dpkg'],
    ['lib/apk/db/installed', 'apk'],
  ])('%s -> %s', (path, name) => {
    expect(catalogerFor(path)?.name).toBe(name);
  });

  it.each([
    'app/node_modules/axios/lib/package.json',
    'app/package.json',
    'app/node_modules/.bin/package.json',
    'app/node_modules/@scope/package.json',
    'app/node_modules/axios/package.json.bak',
    'app/.yarn/cache/readme.txt',
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

describe('malformed files become notes, never exceptions', () => {
  it.each([
    ['node_modules/x/package.json', '[1,2]', /not a JSON object/],
    ['node_modules/x/package.json', '', /not valid JSON/],
    ['node_modules/.package-lock.json', '{"lockfileVersion":3}', /no "packages" object/],
    ['a.dist-info/METADATA', 'Version: 1.0\n', /no Name header/],
    ['var/lib/dpkg/status', 'Status: install ok installed\nVersion: 1\n', /no Package field/],
    ['lib/apk/db/installed', 'V:1.0\nA:x86_64\n', /no P: line/],
    ['.yarn/cache/x-npm-1.0.0-0123456789-ab.zip', 'PK not really', /end-of-central-directory/],
  ])('%s: %s', (path, content, note) => {
    const r = run(path, content);
    expect(r.packages).toEqual([]);
    expect(r.notes.join()).toMatch(note);
  });
});

describe('cataloger details', () => {
  it('a package.json without a name takes the folder name; without a version, an empty one', () => {
    expect(ids(run('node_modules/@s/n/package.json', '{"description":"x"}'))).toEqual(['npm:@s/n@']);
  });

  it('an aliased install reports the real package name from package.json', () => {
    expect(ids(run('node_modules/my-alias/package.json', '{"name":"axios","version":"1.14.1"}'))).toEqual(['npm:axios@1.14.1']);
  });

  it('dpkg keeps only installed packages, folding continuation lines', () => {
    const status = 'Package: a\nStatus: install ok installed\nVersion: 1:2.0-1\nDescription: x\n more\n\nPackage: b\nStatus: install ok half-installed\nVersion: 1\n\nPackage: c\nStatus: deinstall ok config-files\nVersion: 1\n';
    expect(ids(run('var/lib/dpkg/status', status))).toEqual(['deb:a@1:2.0-1']);
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
    expect(r.notes.join()).toContain('node_modules/c/package.json: not valid JSON');
  });
});
