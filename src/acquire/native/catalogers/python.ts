// Python distributions found where importlib.metadata finds them: `*.dist-info` and `*.egg-info` folders
// and files (extension in any case), `*.egg` folders and zipped eggs holding `EGG-INFO`, and the zips of any
// name on sys.path (python-path.ts names them, python-zips.ts reads them through zipDistributions).
// File choice and header parsing follow Python itself (python-metadata.ts); a distribution Python would
// list but cannot name (no Name header, bytes that are not UTF-8) makes the platform unknown.
import { purlString } from '../../../formats/purl-lib.js';
import { basename, dirname } from '../paths.js';
import { zipDirectory, zipEntryData } from '../zip.js';
import type { Cataloger, CatalogResult, FileLookup, FoundPackage } from './cataloger.js';
import { errorFor, noteFor, strictUtf8 } from './cataloger.js';
import { distributionOf } from './python-metadata.js';
import { isSitePth } from '../python-path.js';

type Role = 'metadata-file' | 'info-file' | 'egg-zip' | 'pth';

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
  // Read for the zips they put on sys.path (python-path.ts), by platform.ts once every layer is in.
  if (isSitePth(path)) return 'pth';
  return undefined;
}

export function pypiPurl(name: string, version: string): string | undefined {
  try {
    return purlString('pypi', undefined, name.toLowerCase().replace(/[-_.]+/g, '-'), version || undefined, undefined);
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

/**
 * The distributions importlib.metadata lists in a zip on sys.path, or in its folder `sub` (zipimport's prefix):
 * FastPath.zip_children's top-level names there that end in `.dist-info` / `.egg-info` (any case), and in an
 * archive named `*.egg` an `egg-info` (any case) as well, each read as PathDistribution reads a zipfile.Path:
 * METADATA, else PKG-INFO, names matched exactly, an empty one counting as absent. An info that is a file in the
 * archive names nothing (zipfile.Path cannot read `''` below a file). Each is named `<archive>!/<entry>`, as jars
 * are. Throws when the archive's directory cannot be read.
 */
export function zipDistributions(zip: Buffer, archive: string, sub: string, maxBytes: number): CatalogResult {
  const entries = zipDirectory(zip);
  const prefix = sub === '' ? '' : `${sub}/`;
  const egg = basename(prefix === '' ? archive : sub).toLowerCase().endsWith('.egg');
  const byName = new Map(entries.map((e) => [e.name, e]));
  const children = new Set(entries.filter((e) => e.name.startsWith(prefix)).map((e) => e.name.slice(prefix.length).split('/')[0] ?? ''));
  const result: CatalogResult = { packages: [], notes: [], errors: [] };
  for (const child of children) {
    const low = child.toLowerCase();
    if (!(isInfoName(low) || (egg && low === 'egg-info'))) continue;
    const at = `${archive}!/${prefix}${child}`;
    try {
      const read = (file: string) => {
        const e = byName.get(`${prefix}${child}/${file}`);
        const data = e ? zipEntryData(zip, e, maxBytes) : undefined;
        return data && data.length > 0 ? { file, data } : undefined;
      };
      const found = read('METADATA') ?? read('PKG-INFO');
      const one = found ? fromText(`${at}/${found.file}`.slice(1), `${at}/${found.file}`.slice(1), found.data) : { packages: [], notes: [], errors: [errorFor(at.slice(1), 'python', 'no METADATA or PKG-INFO in the archive: Python lists a distribution it cannot name')] };
      result.packages.push(...one.packages);
      result.errors!.push(...(one.errors ?? []));
    } catch (err) {
      result.errors!.push(errorFor(at.slice(1), 'python', (err as Error).message));
    }
  }
  return result;
}

/** A zipped egg, wherever it is (easy_install lists it in easy-install.pth). Not a zip: Python sees nothing. */
function catalogEggZip(path: string, content: Buffer, maxBytes: number): CatalogResult {
  try {
    return zipDistributions(content, `/${path}`, '', maxBytes);
  } catch (err) {
    return { packages: [], notes: [noteFor(path, 'python', `not a zipped egg (${(err as Error).message}); Python cannot read it either`)] };
  }
}

export const pythonCataloger = {
  name: 'python',
  wants: (path) => roleOf(path) !== undefined,
  maxBytes: (limits) => Math.max(limits.maxFileBytes, limits.maxZipBytes),
  catalog(path, content, limits, lookup): CatalogResult {
    const role = roleOf(path);
    if (role === 'metadata-file') return catalogMetadataFile(path, content, lookup);
    if (role === 'egg-zip') return catalogEggZip(path, content, limits.maxFileBytes);
    if (role === 'pth') return empty();
    // An .egg-info or .dist-info that is a file is its own metadata (read_text('')); an empty one names nothing.
    if (content.length === 0) return { packages: [], notes: [], errors: [errorFor(path, 'python', 'empty metadata file: Python lists a distribution it cannot name')] };
    return fromText(path, path, content);
  },
} satisfies Cataloger;
