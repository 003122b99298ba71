// The package.json inside a package tarball, read as npm and bun unpack it: the real GNU tar writes the tarballs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tarballManifest } from '../../../src/acquire/lockfiles/npm-tarball.js';

function tgz(files: Record<string, string>, format: 'gnu' | 'posix'): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'npm-tarball-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, 'src', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'src', path), text);
  }
  execFileSync('tar', [`--format=${format}`, '-czf', join(dir, 'x.tgz'), '-C', join(dir, 'src'), ...Object.keys(files)]);
  return readFileSync(join(dir, 'x.tgz'));
}

describe('tarballManifest', () => {
  it.each(['gnu', 'posix'] as const)('a top folder with a name over 100 bytes (%s long-name records) is read', (format) => {
    const top = 'p'.repeat(120);
    expect(tarballManifest(tgz({ [`${top}/package.json`]: '{"name":"tarred","version":"1.0.0"}' }, format))).toEqual({ name: 'tarred', version: '1.0.0' });
  });

  it('of two package.json members, the one unpacked last is the one on disk', () => {
    const bytes = tgz({ 'package/package.json': '{"name":"a","version":"1.0.0"}', 'other/package.json': '{"name":"axios","version":"1.14.1"}' }, 'gnu');
    expect(tarballManifest(bytes)).toEqual({ name: 'axios', version: '1.14.1' });
  });

  it('not gzip, or gzip that is not tar, is a reason, not a manifest', () => {
    expect(tarballManifest(Buffer.from('plain'))).toMatch(/^not a gzip file/);
    expect(typeof tarballManifest(execFileSync('gzip', ['-c'], { input: 'x'.repeat(700) }))).toBe('string');
  });
});
