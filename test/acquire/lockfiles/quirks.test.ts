// Format details the fixtures do not cover: peer suffixes, aliases, nested installs, scoped parents.
import { describe, expect, it } from 'vitest';
import { bunLockParser } from '../../../src/acquire/lockfiles/bun.js';
import { npmLockParser } from '../../../src/acquire/lockfiles/npm.js';
import { pnpmLockParser } from '../../../src/acquire/lockfiles/pnpm.js';
import { yarnLockParser } from '../../../src/acquire/lockfiles/yarn.js';
import type { Package } from '../../../src/model/package.js';

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
});
