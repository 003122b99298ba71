// Yarn Berry's cache zips (.yarn/cache/*.zip, and the global ~/.yarn/berry/cache): packages stay zipped, so
// read the central directory and inflate only the package.json files that sit directly in node_modules.
// Checked against the real Yarn 3 and 4 in test/oracle/yarn-berry-cache.test.ts.
//
// A zip holds one package at node_modules/<the locator's name>/, which is the name Yarn installs and Plug'n'Play
// resolves it by (a `patch:` or `file:` dependency under another name than its package.json's keeps the
// dependency's name), so the folder is the package's identity, as in node_modules (npm.ts): a package.json
// naming it otherwise is listed under both names, with a note.
import type { Cataloger, CatalogResult, FoundPackage } from './cataloger.js';
import { errorFor, noteFor } from './cataloger.js';
import { catalogPackageJson, npmPackage } from './npm.js';
import { zipDirectory, zipEntryData } from '../zip.js';

// A project's .yarn/cache; the global cache (the mirror) at $HOME/.yarn/berry/cache, or $XDG_DATA_HOME/yarn/berry/cache
// when the Env sets XDG_DATA_HOME, as `yarn config get cacheFolder` answers.
const ZIP = /(?:^|\/)(?:\.yarn\/(?:berry\/)?|yarn\/berry\/)cache\/[^/]+\.zip$/;
// Anywhere else, a zip named as Yarn names its cache files (CACHE_NAME below): `cacheFolder` (relative to the
// .yarnrc.yml that sets it, in the project or in HOME), `globalFolder`, YARN_CACHE_FOLDER and YARN_GLOBAL_FOLDER
// put the cache in any folder, and .pnp.cjs runs the packages from there. Yarn always writes that name, so it is
// recognised without reading the rc files or the Env (test/oracle/yarn-pnp.test.ts moves the cache each way).
const CACHE_FILE = /(?:^|\/)[^/]+-[a-z][a-z0-9+.]*(?:-\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)?-[0-9a-f]{10}-[0-9a-z]+\.zip$/;
const ENTRY = /^node_modules\/((?:@[^/.][^/]*\/)?[^/.@][^/]*)\/package\.json$/;
function packagesInZip(path: string, zip: Buffer, maxBytes: number, notes: string[], errors: string[]): FoundPackage[] {
  const packages: FoundPackage[] = [];
  for (const entry of zipDirectory(zip)) {
    const folder = ENTRY.exec(entry.name)?.[1];
    if (!folder) continue;
    try {
      const read = catalogPackageJson(`${path}/${entry.name}`, zipEntryData(zip, entry, maxBytes), { folder }, 'yarn-zip');
      packages.push(...read.packages);
      notes.push(...read.notes);
      errors.push(...(read.errors ?? []));
    } catch (err) {
      notes.push(noteFor(`${path}/${entry.name}`, 'yarn-zip', (err as Error).message));
    }
  }
  return packages;
}

// Yarn names a cache file `<slug>-<checksum's first 10 hex>.zip` (the project's cache) or `<slug>-<cache key>.zip`
// (the global mirror: `10c0` in Yarn 4, `8` in Yarn 3), the slug being structUtils.slugifyLocator:
// `<name, @scope/name as @scope-name>-<protocol>[-<semver.valid(selector)>]-<locator hash's first 10 hex>`. So an
// npm package's file name holds its version (build metadata dropped, as semver.valid drops it); a `patch:`,
// `file:`, `http:` or git one holds no version.
const CACHE_NAME = /^(.+)-([0-9a-f]{10})-([0-9a-z]+)\.zip$/;
const SEMVER = '\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?';
const NPM_SLUG = new RegExp(`^(.+)-npm-(${SEMVER})$`);
const OTHER_SLUG = new RegExp(`^(.+)-([a-z][a-z0-9+.]*)(?:-(${SEMVER}))?$`);

/** The names a slug can stand for: `@scope-name` puts the scope's slash at one of its dashes. */
function namesOfSlug(slug: string): string[] {
  if (!slug.startsWith('@')) return [slug];
  const out: string[] = [];
  for (let i = slug.indexOf('-'); i > 1 && i < slug.length - 1; i = slug.indexOf('-', i + 1)) out.push(`${slug.slice(0, i)}/${slug.slice(i + 1)}`);
  return out;
}

/** A zip too large to read: name and version from its file name; unknown where the name holds no version. */
function catalogByFileName(path: string, size: number): CatalogResult {
  const file = path.slice(path.lastIndexOf('/') + 1);
  const detail = `${size} bytes is over the zip limit`;
  const rest = CACHE_NAME.exec(file)?.[1];
  const npm = rest === undefined ? null : NPM_SLUG.exec(rest);
  const other = rest === undefined || npm ? null : OTHER_SLUG.exec(rest);
  const slug = npm?.[1] ?? other?.[1];
  const names = slug === undefined ? [] : namesOfSlug(slug);
  if (names.length === 0) return { packages: [], notes: [], errors: [errorFor(path, 'yarn-zip', `${detail} and the file name is not a Yarn cache name`)] };
  const guess = names.length > 1 ? `; the scope's slash could be at any dash of ${JSON.stringify(slug)}: listed under each reading` : '';
  if (!npm) {
    const packages = names.map((n) => npmPackage(n, '', `/${path}`));
    return { packages, notes: [], errors: [errorFor(path, 'yarn-zip', `${detail} and its file name holds no version (a ${JSON.stringify(other![2])} package)${guess}`)] };
  }
  const packages = names.map((n) => npmPackage(n, npm[2] as string, `/${path}`));
  return { packages, notes: [`yarn-zip: /${path}: ${detail}; name and version read from the file name (without build metadata)${guess}`] };
}

export const yarnZipCataloger = {
  name: 'yarn-zip',
  catalogUnread: catalogByFileName,
  wants: (path) => ZIP.test(path) || CACHE_FILE.test(path),
  maxBytes: (limits) => limits.maxZipBytes,
  catalog(path, content, limits): CatalogResult {
    const notes: string[] = [];
    const errors: string[] = [];
    try {
      const packages = packagesInZip(path, content, limits.maxFileBytes, notes, errors);
      return { packages, notes, ...(errors.length > 0 ? { errors } : {}) };
    } catch (err) {
      return { packages: [], notes: [...notes, noteFor(path, 'yarn-zip', (err as Error).message)], ...(errors.length > 0 ? { errors } : {}) };
    }
  },
} satisfies Cataloger;
