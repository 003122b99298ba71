// bun.lock (text, JSONC): `workspaces` mirror package.json files, `packages` are keyed by install path.
import { posix } from 'node:path';
import { InputError } from '../../errors.js';
import { addEdge, emptyGraph, packagesOfGraph } from './graph.js';
import type { LockedPackage, LockfileContext, LockfileParser, LockfileResult } from './lockfile.js';
import { isRecord, splitNameAtVersion, stringEntries } from './lockfile.js';
import { parseJsoncFile } from './jsonc.js';
import { hasIntegrity, tarballManifest } from './npm-tarball.js';

/**
 * 0 as bun 1.1 writes it (with --save-text-lockfile), 1 as bun 1.2 and 1.3 write it; 2 (bun 1.4, for new
 * lockfiles) has the same content as 1 and only turns on stricter checks when bun reads it.
 */
const VERSIONS = [0, 1, 2];
/** A registry entry's version is semver; anything else in that place is a source (path, URL, git, protocol). */
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
/** The project's own folders: its workspaces, `link:` folders, and the root itself when a workspace depends on it. */
const OWN = /^(workspace|link|root):/;
/** A source with a protocol (`git+https:`, `github:`, `https:`); without one, bun writes a path in the tree. */
const PROTOCOL = /^[a-z][a-z0-9+.-]*:/i;

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

/**
 * What an entry `[id, ...]` installs. A registry entry is `[name@version, registry, info, integrity]`; a folder
 * (`name@file:dir`) is versioned by its package.json, which bun reads at install and does not copy into the
 * lockfile, so it is read beside the lockfile when the tree has it; a tarball in the tree (`name@./x.tgz`,
 * `[id, info, integrity]`) by the package.json inside it, when its bytes have the locked integrity or bun.lock
 * locks none (bun 1.1's lockfileVersion 0 records no integrity for one); a URL or git
 * entry names its source and no version, so the version is unknown (empty) and a note says so.
 */
function lockedOf(key: string, value: unknown[], lock: LockContext): LockedPackage | undefined {
  const id = splitNameAtVersion(String(value[0]));
  if (!id || OWN.test(id.version)) return undefined;
  if (SEMVER.test(id.version)) return { ...id, entry: key, ...(typeof value[3] === 'string' ? { integrity: value[3] } : {}) };
  const folder = id.version.startsWith('file:') ? folderOnce(id.version.slice(5), lock) : undefined;
  if (folder?.version) return { name: folder.name ?? id.name, version: folder.version, entry: key };
  // A tarball's (in the tree or at a URL) integrity follows its info; a git entry has its commit there instead.
  const integrity = typeof value[2] === 'string' && /^sha(1|256|384|512)-/.test(value[2]) ? value[2] : undefined;
  const hash = integrity ? { integrity } : {};
  const tarball = PROTOCOL.test(id.version) ? undefined : tarballOnce(id.version, integrity, lock);
  if (typeof tarball === 'object') return { name: tarball.name ?? id.name, version: tarball.version, entry: key, ...hash };
  lock.notes.push(`${lock.file}: ${key} (${value[0]}) names no version${tarball ? ` (${tarball})` : ''}, listed without one`);
  return { name: id.name, version: '', entry: key, ...hash };
}

function folderOnce(dir: string, lock: LockContext): { name?: string; version?: string } | undefined {
  if (!lock.folders.has(dir)) lock.folders.set(dir, folderManifest(dir, lock));
  return lock.folders.get(dir);
}

/** Each tarball (and folder) is read once however many entries name it: a hostile lockfile cannot make one file read a million times. */
function tarballOnce(relative: string, integrity: string | undefined, lock: LockContext): { name?: string; version: string } | string {
  const key = `${relative}\0${integrity ?? ''}`;
  let found = lock.tarballs.get(key);
  if (found === undefined) lock.tarballs.set(key, (found = tarballPackage(relative, integrity, lock)));
  return found;
}

/** The package a tarball in the tree holds, if its bytes are the ones locked (or none are); else why not. */
function tarballPackage(relative: string, integrity: string | undefined, lock: LockContext): { name?: string; version: string } | string {
  const path = posix.normalize(posix.join(posix.dirname(lock.file), relative));
  let bytes: Buffer;
  try {
    if (!lock.context?.readBytes) return `${path} not read`;
    bytes = lock.context.readBytes(path);
  } catch (e) {
    return `${path} not readable: ${(e as { code?: string }).code ?? (e as Error).message}`;
  }
  // bun checks a locked integrity when it installs, so a tarball without one is installed as the tree has it.
  if (integrity !== undefined && !hasIntegrity(bytes, integrity)) return `${path} is not the tarball locked: its ${integrity.split('-')[0]} differs`;
  const manifest = tarballManifest(bytes);
  if (typeof manifest === 'string') return `${path}: ${manifest}`;
  if (!manifest.version) return `${path}: its package.json has no version`;
  if (integrity === undefined) lock.notes.push(`${lock.file}: no integrity locked for ${path}: its version is read from the tarball as the tree holds it`);
  return { ...(manifest.name ? { name: manifest.name } : {}), version: manifest.version };
}

function folderManifest(dir: string, lock: LockContext): { name?: string; version?: string } | undefined {
  const path = posix.normalize(posix.join(posix.dirname(lock.file), dir, 'package.json'));
  try {
    const json: unknown = JSON.parse(lock.context?.readFile?.(path) ?? 'null');
    if (isRecord(json)) return { ...(typeof json.name === 'string' ? { name: json.name } : {}), ...(typeof json.version === 'string' ? { version: json.version } : {}) };
  } catch {
    // Not there or not JSON: the version stays unknown.
  }
  return undefined;
}

interface LockContext {
  file: string;
  context?: LockfileContext;
  notes: string[];
  tarballs: Map<string, { name?: string; version: string } | string>;
  folders: Map<string, { name?: string; version?: string } | undefined>;
}

function parseBunLock(text: string, file: string, context?: LockfileContext): LockfileResult {
  const doc = parseJsoncFile(text, file);
  if (!isRecord(doc)) throw new InputError(file, 'not a JSON object');
  if (!VERSIONS.includes(doc.lockfileVersion as number)) {
    throw new InputError(file, `unsupported lockfileVersion ${JSON.stringify(doc.lockfileVersion)} (known: ${VERSIONS.join(', ')})`, undefined, 'lockfileVersion');
  }
  const packages = isRecord(doc.packages) ? doc.packages : {};
  const graph = emptyGraph();
  const keys = new Set(Object.keys(packages));
  const lock: LockContext = { file, ...(context ? { context } : {}), notes: [], tarballs: new Map(), folders: new Map() };
  for (const [key, value] of Object.entries(packages)) {
    if (!Array.isArray(value) || typeof value[0] !== 'string') throw new InputError(file, `package "${key}" is not ["name@version", ...]`, undefined, 'packages');
    const locked = lockedOf(key, value, lock);
    if (locked) graph.nodes.set(key, locked);
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
  return { packages: packagesOfGraph(graph, 'npm', file), notes: lock.notes };
}

export const bunLockParser = {
  name: 'bun-lock',
  matches: (fileName) => fileName === 'bun.lock',
  parse: parseBunLock,
} satisfies LockfileParser;
