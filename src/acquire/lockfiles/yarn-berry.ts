// Yarn 2+ (berry) yarn.lock: YAML with `__metadata`, entries keyed by descriptors (`name@npm:range`) and a `resolution`.
import { posix } from 'node:path';
import { InputError } from '../../errors.js';
import { addEdge, emptyGraph, packagesOfGraph } from './graph.js';
import type { LockfileContext, LockfileResult } from './lockfile.js';
import { isRecord, parseYamlFile, splitNameAtVersion, stringEntries } from './lockfile.js';

function depEntries(entry: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  for (const field of ['dependencies', 'optionalDependencies']) {
    const deps = entry[field];
    if (isRecord(deps)) for (const [name, range] of Object.entries(deps)) out.push([name, String(range)]);
  }
  return out;
}

/**
 * What a resolution (a locator, `name@protocol:source#selector::bindings`) fetches. `npm:` names the version;
 * `patch:` wraps the locator it patches, URL-encoded (`alias@patch:real@npm%3A1.0.0#./p.patch::hash=..`), and
 * the package is that one; `workspace:`, `link:` and `portal:` are folders of the project itself. Anything else
 * (file:, a URL, git) is named by the locator and versioned by the entry's `version`. Bindings after `::`
 * (`__archiveUrl=`, `locator=`, `hash=`) say where or for whom, not what.
 */
type Fetched = { kind: 'own' } | { kind: 'package'; name: string; version?: string };

function fetchedBy(resolution: string, depth = 0): Fetched | undefined {
  const locator = splitNameAtVersion(resolution);
  if (!locator) return undefined;
  const range = locator.version.split('::')[0]!;
  const protocol = /^([a-z][a-z+]*):/.exec(range)?.[1];
  if (protocol === 'workspace' || protocol === 'link' || protocol === 'portal') return { kind: 'own' };
  if (protocol === 'npm') return { kind: 'package', name: locator.name, version: range.slice(4) };
  if (protocol === 'patch' && depth < 8) {
    const inner = safeDecode(range.slice(6).split('#')[0]!);
    const patched = inner === undefined ? undefined : fetchedBy(inner, depth + 1);
    if (patched) return patched;
  }
  return { kind: 'package', name: locator.name };
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

interface Override {
  parent?: string;
  name: string;
  range?: string;
  to: string;
}

/**
 * The project's `resolutions` (its package.json, beside the lockfile): Yarn replaces a matching dependency's
 * range before resolving it and keys the lockfile entry by the replacement, while the entry that depends keeps
 * the range it asked for. A pattern is `name` or `name@range`, optionally after a parent (`parent/name`) or
 * `**\/`; scoped names keep their scope (`mid/@acme/util`).
 */
function overridesOf(manifest: unknown): Map<string, Override[]> {
  const resolutions = isRecord(manifest) ? manifest.resolutions : undefined;
  const byName = new Map<string, Override[]>();
  for (const [pattern, to] of stringEntries(resolutions)) {
    const segments = pattern.replace(/^(\*\*\/)+/, '').split('/');
    const last = segments.pop() ?? '';
    const scope = segments.at(-1)?.startsWith('@') ? `${segments.pop()}/` : '';
    const ident = splitNameAtVersion(`${scope}${last}`) ?? { name: `${scope}${last}`, version: '' };
    const parent = segments.length > 0 ? segments.join('/') : undefined;
    const list = byName.get(ident.name) ?? [];
    list.push({ ...(parent ? { parent } : {}), name: ident.name, ...(ident.version ? { range: ident.version } : {}), to });
    byName.set(ident.name, list);
  }
  return byName;
}

const sameRange = (a: string, b: string) => a === b || `npm:${a}` === b || a === `npm:${b}`;

/** Looked up by name, so a manifest with many resolutions costs no more per dependency than its own name's. */
function overrideFor(overrides: ReadonlyMap<string, Override[]>, parent: string | undefined, name: string, range: string): string | undefined {
  return overrides.get(name)?.find((o) => (o.range === undefined || sameRange(o.range, range)) && (o.parent === undefined || o.parent === parent))?.to;
}

type Catalogs = Map<string, Record<string, unknown>>;

/**
 * Yarn 4.10+ `catalog:` and `catalog:<name>` dependencies take their range from `catalog` and `catalogs` in the
 * project's .yarnrc.yml, which the lockfile does not copy: read beside the lockfile when a dependency needs it.
 * Unreadable, those dependencies are not followed (the packages are still listed) and a note says so.
 */
function catalogsOf(file: string, context: LockfileContext | undefined, notes: string[]): Catalogs {
  const rc = posix.join(posix.dirname(file), '.yarnrc.yml');
  const out: Catalogs = new Map();
  try {
    const doc = parseYamlFile(context?.readFile?.(rc) ?? '', rc);
    if (!isRecord(doc)) throw new Error('no settings');
    if (isRecord(doc.catalog)) out.set('', doc.catalog);
    if (isRecord(doc.catalogs)) for (const [name, catalog] of Object.entries(doc.catalogs)) if (isRecord(catalog)) out.set(name, catalog);
  } catch {
    notes.push(`${file}: catalog: dependencies not followed for their dependency paths: ${rc} is not readable`);
  }
  return out;
}

export function parseYarnBerry(text: string, file: string, context?: LockfileContext): LockfileResult {
  const doc = parseYamlFile(text, file);
  if (!isRecord(doc)) throw new InputError(file, 'not a YAML mapping');
  const graph = emptyGraph();
  const bySpec = new Map<string, string>();
  const own = new Set<string>();
  const names = new Map<string, string>();
  const notes: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === '__metadata' || !isRecord(value)) continue;
    const resolution = typeof value.resolution === 'string' ? value.resolution : '';
    const fetched = fetchedBy(resolution);
    if (!fetched) throw new InputError(file, `entry "${key}" has no readable resolution`, undefined, 'resolution');
    for (const spec of key.split(',')) bySpec.set(spec.trim(), key);
    const locator = splitNameAtVersion(resolution);
    if (locator) names.set(key, locator.name);
    // Workspaces, links and portals are the project itself: what they depend on is what the project asked for.
    if (fetched.kind === 'own') {
      own.add(key);
      continue;
    }
    const written = value.version === undefined ? '' : String(value.version);
    // Yarn fetches the resolution's locator; `version` is only a copy of it. For the registry (`npm:`), the
    // locator's version is what is installed, and a `version` that says otherwise is worth saying.
    if (fetched.version !== undefined && written !== '' && written !== fetched.version) {
      notes.push(`${file}: entry "${key}": version ${written} but resolution ${resolution}; read as ${fetched.name}@${fetched.version}`);
    }
    graph.nodes.set(key, { name: fetched.name, version: fetched.version ?? written });
  }
  // A dependency on a path (file:, link:, portal:, patch: with a patch file) is keyed bound to the locator of
  // whoever asked for it (`name@file:./x::locator=app%40workspace%3A.`), since the path is relative to that.
  const find = (name: string, range: string, from: unknown) =>
    bySpec.get(`${name}@${range}`) ??
    (range.includes(':') ? undefined : bySpec.get(`${name}@npm:${range}`)) ??
    (typeof from === 'string' ? bySpec.get(`${name}@${range}::locator=${encodeURIComponent(from)}`) : undefined);
  const overrides = overridesOf(context?.manifest);
  let catalogs: Catalogs | undefined;
  const fromCatalog = (name: string, range: string) => {
    catalogs ??= catalogsOf(file, context, notes);
    const entry = catalogs.get(range.slice('catalog:'.length))?.[name];
    return typeof entry === 'string' ? entry : undefined;
  };
  const lookup = (key: string, name: string, range: string, from: unknown) => {
    const asked = range.startsWith('catalog:') ? (fromCatalog(name, range) ?? range) : range;
    const override = overrideFor(overrides, names.get(key), name, asked);
    return (override === undefined ? undefined : find(name, override, from)) ?? find(name, asked, from);
  };
  for (const [key, value] of Object.entries(doc)) {
    if (key === '__metadata' || !isRecord(value)) continue;
    for (const [name, range] of depEntries(value)) {
      const to = lookup(key, name, range, value.resolution);
      if (to === undefined || own.has(to)) continue;
      if (own.has(key)) graph.roots.push(to);
      else addEdge(graph, key, to);
    }
  }
  return { packages: packagesOfGraph(graph, 'npm', file), notes };
}
