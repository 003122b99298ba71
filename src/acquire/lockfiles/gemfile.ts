// Gemfile.lock, read as Bundler's LockfileParser reads it: GEM and GIT sections list `    name (version[-platform])`
// under `specs:`, their dependencies six spaces in; PATH gems are the project's own; DEPENDENCIES are the direct ones.
import type { DependencyGraph } from './graph.js';
import { addEdge, emptyGraph, packagesOfGraph } from './graph.js';
import type { LockfileParser, LockfileResult } from './lockfile.js';

// Bundler's NAME_VERSION: the version runs to the first `-`; what follows is the platform.
const SPEC = /^ {4}(?! )(\S+?)(?: \(([^-)]*)(?:-([^)]*))?\))?$/;
const DEP = /^ {6}(?! )(\S+?)(?: \(([^)]*)\))?$/;
const DIRECT = /^ {2}(?! )(\S+?)!?(?: \(([^)]*)\))?!?$/;
const SOURCES = new Set(['GEM', 'GIT', 'PATH', 'PLUGIN SOURCE']);

function parseGemfileLock(text: string, file: string): LockfileResult {
  const graph: DependencyGraph = emptyGraph();
  const errors: string[] = [];
  const byName = new Map<string, string[]>();
  const local = new Set<string>();
  let section = '';
  let inSpecs = false;
  let current: string | undefined;
  const edges: [string, string][] = [];
  const direct: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    if (!raw.startsWith(' ')) {
      section = raw.trim();
      inSpecs = false;
      current = undefined;
      return;
    }
    if (section === 'DEPENDENCIES') {
      const m = DIRECT.exec(raw);
      if (m) direct.push(m[1]!);
      else errors.push(`${file}:${line}: cannot read dependency "${raw.trim()}"`);
      return;
    }
    if (!SOURCES.has(section)) return;
    if (/^ {2}specs:\s*$/.test(raw)) return void (inSpecs = true);
    if (/^ {2}(?! )/.test(raw)) return void (inSpecs = false);
    if (!inSpecs) return;
    if (/^ {4}(?! )/.test(raw)) {
      const m = SPEC.exec(raw);
      if (!m || m[2] === undefined || m[2] === '') {
        current = undefined;
        return void errors.push(`${file}:${line}: cannot read spec "${raw.trim()}" (expected "name (version)")`);
      }
      current = `${line}`;
      byName.set(m[1]!, [...(byName.get(m[1]!) ?? []), current]);
      if (section === 'PATH') local.add(current);
      else graph.nodes.set(current, { name: m[1]!, version: m[2]!, entry: `line ${line}` });
    } else if (current !== undefined) {
      const m = DEP.exec(raw);
      if (m) edges.push([current, m[1]!]);
    }
  });
  for (const [from, name] of edges) for (const to of byName.get(name) ?? []) if (graph.nodes.has(to) && !local.has(from)) addEdge(graph, from, to);
  // A PATH gem is the project (or a gem vendored into it): what it depends on counts as asked for.
  for (const [from, name] of edges) if (local.has(from)) graph.roots.push(...(byName.get(name) ?? []));
  for (const name of direct) graph.roots.push(...(byName.get(name) ?? []));
  return { packages: packagesOfGraph(graph, 'gem', file), notes: [], errors };
}

export const gemfileLockParser = {
  name: 'gemfile-lock',
  matches: (fileName) => fileName === 'Gemfile.lock' || fileName === 'gems.locked',
  parse: parseGemfileLock,
} satisfies LockfileParser;
