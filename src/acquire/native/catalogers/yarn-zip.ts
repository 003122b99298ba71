// Yarn Berry's cache zips (.yarn/cache/*.zip): packages stay zipped, so read the central directory
// and inflate only the package.json files that sit directly in node_modules.
import { inflateRawSync } from 'node:zlib';
import type { Cataloger, CatalogResult, FoundPackage } from './cataloger.js';
import { noteFor } from './cataloger.js';
import { npmPackage, readPackageJson } from './npm.js';

const ZIP = /(?:^|\/)\.yarn\/(?:berry\/)?cache\/[^/]+\.zip$/;
const ENTRY = /^node_modules\/((?:@[^/.][^/]*\/)?[^/.@][^/]*)\/package\.json$/;
const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function findEndOfCentralDirectory(zip: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65535 bytes, so search only that tail.
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) return i;
  }
  throw new Error('no zip end-of-central-directory record');
}

export function zipEntries(zip: Buffer): ZipEntry[] {
  const eocd = findEndOfCentralDirectory(zip);
  const count = zip.readUInt16LE(eocd + 10);
  let off = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || off === 0xffffffff) throw new Error('zip64 archives are not supported');
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (off + 46 > zip.length || zip.readUInt32LE(off) !== CENTRAL) throw new Error('corrupt zip central directory');
    const nameLen = zip.readUInt16LE(off + 28);
    entries.push({
      method: zip.readUInt16LE(off + 10),
      compressedSize: zip.readUInt32LE(off + 20),
      size: zip.readUInt32LE(off + 24),
      localOffset: zip.readUInt32LE(off + 42),
      name: zip.toString('utf8', off + 46, off + 46 + nameLen),
    });
    off += 46 + nameLen + zip.readUInt16LE(off + 30) + zip.readUInt16LE(off + 32);
  }
  return entries;
}

export function zipEntryData(zip: Buffer, entry: ZipEntry, maxBytes: number): Buffer {
  const off = entry.localOffset;
  if (off + 30 > zip.length || zip.readUInt32LE(off) !== LOCAL) throw new Error(`corrupt local header for ${entry.name}`);
  const start = off + 30 + zip.readUInt16LE(off + 26) + zip.readUInt16LE(off + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (data.length !== entry.compressedSize) throw new Error(`${entry.name} is truncated`);
  if (entry.size > maxBytes) throw new Error(`${entry.name} is larger than ${maxBytes} bytes`);
  if (entry.method === 0) return data;
  if (entry.method === 8) return inflateRawSync(data, { maxOutputLength: Math.max(1, maxBytes) });
  throw new Error(`${entry.name} uses zip method ${entry.method}`);
}

function packagesInZip(path: string, zip: Buffer, maxBytes: number, notes: string[]): FoundPackage[] {
  const packages: FoundPackage[] = [];
  for (const entry of zipEntries(zip)) {
    const folder = ENTRY.exec(entry.name)?.[1];
    if (!folder) continue;
    try {
      const read = readPackageJson(zipEntryData(zip, entry, maxBytes).toString('utf8'), folder);
      if (typeof read === 'string') notes.push(noteFor(`${path}/${entry.name}`, 'yarn-zip', read));
      else packages.push(npmPackage(read.name, read.version, `/${path}/${entry.name}`));
    } catch (err) {
      notes.push(noteFor(`${path}/${entry.name}`, 'yarn-zip', (err as Error).message));
    }
  }
  return packages;
}

// Cache file names are `<slug>-npm-<version>-<checksum>-<cachekey>.zip`, the slug writing `@scope/name` as `@scope-name`.
const CACHE_NAME = /^(.+)-npm-(.+)-[0-9a-f]{10}-[0-9a-f]+\.zip$/;

/** A zip too large to read: name and version from its file name; a scope's slash is a guess at the first dash. */
function catalogByFileName(path: string, size: number): CatalogResult {
  const m = CACHE_NAME.exec(path.slice(path.lastIndexOf('/') + 1));
  const detail = `${size} bytes is over the zip limit`;
  if (!m) return { packages: [], notes: [noteFor(path, 'yarn-zip', `${detail} and the file name is not a yarn cache name`)] };
  const slug = m[1] as string;
  const name = slug.startsWith('@') ? slug.replace('-', '/') : slug;
  return { packages: [npmPackage(name, m[2] as string, `/${path}`)], notes: [`yarn-zip: /${path}: ${detail}; name and version read from the file name`] };
}

export const yarnZipCataloger = {
  name: 'yarn-zip',
  catalogUnread: catalogByFileName,
  wants: (path) => ZIP.test(path),
  maxBytes: (limits) => limits.maxZipBytes,
  catalog(path, content, limits): CatalogResult {
    const notes: string[] = [];
    try {
      return { packages: packagesInZip(path, content, limits.maxFileBytes, notes), notes };
    } catch (err) {
      return { packages: [], notes: [...notes, noteFor(path, 'yarn-zip', (err as Error).message)] };
    }
  },
} satisfies Cataloger;
