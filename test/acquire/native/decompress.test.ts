import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createDecompressor, sniffCompression, zstdSupported } from '../../../src/acquire/native/decompress.js';

describe('layer compression', () => {
  it.each([
    ['gzip magic', Buffer.from([0x1f, 0x8b, 8, 0]), 'gzip'],
    ['zstd magic', Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 'zstd'],
    ['a tar header', Buffer.from('app/node_modules/'), 'none'],
    ['too short to tell', Buffer.from([0x1f]), undefined],
  ])('%s', (_name, head, expected) => {
    expect(sniffCompression(head)).toBe(expected);
  });

  it('without zstd in zlib (Node < 22.15), names the Node version and the missing support', () => {
    const oldNode = { createGunzip: zlib.createGunzip };
    expect(zstdSupported(oldNode)).toBe(false);
    expect(() => createDecompressor('zstd', oldNode)).toThrow(new RegExp(`zstd layers need Node >= 22.15 \\(this is ${process.version.replace(/\./g, '\\.')}`));
    expect(createDecompressor('none', oldNode)).toBeUndefined();
    expect(createDecompressor('gzip', oldNode)).toBeDefined();
  });
});
