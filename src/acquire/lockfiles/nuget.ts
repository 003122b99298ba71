// NuGet packages.lock.json (version 1 and 2): per target framework, packages by name with `type`
// (Direct, Transitive, CentralTransitive, Project), `resolved` and `dependencies`.
import { InputError } from '../../errors.js';
import { addEdge, emptyGraph, packagesOfGraph } from './graph.js';
import type { LockfileParser, LockfileResult } from './lockfile.js';
import { isRecord, parseJsonFile } from './lockfile.js';

function parseNugetLock(text: string, file: string): LockfileResult {
  const doc = parseJsonFile(text, file);
  if (!isRecord(doc)) throw new InputError(file, 'not a JSON object');
  if (doc.version !== 1 && doc.version !== 2) throw new InputError(file, `unsupported version ${JSON.stringify(doc.version)} (known: 1, 2)`, undefined, 'version');
  if (!isRecord(doc.dependencies)) throw new InputError(file, 'no "dependencies" object', undefined, 'dependencies');
  const graph = emptyGraph();
  const errors: string[] = [];
  for (const [framework, packages] of Object.entries(doc.dependencies)) {
    if (!isRecord(packages)) {
      errors.push(`${file}: dependencies.${framework} is not an object; not read`);
      continue;
    }
    // NuGet ids compare case-insensitively.
    const idOf = (name: string) => `${framework}/${name.toLowerCase()}`;
    const entries = Object.entries(packages).filter(([name, entry]) => {
      if (isRecord(entry) && (entry.type === 'Project' || typeof entry.resolved === 'string')) return true;
      errors.push(`${file}: dependencies.${framework}.${name} has no "resolved" version; not read`);
      return false;
    }) as [string, Record<string, unknown>][];
    for (const [name, entry] of entries) {
      if (entry.type !== 'Project') graph.nodes.set(idOf(name), { name, version: entry.resolved as string, entry: `${framework}/${name}` });
    }
    for (const [name, entry] of entries) {
      for (const dep of isRecord(entry.dependencies) ? Object.keys(entry.dependencies) : []) {
        // Direct packages and the projects this one references are what the project asked for.
        if (entry.type === 'Project') graph.roots.push(idOf(dep));
        else addEdge(graph, idOf(name), idOf(dep));
      }
      if (entry.type === 'Direct') graph.roots.push(idOf(name));
    }
  }
  return { packages: packagesOfGraph(graph, 'nuget', file), notes: [], errors };
}

export const nugetLockParser = {
  name: 'nuget-lock',
  matches: (fileName) => fileName === 'packages.lock.json' || /^packages\..+\.lock\.json$/.test(fileName),
  parse: parseNugetLock,
} satisfies LockfileParser;
