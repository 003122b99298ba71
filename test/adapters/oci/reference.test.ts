// Image reference parsing and printing, as docker and distribution read references.
import { describe, expect, it } from 'vitest';
import { apiHost, formatReference, looksLikeHost, parseReference } from '../../../src/adapters/oci/reference.js';
import { UsageError } from '../../../src/errors.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.25', 'docker.io/library/nginx:1.25'],
    ['library/nginx', 'docker.io/library/nginx:latest'],
    ['bitnami/redis:7', 'docker.io/bitnami/redis:7'],
    ['docker.io/nginx', 'docker.io/library/nginx:latest'],
    ['index.docker.io/library/nginx:1', 'docker.io/library/nginx:1'],
    ['registry-1.docker.io/foo/bar', 'docker.io/foo/bar:latest'],
    ['ghcr.io/org/app:v1.2.3', 'ghcr.io/org/app:v1.2.3'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/team/app:dev', 'localhost:5000/team/app:dev'],
    ['127.0.0.1:5000/app@' + D, '127.0.0.1:5000/app@' + D],
    ['host.example:443/a/b/c:t@' + D, 'host.example:443/a/b/c:t@' + D],
    ['[::1]:5000/app:1', '[::1]:5000/app:1'],
    ['Registry.Example.com/app', 'Registry.Example.com/app:latest'],
    ['nginx@' + D, 'docker.io/library/nginx@' + D],
    ['my_org/my-app__x:1_2.3-rc', 'docker.io/my_org/my-app__x:1_2.3-rc'],
  ])('%s -> %s', (input, canonical) => {
    expect(formatReference(parseReference(input))).toBe(canonical);
  });

  it('splits the parts', () => {
    expect(parseReference(`localhost:5000/team/app:dev@${D}`)).toEqual({ registry: 'localhost:5000', repository: 'team/app', tag: 'dev', digest: D });
  });

  it('leaves the tag out on request, for "every tag" specs', () => {
    expect(parseReference('ghcr.io/org/app', { defaultTag: false })).toEqual({ registry: 'ghcr.io', repository: 'org/app' });
  });

  it.each([
    ['', 'empty'],
    ['Nginx', 'lower case'],
    ['ghcr.io/Org/app', 'lower case'],
    ['nginx:', 'bad tag'],
    ['nginx:-dash', 'bad tag'],
    [`nginx:${'x'.repeat(129)}`, 'bad tag'],
    ['nginx@sha256:abc', '64 lower-case hex'],
    [`nginx@sha256:${'A'.repeat(64)}`, 'lower-case hex'],
    [`nginx@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
    ['nginx@@x', 'more than one'],
    ['a//b', 'path component'],
    ['ghcr.io/', 'path component'],
    ['-bad.host/app', 'bad registry host'],
    ['a/b-/c', 'path component'],
    [`x/${'a'.repeat(256)}`, 'longer than 255'],
  ])('rejects %j (%s)', (input, why) => {
    expect(() => parseReference(input)).toThrow(UsageError);
    expect(() => parseReference(input)).toThrow(why);
  });
});

describe('apiHost and looksLikeHost', () => {
  it('sends docker.io to registry-1.docker.io and leaves others alone', () => {
    expect(apiHost('docker.io')).toBe('registry-1.docker.io');
    expect(apiHost('ghcr.io')).toBe('ghcr.io');
  });

  it.each([
    ['ghcr.io', true],
    ['localhost', true],
    ['localhost:5000', true],
    ['127.0.0.1:5000', true],
    ['nginx', false],
    ['org/app', false],
    ['ghcr.io/org', false],
  ])('%s -> %s', (text, expected) => {
    expect(looksLikeHost(text)).toBe(expected);
  });
});
