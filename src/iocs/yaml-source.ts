// YAML text -> value, keeping the node tree so a schema error can name its file, line and field.
import type { Document, Node as YamlNode, LineCounter } from 'yaml';
import { yamlLib } from '../yaml-lib.js';
import type * as z from 'zod';
import { InputError } from '../errors.js';

export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  value: unknown;
}

type PathKey = PropertyKey;

/** Parses one YAML (or JSON) document; syntax errors, empty files and non-mapping roots are InputErrors. */
export function readYaml(text: string, file: string): YamlSource {
  if (text.trim() === '') throw new InputError(file, 'empty file: expected an IOC list');
  const lines = new (yamlLib().LineCounter)();
  const doc = yamlLib().parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line ?? lines.linePos(err.pos[0]).line;
    throw new InputError(file, `not valid YAML: ${err.message.split('\n')[0]}`, line);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // yaml throws ReferenceError for an alias without its anchor (`*a`) and for an alias bomb.
    throw new InputError(file, `not valid YAML: ${(e as Error).message}`);
  }
  if (value === null || value === undefined) throw new InputError(file, 'empty file: expected an IOC list');
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(file, 'expected a mapping at the top level (`apiVersion: ...` or `packages: ...`)', 1);
  }
  return { file, doc, lines, value };
}

/** `incidents[0].packages[1].version`: the path as a reader of the file would write it. */
export function formatPath(path: readonly PathKey[]): string {
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');
}

/** 1-based line of the node at `path`; a missing key falls back to its nearest present parent. */
export function lineOf(src: YamlSource, path: readonly PathKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const pos = startOf(src.doc, path.slice(0, n));
    if (pos !== undefined) return src.lines.linePos(pos).line;
  }
  return undefined;
}

/** Offset of a node, or of its key when the last step is a map key (a block value starts a line later). */
function startOf(doc: Document.Parsed, path: readonly PathKey[]): number | undefined {
  if (path.length === 0) return (doc.contents as YamlNode | null)?.range?.[0];
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1) as unknown[], true);
  const last = path[path.length - 1];
  if (yamlLib().isMap(parent)) {
    const pair = parent.items.find((p) => yamlLib().isScalar(p.key) && String(p.key.value) === String(last));
    return pair && yamlLib().isScalar(pair.key) ? pair.key.range?.[0] : undefined;
  }
  if (yamlLib().isSeq(parent) && typeof last === 'number') return (parent.items[last] as YamlNode | undefined)?.range?.[0];
  return undefined;
}

function valueAt(value: unknown, path: readonly PathKey[]): unknown {
  let v = value;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** A union failed: report the branch meant for this kind of value, not zod's generic "Invalid input". */
function unwrapUnion(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const fitting = issue.errors.find((branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0)) ?? issue.errors[0]!;
  const inner = fitting[0];
  return inner ? unwrapUnion({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue) : issue;
}

/** The first schema issue as an InputError pointing at the line and field it is about. */
export function issueToInputError(src: YamlSource, raw: z.core.$ZodIssue): InputError {
  const issue = unwrapUnion(raw);
  let path: PathKey[] = [...issue.path];
  let detail = issue.message;
  if (issue.code === 'invalid_type') {
    const got = valueAt(src.value, path);
    detail = got === undefined ? 'required field is missing' : `expected ${issue.expected}, got ${describe(got)}`;
  } else if (issue.code === 'unrecognized_keys') {
    path = [...path, issue.keys[0] ?? ''];
    detail = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  return new InputError(src.file, detail, lineOf(src, path), formatPath(path) || undefined);
}

/** Validates the whole document against a schema, or throws the most useful issue as an InputError. */
export function parseSource<T>(schema: z.ZodType<T>, src: YamlSource): T {
  const r = schema.safeParse(src.value);
  // A misspelt key also shows as a missing one; naming the misspelling is the more useful message.
  if (!r.success) throw issueToInputError(src, r.error.issues.find((i) => i.code === 'unrecognized_keys') ?? r.error.issues[0]!);
  return r.data;
}
