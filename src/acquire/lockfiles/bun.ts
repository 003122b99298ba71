// bun.lock (text, JSONC): `workspaces` mirror package.json files, `packages` are keyed by install path.
import { InputError } from '../../errors.js';
import { addEdge, emptyGraph, packagesOfGraph } from './graph.js';
import type { LockfileParser, LockfileResult } from './lockfile.js';
import { isRecord, splitNameAtVersion, stringEntries } from './lockfile.js';
import { parseJsoncFile } from './jsonc.js';

const DEP_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'];
const PROJECT_DEPS = [...DEP_FIELDS, 'devDependencies'];

/** Package names along an install path key: `a/@s/b/c` is c inside @s/b inside a. */
function namesOf(key: string): string[] {
  const parts = key.split('/');
  const names: string[] = [];
  for (let i = 0; i < parts.length; i++) names.push(parts[i]!.startsWith('@') ? `${parts[i]}/${parts[++i] ?? ''}` : parts[i]!);
  return names;
}

/** Like node: the dependency nested under the requiring package wins over one higher up. */
function resolveFrom(keys: ReadonlySet<string>, from: string, name: string): string | undefined {
  const chain = from === '' ? [] : namesOf(from);
  for (let i = chain.length; i >= 0; i--) {
    const candidate = [...chain.slice(0, i), name].join('/');
    if (keys.has(candidate)) return candidate;
  }
  return undefined;
}

function depNames(entry: unknown, fields: string[]): string[] {
  return isRecord(entry) ? fields.flatMap((f) => stringEntries(entry[f]).map(([n]) => n)) : [];
}

function parseBunLock(text: string, file: string): LockfileResult {
  const doc = parseJsoncFile(text, file);
  if (!isRecord(doc)) throw new InputError(file, 'not a JSON object');
  if (doc.lockfileVersion !== 0 && doc.lockfileVersion !== 1) {
    throw new InputError(file, `unsupported lockfileVersion ${JSON.stringify(doc.lockfileVersion)} (known: 0, 1)`, undefined, 'lockfileVersion');
  }
  const packages = isRecord(doc.packages) ? doc.packages : {};
  const graph = emptyGraph();
  const keys = new Set(Object.keys(packages));
  for (const [key, value] of Object.entries(packages)) {
    if (!Array.isArray(value) || typeof value[0] !== 'string') throw new InputError(file, `package "${key}" is not ["name@version", ...]`, undefined, 'packages');
    const id = splitNameAtVersion(value[0]);
    // Workspace and link entries are the project's own folders.
    // Registry entries are `[id, registry, info, integrity]`; other shapes carry no tarball hash there.
    const integrity = typeof value[3] === 'string' ? { integrity: value[3] } : {};
    if (id && !/^(workspace|link):/.test(id.version)) graph.nodes.set(key, { ...id, entry: key, ...integrity });
  }
  for (const [key, value] of Object.entries(packages)) {
    if (!graph.nodes.has(key) || !Array.isArray(value)) continue;
    const meta = value.find((v) => isRecord(v));
    for (const name of depNames(meta, DEP_FIELDS)) {
      const to = resolveFrom(keys, key, name);
      if (to) addEdge(graph, key, to);
    }
  }
  for (const workspace of Object.values(isRecord(doc.workspaces) ? doc.workspaces : {})) {
    // A workspace that needs another version than the root's finds it nested under the workspace's name.
    const own = isRecord(workspace) && typeof workspace.name === 'string' && keys.has(workspace.name) ? workspace.name : '';
    for (const name of depNames(workspace, PROJECT_DEPS)) {
      const to = resolveFrom(keys, own, name);
      if (to) graph.roots.push(to);
    }
  }
  return { packages: packagesOfGraph(graph, 'npm', file), notes: [] };
}

export const bunLockParser = {
  name: 'bun-lock',
  matches: (fileName) => fileName === 'bun.lock',
  parse: parseBunLock,
} satisfies LockfileParser;
