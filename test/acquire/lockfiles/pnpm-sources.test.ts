// pnpm 9+ keys local and git entries `name@<source>` (found by test/oracle/pnpm-lock.test.ts against the real pnpm):
// the source's slashes are not a registry host, and a folder dependency's version is its package.json's.
import { describe, expect, it } from 'vitest';
import { pnpmLockParser } from '../../../src/acquire/lockfiles/pnpm.js';

const LOCK = `lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      tarred: {specifier: file:./vendor/tarred-1.0.0.tgz, version: file:vendor/tarred-1.0.0.tgz}
      gitdep: {specifier: 'git+file:///src/gitdep#v1', version: 'git+file:///src/gitdep#3a3f9c67'}
      localdir: {specifier: file:./localdir, version: file:localdir}
packages:
  tarred@file:vendor/tarred-1.0.0.tgz:
    resolution: {integrity: sha512-AAAA, tarball: file:vendor/tarred-1.0.0.tgz}
    version: 1.0.0
  'gitdep@git+file:///src/gitdep#3a3f9c67':
    resolution: {commit: 3a3f9c67, repo: file:///src/gitdep, type: git}
    version: 0.5.0-alpha
  localdir@file:localdir:
    resolution: {directory: localdir, type: directory}
  leaf@1.0.0:
    resolution: {integrity: sha512-BBBB}
snapshots:
  tarred@file:vendor/tarred-1.0.0.tgz:
    dependencies: {leaf: 1.0.0}
  'gitdep@git+file:///src/gitdep#3a3f9c67': {}
  localdir@file:localdir: {}
  leaf@1.0.0: {}
`;

const ids = (r: ReturnType<typeof pnpmLockParser.parse>) => r.packages.map((p) => `${p.name}@${p.version}`).sort();

describe('pnpm v9 entries keyed by their source', () => {
  it('a file: tarball and a git entry keep their names; a folder takes its package.json', () => {
    const files: Record<string, string> = { '/app/localdir/package.json': '{"name":"localdir","version":"2.3.4"}' };
    const r = pnpmLockParser.parse(LOCK, '/app/pnpm-lock.yaml', { readFile: (f) => files[f] ?? (() => { throw new Error('missing'); })() });
    expect(ids(r)).toEqual(['gitdep@0.5.0-alpha', 'leaf@1.0.0', 'localdir@2.3.4', 'tarred@1.0.0']);
    // The refs meet their entries: leaf is reached through tarred, each direct entry is a root.
    expect(r.packages.find((p) => p.name === 'leaf')?.dependencyPath).toEqual(['tarred@1.0.0']);
    expect(r.packages.find((p) => p.name === 'gitdep')?.dependencyPath).toEqual([]);
  });

  it('a folder whose package.json is not in the tree has no version, and a note says so', () => {
    const r = pnpmLockParser.parse(LOCK, '/app/pnpm-lock.yaml');
    expect(ids(r)).toContain('localdir@');
    expect(r.notes.join('\n')).toMatch(/folder dependency localdir: \/app\/localdir\/package.json was not readable/);
  });
});
