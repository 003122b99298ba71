// Yarn 2+ (berry) yarn.lock: YAML with `__metadata`, entries keyed by `name@npm:range` and a `resolution`.
import { InputError } from '../../errors.js';
import { addEdge, emptyGraph, packagesOfGraph } from './graph.js';
import type { LockfileResult } from './lockfile.js';
import { isRecord, parseYamlFile, splitNameAtVersion } from './lockfile.js';

function depEntries(entry: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  for (const field of ['dependencies', 'optionalDependencies']) {
    const deps = entry[field];
    if (isRecord(deps)) for (const [name, range] of Object.entries(deps)) out.push([name, String(range)]);
  }
  return out;
}

export function parseYarnBerry(text: string, file: string): LockfileResult {
  const doc = parseYamlFile(text, file);
  if (!isRecord(doc)) throw new InputError(file, 'not a YAML mapping');
  const graph = emptyGraph();
  const bySpec = new Map<string, string>();
  const workspaces: string[] = [];
  const notes: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === '__metadata' || !isRecord(value)) continue;
    const resolution = typeof value.resolution === 'string' ? value.resolution : '';
    const locator = splitNameAtVersion(resolution);
    const name = locator?.name;
    if (!name) throw new InputError(file, `entry "${key}" has no readable resolution`, undefined, 'resolution');
    const written = value.version === undefined ? '' : String(value.version);
    // Yarn fetches the resolution's locator; `version` is only a copy of it. For the registry (`npm:`), the
    // locator's version is what is installed, and a `version` that says otherwise is worth saying.
    const fetched = locator?.version.startsWith('npm:') ? locator.version.slice(4) : undefined;
    if (fetched !== undefined && written !== '' && written !== fetched) {
      notes.push(`${file}: entry "${key}": version ${written} but resolution ${resolution}; read as ${name}@${fetched}`);
    }
    for (const spec of key.split(',')) bySpec.set(spec.trim(), key);
    // Workspaces are the project itself: what they depend on is what the project asked for.
    if (resolution.includes('@workspace:')) workspaces.push(key);
    else graph.nodes.set(key, { name, version: fetched ?? written });
  }
  const lookup = (name: string, range: string) =>
    bySpec.get(`${name}@${range}`) ?? (range.includes(':') ? undefined : bySpec.get(`${name}@npm:${range}`));
  for (const [key, value] of Object.entries(doc)) {
    if (key === '__metadata' || !isRecord(value)) continue;
    for (const [name, range] of depEntries(value)) {
      const to = lookup(name, range);
      if (to === undefined) continue;
      if (workspaces.includes(key)) graph.roots.push(to);
      else addEdge(graph, key, to);
    }
  }
  return { packages: packagesOfGraph(graph, 'npm', file), notes };
}
