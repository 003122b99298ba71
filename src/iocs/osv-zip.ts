// OSV bulk exports (all.zip, npm/all.zip): one flat *.json record per zip entry.
import type { Incident } from '../model/ioc.js';
import { zipDirectory, zipEntryData, type ZipEntry } from '../acquire/native/zip.js';
import { InputError } from '../errors.js';
import { decodeIocSource } from './decoders.js';
import { looksLikeOsv, readJsonLazily } from './json-source.js';

/** Caps against a hostile or truncated feed: one record, and all records inflated together. */
export const ZIP_LIMITS = { maxEntryBytes: 8 * 1024 ** 2, maxInflatedBytes: 4 * 1024 ** 3 } as const;

/** Entries worth reading: JSON files, not folders, not macOS `._` resource forks or other dot-files. */
const wanted = (name: string): boolean => /\.json$/i.test(name) && !name.split('/').some((part) => part.startsWith('.') || part === '__MACOSX');

/**
 * Every OSV record in a zip, as incidents. Entries that are not OSV are passed over quietly; a
 * record that is OSV but broken stops the load, naming `zip!/entry` and the line.
 * Returns undefined when the zip holds no OSV record at all.
 */
export function readOsvZip(zip: Buffer, file: string, onBadRecord?: (err: InputError, text: string) => void): Incident[] | undefined {
  let entries: ZipEntry[];
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
    try {
      const src = readJsonLazily(text, label);
      if (!looksLikeOsv(src.value)) continue;
      records++;
      incidents.push(...decodeIocSource(src));
    } catch (e) {
      // With a sink, one broken record among a feed's many is named and skipped; without, it stops the load.
      if (!(e instanceof InputError) || !onBadRecord) throw e;
      records++;
      onBadRecord(e, text);
    }
  }
  return records === 0 ? undefined : incidents;
}
