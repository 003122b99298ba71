// composer.lock (JSON): `packages` and `packages-dev` arrays of `{ name, version, require }`; `composer install`
// installs both unless told --no-dev.
import { InputError } from '../../errors.js';
import { addEdge, emptyGraph, packagesOfGraph, rootsByIndegree } from './graph.js';
import type { LockfileContext, LockfileParser, LockfileResult } from './lockfile.js';
import { isRecord, parseJsonFile } from './lockfile.js';

/** Composer writes a tag's `v` (`v6.4.1`); Packagist advisories and OSV give `6.4.1`. Branches (`dev-main`) stay. */
const plainVersion = (v: string) => (/^v\d/.test(v) ? v.slice(1) : v);

function parseComposerLock(text: string, file: string, context?: LockfileContext): LockfileResult {
  const doc = parseJsonFile(text, file);
  if (!isRecord(doc) || !('packages' in doc || 'packages-dev' in doc)) throw new InputError(file, 'not a composer.lock (no "packages" array)', undefined, 'packages');
  const graph = emptyGraph();
  const errors: string[] = [];
  const byName = new Map<string, string>();
  const requires: [string, string[]][] = [];
  for (const section of ['packages', 'packages-dev']) {
    const list = doc[section] ?? [];
    if (!Array.isArray(list)) {
      errors.push(`${file}: "${section}" is not an array; not read`);
      continue;
    }
    list.forEach((entry: unknown, i) => {
      if (!isRecord(entry) || typeof entry.name !== 'string' || typeof entry.version !== 'string') {
        errors.push(`${file}: ${section}[${i}] has no name or version string; not read`);
        return;
      }
      const id = `${section}[${i}]`;
      graph.nodes.set(id, { name: entry.name, version: plainVersion(entry.version), entry: id });
      byName.set(entry.name.toLowerCase(), id);
      requires.push([id, isRecord(entry.require) ? Object.keys(entry.require) : []]);
    });
  }
  for (const [id, names] of requires) for (const name of names) {
    const to = byName.get(name.toLowerCase());
    if (to !== undefined) addEdge(graph, id, to);
  }
  const manifest = isRecord(context?.manifest) ? context.manifest : {};
  const declared = ['require', 'require-dev'].flatMap((f) => (isRecord(manifest[f]) ? Object.keys(manifest[f]) : []));
  graph.roots = rootsByIndegree(graph, declared.flatMap((n) => byName.get(n.toLowerCase()) ?? []));
  return { packages: packagesOfGraph(graph, 'composer', file), notes: [], errors };
}

export const composerLockParser = {
  name: 'composer-lock',
  manifest: 'composer.json',
  matches: (fileName) => fileName === 'composer.lock',
  parse: parseComposerLock,
} satisfies LockfileParser;
