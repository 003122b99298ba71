// npm's package-lock.json and npm-shrinkwrap.json: v1 nests `dependencies`, v2 and v3 key `packages` by install path.
import { InputError } from '../../errors.js';
import { artifactNotes } from './artifact.js';
import type { DependencyGraph } from './graph.js';
import { addEdge, emptyGraph, packagesOfGraph, rootsByIndegree } from './graph.js';
import type { LockedPackage, LockfileContext, LockfileParser, LockfileResult } from './lockfile.js';
import { isRecord, manifestDependencies, parseJsonFile, splitNameAtVersion, stringEntries } from './lockfile.js';

const NODE_DEPS = ['dependencies', 'optionalDependencies', 'peerDependencies'];
// The project's own manifest also lists what it needs for development; those are installed too.
const PROJECT_DEPS = [...NODE_DEPS, 'devDependencies'];

/** Where node would find `name` when required from the package installed at `from`: nearest node_modules upwards. */
function resolveFrom(locations: ReadonlyMap<string, unknown>, from: string, name: string): string | undefined {
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
function artifactOf(key: string, entry: Record<string, unknown>): Pick<LockedPackage, 'resolved' | 'integrity' | 'entry'> {
  return {
    entry: key,
    ...(typeof entry.resolved === 'string' ? { resolved: entry.resolved } : {}),
    ...(typeof entry.integrity === 'string' ? { integrity: entry.integrity } : {}),
  };
}

/** An alias (`"npm:real-name@1.0.0"`) installs another package under the folder name. */
function realPackage(folderName: string, version: string): { name: string; version: string } {
  if (version.startsWith('npm:')) {
    const real = splitNameAtVersion(version.slice(4));
    if (real) return real;
  }
  return { name: folderName, version };
}

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

function flattenV1(deps: unknown, prefix: string, out: Map<string, Record<string, unknown>>): void {
  for (const [name, entry] of Object.entries(isRecord(deps) ? deps : {})) {
    if (!isRecord(entry)) continue;
    const key = `${prefix}node_modules/${name}`;
    out.set(key, entry);
    flattenV1(entry.dependencies, `${key}/`, out);
  }
}

/** v1 keeps `requires` per package but not the project's own list: package.json has it, or it is inferred. */
function graphFromDependencies(dependencies: Record<string, unknown>, manifest: unknown): DependencyGraph {
  const graph = emptyGraph();
  const locations = new Map<string, Record<string, unknown>>();
  flattenV1(dependencies, '', locations);
  for (const [key, entry] of locations) {
    const folder = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    graph.nodes.set(key, { ...realPackage(folder, typeof entry.version === 'string' ? entry.version : ''), ...artifactOf(key, entry) });
  }
  for (const [key, entry] of locations) {
    for (const [name] of stringEntries(entry.requires)) {
      const to = resolveFrom(locations, key, name);
      if (to) addEdge(graph, key, to);
    }
  }
  const declared = manifestDependencies(manifest).flatMap(([name]) => resolveFrom(locations, '', name) ?? []);
  graph.roots = rootsByIndegree(graph, declared);
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
  if (isRecord(doc.packages)) graph = graphFromPackages(doc.packages);
  // v2 is written to be read by npm 6 too: with its `packages` left out (as some tools write it), the v1 half is all there is.
  else if (version === 1 || (version === 2 && isRecord(doc.dependencies))) {
    graph = graphFromDependencies(isRecord(doc.dependencies) ? doc.dependencies : {}, context?.manifest);
  } else throw new InputError(file, `lockfileVersion ${version} without a "packages" object`, undefined, 'packages');
  return { packages: packagesOfGraph(graph, 'npm', file), notes: artifactNotes(graph, file) };
}

export const npmLockParser = {
  name: 'package-lock',
  manifest: 'package.json',
  matches: (fileName) => fileName === 'package-lock.json' || fileName === 'npm-shrinkwrap.json',
  parse: parsePackageLock,
} satisfies LockfileParser;
