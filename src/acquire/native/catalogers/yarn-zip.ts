// Yarn Berry's cache zips (.yarn/cache/*.zip): packages stay zipped, so read the central directory
// and inflate only the package.json files that sit directly in node_modules.
import type { Cataloger, CatalogResult, FoundPackage } from './cataloger.js';
import { noteFor } from './cataloger.js';
import { npmPackage, readPackageJson } from './npm.js';
import { zipDirectory, zipEntryData } from '../zip.js';

const ZIP = /(?:^|\/)\.yarn\/(?:berry\/)?cache\/[^/]+\.zip$/;
const ENTRY = /^node_modules\/((?:@[^/.][^/]*\/)?[^/.@][^/]*)\/package\.json$/;
function packagesInZip(path: string, zip: Buffer, maxBytes: number, notes: string[]): FoundPackage[] {
  const packages: FoundPackage[] = [];
  for (const entry of zipDirectory(zip)) {
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
