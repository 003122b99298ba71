// The package a registry tarball URL names: `…/axios/-/axios-1.14.1.tgz`, `…/@scope/name/-/name-1.0.0.tgz`
// (registry.npmjs.org, Verdaccio, Nexus), `…/@scope/name/-/@scope/name-1.0.0.tgz` (Artifactory, for packages
// published to it), `…/@scope/name/-/scope-name-1.0.0.tgz` (the file `npm pack` writes, served as it is by
// a plain file registry), GitHub Packages' `…/download/@scope/name/1.0.0/<hash>`. Other URLs (git, file, a
// tarball on a web server) name no package: undefined, never a guess.
import { normalizePackageName } from './names.js';
import { normalizeVersion } from './versions.js';

export interface TarballIdentity {
  name: string;
  version: string;
}

const NAME_PART = '[^/@\\s][^/\\s]*';
// npm's registry layout, which Artifactory, Nexus, Verdaccio, the yarn and GitHub mirrors all serve too.
const REGISTRY = new RegExp(`/((?:@${NAME_PART}/)?${NAME_PART})/-/((?:@${NAME_PART}/)?[^/]+)\\.tgz$`);
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
  // The file is named after this package (a file named after another is not this layout): `<unscoped name>-`,
  // `<scope>-<name>-` as npm pack names it, or the whole `@scope/name-` as Artifactory serves its own packages.
  const scope = name.startsWith('@') ? name.slice(1, name.indexOf('/')) : undefined;
  const file = m[2]!;
  for (const prefix of [`${base}-`, ...(scope === undefined ? [] : [`${scope}-${base}-`, `${name}-`])]) {
    const version = file.startsWith(prefix) ? file.slice(prefix.length) : '';
    if (VERSION.test(version)) return { name, version };
  }
  return undefined;
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
