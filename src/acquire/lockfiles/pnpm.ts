// pnpm-lock.yaml: v5 keys packages `/name/version`, v6 `/name@version`, v9 `name@version` with the graph in `snapshots`.
import { InputError } from '../../errors.js';
import type { DependencyGraph } from './graph.js';
import { addEdge, emptyGraph, packagesOfGraph } from './graph.js';
import type { LockedPackage, LockfileParser, LockfileResult } from './lockfile.js';
import { isRecord, parseYamlFile, splitNameAtVersion } from './lockfile.js';

const DEP_FIELDS = ['dependencies', 'optionalDependencies', 'devDependencies'];

interface KeyScheme {
  /** Entry key of dependency `name` resolved to `ref` (a version, maybe with a peer suffix). */
  keyOf(name: string, ref: string): string;
  /** Name and version from an entry key, peer suffix dropped. */
  parseKey(key: string): LockedPackage | undefined;
}

// An alias resolves to another package and writes it whole: `/real@1.0.0` (v5, v6) or `real@1.0.0` (v9).
const isAliasRef = (ref: string) => ref.startsWith('/') || /^@?[^@(\d][^@(]*@/.test(ref);

const V5: KeyScheme = {
  keyOf: (name, ref) => (ref.startsWith('/') ? ref : `/${name}/${ref}`),
  parseKey(key) {
    const slash = key.lastIndexOf('/');
    if (slash <= 0) return undefined;
    // Peer variants append `_peer@x+other@y` to the version segment.
    return { name: key.slice(1, slash), version: key.slice(slash + 1).split('_')[0]! };
  },
};

const V6: KeyScheme = {
  keyOf: (name, ref) => (ref.startsWith('/') ? ref : `/${name}@${ref}`),
  parseKey: (key) => splitNameAtVersion(key.replace(/^\//, '').split('(')[0]!),
};

const V9: KeyScheme = {
  keyOf: (name, ref) => (isAliasRef(ref) ? ref : `${name}@${ref}`),
  parseKey: (key) => splitNameAtVersion(key.split('(')[0]!),
};

function schemeFor(version: unknown, file: string): KeyScheme {
  const major = Number.parseInt(String(version), 10);
  if (major === 5) return V5;
  if (major === 6) return V6;
  if (major === 9) return V9;
  throw new InputError(file, `unsupported lockfileVersion ${JSON.stringify(version)} (known: 5.x, 6.0, 9.0)`, undefined, 'lockfileVersion');
}

/** `name -> ref` for every dependency of an entry; importers write `{ specifier, version }`, packages a bare ref. */
function depRefs(entry: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  for (const field of DEP_FIELDS) {
    const deps = entry[field];
    if (!isRecord(deps)) continue;
    for (const [name, value] of Object.entries(deps)) {
      const ref = isRecord(value) ? value.version : value;
      // Workspace links and local folders are the project's own code, not installed packages.
      if (typeof ref === 'string' && !/^(link|file|workspace):/.test(ref)) out.push([name, ref]);
    }
  }
  return out;
}

function buildGraph(doc: Record<string, unknown>, scheme: KeyScheme): DependencyGraph {
  const graph = emptyGraph();
  const packages = isRecord(doc.packages) ? doc.packages : {};
  const snapshots = isRecord(doc.snapshots) ? doc.snapshots : {};
  // v9 keeps metadata in `packages` and the graph in `snapshots`; older versions keep both in `packages`.
  const graphEntries = { ...packages, ...snapshots };
  for (const [key, value] of Object.entries(graphEntries)) {
    const entry = isRecord(value) ? value : {};
    const parsed = scheme.parseKey(key);
    const meta = isRecord(packages[key]) ? (packages[key] as Record<string, unknown>) : entry;
    const name = typeof meta.name === 'string' ? meta.name : parsed?.name;
    const version = typeof meta.version === 'string' ? meta.version : parsed?.version;
    if (name) graph.nodes.set(key, { name, version: version ?? '' });
  }
  for (const [key, value] of Object.entries(graphEntries)) {
    if (!isRecord(value) || !graph.nodes.has(key)) continue;
    for (const [name, ref] of depRefs(value)) addEdge(graph, key, scheme.keyOf(name, ref));
  }
  const importers = isRecord(doc.importers) ? doc.importers : { '.': doc };
  for (const importer of Object.values(importers)) {
    if (!isRecord(importer)) continue;
    for (const [name, ref] of depRefs(importer)) graph.roots.push(scheme.keyOf(name, ref));
  }
  return graph;
}

function parsePnpmLock(text: string, file: string): LockfileResult {
  const doc = parseYamlFile(text, file);
  if (!isRecord(doc)) throw new InputError(file, 'not a YAML mapping');
  const scheme = schemeFor(doc.lockfileVersion, file);
  return { packages: packagesOfGraph(buildGraph(doc, scheme), 'npm', file), notes: [] };
}

export const pnpmLockParser = {
  name: 'pnpm-lock',
  matches: (fileName) => fileName === 'pnpm-lock.yaml',
  parse: parsePnpmLock,
} satisfies LockfileParser;
