// The package a registry tarball URL names: `…/axios/-/axios-1.14.1.tgz`, `…/@scope/name/-/name-1.0.0.tgz`,
// GitHub Packages' `…/download/@scope/name/1.0.0/<hash>`. Other URLs (git, file, a tarball on a web server)
// name no package: undefined, never a guess.
import { normalizePackageName } from './names.js';
import { normalizeVersion } from './versions.js';

export interface TarballIdentity {
  name: string;
  version: string;
}

const NAME_PART = '[^/@\\s][^/\\s]*';
// npm's registry layout, which Artifactory, Nexus, Verdaccio, the yarn and GitHub mirrors all serve too.
const REGISTRY = new RegExp(`/((?:@${NAME_PART}/)?${NAME_PART})/-/([^/]+)\\.tgz$`);
const GITHUB = new RegExp(`/download/(@${NAME_PART}/${NAME_PART})/(\\d[^/]*)/[0-9a-f]+$`);
const VERSION = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/;

function pathOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
    // `@scope%2fname` is how npm writes a scoped name in a URL path segment.
    return decodeURIComponent(u.pathname.replace(/%2f/gi, '/'));
  } catch {
    return undefined;
  }
}

/** Name and version of the tarball a resolved URL fetches, when the URL is in a registry's layout. */
export function tarballIdentity(url: string): TarballIdentity | undefined {
  const path = pathOf(url.trim());
  if (path === undefined) return undefined;
  const github = GITHUB.exec(path);
  if (github && VERSION.test(github[2]!)) return { name: github[1]!, version: github[2]! };
  const m = REGISTRY.exec(path);
  if (!m) return undefined;
  const name = m[1]!;
  const base = name.slice(name.lastIndexOf('/') + 1);
  // The file is `<unscoped name>-<version>.tgz`; a file named after another package is not this layout.
  if (!m[2]!.startsWith(`${base}-`)) return undefined;
  const version = m[2]!.slice(base.length + 1);
  return VERSION.test(version) ? { name, version } : undefined;
}

/** Whether a lockfile entry's own name and version are the ones its resolved tarball carries. */
export function sameIdentity(a: TarballIdentity, b: TarballIdentity): boolean {
  return normalizePackageName('npm', a.name) === normalizePackageName('npm', b.name) && normalizeVersion('npm', a.version) === normalizeVersion('npm', b.version);
}

/** A URL fit to print: no user, password or token in the authority, no query, no fragment. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}
