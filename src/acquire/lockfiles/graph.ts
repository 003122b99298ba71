// A lockfile's dependency graph, and the shortest chain from a direct dependency to each package.
import type { Ecosystem, Package } from '../../model/package.js';
import { artifactFields } from './artifact.js';
import type { LockedPackage } from './lockfile.js';

export interface DependencyGraph {
  /** Node id -> package; ids are whatever the format keys entries by. */
  nodes: Map<string, LockedPackage>;
  /** Node id -> ids it depends on. */
  edges: Map<string, string[]>;
  /** Ids of the project's direct dependencies. */
  roots: string[];
}

export function emptyGraph(): DependencyGraph {
  return { nodes: new Map(), edges: new Map(), roots: [] };
}

export function addEdge(graph: DependencyGraph, from: string, to: string): void {
  const list = graph.edges.get(from);
  if (list) list.push(to);
  else graph.edges.set(from, [to]);
}

/**
 * Formats that do not record the project's own dependencies (npm v1, yarn, poetry) still record who
 * depends on whom: a package nobody depends on must be one the project asked for. `declared` adds
 * those a manifest beside the lockfile names.
 */
export function rootsByIndegree(graph: DependencyGraph, declared: string[] = []): string[] {
  const depended = new Set<string>();
  for (const [from, tos] of graph.edges) for (const to of tos) if (to !== from) depended.add(to);
  // What the project declares comes first, so a declared package that others also need counts as direct.
  return [...new Set([...declared, ...[...graph.nodes.keys()].filter((id) => !depended.has(id))])];
}

/** Chains longer than this keep their head and tail around a count, so a hostile lockfile cannot make them quadratic. */
const MAX_CHAIN = 16;
const HEAD = 8;

function extendChain(chain: string[], depth: number, label: string): string[] {
  if (depth < MAX_CHAIN) return [...chain, label];
  const tail = [...chain.slice(chain.length - (MAX_CHAIN - HEAD - 2)), label];
  return [...chain.slice(0, HEAD), `(${depth + 1 - HEAD - tail.length} more)`, ...tail];
}

/** Breadth-first from the roots, so each package gets the shortest chain that brings it in. */
export function shortestChains(graph: DependencyGraph): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  const depths = new Map<string, number>();
  const queue: string[] = [];
  for (const root of graph.roots) {
    if (!graph.nodes.has(root) || chains.has(root)) continue;
    chains.set(root, []);
    depths.set(root, 0);
    queue.push(root);
  }
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    const node = graph.nodes.get(id)!;
    const depth = depths.get(id)!;
    const chain = extendChain(chains.get(id)!, depth, `${node.name}@${node.version}`);
    for (const next of graph.edges.get(id) ?? []) {
      if (chains.has(next) || !graph.nodes.has(next)) continue;
      chains.set(next, chain);
      depths.set(next, depth + 1);
      queue.push(next);
    }
  }
  return chains;
}

/**
 * One package per distinct name@version and fetched artifact; where several nodes share it (nested copies,
 * peer variants), the shortest chain wins. Without a chain (unreachable, or a format with no graph) none is
 * claimed. Two entries of one name@version with different tarballs stay two packages: one may be a lie.
 */
export function packagesOfGraph(graph: DependencyGraph, ecosystem: Ecosystem, file: string): Package[] {
  const chains = shortestChains(graph);
  const byKey = new Map<string, Package>();
  for (const [id, node] of graph.nodes) {
    const key = `${node.name}@${node.version}\0${node.resolved ?? ''}\0${node.integrity ?? ''}`;
    const chain = chains.get(id);
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, lockedPackage(ecosystem, node, file, chain));
    } else if (chain && (!seen.dependencyPath || chain.length < seen.dependencyPath.length)) {
      seen.dependencyPath = chain;
    }
  }
  return [...byKey.values()];
}

export function lockedPackage(ecosystem: Ecosystem, node: LockedPackage, file: string, chain?: string[]): Package {
  return { ecosystem, name: node.name, version: node.version, paths: [file], ...(chain ? { dependencyPath: chain } : {}), ...artifactFields(node) };
}
