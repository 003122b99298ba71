// npm's hidden lockfile (node_modules/.package-lock.json): what npm installed, even where package.json files are gone.
import type { Cataloger, CatalogResult, FoundPackage } from './cataloger.js';
import { noteFor } from './cataloger.js';
import { npmPackage } from './npm.js';
import { artifactFields, identityDisagreement } from '../../lockfiles/artifact.js';

const LOCKFILE = /(?:^|\/)node_modules\/\.package-lock\.json$/;

function packagesOf(doc: unknown): [string, Record<string, unknown>][] | string {
  if (typeof doc !== 'object' || doc === null) return 'not a JSON object';
  const packages = (doc as Record<string, unknown>).packages;
  if (typeof packages !== 'object' || packages === null || Array.isArray(packages)) return 'no "packages" object';
  return Object.entries(packages).filter((e): e is [string, Record<string, unknown>] => typeof e[1] === 'object' && e[1] !== null);
}

function artifactOf(entry: Record<string, unknown>): Pick<FoundPackage, 'resolved' | 'integrity'> {
  return artifactFields({
    ...(typeof entry.resolved === 'string' ? { resolved: entry.resolved } : {}),
    ...(typeof entry.integrity === 'string' ? { integrity: entry.integrity } : {}),
  });
}

export const npmLockfileCataloger = {
  name: 'npm-lockfile',
  wants: (path) => LOCKFILE.test(path),
  maxBytes: (limits) => limits.maxFileBytes,
  catalog(path, content): CatalogResult {
    let doc: unknown;
    try {
      doc = JSON.parse(content.toString('utf8'));
    } catch {
      return { packages: [], notes: [noteFor(path, 'npm-lockfile', 'not valid JSON')] };
    }
    const entries = packagesOf(doc);
    if (typeof entries === 'string') return { packages: [], notes: [noteFor(path, 'npm-lockfile', entries)] };
    const packages: FoundPackage[] = [];
    const notes: string[] = [];
    for (const [key, entry] of entries) {
      const at = key.lastIndexOf('node_modules/');
      // Links point at workspace folders, which carry their own package.json; they have no version here.
      if (at < 0 || entry.link === true) continue;
      const name = typeof entry.name === 'string' ? entry.name : key.slice(at + 'node_modules/'.length);
      const version = typeof entry.version === 'string' ? entry.version : '';
      const found: FoundPackage = { ...npmPackage(name, version, `/${path}`), ...artifactOf(entry) };
      const said = identityDisagreement(found);
      if (said !== undefined) notes.push(`npm-lockfile: /${path}: entry ${key}: ${said}; matched as both`);
      packages.push(found);
    }
    return { packages, notes };
  },
} satisfies Cataloger;
