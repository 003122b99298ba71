// pnpm-lock.yaml: v5 keys packages `/name/version`, v6 `/name@version`, v9 `name@version` with the graph in `snapshots`;
// newer pnpm may put an environment document before the lockfile in the same file.
import { InputError } from '../../errors.js';
import { artifactNotes } from './artifact.js';
import type { DependencyGraph } from './graph.js';
import { addEdge, emptyGraph, packagesOfGraph } from './graph.js';
import type { LockedPackage, LockfileParser, LockfileResult } from './lockfile.js';
import { isRecord, parseYamlDocuments, splitNameAtVersion } from './lockfile.js';

const DEP_FIELDS = ['dependencies', 'optionalDependencies', 'devDependencies'];

/**
 * Every entry key and dependency ref becomes one canonical id, `name@version` plus the peer suffix, so a
 * key written `/name/1.0.0` (v5), `/name@1.0.0` (v6, and v9 lockfiles that kept that style),
 * `registry.example.com/name/1.0.0` (another registry) or `name@1.0.0` (v9) meets the refs that point at it.
 * `file:` keys (local tarballs and injected folders) stay as written; their entries carry name and version.
 */
interface KeyScheme {
  /** Canonical id of an entry key (pnpm's dependency path). */
  idOf(key: string): string;
  /** Canonical id of dependency `name` resolved to `ref`, as pnpm's refToRelative reads a ref. */
  refId(name: string, ref: string): string;
  /** Name and version from a canonical id, peer suffix dropped. */
  parseId(id: string): LockedPackage | undefined;
}

/** The part of a key before its peer suffix: `(`-style in v6+, never inside the name. */
const beforePeers = (key: string) => key.split('(')[0]!;

/** Drops the leading `/` of a dependency path, or the registry host that stands in its place. */
function withoutHost(key: string): string {
  if (key.startsWith('/')) return key.slice(1);
  const head = beforePeers(key);
  // A host is the first segment of a path that is neither a scope nor the whole `name@version`.
  if (!head.startsWith('@') && head.includes('/')) return key.slice(key.indexOf('/') + 1);
  if (head.startsWith('@') && head.split('/').length > 2) return key.slice(key.indexOf('/') + 1);
  return key;
}

const isLocal = (key: string) => /^(file|link|workspace):/.test(key);

const V5: KeyScheme = {
  idOf(key) {
    if (isLocal(key)) return key;
    const parts = withoutHost(key).split('/');
    const scoped = parts[0]?.startsWith('@');
    const name = scoped ? `${parts[0]}/${parts[1]}` : parts[0];
    const version = parts.slice(scoped ? 2 : 1).join('/');
    return version ? `${name}@${version}` : key;
  },
  refId: (name, ref) => (isLocal(ref) ? ref : ref.includes('/') ? V5.idOf(ref) : `${name}@${ref}`),
  // Peer variants append `_peer@x+other@y` to the version segment.
  parseId: (id) => (isLocal(id) ? undefined : splitV5(splitNameAtVersion(id))),
};

function splitV5(split: LockedPackage | undefined): LockedPackage | undefined {
  return split && { name: split.name, version: split.version.split('_')[0]! };
}

const V6: KeyScheme = {
  idOf: (key) => (isLocal(key) ? key : withoutHost(key)),
  refId(name, ref) {
    if (isLocal(ref)) return ref;
    // A ref with a `/` before its peers is a dependency path of its own; a v9 alias writes `real@1.0.0`.
    if (beforePeers(ref).includes('/')) return V6.idOf(ref);
    return /^[^@(\d][^@(]*@/.test(ref) ? ref : `${name}@${ref}`;
  },
  parseId: (id) => (isLocal(id) ? undefined : splitNameAtVersion(beforePeers(id))),
};

function schemeFor(version: unknown, file: string): KeyScheme {
  const major = Number.parseInt(String(version), 10);
  if (major === 5) return V5;
  if (major === 6 || major === 7 || major === 9) return V6;
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
      // Workspace links are the project's own code; `file:` tarballs and injected folders are installed copies.
      if (typeof ref === 'string' && !/^(link|workspace):/.test(ref)) out.push([name, ref]);
    }
  }
  return out;
}

/** `resolution: { integrity, tarball }`: the tarball field is there when the URL is not the registry's default. */
function resolutionOf(resolution: unknown): Pick<LockedPackage, 'resolved' | 'integrity'> {
  if (!isRecord(resolution)) return {};
  return {
    ...(typeof resolution.tarball === 'string' ? { resolved: resolution.tarball } : {}),
    ...(typeof resolution.integrity === 'string' ? { integrity: resolution.integrity } : {}),
  };
}

function buildGraph(doc: Record<string, unknown>, scheme: KeyScheme): DependencyGraph {
  const graph = emptyGraph();
  const packages = isRecord(doc.packages) ? doc.packages : {};
  const snapshots = isRecord(doc.snapshots) ? doc.snapshots : {};
  // v9 keeps metadata in `packages` (keyed without peers) and the graph in `snapshots`; older versions keep both in `packages`.
  const meta = new Map<string, Record<string, unknown>>();
  for (const [key, value] of Object.entries(packages)) if (isRecord(value)) meta.set(scheme.idOf(key), value);
  const entries = new Map<string, Record<string, unknown>>();
  for (const [key, value] of [...Object.entries(packages), ...Object.entries(snapshots)]) entries.set(scheme.idOf(key), isRecord(value) ? value : {});
  for (const id of entries.keys()) {
    const own = meta.get(id) ?? meta.get(beforePeers(id)) ?? entries.get(id)!;
    const parsed = scheme.parseId(id);
    const name = typeof own.name === 'string' ? own.name : parsed?.name;
    const version = typeof own.version === 'string' ? own.version : parsed?.version;
    if (name) graph.nodes.set(id, { name, version: version ?? '', entry: id, ...resolutionOf(own.resolution) });
  }
  for (const [id, entry] of entries) {
    if (!graph.nodes.has(id)) continue;
    for (const [name, ref] of depRefs(entry)) addEdge(graph, id, scheme.refId(name, ref));
  }
  const importers = isRecord(doc.importers) ? doc.importers : { '.': doc };
  for (const importer of Object.values(importers)) {
    if (!isRecord(importer)) continue;
    for (const [name, ref] of depRefs(importer)) graph.roots.push(scheme.refId(name, ref));
  }
  return graph;
}

/**
 * pnpm 9.7+ may write an environment document (the package manager and config dependencies it installs
 * for itself) before the project's lockfile, in one YAML stream; the project's is the last one.
 */
function isEnvDocument(doc: Record<string, unknown>): boolean {
  const root = isRecord(doc.importers) && isRecord(doc.importers['.']) ? doc.importers['.'] : {};
  return Object.keys(root).length > 0 && Object.keys(root).every((k) => k === 'configDependencies' || k === 'packageManagerDependencies');
}

function parsePnpmLock(text: string, file: string): LockfileResult {
  const docs = parseYamlDocuments(text, file);
  if (!docs.every(isRecord)) throw new InputError(file, 'not a YAML mapping');
  const records = docs as Record<string, unknown>[];
  const project = records.filter((d) => !isEnvDocument(d)).at(-1) ?? records.at(-1);
  if (!project) throw new InputError(file, 'empty lockfile');
  const notes = records.length > 1 ? [`${file}: ${records.length - 1} environment document(s) before the lockfile (pnpm's own and config dependencies) not counted as installed packages`] : [];
  const scheme = schemeFor(project.lockfileVersion, file);
  const graph = buildGraph(project, scheme);
  return { packages: packagesOfGraph(graph, 'npm', file), notes: [...notes, ...artifactNotes(graph, file)] };
}

export const pnpmLockParser = {
  name: 'pnpm-lock',
  matches: (fileName) => fileName === 'pnpm-lock.yaml',
  parse: parsePnpmLock,
} satisfies LockfileParser;
