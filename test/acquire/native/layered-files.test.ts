import { describe, expect, it } from 'vitest';
import { LayeredFiles } from '../../../src/acquire/native/layered-files.js';

const buf = (s: string) => Buffer.from(s);

function layer(fs: LayeredFiles, digest: string, ops: (fs: LayeredFiles) => void): void {
  fs.beginLayer(digest);
  ops(fs);
  fs.endLayer();
}

const paths = (files: { path: string }[]) => files.map((f) => f.path).sort();

describe('LayeredFiles', () => {
  it('a whiteout removes a lower directory tree, keeping the removed files with their layer', () => {
    const fs = new LayeredFiles();
    layer(fs, 'l1', (f) => {
      f.keep('a/node_modules/x/package.json', buf('1'));
      f.keep('a/node_modules/y/package.json', buf('2'));
    });
    layer(fs, 'l2', (f) => f.whiteout('a/node_modules/x'));
    expect(paths(fs.final())).toEqual(['a/node_modules/y/package.json']);
    expect(fs.removed.map((r) => [r.path, r.layer])).toEqual([['a/node_modules/x/package.json', 'l1']]);
  });

  it('a whiteout removes what its own layer wrote before it (the runtime removes at once), and keeps it aside', () => {
    const fs = new LayeredFiles();
    layer(fs, 'l1', (f) => {
      f.keep('d/f', buf('new'));
      f.whiteout('d/f');
      f.keep('e/f', buf('after'));
      f.whiteout('e');
      f.keep('e/g', buf('written after the whiteout'));
    });
    expect(paths(fs.final())).toEqual(['e/g']);
    expect(paths(fs.removed)).toEqual(['d/f', 'e/f']);
  });

  it('an opaque directory hides lower content only', () => {
    const fs = new LayeredFiles();
    layer(fs, 'l1', (f) => {
      f.keep('d/old', buf('1'));
      f.keep('e/kept', buf('1'));
    });
    layer(fs, 'l2', (f) => {
      f.keep('d/new', buf('2'));
      f.opaque('d');
    });
    expect(paths(fs.final())).toEqual(['d/new', 'e/kept']);
    expect(paths(fs.removed)).toEqual(['d/old']);
  });

  it('a file or symlink placed over a lower directory hides it; a directory over a directory does not', () => {
    const fs = new LayeredFiles();
    layer(fs, 'l1', (f) => {
      f.keep('d/x/f', buf('1'));
      f.keep('e/f', buf('1'));
    });
    layer(fs, 'l2', (f) => {
      f.occupy('d/x', false);
      f.occupy('e', true);
    });
    expect(paths(fs.final())).toEqual(['e/f']);
  });

  it('a replaced file is removed; lookup sees this layer first', () => {
    const fs = new LayeredFiles();
    layer(fs, 'l1', (f) => f.keep('p', buf('old')));
    fs.beginLayer('l2');
    fs.keep('p', buf('new'));
    expect(fs.lookup('p')?.toString()).toBe('new');
    fs.endLayer();
    expect(fs.final().map((f) => f.content.toString())).toEqual(['new']);
    expect(fs.removed.map((f) => f.content.toString())).toEqual(['old']);
  });
});
