// One IOC file's bytes -> its incidents: a zip by its magic bytes, JSON by its name, YAML otherwise. Imported by
// load.ts only when a file is to be decoded (not on a compiled-cache hit).
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import type { Incident } from '../model/ioc.js';
import { decodeIocSource, decodeYamlIocs } from './decoders.js';
import { readReason, type Candidate } from './files.js';
import { looksLikeOsv, readJsonLazily } from './json-source.js';
import { readOsvZip } from './osv-zip.js';
import { isZip } from '../acquire/native/zip.js';

/**
 * The incidents in one file's bytes: a zip by its magic bytes, JSON by its name, YAML otherwise.
 * `walked`: found by walking a folder, so a JSON or zip that holds no OSV record (a stray
 * package.json) gives undefined instead of an error.
 */
export function decodeIocBuffer(buf: Buffer, label: string, walked = false, json = /\.json$/i.test(label), onBadRecord?: (e: InputError, text: string) => void): Incident[] | undefined {
  if (isZip(buf)) {
    const incidents = readOsvZip(buf, label, onBadRecord);
    if (incidents === undefined && !walked) throw new InputError(label, 'no OSV records (*.json entries) in this zip');
    return incidents;
  }
  const text = buf.toString('utf8');
  if (!json) return decodeYamlIocs(text, label);
  // A walked JSON without OSV's keys (a tsconfig.json with comments, say) is not ours even if it
  // does not parse; one that has them but does not parse is a broken record and an error.
  if (walked && !/"(?:affected|schema_version)"/.test(text)) return undefined;
  const src = readJsonLazily(text, label);
  if (walked && !looksLikeOsv(src.value)) return undefined;
  return decodeIocSource(src);
}

export async function readIocPath(c: Candidate, onBadRecord?: (e: InputError, text: string) => void): Promise<Incident[] | undefined> {
  const buf = await readFile(c.file).catch((e: unknown) => {
    throw new InputError(c.file, `cannot read: ${readReason(e)}`);
  });
  return decodeIocBuffer(buf, c.file, c.walked, undefined, onBadRecord);
}

