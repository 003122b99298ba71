// npm packages: each package.json directly inside a node_modules folder (npm, nested, scoped, pnpm, yarn unplugged).
import { PackageURL } from 'packageurl-js';
import type { Cataloger, CatalogResult, FoundPackage } from './cataloger.js';
import { noteFor } from './cataloger.js';

// A name that starts with `.` is npm's own metadata (.bin, .pnpm, .package-lock.json), not a package;
// package.json files deeper inside a package (lib/package.json) are not packages either.
const PACKAGE_JSON = /(?:^|\/)node_modules\/((?:@[^/.][^/]*\/)?[^/.@][^/]*)\/package\.json$/;

export function npmPackage(name: string, version: string, path: string): FoundPackage {
  return { ecosystem: 'npm', name, version, purl: npmPurl(name, version), path };
}

export function npmPurl(name: string, version: string): string | undefined {
  try {
    const scoped = /^(@[^/]+)\/(.+)$/.exec(name);
    const [ns, n] = scoped ? [scoped[1], scoped[2]] : [undefined, name];
    return new PackageURL('npm', ns, n ?? name, version || undefined, undefined, undefined).toString();
  } catch {
    return undefined;
  }
}

/** Name and version from package.json text; the folder name stands in for a missing name. */
export function readPackageJson(text: string, fallbackName: string): { name: string; version: string } | string {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return 'not valid JSON';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'not a JSON object';
  const doc = json as Record<string, unknown>;
  const name = typeof doc.name === 'string' && doc.name ? doc.name : fallbackName;
  const version = typeof doc.version === 'string' ? doc.version : '';
  return { name, version };
}

export const npmCataloger = {
  name: 'npm',
  wants: (path) => PACKAGE_JSON.test(path),
  maxBytes: (limits) => limits.maxFileBytes,
  catalog(path, content): CatalogResult {
    const folder = PACKAGE_JSON.exec(path)?.[1] ?? '';
    const read = readPackageJson(content.toString('utf8'), folder);
    if (typeof read === 'string') return { packages: [], notes: [noteFor(path, 'npm', read)] };
    return { packages: [npmPackage(read.name, read.version, `/${path}`)], notes: [] };
  },
} satisfies Cataloger;
