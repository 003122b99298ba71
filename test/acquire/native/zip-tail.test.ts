// ZipTail, the end-record watch every streamed file passes through: for generated bodies cut into random chunks it
// says what a search of the whole tail says (an end signature in the last 64 KiB + 22 bytes, where zipfile looks).
import { describe, expect, it } from 'vitest';
import { ZipTail } from '../../../src/acquire/native/zip.js';
import { seeded } from '../../helpers/random.js';

const SIG = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const SPAN = 22 + 0xffff;

function reference(body: Buffer): boolean {
  const from = Math.max(0, body.length - SPAN);
  return body.length >= 22 && body.subarray(from).indexOf(SIG) >= 0;
}

describe('ZipTail', () => {
  it('agrees with a search of the whole tail for 2,000 generated bodies and chunkings', () => {
    const r = seeded(11);
    let positive = 0;
    for (let i = 0; i < 2000; i++) {
      const size = Math.floor(r() * (r() < 0.5 ? 200 : 200_000));
      const body = Buffer.alloc(size, 0x50);
      for (let k = Math.floor(r() * 3); k > 0 && size >= 4; k--) SIG.copy(body, Math.floor(r() * (size - 3)));
      const tail = new ZipTail(size);
      for (let at = 0; at < size; ) {
        const n = 1 + Math.floor(r() * (r() < 0.3 ? 4 : 70_000));
        tail.write(body.subarray(at, at + n));
        at += n;
      }
      const want = reference(body);
      if (want) positive += 1;
      expect(size >= 22 && tail.hasEndRecord(), `body ${i} of ${size} bytes`).toBe(want);
      expect(ZipTail.of(body)).toBe(want);
    }
    expect(positive).toBeGreaterThan(200);
  });
});
