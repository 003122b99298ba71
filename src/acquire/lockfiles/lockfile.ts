// What a lockfile parser is: which file names it claims, and how it turns one file's text into packages.
import { InputError } from '../../errors.js';
import type { Package } from '../../model/package.js';
import { yamlLib } from '../../yaml-lib.js';

export interface LockfileResult {
  packages: Package[];
  /** Remarks for the report, e.g. an editable requirement that names no version. */
  notes: string[];
  /**
   * Lines that could not be read while the rest of the file was (`file:line: why`): the packages are
   * incomplete, so the platform is unknown. A file that cannot be read at all throws instead.
   */
  errors?: string[];
}

export interface LockfileParser {
  readonly name: string;
  /** The manifest beside the lockfile that fills in what the lockfile leaves out, if the parser uses one. */
  readonly manifest?: 'package.json' | 'pyproject.toml' | 'composer.json';
  /** Cheap test on the base name only; called for every file in the tree. */
  matches(fileName: string): boolean;
  /**
   * `file` is the lockfile's path relative to the scanned directory, `/`-prefixed; it names the file
   * in errors and becomes every package's path. Throws InputError on a malformed file.
   */
  parse(text: string, file: string, context?: LockfileContext): LockfileResult;
}

/** What else the folder holds that a format leaves out of its lockfile. */
export interface LockfileContext {
  /**
   * The manifest beside the lockfile, parsed (package.json, pyproject.toml): npm v1, Yarn 1 and Poetry
   * do not record the project's own dependencies.
   */
  manifest?: unknown;
  /**
   * Reads another file of the same tree (`/`-prefixed like `file`), for formats that include others
   * (pip's `-r`/`-c`); throws when it cannot. Absent, includes are reported as not followed.
   */
  readFile?: (file: string) => string;
  /** The bytes of a file of the tree, by readFile's rules: a tarball a lockfile locks by its hash (bun.lock). */
  readBytes?: (file: string) => Buffer;
}

const MANIFEST_DEPS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

/** `[name, range]` of every dependency a package.json declares. */
export function manifestDependencies(manifest: unknown): [string, string][] {
  if (!isRecord(manifest)) return [];
  return MANIFEST_DEPS.flatMap((field) => stringEntries(manifest[field]));
}

/** One node of a lockfile's dependency graph, before paths are known. */
export interface LockedPackage {
  name: string;
  version: string;
  /** The tarball URL the entry fetches, as written (`resolved`, `resolution.tarball`). */
  resolved?: string;
  /** The entry's integrity text as written (SRI, or yarn's `#<sha1>` fragment). */
  integrity?: string;
  /** How a note names the entry (`node_modules/foo`, `line 12`), where its graph id does not. */
  entry?: string;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** String-valued entries of an object field, e.g. a `dependencies` map; anything else is ignored. */
export function stringEntries(value: unknown): [string, string][] {
  if (!isRecord(value)) return [];
  return Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string');
}

/** Split `name@version` where an npm scope (`@scope/name@1.0.0`) keeps its leading `@`. */
export function splitNameAtVersion(spec: string): { name: string; version: string } | undefined {
  const at = spec.indexOf('@', 1);
  if (at <= 0) return undefined;
  return { name: spec.slice(0, at), version: spec.slice(at + 1) };
}

/** Line (1-based) of a character offset, for errors that only know a position. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** JSON.parse with the error turned into an InputError that names the file and, where V8 says, the line. */
export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const line = /line (\d+)/.exec(message)?.[1];
    const position = /position (\d+)/.exec(message)?.[1];
    const at = line !== undefined ? Number(line) : position !== undefined ? lineAt(text, Number(position)) : undefined;
    throw new InputError(file, `not valid JSON: ${message}`, at);
  }
}

/** YAML with the first error turned into an InputError at its line. */
export function parseYamlFile(text: string, file: string): unknown {
  // prettyErrors would add a context snippet to every one of the errors, each found by a scan from the
  // start of the text: a 200 KB file of `"` took minutes. The line of the first error is enough.
  const lines = new (yamlLib().LineCounter)();
  const doc = yamlLib().parseDocument(text, { uniqueKeys: false, prettyErrors: false, lineCounter: lines });
  const first = doc.errors[0];
  if (first) {
    const { line, col } = lines.linePos(first.pos[0]);
    throw new InputError(file, `not valid YAML: ${first.message.split('\n')[0]} at line ${line}, column ${col}:`, line);
  }
  // Lockfiles have no business with aliases; a small cap stops an alias bomb. yaml throws
  // ReferenceError for that and for an alias without its anchor (`*a`): bad input, not a bug.
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new InputError(file, `not valid YAML: ${(e as Error).message}`);
  }
}

/** Every document of a YAML stream (`---` separated), with the first error turned into an InputError at its line. */
export function parseYamlDocuments(text: string, file: string): unknown[] {
  const lines = new (yamlLib().LineCounter)();
  const parsed = yamlLib().parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false, lineCounter: lines });
  const docs = Array.isArray(parsed) ? parsed : [];
  for (const doc of docs) {
    const first = doc.errors[0];
    if (first) {
      const { line, col } = lines.linePos(first.pos[0]);
      throw new InputError(file, `not valid YAML: ${first.message.split('\n')[0]} at line ${line}, column ${col}:`, line);
    }
  }
  try {
    return docs.map((d) => d.toJS({ maxAliasCount: 100 }));
  } catch (e) {
    throw new InputError(file, `not valid YAML: ${(e as Error).message}`);
  }
}
