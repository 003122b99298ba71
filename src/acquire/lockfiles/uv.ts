// uv.lock (TOML): [[package]] tables with `dependencies = [{ name = ... }]`; the project itself is a virtual or editable source.
import { InputError } from '../../errors.js';
import type { DependencyGraph } from './graph.js';
import { addEdge, emptyGraph, packagesOfGraph } from './graph.js';
import type { LockfileParser, LockfileResult } from './lockfile.js';
import { lockedTables } from './poetry.js';
import { indexByName, normalizePythonName } from './python.js';
import type { TomlTable, TomlValue } from './toml.js';
import { parseToml } from './toml.js';

function isProject(t: TomlTable): boolean {
  const source = t.source;
  return typeof source === 'object' && !Array.isArray(source) && ('virtual' in source || 'editable' in source);
}

/** `{ name, version? }` references from a dependency array, or from every group of a table of arrays. */
function refsOf(value: TomlValue | undefined): { name: string; version?: string }[] {
  if (value === undefined) return [];
  const lists = Array.isArray(value) ? [value] : typeof value === 'object' ? Object.values(value) : [];
  return lists.flatMap((list) =>
    (Array.isArray(list) ? list : []).flatMap((ref) =>
      typeof ref === 'object' && !Array.isArray(ref) && typeof ref.name === 'string'
        ? [{ name: ref.name, ...(typeof ref.version === 'string' ? { version: ref.version } : {}) }]
        : [],
    ),
  );
}

function buildGraph(tables: TomlTable[]): DependencyGraph {
  const graph = emptyGraph();
  tables.forEach((t, i) => {
    if (!isProject(t)) graph.nodes.set(String(i), { name: t.name as string, version: t.version as string });
  });
  const byName = indexByName(graph.nodes);
  const resolve = (ref: { name: string; version?: string }) =>
    (byName.get(normalizePythonName(ref.name)) ?? []).filter((id) => !ref.version || graph.nodes.get(id)!.version === ref.version);
  tables.forEach((t, i) => {
    if (isProject(t)) {
      // The project's extras and dev groups are installed by default (dev) or on request; both count as asked for.
      const refs = [...refsOf(t.dependencies), ...refsOf(t['optional-dependencies']), ...refsOf(t['dev-dependencies'])];
      for (const ref of refs) graph.roots.push(...resolve(ref));
    } else {
      for (const ref of refsOf(t.dependencies)) for (const to of resolve(ref)) addEdge(graph, String(i), to);
    }
  });
  return graph;
}

function parseUvLock(text: string, file: string): LockfileResult {
  const doc = parseToml(text, file);
  if (doc.version !== 1) throw new InputError(file, `unsupported version ${JSON.stringify(doc.version)} (known: 1)`, undefined, 'version');
  const graph = buildGraph(lockedTables(doc, file));
  return { packages: packagesOfGraph(graph, 'pypi', file), notes: [] };
}

export const uvLockParser = {
  name: 'uv-lock',
  matches: (fileName) => fileName === 'uv.lock',
  parse: parseUvLock,
} satisfies LockfileParser;
