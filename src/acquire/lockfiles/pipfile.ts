// Pipfile.lock (JSON): `default` and `develop` map names to `{ "version": "==x" }`; no dependency graph.
import { InputError } from '../../errors.js';
import type { Package } from '../../model/package.js';
import type { LockfileParser, LockfileResult } from './lockfile.js';
import { isRecord, parseJsonFile } from './lockfile.js';

function parsePipfileLock(text: string, file: string): LockfileResult {
  const doc = parseJsonFile(text, file);
  if (!isRecord(doc) || !isRecord(doc._meta)) throw new InputError(file, 'not a Pipfile.lock (no "_meta" object)', undefined, '_meta');
  const packages: Package[] = [];
  const notes: string[] = [];
  // Newer pipenv writes custom package categories as further top-level sections beside default and develop.
  for (const [section, entries] of Object.entries(doc)) {
    if (section === '_meta' || !isRecord(entries)) continue;
    for (const [name, entry] of Object.entries(entries)) {
      if (!isRecord(entry)) throw new InputError(file, `"${section}.${name}" is not an object`, undefined, `${section}.${name}`);
      const pin = typeof entry.version === 'string' ? /^===?\s*(.+)$/.exec(entry.version.trim()) : null;
      if (!pin) notes.push(`${file}: ${section}.${name} has no == version (VCS, path or file), listed without one`);
      packages.push({ ecosystem: 'pypi', name, version: pin?.[1] ?? '', paths: [file] });
    }
  }
  return { packages, notes };
}

export const pipfileLockParser = {
  name: 'pipfile-lock',
  matches: (fileName) => fileName === 'Pipfile.lock',
  parse: parsePipfileLock,
} satisfies LockfileParser;
