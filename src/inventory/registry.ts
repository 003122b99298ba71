// Registry inventory: `registry:HOST` (whole catalog), `registry:HOST/REPO` (every tag), or one image reference.
import pLimit from 'p-limit';
import type { RepoRef } from '../adapters/oci/client.js';
import { DEFAULT_LIST_BOUNDS, ListingLimitError, NameBudget, type ListBounds } from '../adapters/oci/listing.js';
import { formatReference, isTag, looksLikeHost, parseReference, type ImageReference } from '../adapters/oci/reference.js';
import { UsageError } from '../errors.js';
import type { Target } from '../model/target.js';

/** The part of the registry client inventory needs. */
export interface RegistryLister {
  /** Past `budget` (or the listing's bytes or pages) throws a ListingLimitError carrying the names read. */
  listRepositories(registry: string, budget?: NameBudget): Promise<string[]>;
  listTags(repo: RepoRef, budget?: NameBudget): Promise<string[]>;
}

/** The part of the registry client digest resolution needs. */
export interface DigestResolver {
  headManifest(repo: RepoRef, reference: string, call?: { signal?: AbortSignal | undefined }): Promise<{ digest?: string }>;
}

/** Bounds of tag-to-digest resolution: each lookup is part of its image's --image-timeout, and Ctrl-C stops them. */
export interface ResolveOptions {
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Targets a `registry:` source or an image list named by tag, to be pinned to a digest before they are read;
 * marked on the target itself, so a source can list them at once and the scan pins them while other images are
 * already read. A copy of the target keeps the mark.
 */
export function markForPinning(targets: Target[]): void {
  for (const [i, t] of targets.entries()) if (t.kind === 'registry' && t.digest === undefined && t.tag !== undefined) targets[i] = { ...t, pinTag: true };
}

export function wantsPinning(t: Target): boolean {
  return t.kind === 'registry' && t.pinTag === true && t.digest === undefined;
}

/** Milliseconds spent resolving this target's tag (0 when it was not resolved). */
export function resolutionMs(t: Target): number {
  return t.kind === 'registry' ? (t.lookupMs ?? 0) : 0;
}

const TAG_LISTS_IN_FLIGHT = 4;
/** Refused names named one by one up to this many, then counted: a catalog of a million bad names is one line more. */
const NAMED_REFUSALS = 10;
const HEADS_IN_FLIGHT = 8;

/**
 * Lists the images a spec names. A spec without the `registry:` prefix is one image reference
 * (tag `latest` when it has neither tag nor digest). Registry failures become `errors`; a spec
 * that is not a valid reference throws UsageError.
 */
export async function inventoryRegistry(spec: string, client: RegistryLister, bounds: ListBounds = DEFAULT_LIST_BOUNDS): Promise<{ targets: Target[]; errors: string[] }> {
  const prefixed = spec.startsWith('registry:');
  const rest = (prefixed ? spec.slice('registry:'.length) : spec).trim().replace(/\/+$/, '');
  if (rest === '') throw new UsageError(`"${spec}": name a registry host, a repository or an image`);
  if (prefixed && looksLikeHost(rest)) return inventoryCatalog(rest.toLowerCase(), client, bounds);
  const ref = parseReference(rest, { defaultTag: !prefixed });
  if (ref.tag !== undefined || ref.digest !== undefined) return { targets: [registryTarget(ref)], errors: [] };
  return inventoryRepository(ref, client, tagBudget(bounds));
}

/** The registry a `registry:` or image argument names, as the user typed it; undefined when it names none. */
export function registryNamedBy(spec: string): string | undefined {
  const prefixed = spec.startsWith('registry:');
  const rest = (prefixed ? spec.slice('registry:'.length) : spec).trim().replace(/\/+$/, '');
  if (rest === '') return undefined;
  if (prefixed && looksLikeHost(rest)) return rest.toLowerCase();
  try {
    return parseReference(rest, { defaultTag: !prefixed }).registry;
  } catch {
    return undefined;
  }
}

async function inventoryCatalog(registry: string, client: RegistryLister, bounds: ListBounds): Promise<{ targets: Target[]; errors: string[] }> {
  const errors: string[] = [];
  let repositories: string[];
  try {
    repositories = await client.listRepositories(registry, new NameBudget(bounds.maxRepositories, 'repositories', '--max-repositories'));
  } catch (err) {
    if (!(err instanceof ListingLimitError)) return { targets: [], errors: [`${registry}: cannot list the catalog: ${messageOf(err)}`] };
    repositories = err.partial;
    errors.push(cutShort(registry, err, repositories.length, 'repositories'));
  }
  const valid: string[] = [];
  const bad: string[] = [];
  for (const r of repositories) (isRepositoryName(registry, r) ? valid : bad).push(r);
  errors.push(...refusals(bad, (r) => `${registry}: catalog lists "${r.slice(0, 100)}", which is not a repository name`, `${registry}: catalog`, 'repository names'));
  const tags = tagBudget(bounds);
  const limit = pLimit(TAG_LISTS_IN_FLIGHT);
  let skipped = 0;
  const results = await Promise.all(
    valid.map((repository) =>
      limit(async () => {
        const r = tags.spent ? undefined : await inventoryRepository({ registry, repository }, client, tags);
        if (r && !r.unlisted) return r;
        skipped++;
        return { targets: [], errors: [] };
      }),
    ),
  );
  if (skipped > 0) errors.push(`${registry}: ${skipped.toLocaleString('en-US')} repositor${skipped === 1 ? 'y' : 'ies'} of the catalog not listed: ${tags.describe()}`);
  return {
    targets: results.flatMap((r) => r.targets).sort(byRef),
    errors: [...errors, ...results.flatMap((r) => r.errors)],
  };
}

/** `unlisted`: the shared tag budget was spent before this repository's first tag, so nothing of it was read. */
async function inventoryRepository(repo: RepoRef, client: RegistryLister, budget: NameBudget): Promise<{ targets: Target[]; errors: string[]; unlisted?: true }> {
  const errors: string[] = [];
  let tags: string[];
  try {
    tags = await client.listTags(repo, budget);
  } catch (err) {
    if (!(err instanceof ListingLimitError)) return { targets: [], errors: [`${repo.registry}/${repo.repository}: cannot list tags: ${messageOf(err)}`] };
    if (err.partial.length === 0 && budget.spent) return { targets: [], errors: [], unlisted: true };
    tags = err.partial;
    errors.push(cutShort(repo.registry, err, tags.length, 'tags'));
  }
  const name = `${repo.registry}/${repo.repository}`;
  errors.push(...refusals(tags.filter((t) => !isTag(t)), (t) => `${name}: tags list "${t.slice(0, 100)}", which is not a tag`, `${name}: tags`, 'tags'));
  const targets = tags.filter(isTag).map((tag) => registryTarget({ ...repo, tag })).sort(byRef);
  return { targets, errors };
}

function tagBudget(bounds: ListBounds): NameBudget {
  return new NameBudget(bounds.maxTags, 'tags', '--max-tags');
}

/** A listing ended at a bound: what bound, and that what was read before it is still scanned. */
function cutShort(registry: string, err: ListingLimitError, read: number, noun: string): string {
  const one = noun === 'repositories' ? 'repository' : noun.replace(/s$/, '');
  const kept = read === 1 ? `; the 1 ${one} listed before it is scanned` : read > 0 ? `; the ${read.toLocaleString('en-US')} ${noun} listed before it are scanned` : '';
  return `${registry}: ${err.reason}${kept}`;
}

/** One line per refused name, up to NAMED_REFUSALS, then one line counting the rest. */
function refusals(bad: string[], line: (name: string) => string, where: string, noun: string): string[] {
  const out = bad.slice(0, NAMED_REFUSALS).map(line);
  const more = bad.length - NAMED_REFUSALS;
  if (more > 0) out.push(`${where} lists ${more.toLocaleString('en-US')} more name${more === 1 ? '' : 's'} that are not ${noun}, not scanned`);
  return out;
}

/**
 * Pins each tag-only registry target to the manifest or index digest its tag points to now (one HEAD
 * each), so the digest-keyed cache and dedup work for listed tags. A failed HEAD leaves the target
 * unpinned and records nothing: acquisition meets the same failure and reports it on the image. Each
 * HEAD ends within `timeoutMs` (the image's own deadline), and the time it took is charged to the image.
 */
export async function resolveDigests(targets: Target[], client: DigestResolver, opts: ResolveOptions = {}): Promise<Target[]> {
  const limit = pLimit(HEADS_IN_FLIGHT);
  return Promise.all(
    targets.map((t) =>
      limit(async () => {
        if (t.kind !== 'registry' || t.digest !== undefined || t.tag === undefined) return t;
        if (opts.signal?.aborted) return t;
        const started = Date.now();
        const bounds = [opts.signal, opts.timeoutMs ? AbortSignal.timeout(opts.timeoutMs) : undefined].filter((s): s is AbortSignal => s !== undefined);
        const signal = bounds.length > 1 ? AbortSignal.any(bounds) : bounds[0];
        const info = await client.headManifest({ registry: t.registry, repository: t.repository }, t.tag, { signal }).catch(() => undefined);
        const digest = info?.digest && /^sha256:[0-9a-f]{64}$/.test(info.digest) ? info.digest : undefined;
        const { pinTag: _asked, ...rest } = t;
        return { ...rest, ...(digest ? { digest } : {}), lookupMs: Date.now() - started };
      }),
    ),
  );
}

/** Catalog entries come from the registry: each must read back as exactly that repository. */
function isRepositoryName(registry: string, repository: string): boolean {
  try {
    const ref = parseReference(`${registry}/${repository}`, { defaultTag: false });
    return ref.repository === repository && ref.tag === undefined && ref.digest === undefined;
  } catch {
    return false;
  }
}

/** The scan target for one image reference. */
export function registryTarget(ref: ImageReference): Target {
  const target: Target = { kind: 'registry', ref: formatReference(ref), registry: ref.registry, repository: ref.repository };
  if (ref.tag !== undefined) target.tag = ref.tag;
  if (ref.digest !== undefined) target.digest = ref.digest;
  return target;
}

function byRef(a: Target, b: Target): number {
  return a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
