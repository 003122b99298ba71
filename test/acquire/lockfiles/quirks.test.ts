// Format details the fixtures do not cover: peer suffixes, aliases, nested installs, scoped parents.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bunLockParser } from '../../../src/acquire/lockfiles/bun.js';
import { npmLockParser } from '../../../src/acquire/lockfiles/npm.js';
import { pnpmLockParser } from '../../../src/acquire/lockfiles/pnpm.js';
import { yarnLockParser } from '../../../src/acquire/lockfiles/yarn.js';
import type { Package } from '../../../src/model/package.js';
import { buildTar } from '../../helpers/tar.js';

const summary = (packages: Package[]) => packages.map((p) => `${p.name}@${p.version} <- ${p.dependencyPath?.join(' > ') ?? '?'}`).sort();

describe('pnpm', () => {
  it('v5 drops `_peer` suffixes and follows a dependency to its peer variant', () => {
    const text = [
      'lockfileVersion: 5.3',
      'dependencies:',
      '  react-dom: 18.2.0_react@18.2.0',
      'packages:',
      '  /react-dom/18.2.0_react@18.2.0:',
      '    dependencies:',
      '      scheduler: 0.23.0',
      '  /scheduler/0.23.0:',
      '    dev: false',
    ].join('\n');
    expect(summary(pnpmLockParser.parse(text, '/pnpm-lock.yaml').packages)).toEqual(['react-dom@18.2.0 <- ', 'scheduler@0.23.0 <- react-dom@18.2.0']);
  });

  it('v9 resolves an alias written as `real@version`, skips workspace links', () => {
    const text = [
      "lockfileVersion: '9.0'",
      'importers:',
      '  .:',
      '    dependencies:',
      '      sw-cjs: {specifier: npm:string-width@^4, version: string-width@4.2.3}',
      '      local: {specifier: workspace:*, version: link:packages/local}',
      'packages:',
      '  string-width@4.2.3: {resolution: {integrity: sha512-x}}',
      'snapshots:',
      '  string-width@4.2.3: {}',
    ].join('\n');
    expect(summary(pnpmLockParser.parse(text, '/pnpm-lock.yaml').packages)).toEqual(['string-width@4.2.3 <- ']);
  });
});

describe('npm', () => {
  it('prefers the copy nested under the requiring package over the hoisted one', () => {
    const doc = {
      lockfileVersion: 3,
      packages: {
        '': { dependencies: { a: '1', 'plain-crypto-js': '4.2.0' } },
        'node_modules/a': { version: '1.0.0', dependencies: { 'plain-crypto-js': '^4.2.1' } },
        'node_modules/a/node_modules/plain-crypto-js': { version: '4.2.1' },
        'node_modules/plain-crypto-js': { version: '4.2.0' },
      },
    };
    expect(summary(npmLockParser.parse(JSON.stringify(doc), '/package-lock.json').packages)).toEqual([
      'a@1.0.0 <- ',
      'plain-crypto-js@4.2.0 <- ',
      'plain-crypto-js@4.2.1 <- a@1.0.0',
    ]);
  });

  it('reads an alias by the package it installs', () => {
    const doc = { lockfileVersion: 1, dependencies: { ax: { version: 'npm:axios@1.14.1' } } };
    expect(summary(npmLockParser.parse(JSON.stringify(doc), '/package-lock.json').packages)).toEqual(['axios@1.14.1 <- ']);
  });

  // As `npm install --lockfile-version 1` (npm 11) and npm 6 write them (test/oracle/package-lock.test.ts): a
  // `file:` folder is a link to the project's own folder, and what is nested under it is installed there.
  it('v1: a `file:` folder or workspace is the project own, its nested packages in that folder', () => {
    const doc = {
      lockfileVersion: 1,
      dependencies: {
        '@app/ws': { version: 'file:packages/ws', requires: { leaf: '^1.0.0' }, dependencies: { leaf: { version: '1.2.0' } } },
        localdir: { version: 'file:localdir', requires: { BigName: '*' } },
        BigName: { version: '4.0.0' },
        mid: { version: '1.0.0', requires: { leaf: '^2.0.0' } },
        leaf: { version: '2.0.0' },
      },
    };
    const manifest = { dependencies: { localdir: 'file:./localdir', mid: '^1.0.0' }, workspaces: ['packages/*'] };
    const result = npmLockParser.parse(JSON.stringify(doc), '/package-lock.json', { manifest });
    // The workspace finds its own leaf in packages/ws/node_modules; the hoisted one only mid needs.
    expect(summary(result.packages)).toEqual(['BigName@4.0.0 <- ', 'leaf@1.2.0 <- ', 'leaf@2.0.0 <- mid@1.0.0', 'mid@1.0.0 <- ']);
  });

  // npm 7+ leaves peer dependencies out of v1 `requires`: with package.json beside it, a package nobody requires
  // and the project does not declare is some package's peer, not a direct dependency (no chain is claimed).
  it('v1: a package nobody requires is not called direct when package.json says what is', () => {
    const doc = { lockfileVersion: 1, dependencies: { plugin: { version: '1.0.0', requires: { 'dot.name': '*' } }, 'dot.name': { version: '1.0.0' }, leaf: { version: '2.0.0' } } };
    const parse = (manifest?: unknown) => summary(npmLockParser.parse(JSON.stringify(doc), '/package-lock.json', manifest ? { manifest } : undefined).packages);
    expect(parse({ devDependencies: { plugin: '^1.0.0' } })).toEqual(['dot.name@1.0.0 <- plugin@1.0.0', 'leaf@2.0.0 <- ?', 'plugin@1.0.0 <- ']);
    // Without package.json, what nobody requires is all there is to tell the project's own from the rest.
    expect(parse()).toEqual(['dot.name@1.0.0 <- plugin@1.0.0', 'leaf@2.0.0 <- ', 'plugin@1.0.0 <- ']);
  });

  // npm records these by their source in place of a version and reads the version from the tarball's file name
  // (<name>-<semver>.tgz; a registry-layout URL names the package too); a git dependency's is not recorded.
  it('v1: a git, `file:` tarball or URL source has the version its tarball file name says, or none', () => {
    const host = 'http://127.0.0.1:4873';
    const doc = {
      lockfileVersion: 1,
      dependencies: {
        gitdep: { version: 'git+file:///src/gitdep#05f9bf018735121ffd13ae343d02b86f9af38c5d', from: 'gitdep@git+file:///src/gitdep#v1' },
        tarred: { version: 'file:vendor/tarred-1.0.0.tgz', integrity: 'sha512-URTG9H262nST9Grx6hVtIy1zNvS18mhJBBWe/1su+d2kNcVn60TtbS2eTG9573sOUqINmjKK1qVGDRczGc0jJw==' },
        plain: { version: 'file:vendor/plain.tgz' },
        '@acme/scoped': { version: 'file:../vendor/scoped-0.2.0-rc.1.tgz' },
        urlpkg: { version: `${host}/urlpkg/-/urlpkg-1.0.0.tgz` },
        renamed: { version: `${host}/@acme%2fother/-/other-2.0.0.tgz` },
        mirrored: { version: `${host}/files/-/mirrored-1.0.0.tgz` },
      },
    };
    const result = npmLockParser.parse(JSON.stringify(doc), '/package-lock.json');
    expect(summary(result.packages)).toEqual([
      '@acme/other@2.0.0 <- ',
      '@acme/scoped@0.2.0-rc.1 <- ',
      'gitdep@ <- ',
      'mirrored@ <- ',
      'plain@ <- ',
      'tarred@1.0.0 <- ',
      'urlpkg@1.0.0 <- ',
    ]);
    expect(result.packages.find((p) => p.name === 'urlpkg')?.resolved).toBe(`${host}/urlpkg/-/urlpkg-1.0.0.tgz`);
    expect(result.notes).toContain(
      "/package-lock.json: node_modules/tarred is file:vendor/tarred-1.0.0.tgz: lockfileVersion 1 records where it came from, not its version; tarred@1.0.0 by its tarball's file name, as npm reads it",
    );
    expect(result.notes).toContain(
      '/package-lock.json: node_modules/gitdep is git+file:///src/gitdep#05f9bf018735121ffd13ae343d02b86f9af38c5d: lockfileVersion 1 records where it came from, not its version; listed without one',
    );
  });
});

describe('yarn', () => {
  it('classic: an alias installs the real package; a quoted scoped header is read', () => {
    const text = [
      '# yarn lockfile v1',
      '',
      '"@scope/app-dep@^1.0.0":',
      '  version "1.0.0"',
      '  dependencies:',
      '    http "npm:axios@1.14.1"',
      '',
      '"http@npm:axios@1.14.1":',
      '  version "1.14.1"',
    ].join('\n');
    expect(summary(yarnLockParser.parse(text, '/yarn.lock').packages)).toEqual(['@scope/app-dep@1.0.0 <- ', 'axios@1.14.1 <- @scope/app-dep@1.0.0']);
  });

  it('berry: a range written without `npm:` still finds its entry', () => {
    const text = [
      '__metadata:',
      '  version: 4',
      '"app@workspace:.":',
      '  version: 0.0.0-use.local',
      '  resolution: "app@workspace:."',
      '  dependencies:',
      '    axios: ^1.14.1',
      '"axios@npm:^1.14.1":',
      '  version: 1.14.1',
      '  resolution: "axios@npm:1.14.1"',
    ].join('\n');
    expect(summary(yarnLockParser.parse(text, '/yarn.lock').packages)).toEqual(['axios@1.14.1 <- ']);
  });

  // As Yarn 4 writes them (test/oracle/yarn-berry-lock.test.ts holds the real thing).
  it('berry: bindings after ::, a patch under an alias, link: and portal: folders, paths bound to their locator', () => {
    const text = [
      '__metadata:',
      '  version: 8',
      '"app@workspace:.":',
      '  version: 0.0.0-use.local',
      '  resolution: "app@workspace:."',
      '  dependencies:',
      '    "@acme/util": "npm:0.1.5"',
      '    http: "patch:axios@npm%3A1.14.1#./patches/x.patch"',
      '    linked: "link:./linked"',
      '    portaled: "portal:./portaled"',
      '    tarred: "file:./vendor/tarred-1.0.0.tgz"',
      '"@acme/util@npm:0.1.5":',
      '  version: 0.1.5',
      '  resolution: "@acme/util@npm:0.1.5::__archiveUrl=https%3A%2F%2Fnpm.example.com%2Facme-util-0.1.5.tgz"',
      '"http@patch:axios@npm%3A1.14.1#./patches/x.patch::locator=app%40workspace%3A.":',
      '  version: 1.14.1',
      '  resolution: "http@patch:axios@npm%3A1.14.1#./patches/x.patch::version=1.14.1&hash=a33adb&locator=app%40workspace%3A."',
      '"linked@link:./linked::locator=app%40workspace%3A.":',
      '  version: 0.0.0-use.local',
      '  resolution: "linked@link:./linked::locator=app%40workspace%3A."',
      '"portaled@portal:./portaled::locator=app%40workspace%3A.":',
      '  version: 0.0.0-use.local',
      '  resolution: "portaled@portal:./portaled::locator=app%40workspace%3A."',
      '  dependencies:',
      '    plain-crypto-js: "npm:^4.2.1"',
      '"plain-crypto-js@npm:^4.2.1":',
      '  version: 4.2.1',
      '  resolution: "plain-crypto-js@npm:4.2.1"',
      '"tarred@file:./vendor/tarred-1.0.0.tgz::locator=app%40workspace%3A.":',
      '  version: 1.0.0',
      '  resolution: "tarred@file:./vendor/tarred-1.0.0.tgz#./vendor/tarred-1.0.0.tgz::hash=872758&locator=app%40workspace%3A."',
    ].join('\n');
    const result = yarnLockParser.parse(text, '/yarn.lock');
    expect(summary(result.packages)).toEqual(['@acme/util@0.1.5 <- ', 'axios@1.14.1 <- ', 'plain-crypto-js@4.2.1 <- ', 'tarred@1.0.0 <- ']);
    expect(result.notes).toEqual([]);
  });

  it('berry: catalog: ranges come from the .yarnrc.yml beside the lockfile (Yarn 4.10+)', () => {
    const text = [
      '__metadata:',
      '  version: 10',
      '"app@workspace:.":',
      '  version: 0.0.0-use.local',
      '  resolution: "app@workspace:."',
      '  dependencies:',
      '    leaf: "catalog:"',
      '    mid: "catalog:beta"',
      '"leaf@npm:^1.0.0":',
      '  version: 1.2.0',
      '  resolution: "leaf@npm:1.2.0"',
      '"mid@npm:^2.0.0":',
      '  version: 2.0.0',
      '  resolution: "mid@npm:2.0.0"',
    ].join('\n');
    const rc = 'catalog:\n  leaf: ^1.0.0\ncatalogs:\n  beta:\n    mid: ^2.0.0\n';
    const readFile = (f: string) => (f === '/app/.yarnrc.yml' ? rc : (() => { throw new Error(`ENOENT ${f}`); })());
    const read = yarnLockParser.parse(text, '/app/yarn.lock', { readFile });
    expect(summary(read.packages)).toEqual(['leaf@1.2.0 <- ', 'mid@2.0.0 <- ']);
    expect(read.notes).toEqual([]);
    const unread = yarnLockParser.parse(text, '/app/yarn.lock', {});
    expect(summary(unread.packages)).toEqual(['leaf@1.2.0 <- ?', 'mid@2.0.0 <- ?']);
    expect(unread.notes).toEqual(['/app/yarn.lock: catalog: dependencies not followed for their dependency paths: /app/.yarnrc.yml is not readable']);
  });

  it("berry: a dependency that the project's resolutions replace is found under the replacement", () => {
    const text = [
      '__metadata:',
      '  version: 6',
      '"app@workspace:.":',
      '  version: 0.0.0-use.local',
      '  resolution: "app@workspace:."',
      '  dependencies:',
      '    "@acme/util": ~0.1.0',
      '    mid: ^1.0.0',
      '"@acme/util@npm:0.1.0":',
      '  version: 0.1.0',
      '  resolution: "@acme/util@npm:0.1.0"',
      '"mid@npm:^1.0.0":',
      '  version: 1.0.0',
      '  resolution: "mid@npm:1.0.0"',
      '  dependencies:',
      '    "@scope/leaf": ^1.0.0',
      '"@scope/leaf@npm:2.0.0":',
      '  version: 2.0.0',
      '  resolution: "@scope/leaf@npm:2.0.0"',
    ].join('\n');
    const manifest = { name: 'app', resolutions: { '@acme/util': '0.1.0', '**/mid/@scope/leaf@^1.0.0': '2.0.0' } };
    expect(summary(yarnLockParser.parse(text, '/yarn.lock', { manifest }).packages)).toEqual(['@acme/util@0.1.0 <- ', '@scope/leaf@2.0.0 <- mid@1.0.0', 'mid@1.0.0 <- ']);
  });
});

describe('bun', () => {
  it("resolves a workspace's own version nested under the workspace's name", () => {
    const text = `{
      "lockfileVersion": 1,
      "workspaces": {
        "": { "name": "root", "dependencies": { "axios": "^0.27.0" } },
        "packages/api": { "name": "@demo/api", "dependencies": { "axios": "1.14.1" } },
      },
      "packages": {
        "@demo/api": ["@demo/api@workspace:packages/api"],
        "@demo/api/axios": ["axios@1.14.1", "", { "dependencies": { "plain-crypto-js": "^4.2.1" } }, "sha512-a"],
        "axios": ["axios@0.27.2", "", {}, "sha512-b"],
        "plain-crypto-js": ["plain-crypto-js@4.2.1", "", {}, "sha512-c"],
      },
    }`;
    expect(summary(bunLockParser.parse(text, '/bun.lock').packages)).toEqual([
      'axios@0.27.2 <- ',
      'axios@1.14.1 <- ',
      'plain-crypto-js@4.2.1 <- axios@1.14.1',
    ]);
  });

  it('does not take a scoped parent for the package it depends on', () => {
    const text = `{
      // comments and trailing commas are part of the format
      "lockfileVersion": 1,
      "workspaces": { "": { "dependencies": { "@types/axios": "0.30.4", "other": "1", }, }, },
      "packages": {
        "@types/axios": ["@types/axios@0.30.4", "", { "dependencies": { "axios": "*" } }, "sha512-a"],
        "axios": ["axios@0.27.2", "", {}, "sha512-c"],
        "other": ["other@1.0.0", "", { "dependencies": { "axios": "^1.14.1" } }, "sha512-d"],
        "other/axios": ["axios@1.14.1", "", {}, "sha512-b"],
      },
    }`;
    expect(summary(bunLockParser.parse(text, '/bun.lock').packages)).toEqual([
      '@types/axios@0.30.4 <- ',
      'axios@0.27.2 <- @types/axios@0.30.4',
      'axios@1.14.1 <- other@1.0.0',
      'other@1.0.0 <- ',
    ]);
  });

  const SHA = Object.fromEntries(['a', 'b', 'c'].map((k) => [k, `sha512-${createHash('sha512').update(k).digest('base64')}`]));

  // As bun 1.4 writes them (test/oracle/bun-lock.test.ts holds the real thing).
  it.each([1, 2])('v%i: the root and links are the project; a folder is versioned by its package.json; git, tarball and URL entries by nothing', (version) => {
    const text = `{
      "lockfileVersion": ${version},
      "configVersion": 1,
      "workspaces": {
        "": { "name": "app", "dependencies": { "gitdep": "git+https://git.example.com/gitdep#v1", "linked": "link:./linked", "localdir": "file:./localdir", "tarred": "file:./vendor/tarred-1.0.0.tgz", "urlpkg": "https://npm.example.com/urlpkg-1.0.0.tgz" } },
        "packages/ws": { "name": "@app/ws", "version": "0.0.0", "dependencies": { "app": "workspace:*" } },
      },
      "packages": {
        "@app/ws": ["@app/ws@workspace:packages/ws"],
        "app": ["app@root:", {}],
        "gitdep": ["gitdep@git+https://git.example.com/gitdep#43d31c9ed9495b55d731bb13a62c2c6b054148cd", { "dependencies": { "axios": "^1.14.1" } }, "43d31c9ed9495b55d731bb13a62c2c6b054148cd"],
        "axios": ["axios@1.14.1", "", {}, "${SHA.a}"],
        "linked": ["linked@link:./linked", {}],
        "localdir": ["localdir@file:localdir", {}],
        "tarred": ["tarred@./vendor/tarred-1.0.0.tgz", {}, "${SHA.b}"],
        "urlpkg": ["watcher@https://npm.example.com/urlpkg-1.0.0.tgz", {}, "${SHA.c}"],
      },
    }`;
    const files: Record<string, string> = { '/localdir/package.json': '{"name":"localdir","version":"2.3.4"}' };
    const readFile = (f: string) => files[f] ?? (() => { throw new Error(`ENOENT ${f}`); })();
    const result = bunLockParser.parse(text, '/bun.lock', { readFile });
    expect(summary(result.packages)).toEqual(['axios@1.14.1 <- gitdep@', 'gitdep@ <- ', 'localdir@2.3.4 <- ', 'tarred@ <- ', 'watcher@ <- ']);
    expect(result.notes).toHaveLength(3);
    // The tarballs' integrity is kept (an IOC may name it); a git entry's third field is its commit, not a hash.
    expect(Object.fromEntries(result.packages.map((p) => [p.name, p.integrity !== undefined]))).toEqual({ axios: true, gitdep: false, localdir: false, tarred: true, watcher: true });
    expect(result.notes.join('\n')).toContain('/bun.lock: tarred (tarred@./vendor/tarred-1.0.0.tgz) names no version (/vendor/tarred-1.0.0.tgz not read), listed without one');
  });

  describe('a tarball in the tree is versioned by its package.json when its bytes are the ones locked', () => {
    const tgz = gzipSync(buildTar([{ path: 'package/index.js', content: '' }, { path: 'package/package.json', content: '{"name":"tarred","version":"1.0.0"}' }]));
    const lock = (integrity: string | undefined) => `{
      "lockfileVersion": 1,
      "workspaces": { "": { "dependencies": { "tarred": "file:./vendor/tarred-1.0.0.tgz" } } },
      "packages": { "tarred": ["tarred@./vendor/tarred-1.0.0.tgz", {}${integrity ? `, "${integrity}"` : ''}] },
    }`;
    const readBytes = (f: string) => (f === '/vendor/tarred-1.0.0.tgz' ? tgz : (() => { throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' }); })());
    const integrity = `sha512-${createHash('sha512').update(tgz).digest('base64')}`;
    it.each<[string, string | undefined, string, string[]]>([
      ['the locked tarball', integrity, 'tarred@1.0.0', []],
      ['another tarball in its place', `sha512-${'A'.repeat(86)}==`, 'tarred@', ['/bun.lock: tarred (tarred@./vendor/tarred-1.0.0.tgz) names no version (/vendor/tarred-1.0.0.tgz is not the tarball locked: its sha512 differs), listed without one']],
      ['the locked tarball, by sha1', `sha1-${createHash('sha1').update(tgz).digest('base64')}`, 'tarred@1.0.0', []],
      ['no integrity locked (bun 1.1)', undefined, 'tarred@1.0.0', ['/bun.lock: no integrity locked for /vendor/tarred-1.0.0.tgz: its version is read from the tarball as the tree holds it']],
    ])('%s', (_what, locked, expected, notes) => {
      const result = bunLockParser.parse(lock(locked), '/bun.lock', { readBytes });
      expect(result.packages.map((p) => `${p.name}@${p.version}`)).toEqual([expected]);
      expect(result.notes).toEqual(notes);
    });

    it('a gzip bomb or a non-tarball in its place is read no further than 64 MiB unpacked, once for all entries naming it', () => {
      const bomb = gzipSync(Buffer.alloc(65 * 1024 * 1024));
      let reads = 0;
      const files: Record<string, Buffer> = { '/vendor/tarred-1.0.0.tgz': bomb, '/vendor/plain.tgz': Buffer.from('not gzip') };
      const bytes = (f: string) => (reads++, files[f]!);
      const entries = Array.from({ length: 50 }, (_, i) => `"t${i}": ["tarred@./vendor/tarred-1.0.0.tgz", {}]`).join(',');
      const text = `{ "lockfileVersion": 1, "workspaces": {}, "packages": { ${entries}, "plain": ["plain@./vendor/plain.tgz", {}] } }`;
      const result = bunLockParser.parse(text, '/bun.lock', { readBytes: bytes });
      expect(reads).toBe(2);
      expect(new Set(result.packages.map((p) => `${p.name}@${p.version}`))).toEqual(new Set(['tarred@', 'plain@']));
      expect(result.notes.filter((n) => n.includes('not a gzip file within 67108864 bytes unpacked'))).toHaveLength(51);
      expect(result.notes).toHaveLength(51);
    });
  });
});
