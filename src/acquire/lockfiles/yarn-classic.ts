// Yarn 1 yarn.lock: its own format of `"name@range", name@range:` headers over indented `key "value"` lines.
import { InputError } from '../../errors.js';
import { artifactNotes } from './artifact.js';
import type { DependencyGraph } from './graph.js';
import { addEdge, emptyGraph, packagesOfGraph, rootsByIndegree } from './graph.js';
import type { LockfileContext, LockfileResult } from './lockfile.js';
import { manifestDependencies, splitNameAtVersion } from './lockfile.js';

interface Block {
  line: number;
  specs: string[];
  version?: string;
  resolved?: string;
  integrity?: string;
  deps: [string, string][];
}

/** Words of a line, where a word is bare or a JSON-style double-quoted string. */
function tokens(line: string, file: string, lineNo: number): string[] {
  const out: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|[^\s",]+)\s*,?/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < line.length && (m = re.exec(line))) {
    const word = m[1]!;
    try {
      out.push(word.startsWith('"') ? (JSON.parse(word) as string) : word);
    } catch {
      throw new InputError(file, `bad quoted string ${word}`, lineNo);
    }
  }
  if (re.lastIndex < line.length && line.slice(re.lastIndex).trim()) throw new InputError(file, `cannot read "${line.trim()}"`, lineNo);
  return out;
}

function readBlocks(text: string, file: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | undefined;
  let inDeps = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    const lineNo = i + 1;
    if (!raw.trim() || raw.trimStart().startsWith('#')) return;
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    if (indent === 0) {
      if (!line.endsWith(':')) throw new InputError(file, 'expected a `name@range:` header', lineNo);
      current = { line: lineNo, specs: tokens(line.slice(0, -1), file, lineNo), deps: [] };
      blocks.push(current);
      inDeps = false;
    } else if (!current) {
      throw new InputError(file, 'indented line before any package header', lineNo);
    } else if (indent <= 2) {
      inDeps = line === 'dependencies:' || line === 'optionalDependencies:';
      const [key, value] = tokens(line.replace(/:$/, ''), file, lineNo);
      if (key === 'version') current.version = value ?? '';
      else if (key === 'resolved' && value !== undefined) current.resolved = value;
      else if (key === 'integrity' && value !== undefined) current.integrity = value;
    } else if (inDeps) {
      const [name, range] = tokens(line, file, lineNo);
      if (!name || range === undefined) throw new InputError(file, 'expected `name "range"` in dependencies', lineNo);
      current.deps.push([name, range]);
    }
  });
  return blocks;
}

/** The package a spec installs: an alias `foo@npm:bar@^1` installs bar. */
function nameOfSpec(spec: string): string | undefined {
  const split = splitNameAtVersion(spec);
  // A header may name a package with no range at all (`foo:` for a dependency declared as `""`).
  if (!split) return /^(?:@[^/@\s]+\/)?[^/@\s]+$/.test(spec) ? spec : undefined;
  if (split.version.startsWith('npm:')) return splitNameAtVersion(split.version.slice(4))?.name ?? split.name;
  return split.name;
}

export function parseYarnClassic(text: string, file: string, context?: LockfileContext): LockfileResult {
  const blocks = readBlocks(text, file);
  const graph: DependencyGraph = emptyGraph();
  const bySpec = new Map<string, string>();
  blocks.forEach((block, index) => {
    const id = String(index);
    const name = block.specs.map(nameOfSpec).find((n) => n !== undefined);
    if (!name) throw new InputError(file, `cannot read a package name from "${block.specs.join(', ')}"`, block.line);
    if (block.version === undefined) throw new InputError(file, `${name} has no version`, block.line);
    graph.nodes.set(id, {
      name,
      version: block.version,
      entry: `line ${block.line}`,
      ...(block.resolved !== undefined ? { resolved: block.resolved } : {}),
      ...(block.integrity !== undefined ? { integrity: block.integrity } : {}),
    });
    for (const spec of block.specs) {
      bySpec.set(spec, id);
      if (!splitNameAtVersion(spec)) bySpec.set(`${spec}@`, id);
    }
  });
  blocks.forEach((block, index) => {
    for (const [name, range] of block.deps) {
      const to = bySpec.get(`${name}@${range}`);
      if (to !== undefined) addEdge(graph, String(index), to);
    }
  });
  // yarn.lock does not say which packages the project asked for: package.json does, and nobody else asking is a sign.
  const declared = manifestDependencies(context?.manifest).flatMap(([name, range]) => bySpec.get(`${name}@${range}`) ?? []);
  graph.roots = rootsByIndegree(graph, declared);
  return { packages: packagesOfGraph(graph, 'npm', file), notes: artifactNotes(graph, file) };
}
