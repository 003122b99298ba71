// pip requirements files, read as pip reads them: per-line errors kept apart, `-r` followed, `-c` applied.
import { posix } from 'node:path';
import type { Package } from '../../model/package.js';
import type { LockfileContext, LockfileParser, LockfileResult } from './lockfile.js';
import { pipCompileChains } from './pip-compile.js';
import { normalizePythonName } from './python.js';
import { parseRequirementSpec } from './requirement-spec.js';
import { breakArgsOptions, requirementLines } from './requirements-lines.js';
import { parseLineOptions } from './requirements-options.js';

/** pip has no limit and recurses forever on a cycle; a real project nests two or three deep. */
const MAX_INCLUDE_DEPTH = 16;

interface Walk {
  context: LockfileContext | undefined;
  packages: Package[];
  /** Normalised name -> version a constraints file pins it to. */
  constraints: Map<string, string>;
  notes: string[];
  errors: string[];
  unpinned: Map<string, number>;
}

/** pip joins an include to the including file's folder; an absolute one is taken from the tree's root. */
function includePath(from: string, target: string): string {
  return posix.normalize(target.startsWith('/') ? target : posix.join(posix.dirname(from), target));
}

function follow(walk: Walk, from: string, line: number, target: string, constraint: boolean, stack: string[]): void {
  const where = `${from}:${line}`;
  const flag = constraint ? '-c' : '-r';
  // A missing -c only loses version hints; a missing -r loses packages pip installed.
  const report = (why: string): void => {
    (constraint ? walk.notes : walk.errors).push(`${where}: ${flag} ${target} ${why}`);
  };
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(target)) return report('is a URL, which was not fetched');
  const file = includePath(from, target);
  if (stack.includes(file)) return report('includes itself (a cycle), not followed again');
  if (stack.length >= MAX_INCLUDE_DEPTH) return report(`is nested more than ${MAX_INCLUDE_DEPTH} deep, not followed`);
  if (!walk.context?.readFile) return report('was not followed');
  let text: string;
  try {
    text = walk.context.readFile(file);
  } catch (err) {
    return report(`cannot be read (${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  readFile(walk, text, file, constraint, [...stack, file]);
}

function readFile(walk: Walk, text: string, file: string, constraint: boolean, stack: string[]): void {
  for (const { line, text: entry } of requirementLines(text)) {
    try {
      readLine(walk, file, line, entry, constraint, stack);
    } catch (err) {
      walk.errors.push(`${file}:${line}: ${(err as Error).message}`);
    }
  }
}

function readLine(walk: Walk, file: string, line: number, entry: string, constraint: boolean, stack: string[]): void {
  const { args, options } = breakArgsOptions(entry);
  const opts = parseLineOptions(options);
  if (!args) {
    for (const r of opts.requirements.slice(0, 1)) follow(walk, file, line, r, false, stack);
    if (opts.requirements.length === 0) for (const c of opts.constraints.slice(0, 1)) follow(walk, file, line, c, true, stack);
    if (opts.editables.length > 0) walk.notes.push(`${file}:${line}: editable requirement ${opts.editables[0]} skipped (built from source, no version)`);
    return;
  }
  const spec = parseRequirementSpec(args);
  if (spec.kind === 'unnamed') {
    walk.notes.push(`${file}:${line}: ${spec.location} names no package or version, skipped`);
    return;
  }
  if (spec.envVars.length > 0) {
    walk.notes.push(`${file}:${line}: ${spec.name}'s version comes from \${${spec.envVars.join('}, ${')}} in the build's environment, listed without one`);
  }
  if (constraint) {
    if (spec.version) walk.constraints.set(normalizePythonName(spec.name), spec.version);
    return;
  }
  if (spec.unpinned) walk.unpinned.set(file, (walk.unpinned.get(file) ?? 0) + 1);
  walk.packages.push({ ecosystem: 'pypi', name: spec.name, version: spec.version, paths: [file] });
}

function parseRequirements(text: string, file: string, context?: LockfileContext): LockfileResult {
  const walk: Walk = { context, packages: [], constraints: new Map(), notes: [], errors: [], unpinned: new Map() };
  readFile(walk, text, file, false, [file]);
  // pip applies every constraint to every requirement, whichever file either came from.
  let constrained = 0;
  for (const p of walk.packages) {
    const pin = p.version === '' ? walk.constraints.get(normalizePythonName(p.name)) : undefined;
    if (pin) {
      p.version = pin;
      constrained++;
    }
  }
  const unpinned = [...walk.unpinned.values()].reduce((a, b) => a + b, 0) - constrained;
  if (constrained > 0) walk.notes.push(`${file}: ${constrained} requirement(s) take their version from a constraints file`);
  if (unpinned > 0) walk.notes.push(`${file}: ${unpinned} requirement(s) not pinned with ==, listed without a version`);
  return { packages: withChains(text, file, walk.packages), notes: walk.notes, errors: walk.errors };
}

/** pip-compile's `# via` comments describe the file they are in: only its own packages get chains. */
function withChains(text: string, file: string, packages: Package[]): Package[] {
  const own = packages.filter((p) => p.paths[0] === file);
  const pins = new Map(own.map((p) => [normalizePythonName(p.name), p]));
  const chains = pipCompileChains(text, pins);
  if (chains.size === 0) return packages;
  return packages.map((p) => {
    const chain = p.paths[0] === file ? chains.get(normalizePythonName(p.name)) : undefined;
    return chain ? { ...p, dependencyPath: chain } : p;
  });
}

export const requirementsParser = {
  name: 'requirements',
  matches: (fileName) => /^(?:.*[-_.])?requirements(?:[-_.].*)?\.txt$/i.test(fileName),
  parse: parseRequirements,
} satisfies LockfileParser;
