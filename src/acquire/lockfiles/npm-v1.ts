// package-lock.json lockfileVersion 1 (npm 5 and 6, `npm install --lockfile-version 1`) and the v1 half of a v2
// file: `dependencies` nested as node_modules is. An entry's `version` is a registry version, an `npm:` alias or
// the source the package came from; it is read by the rule npm 7+ migrates the file with (@npmcli/arborist's
// shrinkwrap.js): a `file:` folder is a link, a tarball's version is the one its file name carries, a git
// dependency's version is not recorded at all (npm learns it from the package it fetches).
import { basename, posix } from 'node:path';
import semver from 'semver';
import type { DependencyGraph } from './graph.js';
import { addEdge, emptyGraph, rootsByIndegree } from './graph.js';
import { isRecord, manifestDependencies, stringEntries } from './lockfile.js';
import { artifactOf, realPackage, resolveFrom } from './npm-entries.js';

/** npm-package-arg's rule: a `file:` spec naming one of these is a tarball, any other is a folder. */
const TARBALL_FILE = /\.(?:tgz|tar\.gz|tar)$/i;

type V1Entry =
  | { kind: 'package'; name: string; version: string }
  /** A folder of the project's own (`file:packages/ws`, a workspace), relative to the project. */
  | { kind: 'link'; target: string }
  | { kind: 'source'; name: string; version: string; source: string };

/**
 * npm's versionFromTgz: `<name>-<semver>.tgz` names the package and version a tarball holds; for a URL in a
 * registry's layout (`…/@scope/name/-/name-1.0.0.tgz`) the name is the URL's, otherwise the entry's.
 */
function tarballPackage(name: string, tarball: string): { name: string; version: string } | undefined {
  const base = basename(tarball);
  if (!base.endsWith('.tgz')) return undefined;
  let named = name;
  if (/^https?:\//.test(tarball)) {
    const split = URL.parse(tarball)?.pathname.slice(1).split('/-/') ?? [];
    if (split.length > 1 && split.at(-1) === base) named = split.at(-2)!;
  }
  const parts = named.split(/\/|%2f/i);
  const project = parts.pop()!;
  const scope = parts.pop();
  if (!base.startsWith(`${project}-`)) return undefined;
  const parsed = semver.parse(base.slice(project.length + 1, -'.tgz'.length));
  return parsed ? { name: scope?.startsWith('@') ? `${scope}/${project}` : project, version: parsed.version } : undefined;
}

/** What one entry's `version` says, `folder` being the name it is installed under. */
function readEntry(folder: string, entry: Record<string, unknown>): V1Entry {
  const version = typeof entry.version === 'string' ? entry.version : '';
  // A registry version (or `npm:` alias) has neither `:` nor `/`; every source has one.
  if (version.startsWith('npm:') || !/[:/]/.test(version)) return { kind: 'package', ...realPackage(folder, version) };
  const file = /^file:/i.test(version);
  if (file && !TARBALL_FILE.test(version)) {
    const target = posix.normalize(version.slice('file:'.length)).replace(/\/$/, '');
    return { kind: 'link', target: target === '.' ? '' : target };
  }
  const resolved = typeof entry.resolved === 'string' ? entry.resolved : undefined;
  const fromName = file || /^https?:\/\//i.test(version) ? (tarballPackage(folder, version) ?? (resolved && tarballPackage(folder, resolved))) : undefined;
  return { kind: 'source', ...(fromName || { name: folder, version: '' }), source: version };
}

/** Install path -> entry; what is nested under a link is installed in the folder it links to, as npm reads it. */
function flatten(deps: unknown, prefix: string, out: Map<string, { entry: Record<string, unknown>; said: V1Entry }>): void {
  for (const [name, entry] of Object.entries(isRecord(deps) ? deps : {})) {
    if (!isRecord(entry)) continue;
    const key = `${prefix}node_modules/${name}`;
    const said = readEntry(name, entry);
    out.set(key, { entry, said });
    const under = said.kind === 'link' ? said.target : key;
    flatten(entry.dependencies, under === '' ? '' : `${under}/`, out);
  }
}

function sourceNote(file: string, key: string, said: Extract<V1Entry, { kind: 'source' }>): string {
  const how = said.version ? `${said.name}@${said.version} by its tarball's file name, as npm reads it` : 'listed without one';
  return `${file}: ${key} is ${said.source}: lockfileVersion 1 records where it came from, not its version; ${how}`;
}

/** v1 keeps `requires` per package but not the project's own list: package.json has it, or it is inferred. */
export function graphFromDependencies(dependencies: Record<string, unknown>, manifest: unknown, file: string, notes: string[]): DependencyGraph {
  const graph = emptyGraph();
  const locations = new Map<string, { entry: Record<string, unknown>; said: V1Entry }>();
  flatten(dependencies, '', locations);
  for (const [key, { entry, said }] of locations) {
    if (said.kind === 'link') continue;
    graph.nodes.set(key, { name: said.name, version: said.version, ...artifactOf(key, entry) });
    if (said.kind === 'source') {
      // The source is where the package came from: a tarball URL is matched as one, like a v2 entry's `resolved`.
      if (typeof entry.resolved !== 'string') graph.nodes.get(key)!.resolved = said.source;
      notes.push(sourceNote(file, key, said));
    }
  }
  for (const [key, { entry }] of locations) {
    if (!graph.nodes.has(key)) continue;
    for (const [name] of stringEntries(entry.requires)) {
      const to = resolveFrom(locations, key, name);
      if (to && graph.nodes.has(to)) addEdge(graph, key, to);
    }
  }
  // A link's folder is the project's own, like a workspace: what it requires, found from that folder, is direct.
  const linked = [...locations.values()].flatMap(({ entry, said }) =>
    said.kind === 'link' ? stringEntries(entry.requires).flatMap(([name]) => resolveFrom(locations, said.target, name) ?? []) : [],
  );
  const declared = [...manifestDependencies(manifest).flatMap(([name]) => resolveFrom(locations, '', name) ?? []), ...linked].filter((k) => graph.nodes.has(k));
  // With package.json beside it, what nobody requires was not asked for either: npm 7+ leaves peer dependencies
  // out of v1 `requires`, so such a package is some package's peer, and which one the file does not say.
  graph.roots = manifest === undefined ? rootsByIndegree(graph, declared) : declared;
  return graph;
}
