// npm's package-lock.json and npm-shrinkwrap.json: v1 nests `dependencies`, v2 and v3 key `packages` by install path.
import { InputError } from '../../errors.js';
import { artifactNotes } from './artifact.js';
import type { DependencyGraph } from './graph.js';
import { addEdge, emptyGraph, packagesOfGraph } from './graph.js';
import type { LockfileContext, LockfileParser, LockfileResult } from './lockfile.js';
import { isRecord, parseJsonFile, stringEntries } from './lockfile.js';
import { artifactOf, realPackage, resolveFrom } from './npm-entries.js';
import { graphFromDependencies } from './npm-v1.js';

const NODE_DEPS = ['dependencies', 'optionalDependencies', 'peerDependencies'];
// The project's own manifest also lists what it needs for development; those are installed too.
const PROJECT_DEPS = [...NODE_DEPS, 'devDependencies'];

function depNames(entry: Record<string, unknown>, fields: string[]): string[] {
  return fields.flatMap((f) => stringEntries(entry[f]).map(([name]) => name));
}

/** v2/v3: `""` is the project, keys without node_modules are workspace folders, links point at them. */
function graphFromPackages(packages: Record<string, unknown>): DependencyGraph {
  const graph = emptyGraph();
  const entries = Object.entries(packages).filter((e): e is [string, Record<string, unknown>] => isRecord(e[1]));
  const locations = new Map(entries);
  const projects: [string, Record<string, unknown>][] = [];
  for (const [key, entry] of entries) {
    const at = key.lastIndexOf('node_modules/');
    if (at < 0) projects.push([key, entry]);
    else if (entry.link !== true) {
      const folder = key.slice(at + 'node_modules/'.length);
      const version = typeof entry.version === 'string' ? entry.version : '';
      const real = realPackage(folder, version);
      graph.nodes.set(key, { name: typeof entry.name === 'string' ? entry.name : real.name, version: real.version, ...artifactOf(key, entry) });
    }
  }
  for (const [key, entry] of entries) {
    if (!graph.nodes.has(key)) continue;
    for (const name of depNames(entry, NODE_DEPS)) {
      const to = resolveFrom(locations, key, name);
      if (to && graph.nodes.has(to)) addEdge(graph, key, to);
    }
  }
  for (const [key, entry] of projects) {
    for (const name of depNames(entry, PROJECT_DEPS)) {
      const to = resolveFrom(locations, key, name);
      if (to && graph.nodes.has(to)) graph.roots.push(to);
    }
  }
  return graph;
}

function parsePackageLock(text: string, file: string, context?: LockfileContext): LockfileResult {
  const doc = parseJsonFile(text, file);
  if (!isRecord(doc)) throw new InputError(file, 'not a JSON object');
  const version = doc.lockfileVersion;
  if (version !== 1 && version !== 2 && version !== 3) {
    throw new InputError(file, `unsupported lockfileVersion ${JSON.stringify(version)} (known: 1, 2, 3)`, undefined, 'lockfileVersion');
  }
  let graph: DependencyGraph;
  const notes: string[] = [];
  if (isRecord(doc.packages)) graph = graphFromPackages(doc.packages);
  // v2 is written to be read by npm 6 too: with its `packages` left out (as some tools write it), the v1 half is all there is.
  else if (version === 1 || (version === 2 && isRecord(doc.dependencies))) {
    graph = graphFromDependencies(isRecord(doc.dependencies) ? doc.dependencies : {}, context?.manifest, file, notes);
  } else throw new InputError(file, `lockfileVersion ${version} without a "packages" object`, undefined, 'packages');
  return { packages: packagesOfGraph(graph, 'npm', file), notes: [...notes, ...artifactNotes(graph, file)] };
}

export const npmLockParser = {
  name: 'package-lock',
  manifest: 'package.json',
  matches: (fileName) => fileName === 'package-lock.json' || fileName === 'npm-shrinkwrap.json',
  parse: parsePackageLock,
} satisfies LockfileParser;
