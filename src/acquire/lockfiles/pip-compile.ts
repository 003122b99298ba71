// pip-compile writes who asked for each pin as `# via` comments; read back, they give requirements files a graph.
import type { DependencyGraph } from './graph.js';
import { addEdge, emptyGraph, shortestChains } from './graph.js';
import { normalizePythonName } from './python.js';

const REQUIREMENT_START = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/;

/** Normalised name -> what its `# via` comments name (other packages, or `-r file` for the project's own list). */
export function viaComments(text: string): Map<string, string[]> {
  const via = new Map<string, string[]>();
  let current: string | undefined;
  let inList = false;
  const add = (who: string) => {
    if (current) via.set(current, [...(via.get(current) ?? []), who.trim()]);
  };
  for (const line of text.split(/\r?\n/)) {
    const start = REQUIREMENT_START.exec(line);
    if (start) {
      current = normalizePythonName(start[1]!);
      inList = false;
    }
    const comment = /#\s*(.*)$/.exec(line)?.[1]?.trimEnd();
    if (comment === undefined) continue;
    const single = /^via\s+(\S.*)$/.exec(comment);
    if (single) add(single[1]!);
    else if (comment === 'via') inList = true;
    // The multi-line form indents each name under a bare `# via`.
    else if (inList && /^#\s{2,}\S/.test(line.trim())) add(comment);
    else inList = false;
  }
  return via;
}

/**
 * Chains for a pip-compile output, keyed by normalised name; empty when the file has no `# via` comments.
 * A pin asked for by `-r requirements.in` (or with no comment at all) is one the project asked for.
 */
export function pipCompileChains(text: string, pins: Map<string, { name: string; version: string }>): Map<string, string[]> {
  const via = viaComments(text);
  if (via.size === 0) return new Map();
  const graph: DependencyGraph = emptyGraph();
  for (const [id, pin] of pins) graph.nodes.set(id, pin);
  for (const id of pins.keys()) {
    const askers = via.get(id) ?? [];
    if (askers.length === 0 || askers.some((a) => a.startsWith('-r'))) graph.roots.push(id);
    for (const asker of askers) {
      const from = normalizePythonName(asker.split(/[\s[(]/)[0]!);
      if (pins.has(from)) addEdge(graph, from, id);
    }
  }
  return shortestChains(graph);
}
