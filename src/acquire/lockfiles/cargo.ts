// Cargo.lock (TOML): `[[package]]` with name, version, source and `dependencies = ["name", "name version",
// "name version (source)"]`; a package without `source` is a crate of the workspace itself.
import { InputError } from '../../errors.js';
import { addEdge, emptyGraph, packagesOfGraph } from './graph.js';
import type { LockfileParser, LockfileResult } from './lockfile.js';
import type { TomlTable } from './toml.js';
import { parseToml } from './toml.js';

const KNOWN_VERSIONS = [undefined, 3, 4];

function parseCargoLock(text: string, file: string): LockfileResult {
  const doc = parseToml(text, file);
  // v1 and v2 carry no `version`; Cargo writes 3 since 1.53 and 4 since 1.83.
  if (!KNOWN_VERSIONS.includes(doc.version as number | undefined)) {
    throw new InputError(file, `unsupported version ${JSON.stringify(doc.version)} (known: none, 3, 4)`, undefined, 'version');
  }
  const list = doc.package ?? [];
  if (!Array.isArray(list)) throw new InputError(file, '"package" is not an array of tables', undefined, 'package');
  const errors: string[] = [];
  const graph = emptyGraph();
  const tables: [string, TomlTable][] = [];
  list.forEach((entry, i) => {
    const t = typeof entry === 'object' && !Array.isArray(entry) ? entry : undefined;
    if (!t || typeof t.name !== 'string' || typeof t.version !== 'string') {
      errors.push(`${file}: [[package]] number ${i + 1} has no name or version string; not read`);
      return;
    }
    tables.push([String(i), t]);
    if (typeof t.source === 'string') graph.nodes.set(String(i), { name: t.name, version: t.version });
  });
  const ids = (name: string, version?: string) =>
    tables.filter(([, t]) => t.name === name && (version === undefined || t.version === version)).map(([id]) => id);
  for (const [id, t] of tables) {
    for (const dep of Array.isArray(t.dependencies) ? t.dependencies : []) {
      if (typeof dep !== 'string') continue;
      const [name, version] = dep.split(' ');
      for (const to of ids(name!, version)) {
        // The workspace's own crates are the project: what they need is what it asked for.
        if (!graph.nodes.has(id)) graph.roots.push(to);
        else addEdge(graph, id, to);
      }
    }
  }
  return { packages: packagesOfGraph(graph, 'cargo', file), notes: [], errors };
}

export const cargoLockParser = {
  name: 'cargo-lock',
  matches: (fileName) => fileName === 'Cargo.lock',
  parse: parseCargoLock,
} satisfies LockfileParser;
