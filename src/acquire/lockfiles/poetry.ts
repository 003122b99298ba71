// poetry.lock (TOML): one [[package]] per locked distribution, its [package.dependencies] by name.
import { InputError } from '../../errors.js';
import { addEdge, emptyGraph, packagesOfGraph, rootsByIndegree } from './graph.js';
import type { LockfileParser, LockfileResult } from './lockfile.js';
import { indexByName, normalizePythonName } from './python.js';
import type { TomlTable } from './toml.js';
import { parseToml } from './toml.js';

/** The `[[package]]` tables of a Python lockfile, each with a string name and version, or an error. */
export function lockedTables(doc: TomlTable, file: string): TomlTable[] {
  const list = doc.package ?? [];
  if (!Array.isArray(list)) throw new InputError(file, '"package" is not an array of tables', undefined, 'package');
  return list.map((entry, i) => {
    if (typeof entry !== 'object' || Array.isArray(entry) || typeof entry.name !== 'string' || typeof entry.version !== 'string') {
      throw new InputError(file, `[[package]] number ${i + 1} has no name or version string`, undefined, 'package');
    }
    return entry;
  });
}

function parsePoetryLock(text: string, file: string): LockfileResult {
  const tables = lockedTables(parseToml(text, file), file);
  const graph = emptyGraph();
  tables.forEach((t, i) => graph.nodes.set(String(i), { name: t.name as string, version: t.version as string }));
  const byName = indexByName(graph.nodes);
  tables.forEach((t, i) => {
    const deps = t.dependencies;
    if (typeof deps !== 'object' || Array.isArray(deps)) return;
    for (const name of Object.keys(deps)) {
      for (const to of byName.get(normalizePythonName(name)) ?? []) addEdge(graph, String(i), to);
    }
  });
  // poetry.lock leaves the project's own dependencies to pyproject.toml; nobody else needing one is the sign.
  graph.roots = rootsByIndegree(graph);
  return { packages: packagesOfGraph(graph, 'pypi', file), notes: [] };
}

export const poetryLockParser = {
  name: 'poetry-lock',
  matches: (fileName) => fileName === 'poetry.lock',
  parse: parsePoetryLock,
} satisfies LockfileParser;
