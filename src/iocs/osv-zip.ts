// OSV bulk exports (all.zip, npm/all.zip): one flat *.json record per zip entry.
import type { Incident } from '../model/ioc.js';
import { zipEntryData } from '../acquire/native/catalogers/yarn-zip.js';
import { InputError } from '../errors.js';
import { decodeIocSource } from './decoders.js';
import { looksLikeOsv, readJsonLazily } from './json-source.js';

/** Caps against a hostile or truncated feed: one record, and all records inflated together. */
export const ZIP_LIMITS = { maxEntryBytes: 8 * 1024 ** 2, maxInflatedBytes: 4 * 1024 ** 3 } as const;

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Zip files start with a local header, or with the end record when empty. */
export const isZip = (buf: Buffer): boolean => buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && (buf[2] === 3 || buf[2] === 5);

function findEnd(zip: Buffer): { count: number; offset: number } {
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) !== EOCD) continue;
    const count = zip.readUInt16LE(i + 10);
    const offset = zip.readUInt32LE(i + 16);
    // OSV's npm export holds more than 65,535 records, so it is a zip64 archive (which yarn-zip's reader refuses).
    if ((count === 0xffff || offset === 0xffffffff) && i >= 20 && zip.readUInt32LE(i - 20) === EOCD64_LOCATOR) {
      const at = Number(zip.readBigUInt64LE(i - 12));
      if (at + 56 > zip.length || zip.readUInt32LE(at) !== EOCD64) throw new Error('corrupt zip64 end record');
      return { count: Number(zip.readBigUInt64LE(at + 32)), offset: Number(zip.readBigUInt64LE(at + 48)) };
    }
    return { count, offset };
  }
  throw new Error('no zip end-of-central-directory record (truncated download?)');
}

/** Sizes and offsets too large for 32 bits sit in the zip64 extra field, in this order. */
function applyZip64(zip: Buffer, e: Entry, extra: number, extraLen: number): void {
  for (let p = extra; p + 4 <= extra + extraLen; p += 4 + zip.readUInt16LE(p + 2)) {
    if (zip.readUInt16LE(p) !== 0x0001) continue;
    let q = p + 4;
    const next = (): number => Number(zip.readBigUInt64LE((q += 8) - 8));
    if (e.size === 0xffffffff) e.size = next();
    if (e.compressedSize === 0xffffffff) e.compressedSize = next();
    if (e.localOffset === 0xffffffff) e.localOffset = next();
  }
}

export function zipDirectory(zip: Buffer): Entry[] {
  const { count, offset } = findEnd(zip);
  const entries: Entry[] = [];
  let off = offset;
  for (let i = 0; i < count; i++) {
    if (off + 46 > zip.length || zip.readUInt32LE(off) !== CENTRAL) throw new Error('corrupt zip central directory');
    const nameLen = zip.readUInt16LE(off + 28);
    const extraLen = zip.readUInt16LE(off + 30);
    const e: Entry = {
      method: zip.readUInt16LE(off + 10),
      compressedSize: zip.readUInt32LE(off + 20),
      size: zip.readUInt32LE(off + 24),
      localOffset: zip.readUInt32LE(off + 42),
      name: zip.toString('utf8', off + 46, off + 46 + nameLen),
    };
    applyZip64(zip, e, off + 46 + nameLen, extraLen);
    entries.push(e);
    off += 46 + nameLen + extraLen + zip.readUInt16LE(off + 32);
  }
  return entries;
}

/** Entries worth reading: JSON files, not folders, not macOS `._` resource forks or other dot-files. */
const wanted = (name: string): boolean => /\.json$/i.test(name) && !name.split('/').some((part) => part.startsWith('.') || part === '__MACOSX');

/**
 * Every OSV record in a zip, as incidents. Entries that are not OSV are passed over quietly; a
 * record that is OSV but broken stops the load, naming `zip!/entry` and the line.
 * Returns undefined when the zip holds no OSV record at all.
 */
export function readOsvZip(zip: Buffer, file: string): Incident[] | undefined {
  let entries: Entry[];
  try {
    entries = zipDirectory(zip);
  } catch (e) {
    throw new InputError(file, `not a readable zip: ${(e as Error).message}`);
  }
  const incidents: Incident[] = [];
  let records = 0;
  let inflated = 0;
  for (const entry of entries.filter((e) => wanted(e.name))) {
    const label = `${file}!/${entry.name}`;
    inflated += entry.size;
    if (inflated > ZIP_LIMITS.maxInflatedBytes) throw new InputError(file, `more than ${ZIP_LIMITS.maxInflatedBytes} bytes of records once inflated`);
    let text: string;
    try {
      text = zipEntryData(zip, entry, ZIP_LIMITS.maxEntryBytes).toString('utf8');
    } catch (e) {
      throw new InputError(label, `cannot read zip entry: ${(e as Error).message}`);
    }
    const src = readJsonLazily(text, label);
    if (!looksLikeOsv(src.value)) continue;
    records++;
    incidents.push(...decodeIocSource(src));
  }
  return records === 0 ? undefined : incidents;
}
