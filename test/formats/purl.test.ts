// Package identity from purls: names as each ecosystem writes them, and bad purls that must not throw.
import { describe, expect, it } from 'vitest';
import { parsePurl, toPackage } from '../../src/formats/purl.js';

describe('parsePurl', () => {
  it.each([
    ['pkg:npm/%40scope/name@1.0.0', { ecosystem: 'npm', name: '@scope/name', version: '1.0.0' }],
    ['pkg:npm/axios@1.14.1', { ecosystem: 'npm', name: 'axios', version: '1.14.1' }],
    ['pkg:npm/%40types/axios@0.14.4', { ecosystem: 'npm', name: '@types/axios', version: '0.14.4' }],
    ['pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', { ecosystem: 'maven', name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1' }],
    ['pkg:golang/github.com/x/net@v0.33.0', { ecosystem: 'go', name: 'github.com/x/net', version: 'v0.33.0' }],
    ['pkg:alpine/musl@1.2.3-r0?arch=x86_64', { ecosystem: 'apk', name: 'musl', version: '1.2.3-r0' }],
    ['pkg:apk/wolfi/ruby-3.0@3.0.4-r1', { ecosystem: 'apk', name: 'ruby-3.0', version: '3.0.4-r1' }],
    ['pkg:deb/debian/openssl@3.0.15-1?distro=debian-12', { ecosystem: 'deb', name: 'openssl', version: '3.0.15-1' }],
    ['pkg:rpm/centos/bash@4.2.46-31.el7?epoch=1', { ecosystem: 'rpm', name: 'bash', version: '4.2.46-31.el7', epoch: '1' }],
    ['pkg:pypi/requests@2.32.3', { ecosystem: 'pypi', name: 'requests', version: '2.32.3' }],
    ['pkg:gem/rack@3.1.8', { ecosystem: 'gem', name: 'rack', version: '3.1.8' }],
    ['pkg:cargo/serde@1.0.215', { ecosystem: 'cargo', name: 'serde', version: '1.0.215' }],
    ['pkg:nuget/Newtonsoft.Json@13.0.3', { ecosystem: 'nuget', name: 'Newtonsoft.Json', version: '13.0.3' }],
    ['pkg:composer/pear/log@1.13.1', { ecosystem: 'composer', name: 'pear/log', version: '1.13.1' }],
    ['pkg:npm/axios', { ecosystem: 'npm', name: 'axios', version: undefined }],
  ])('%s', (purl, want) => {
    expect(parsePurl(purl)).toEqual(want);
  });

  it.each([['pkg:golang/@?type=module'], ['a-purl-1'], ['pkg:'], [''], ['npm/axios@1.14.1']])('unusable: %j', (purl) => {
    expect(parsePurl(purl)).toBeUndefined();
  });
});

describe('toPackage', () => {
  it('prefers the purl over the document fields', () => {
    const p = toPackage({ purl: 'pkg:npm/%40scope/name@1.0.0', name: 'name', version: '0.0.0', ecosystem: 'javascript', paths: [] });
    expect([p.ecosystem, p.name, p.version, p.purl]).toEqual(['npm', '@scope/name', '1.0.0', 'pkg:npm/%40scope/name@1.0.0']);
  });

  it('falls back to the document name, version and ecosystem hint when the purl is unusable', () => {
    const p = toPackage({ purl: 'pkg:golang/@?type=module', name: 'example.com/app', version: '(devel)', ecosystem: 'golang', paths: ['/ko-app/app'] });
    expect(p).toEqual({ ecosystem: 'go', name: 'example.com/app', version: '(devel)', purl: 'pkg:golang/@?type=module', paths: ['/ko-app/app'] });
  });

  it('fills the version from the document when the purl has none', () => {
    expect(toPackage({ purl: 'pkg:npm/axios', version: '1.14.1', paths: [] }).version).toBe('1.14.1');
  });

  it('writes empty strings, not undefined, when nothing is known', () => {
    expect(toPackage({ paths: [] })).toEqual({ ecosystem: '', name: '', version: '', paths: [] });
  });
});
