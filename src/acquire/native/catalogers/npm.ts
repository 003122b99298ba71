// npm packages where a JavaScript runtime loads them from: a folder directly inside any `node_modules`
// (npm, nested, scoped, pnpm, yarn unplugged), Deno's npm cache and Bun's install cache.
//
// Node's resolution (Module._findPath -> tryPackage) finds `require('x')` at `node_modules/x/` by the FOLDER
// name and only then reads package.json (for main/exports), so the folder is the package's identity: a
// package.json whose `name` disagrees is catalogued under the folder name, and under its own name too
// (an npm alias `x@npm:axios@1.14.1` installs axios's code as `x`), with a note saying so. A package.json
// that is there but cannot be parsed (truncated, UTF-16, not an object) makes `require` throw
// (ERR_INVALID_PACKAGE_CONFIG): the platform is unknown, never clean.
import { purlString } from '../../../formats/purl-lib.js';
import type { CatalogContext, Cataloger, CatalogResult, FoundPackage } from './cataloger.js';
import { bunCacheLocationIn } from './bun-cache.js';
import { errorFor, strictUtf8 } from './cataloger.js';
import { bunCacheLocation, fitsHashedFolder } from './bun-cache.js';

// A name that starts with `.` is npm's own metadata (.bin, .pnpm, .package-lock.json), not a package;
// package.json files deeper inside a package (lib/package.json) are not packages either.
const NAME = '((?:@[^/.][^/]*\\/)?[^/.@][^/]*)';
const NODE_MODULES = new RegExp(`(?:^|/)node_modules/${NAME}/package\\.json$`);
// $DENO_DIR/npm/<registry folder>/<name>/<version>[_<copy>]/ (Deno runs packages from there when there is no
// node_modules). The registry folder is what Deno makes of the registry URL: `registry.npmjs.org`,
// `localhost_4873`, `4873` for 127.0.0.1:4873 (seen with deno 2.9), the URL's path as further folders: any number
// of segments, so the package is told by the version folder below its name (test/oracle/deno-npm-cache.test.ts).
const DENO = new RegExp(`(?:^|/)npm/(?:[^/]+/)+?${NAME}/(\\d+\\.\\d+\\.\\d+[^/]*)/package\\.json$`);
// Bun's global cache (~/.bun/install/cache): its folder names in bun-cache.ts.

// Where Node reads `<here>/package.json` while resolving a bare `require(name)`: a node_modules folder, a scope
// folder in it, or a package folder (resolveExports and tryPackage read `<node_modules>/<name>/package.json`).
const NODE_LOOKUP = new RegExp(`(?:^|/)node_modules(?:/@[^/.][^/]*)?(?:/${NAME})?$`);

/** True when Node opens `<path>/package.json` (or a path below it) while resolving some bare specifier. */
export function isNodeLookupPath(path: string): boolean {
  return NODE_LOOKUP.test(path);
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * A name with capitals is a folder `_<the name in lower-case base32, unpadded>` in Deno's cache (one segment, the
 * scope's `/` included), so that it survives case-insensitive file systems: `BigName` is `_ijuwottbnvsq`. npm
 * names never start with `_`; anything that does not decode to a name with capitals is taken as written.
 */
export function denoFolderName(folder: string): string {
  if (!/^_[a-z2-7]+$/.test(folder)) return folder;
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const c of folder.slice(1)) {
    value = (value << 5) | BASE32.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  const name = strictUtf8(Buffer.from(bytes));
  return name !== undefined && name !== name.toLowerCase() && /^(?:@[^/.][^/]*\/)?[^/.@_][^/]*$/.test(name) ? name : folder;
}

export interface NpmLocation {
  /** The name the runtime finds the package by; '' where the location names none (Bun's git and tarball folders): the package.json's name is its identity. */
  folder: string;
  /** The version the location names, where it names one (Deno, Bun). */
  folderVersion?: string;
  /** Bun writes pre-release and build tags as hashes: the folder tells only major.minor.patch and which tags there are. */
  folderVersionHashed?: { core: string; pre: boolean; build: boolean };
}

/** Where a package.json sits, if a runtime loads a package from there. */
export function npmLocation(path: string): NpmLocation | undefined {
  const nm = NODE_MODULES.exec(path);
  if (nm) return { folder: nm[1] as string };
  const bun = bunCacheLocation(path);
  if (bun) return bun;
  const deno = DENO.exec(path);
  if (deno) return { folder: denoFolderName(deno[1] as string), folderVersion: (deno[2] as string).replace(/_\d+$/, '') };
  return undefined;
}

const FOLDER_PACKAGE = new RegExp(`^${NAME}/package\\.json$`);

/**
 * A package folder directly inside one of Node's global folders (NODE_PATH, ~/.node_modules: node-path.ts), by a
 * set lookup of the one or two folders it could sit in: a config naming 100,000 NODE_PATH entries costs nothing
 * per file.
 */
export function npmLocationIn(path: string, folders: ReadonlySet<string>): NpmLocation | undefined {
  if (folders.size === 0 || !path.endsWith('/package.json')) return undefined;
  const parts = path.split('/');
  // <folder>/<name>/package.json (the last 2 segments), or <folder>/@scope/<name>/package.json (3); '' is the root.
  for (const tail of parts.length >= 3 && parts[parts.length - 3]!.startsWith('@') ? [3, 2] : [2]) {
    if (parts.length < tail || !folders.has(parts.slice(0, parts.length - tail).join('/'))) continue;
    const m = FOLDER_PACKAGE.exec(parts.slice(parts.length - tail).join('/'));
    if (m) return { folder: m[1] as string };
  }
  return undefined;
}

export function npmPackage(name: string, version: string, path: string): FoundPackage {
  const pkg: FoundPackage = { ecosystem: 'npm', name, version, path };
  const purl = npmPurl(name, version);
  if (purl) pkg.purl = purl;
  return pkg;
}

export function npmPurl(name: string, version: string): string | undefined {
  try {
    const scoped = /^(@[^/]+)\/(.+)$/.exec(name);
    const [ns, n] = scoped ? [scoped[1], scoped[2]] : [undefined, name];
    return purlString('npm', ns, n ?? name, version || undefined, undefined);
  } catch {
    return undefined;
  }
}

/** Name and version from package.json text (a BOM is skipped, as Node does); the folder name stands in for a missing name. */
export function readPackageJson(text: string, fallbackName: string): { name: string; version: string; declared?: string } | string {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return 'not valid JSON';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'not a JSON object';
  const doc = json as Record<string, unknown>;
  const declared = typeof doc.name === 'string' && doc.name ? doc.name : undefined;
  const version = typeof doc.version === 'string' ? doc.version : '';
  return { name: declared ?? fallbackName, version, ...(declared ? { declared } : {}) };
}

/** The package at a runtime location: under the folder's name, plus the declared name when it differs. */
export function catalogPackageJson(path: string, content: Buffer, at: NpmLocation, cataloger: string): CatalogResult {
  const text = strictUtf8(content);
  const read = text === undefined ? 'not UTF-8 (UTF-16 or binary)' : readPackageJson(text, at.folder);
  if (typeof read === 'string') return { packages: [], notes: [], errors: [errorFor(path, cataloger, `${read}: the runtime cannot load it`)] };
  if (at.folder === '') {
    if (read.declared === undefined) return { packages: [], notes: [], errors: [errorFor(path, cataloger, 'its cache folder names no package and package.json has no name')] };
    return { packages: [npmPackage(read.declared, read.version, `/${path}`)], notes: [] };
  }
  const hashed = at.folderVersionHashed;
  const version = read.version || (hashed ? '' : at.folderVersion) || '';
  const packages = [npmPackage(at.folder, version, `/${path}`)];
  const notes: string[] = [];
  if (read.declared !== undefined && read.declared !== at.folder) {
    packages.push(npmPackage(read.declared, version, `/${path}`));
    notes.push(`${cataloger}: /${path}: package.json names it ${JSON.stringify(read.declared)}; the runtime loads it as ${JSON.stringify(at.folder)}; listed under both names`);
  }
  if (at.folderVersion !== undefined && read.version && (hashed ? !fitsHashedFolder(read.version, hashed) : read.version !== at.folderVersion)) {
    // A folder whose tags bun hashed names no version to list; one whose tags it did not hash does.
    if (!hashed) packages.push(npmPackage(at.folder, at.folderVersion, `/${path}`));
    notes.push(`${cataloger}: /${path}: package.json says version ${read.version}, its cache folder ${at.folderVersion}; ${hashed ? 'listed as package.json says' : 'listed under both'}`);
  }
  return { packages, notes };
}

/**
 * Where a runtime loads a package from: the fixed places (npmLocation), else one of Node's global folders or a Bun
 * cache the image config moved, loaded by its folder name too.
 */
function runtimeLocation(path: string, context: CatalogContext | undefined): NpmLocation | undefined {
  return npmLocation(path) ?? (context ? (npmLocationIn(path, context.nodeFolders) ?? bunCacheLocationIn(path, context.bunCaches)) : undefined);
}

export const npmCataloger = {
  name: 'npm',
  // Every package.json is kept: one outside node_modules may be where a symlinked node_modules points.
  wants: (path) => path === 'package.json' || path.endsWith('/package.json'),
  maxBytes: (limits) => limits.maxFileBytes,
  /** Too large to read: unknown where a runtime loads a package from, nothing elsewhere. */
  catalogUnread(path, size, context): CatalogResult {
    if (!runtimeLocation(path, context)) return { packages: [], notes: [] };
    return { packages: [], notes: [], errors: [`limit maxFileBytes exceeded: /${path} is ${size} bytes; not read`] };
  },
  catalog(path, content, _limits, _lookup, context): CatalogResult {
    const at = runtimeLocation(path, context);
    if (!at) return { packages: [], notes: [] };
    return catalogPackageJson(path, content, at, 'npm');
  },
} satisfies Cataloger;

