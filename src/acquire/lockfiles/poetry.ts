// poetry.lock (TOML): one [[package]] per locked distribution, its [package.dependencies] by name.
import { InputError } from '../../errors.js';
import { addEdge, emptyGraph, packagesOfGraph, rootsByIndegree } from './graph.js';
import type { LockfileContext, LockfileParser, LockfileResult } from './lockfile.js';
import { isRecord } from './lockfile.js';
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

/** Names pyproject.toml declares: Poetry's own tables, its groups, and PEP 621 `project.dependencies`. */
function declaredNames(pyproject: unknown): string[] {
  if (!isRecord(pyproject)) return [];
  const poetry = isRecord(pyproject.tool) && isRecord(pyproject.tool.poetry) ? pyproject.tool.poetry : {};
  const groups = isRecord(poetry.group) ? Object.values(poetry.group) : [];
  const tables = [poetry.dependencies, poetry['dev-dependencies'], ...groups.map((g) => (isRecord(g) ? g.dependencies : undefined))];
  const names = tables.flatMap((t) => (isRecord(t) ? Object.keys(t) : []));
  const project = isRecord(pyproject.project) ? pyproject.project.dependencies : undefined;
  // PEP 508 strings start with the name: `requests[socks]>=2.31 ; python_version > "3.8"`.
  for (const spec of Array.isArray(project) ? project : []) if (typeof spec === 'string') names.push(spec.split(/[\s\[<>=!~;(@]/)[0]!);
  return names.filter((n) => n && n.toLowerCase() !== 'python');
}

function parsePoetryLock(text: string, file: string, context?: LockfileContext): LockfileResult {
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
  // poetry.lock leaves the project's own dependencies to pyproject.toml; nobody else needing one is a sign too.
  const declared = declaredNames(context?.manifest).flatMap((name) => byName.get(normalizePythonName(name)) ?? []);
  graph.roots = rootsByIndegree(graph, declared);
  return { packages: packagesOfGraph(graph, 'pypi', file), notes: [] };
}

export const poetryLockParser = {
  name: 'poetry-lock',
  manifest: 'pyproject.toml',
  matches: (fileName) => fileName === 'poetry.lock',
  parse: parsePoetryLock,
} satisfies LockfileParser;
