// pnpm-lock.yaml: v5 keys packages `/name/version`, v6 `/name@version`, v9 `name@version` with the graph in `snapshots`;
// newer pnpm may put an environment document before the lockfile in the same file.
import { posix } from 'node:path';
import { InputError } from '../../errors.js';
import { artifactNotes } from './artifact.js';
import type { DependencyGraph } from './graph.js';
import { addEdge, emptyGraph, packagesOfGraph } from './graph.js';
import type { LockedPackage, LockfileContext, LockfileParser, LockfileResult } from './lockfile.js';
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

/**
 * Drops the leading `/` of a dependency path, or the registry host that stands in its place. Only the part
 * before the version's `@` can hold a host: what follows may be a source with slashes of its own
 * (`tarred@file:vendor/tarred-1.0.0.tgz`, `dep@git+file:///repo#sha`, as pnpm 9+ keys them).
 */
function withoutHost(key: string): string {
  if (key.startsWith('/')) return key.slice(1);
  const at = key.indexOf('@', 1);
  const head = at < 0 ? beforePeers(key) : key.slice(0, at);
  // A host is the first segment of a path that is neither a scope nor the whole name.
  const slashes = head.split('/').length - 1;
  if (head.startsWith('@') ? slashes > 1 : slashes > 0) return key.slice(key.indexOf('/') + 1);
  return key;
}

/** A version that is a source rather than a version (`file:localdir`, `git+file:///repo#sha`, a tarball URL). */
const isSourceSpec = (version: string) => /^[a-z][a-z0-9+.-]*:/i.test(version);

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

/**
 * A folder dependency's name and version are its package.json's, which pnpm reads at install time and does not
 * write into the lockfile (`localdir@file:localdir: resolution: {type: directory}`): read beside the lockfile
 * when the tree has it, else the version is unknown (empty) and a note says so.
 */
function folderPackage(resolution: unknown, lock: LockContext): { name?: string; version: string } | undefined {
  if (!isRecord(resolution) || resolution.type !== 'directory' || typeof resolution.directory !== 'string') return undefined;
  const path = posix.normalize(posix.join(posix.dirname(lock.file), resolution.directory, 'package.json'));
  try {
    const json: unknown = JSON.parse(lock.context?.readFile?.(path) ?? 'null');
    if (isRecord(json) && typeof json.version === 'string') return { ...(typeof json.name === 'string' ? { name: json.name } : {}), version: json.version };
  } catch {
    // Not there or not JSON: the version stays unknown.
  }
  lock.notes.push(`${lock.file}: folder dependency ${resolution.directory}: ${path} was not readable, so its version is not known`);
  return { version: '' };
}

interface LockContext {
  file: string;
  context?: LockfileContext;
  notes: string[];
}

function buildGraph(doc: Record<string, unknown>, scheme: KeyScheme, lock: LockContext): DependencyGraph {
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
    const folder = typeof own.version === 'string' ? undefined : folderPackage(own.resolution, lock);
    const name = typeof own.name === 'string' ? own.name : (folder?.name ?? parsed?.name);
    let version = typeof own.version === 'string' ? own.version : (folder?.version ?? parsed?.version ?? '');
    if (isSourceSpec(version)) {
      lock.notes.push(`${lock.file}: ${id} names no version, listed without one`);
      version = '';
    }
    if (name) graph.nodes.set(id, { name, version, entry: id, ...resolutionOf(own.resolution) });
  }
  // pnpm 9+ keys a local or git entry `name@<source>` while the refs to it give the source alone.
  const target = (name: string, ref: string) => {
    const id = scheme.refId(name, ref);
    return graph.nodes.has(id) || !graph.nodes.has(`${name}@${ref}`) ? id : `${name}@${ref}`;
  };
  for (const [id, entry] of entries) {
    if (!graph.nodes.has(id)) continue;
    for (const [name, ref] of depRefs(entry)) addEdge(graph, id, target(name, ref));
  }
  const importers = isRecord(doc.importers) ? doc.importers : { '.': doc };
  for (const importer of Object.values(importers)) {
    if (!isRecord(importer)) continue;
    for (const [name, ref] of depRefs(importer)) graph.roots.push(target(name, ref));
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

function parsePnpmLock(text: string, file: string, context?: LockfileContext): LockfileResult {
  const docs = parseYamlDocuments(text, file);
  if (!docs.every(isRecord)) throw new InputError(file, 'not a YAML mapping');
  const records = docs as Record<string, unknown>[];
  const project = records.filter((d) => !isEnvDocument(d)).at(-1) ?? records.at(-1);
  if (!project) throw new InputError(file, 'empty lockfile');
  const notes = records.length > 1 ? [`${file}: ${records.length - 1} environment document(s) before the lockfile (pnpm's own and config dependencies) not counted as installed packages`] : [];
  const scheme = schemeFor(project.lockfileVersion, file);
  const lock: LockContext = { file, ...(context ? { context } : {}), notes: [] };
  const graph = buildGraph(project, scheme, lock);
  return { packages: packagesOfGraph(graph, 'npm', file), notes: [...notes, ...lock.notes, ...artifactNotes(graph, file)] };
}

export const pnpmLockParser = {
  name: 'pnpm-lock',
  matches: (fileName) => fileName === 'pnpm-lock.yaml',
  parse: parsePnpmLock,
} satisfies LockfileParser;
