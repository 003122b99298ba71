// What one package-lock entry says, in either layout: where node finds a name from an install path, the
// tarball the entry fetches, the package an alias installs.
import type { LockedPackage } from './lockfile.js';
import { splitNameAtVersion } from './lockfile.js';

/** Where node would find `name` when required from the package installed at `from`: nearest node_modules upwards. */
export function resolveFrom(locations: ReadonlyMap<string, unknown>, from: string, name: string): string | undefined {
  const segments = from === '' ? [] : from.split('/');
  for (let i = segments.length; i >= 0; i--) {
    if (segments[i - 1] === 'node_modules') continue;
    const prefix = segments.slice(0, i).join('/');
    const candidate = `${prefix ? `${prefix}/` : ''}node_modules/${name}`;
    if (locations.has(candidate)) return candidate;
  }
  return undefined;
}

/** The tarball an entry fetches and its integrity, where the lockfile records them; `entry` names it in notes. */
export function artifactOf(key: string, entry: Record<string, unknown>): Pick<LockedPackage, 'resolved' | 'integrity' | 'entry'> {
  return {
    entry: key,
    ...(typeof entry.resolved === 'string' ? { resolved: entry.resolved } : {}),
    ...(typeof entry.integrity === 'string' ? { integrity: entry.integrity } : {}),
  };
}

/** An alias (`"npm:real-name@1.0.0"`) installs another package under the folder name. */
export function realPackage(folderName: string, version: string): { name: string; version: string } {
  if (version.startsWith('npm:')) {
    const real = splitNameAtVersion(version.slice(4));
    if (real) return real;
  }
  return { name: folderName, version };
}
