// GNU sparse files as Go's archive/tar reads them (reader.go readOldGNUSparseMap, common.go
// validateSparseEntries / invertSparseEntries, sparseFileReader): the map, its checks, and the logical
// content with holes read as zeros.
import { BLOCK, blockFormat, headerError, numericField } from './tar-header.js';

export interface SparseLayout {
  /** Logical size. */
  size: number;
  /** Data fragments [offset, length], in order, none empty. */
  data: number[][];
  /** Stored bytes the map references: the member's data must be exactly this long. */
  dataBytes: number;
}

/** validateSparseEntries: entries in order, not overlapping, non-negative, within the logical size. */
export function sparseLayout(entries: number[][], size: number, _physical: number): SparseLayout {
  if (size < 0) throw headerError('sparse file with a negative size');
  let preEnd = 0;
  const data: number[][] = [];
  let dataBytes = 0;
  for (const [offset, length] of entries as [number, number][]) {
    if (offset < 0 || length < 0) throw headerError('negative sparse entry');
    if (offset + length > size) throw headerError('sparse entry beyond the size');
    if (preEnd > offset) throw headerError('sparse entries overlap or are out of order');
    preEnd = offset + length;
    if (length > 0) {
      data.push([offset, length]);
      dataBytes += length;
    }
  }
  return { size, data, dataBytes };
}

type Collect = (n: number, done: (buf: Buffer) => void) => void;

/**
 * The old GNU format ('S'): needs a GNU header; realsize at 483; four entries at 386 in the header, then
 * while the "extended" byte is set, another block of 21 entries (read before the data). An entry whose
 * offset starts with NUL ends the entries of its block.
 */
export function readOldSparseMap(block: Buffer, collect: Collect, done: (map: { entries: number[][]; realSize: number }) => void): void {
  if (blockFormat(block) !== 'gnu') throw headerError("'S' sparse member in a header that is not GNU");
  const realSize = numericField(block, 483, 12);
  if (realSize === undefined) throw headerError('GNU sparse realsize');
  const entries: number[][] = [];
  const take = (b: Buffer, base: number, count: number, extendedAt: number): void => {
    for (let i = 0; i < count; i++) {
      const off = base + i * 24;
      if (b[off] === 0) break;
      const o = numericField(b, off, 12);
      const l = numericField(b, off + 12, 12);
      if (o === undefined || l === undefined) throw headerError('GNU sparse entry');
      entries.push([o, l]);
    }
    if ((b[extendedAt] as number) > 0) collect(BLOCK, (ext) => take(ext, 0, 21, 504));
    else done({ entries, realSize });
  };
  take(block, 386, 4, 482);
}

/** Fills the logical content as the stored data streams in. */
export class SparseCollector {
  private readonly buf: Buffer;
  private frag = 0;
  private within = 0;

  constructor(private readonly layout: SparseLayout) {
    this.buf = Buffer.alloc(layout.size);
  }

  write(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      const f = this.layout.data[this.frag];
      if (!f) throw new Error('tar: sparse file contains unreferenced data');
      const [start, length] = f as [number, number];
      const n = Math.min(length - this.within, chunk.length - off);
      chunk.copy(this.buf, start + this.within, off, off + n);
      off += n;
      this.within += n;
      if (this.within === length) {
        this.frag++;
        this.within = 0;
      }
    }
  }

  content(): Buffer {
    return this.buf;
  }
}
