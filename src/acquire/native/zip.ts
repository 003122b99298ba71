// Reading zip archives held in memory: the central directory (zip64 included) and one entry's bytes.
// Used for yarn berry's package cache and OSV's bulk exports.
import { inflateRawSync } from 'node:zlib';
import { inflateRawExact } from './inflate.js';

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** The end record's size: no smaller file is a zip. */
export const ZIP_END_BYTES = 22;

/** The end record and the longest comment it may carry: where zipfile._EndRecData looks for it, from the end. */
const END_SPAN = 22 + 0xffff;

const END_SIGNATURE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

/**
 * Whether a file streamed past could be a zip as Python's zipfile opens one, by an end record signature in its last
 * END_SPAN bytes (so data may precede the archive, as in a zipapp with a shebang). Nothing is copied but the last 3
 * bytes of a chunk (a signature may straddle two); whether the record there is sound is for zipDirectory to say.
 */
export class ZipTail {
  private offset = 0;
  private carry = Buffer.alloc(0);
  private found = false;
  constructor(private readonly size: number) {}
  write(chunk: Buffer): void {
    const start = this.size - END_SPAN;
    const end = this.offset + chunk.length;
    if (!this.found && end > start) {
      const from = Math.max(0, start - this.offset);
      const joined = this.carry.length > 0 ? Buffer.concat([this.carry, chunk.subarray(from, from + 3)]) : undefined;
      this.found = (joined !== undefined && joined.indexOf(END_SIGNATURE) >= 0) || chunk.indexOf(END_SIGNATURE, from) >= 0;
      const rest = chunk.subarray(from);
      this.carry = Buffer.from(rest.length >= 3 ? rest.subarray(rest.length - 3) : Buffer.concat([this.carry, rest]).subarray(-3));
    }
    this.offset = end;
  }
  /** Whether bytes held whole end like a zip. */
  static of(content: Buffer): boolean {
    if (content.length < ZIP_END_BYTES) return false;
    const tail = new ZipTail(content.length);
    tail.write(content);
    return tail.hasEndRecord();
  }
  hasEndRecord(): boolean {
    return this.found;
  }
}

/** Zip files start with a local header, or with the end record when empty. */
export const isZip = (buf: Buffer): boolean => buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && (buf[2] === 3 || buf[2] === 5);

/**
 * The end record: entry count, where the central directory starts and `concat`, the bytes some other file put
 * before the archive (a zipapp's shebang line, a self-extractor). As Python's zipfile reads it (_EndRecData,
 * _RealGetContents): offsets in the archive are relative to its start, which is where the directory's end says
 * it is, and a zip64 end record sits right before its locator.
 */
function findEnd(zip: Buffer): { count: number; offset: number; concat: number } {
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) !== EOCD) continue;
    const count = zip.readUInt16LE(i + 10);
    const size = zip.readUInt32LE(i + 12);
    const offset = zip.readUInt32LE(i + 16);
    // OSV's npm export holds more than 65,535 records: a zip64 archive, whose real count and offset are in the zip64 end record.
    if ((count === 0xffff || offset === 0xffffffff) && i >= 20 && zip.readUInt32LE(i - 20) === EOCD64_LOCATOR) {
      const at = i - 20 - 56;
      if (at < 0 || zip.readUInt32LE(at) !== EOCD64) throw new Error('corrupt zip64 end record');
      const size64 = Number(zip.readBigUInt64LE(at + 40));
      const offset64 = Number(zip.readBigUInt64LE(at + 48));
      return { count: Number(zip.readBigUInt64LE(at + 32)), offset: offset64, concat: at - size64 - offset64 };
    }
    return { count, offset, concat: i - size - offset };
  }
  throw new Error('no zip end-of-central-directory record (truncated download?)');
}

/** Sizes and offsets too large for 32 bits sit in the zip64 extra field, in this order. */
function applyZip64(zip: Buffer, e: ZipEntry, extra: number, extraLen: number): void {
  for (let p = extra; p + 4 <= extra + extraLen; p += 4 + zip.readUInt16LE(p + 2)) {
    if (zip.readUInt16LE(p) !== 0x0001) continue;
    let q = p + 4;
    const next = (): number => Number(zip.readBigUInt64LE((q += 8) - 8));
    if (e.size === 0xffffffff) e.size = next();
    if (e.compressedSize === 0xffffffff) e.compressedSize = next();
    if (e.localOffset === 0xffffffff) e.localOffset = next();
  }
}

export function zipDirectory(zip: Buffer): ZipEntry[] {
  const { count, offset, concat } = findEnd(zip);
  if (concat < 0) throw new Error('corrupt zip end record (its central directory would start before the file)');
  const entries: ZipEntry[] = [];
  let off = offset + concat;
  for (let i = 0; i < count; i++) {
    if (off + 46 > zip.length || zip.readUInt32LE(off) !== CENTRAL) throw new Error('corrupt zip central directory');
    const nameLen = zip.readUInt16LE(off + 28);
    const extraLen = zip.readUInt16LE(off + 30);
    const e: ZipEntry = {
      method: zip.readUInt16LE(off + 10),
      compressedSize: zip.readUInt32LE(off + 20),
      size: zip.readUInt32LE(off + 24),
      localOffset: zip.readUInt32LE(off + 42),
      name: zip.toString('utf8', off + 46, off + 46 + nameLen),
    };
    applyZip64(zip, e, off + 46 + nameLen, extraLen);
    e.localOffset += concat;
    entries.push(e);
    off += 46 + nameLen + extraLen + zip.readUInt16LE(off + 32);
  }
  return entries;
}

/** Entries up to this size are tried with inflateRawExact first; past it zlib's speed per byte wins. */
const SMALL_ENTRY = 64 * 1024;

export function zipEntryData(zip: Buffer, entry: ZipEntry, maxBytes: number): Buffer {
  const off = entry.localOffset;
  if (off + 30 > zip.length || zip.readUInt32LE(off) !== LOCAL) throw new Error(`corrupt local header for ${entry.name}`);
  const start = off + 30 + zip.readUInt16LE(off + 26) + zip.readUInt16LE(off + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (data.length !== entry.compressedSize) throw new Error(`${entry.name} is truncated`);
  if (entry.size > maxBytes) throw new Error(`${entry.name} is larger than ${maxBytes} bytes`);
  if (entry.method === 0) return data;
  // The output buffer sized to the entry: inflateRawSync's default 16 KiB chunk per call made 200,000
  // small OSV records churn 3 GB of external memory, and the full collections that forced dominated the load.
  if (entry.method === 8) {
    // A small entry is read in JavaScript (inflate.ts), which answers only with zlib's own bytes of exactly the
    // size the directory gives, else zlib reads it: a zlib handle per entry cost more than the entry itself.
    const small = entry.size <= SMALL_ENTRY ? inflateRawExact(data, entry.size) : undefined;
    return small ?? inflateRawSync(data, { maxOutputLength: Math.max(1, maxBytes), chunkSize: Math.max(64, Math.min(entry.size, 1024 ** 2)) });
  }
  throw new Error(`${entry.name} uses zip method ${entry.method}`);
}
