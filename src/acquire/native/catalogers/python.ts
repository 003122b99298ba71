// Python distributions found where importlib.metadata finds them: `*.dist-info` and `*.egg-info` folders
// and files (extension in any case), `*.egg` folders and zipped eggs holding `EGG-INFO`.
// File choice and header parsing follow Python itself (python-metadata.ts); a distribution Python would
// list but cannot name (no Name header, bytes that are not UTF-8) makes the platform unknown.
import { PackageURL } from 'packageurl-js';
import { basename, dirname } from '../paths.js';
import { zipDirectory, zipEntryData } from '../zip.js';
import type { Cataloger, CatalogResult, FileLookup, FoundPackage } from './cataloger.js';
import { errorFor, noteFor, strictUtf8 } from './cataloger.js';
import { distributionOf } from './python-metadata.js';

type Role = 'metadata-file' | 'info-file' | 'egg-zip';

const isInfoName = (low: string) => low.endsWith('.dist-info') || low.endsWith('.egg-info');

/** What a path is to importlib.metadata (Lookup: `low.endswith(('.dist-info', '.egg-info'))`, or `egg-info` inside a `.egg`). */
function roleOf(path: string): Role | undefined {
  const base = basename(path);
  if (base === 'METADATA' || base === 'PKG-INFO') {
    const dir = basename(dirname(path)).toLowerCase();
    if (isInfoName(dir)) return 'metadata-file';
    if (dir === 'egg-info' && basename(dirname(dirname(path))).toLowerCase().endsWith('.egg')) return 'metadata-file';
  }
  const low = base.toLowerCase();
  if (isInfoName(low)) return 'info-file';
  if (low.endsWith('.egg')) return 'egg-zip';
  return undefined;
}

export function pypiPurl(name: string, version: string): string | undefined {
  try {
    return new PackageURL('pypi', undefined, name.toLowerCase().replace(/[-_.]+/g, '-'), version || undefined, undefined, undefined).toString();
  } catch {
    return undefined;
  }
}

/** One metadata text -> the package, or the error Python's own reading would meet. */
function fromText(path: string, shown: string, content: Buffer): CatalogResult {
  const text = strictUtf8(content);
  if (text === undefined) return { packages: [], notes: [], errors: [errorFor(shown, 'python', 'not UTF-8 (importlib.metadata raises UnicodeDecodeError)')] };
  const { name, version } = distributionOf(text);
  if (name === undefined || name.trim() === '') return { packages: [], notes: [], errors: [errorFor(shown, 'python', 'no Name header as email.parser reads it: Python lists a distribution it cannot name')] };
  const v = version ?? '';
  const pkg: FoundPackage = { ecosystem: 'pypi', name, version: v, path: `/${path}` };
  const purl = pypiPurl(name, v);
  if (purl) pkg.purl = purl;
  return { packages: [pkg], notes: [] };
}

const empty = (): CatalogResult => ({ packages: [], notes: [] });
const nonEmpty = (f: { content: Buffer } | undefined) => f !== undefined && f.content.length > 0;

/** METADATA wins; an empty METADATA falls through to PKG-INFO, as `read_text('METADATA') or read_text('PKG-INFO')`. */
function catalogMetadataFile(path: string, content: Buffer, lookup: FileLookup = () => undefined): CatalogResult {
  const dir = dirname(path);
  if (basename(path) === 'PKG-INFO') return nonEmpty(lookup(`${dir}/METADATA`)) ? empty() : fromText(path, path, content);
  if (content.length > 0) return fromText(path, path, content);
  if (nonEmpty(lookup(`${dir}/PKG-INFO`))) return empty();
  return { packages: [], notes: [], errors: [errorFor(path, 'python', 'empty METADATA and no PKG-INFO: Python lists a distribution it cannot name')] };
}

/** A zipped egg on sys.path: its top-level `EGG-INFO` (any case) holds METADATA or PKG-INFO. Not a zip: Python sees nothing. */
function catalogEggZip(path: string, content: Buffer, maxBytes: number): CatalogResult {
  let entries;
  try {
    entries = zipDirectory(content);
  } catch (err) {
    return { packages: [], notes: [noteFor(path, 'python', `not a zipped egg (${(err as Error).message}); Python cannot read it either`)] };
  }
  const result: CatalogResult = { packages: [], notes: [], errors: [] };
  const infoDirs = new Set(entries.map((e) => e.name.split('/')[0] ?? '').filter((top) => top.toLowerCase() === 'egg-info' && entries.some((e) => e.name.startsWith(`${top}/`))));
  for (const top of infoDirs) {
    const file = (name: string) => entries.find((e) => e.name === `${top}/${name}`);
    try {
      const read = (name: string) => {
        const e = file(name);
        return e ? zipEntryData(content, e, maxBytes) : undefined;
      };
      const text = [read('METADATA'), read('PKG-INFO')].find((b) => b !== undefined && b.length > 0);
      const shown = `${path}/${top}`;
      const one = text ? fromText(`${path}/${top}`, shown, text) : { packages: [], notes: [], errors: [errorFor(shown, 'python', 'no METADATA or PKG-INFO')] };
      result.packages.push(...one.packages);
      result.errors!.push(...(one.errors ?? []));
    } catch (err) {
      result.errors!.push(errorFor(`${path}/${top}`, 'python', (err as Error).message));
    }
  }
  return result;
}

export const pythonCataloger = {
  name: 'python',
  wants: (path) => roleOf(path) !== undefined,
  maxBytes: (limits) => Math.max(limits.maxFileBytes, limits.maxZipBytes),
  catalog(path, content, limits, lookup): CatalogResult {
    const role = roleOf(path);
    if (role === 'metadata-file') return catalogMetadataFile(path, content, lookup);
    if (role === 'egg-zip') return catalogEggZip(path, content, limits.maxFileBytes);
    // An .egg-info or .dist-info that is a file is its own metadata (read_text('')); an empty one names nothing.
    if (content.length === 0) return { packages: [], notes: [], errors: [errorFor(path, 'python', 'empty metadata file: Python lists a distribution it cannot name')] };
    return fromText(path, path, content);
  },
} satisfies Cataloger;
