// Registry inventory: `registry:HOST` (whole catalog), `registry:HOST/REPO` (every tag), or one image reference.
import pLimit from 'p-limit';
import type { RepoRef } from '../adapters/oci/client.js';
import { formatReference, looksLikeHost, parseReference, type ImageReference } from '../adapters/oci/reference.js';
import { UsageError } from '../errors.js';
import type { Target } from '../model/target.js';

/** The part of the registry client inventory needs. */
export interface RegistryLister {
  listRepositories(registry: string): Promise<string[]>;
  listTags(repo: RepoRef): Promise<string[]>;
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
 * kept aside, so a source can list them at once and the scan pins them while other images are already read.
 */
const toPin = new WeakSet<Target>();
/** How long each pinned target's lookup took: spent from that image's --image-timeout. */
const resolutionCost = new WeakMap<Target, number>();

export function markForPinning(targets: readonly Target[]): void {
  for (const t of targets) if (t.kind === 'registry' && t.digest === undefined && t.tag !== undefined) toPin.add(t);
}

export function wantsPinning(t: Target): boolean {
  return toPin.has(t);
}

/** Milliseconds spent resolving this target's tag (0 when it was not resolved). */
export function resolutionMs(t: Target): number {
  return resolutionCost.get(t) ?? 0;
}

const TAG_LISTS_IN_FLIGHT = 4;
const HEADS_IN_FLIGHT = 8;

/**
 * Lists the images a spec names. A spec without the `registry:` prefix is one image reference
 * (tag `latest` when it has neither tag nor digest). Registry failures become `errors`; a spec
 * that is not a valid reference throws UsageError.
 */
export async function inventoryRegistry(spec: string, client: RegistryLister): Promise<{ targets: Target[]; errors: string[] }> {
  const prefixed = spec.startsWith('registry:');
  const rest = (prefixed ? spec.slice('registry:'.length) : spec).trim().replace(/\/+$/, '');
  if (rest === '') throw new UsageError(`"${spec}": name a registry host, a repository or an image`);
  if (prefixed && looksLikeHost(rest)) return inventoryCatalog(rest.toLowerCase(), client);
  const ref = parseReference(rest, { defaultTag: !prefixed });
  if (ref.tag !== undefined || ref.digest !== undefined) return { targets: [registryTarget(ref)], errors: [] };
  return inventoryRepository(ref, client);
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

async function inventoryCatalog(registry: string, client: RegistryLister): Promise<{ targets: Target[]; errors: string[] }> {
  let repositories: string[];
  try {
    repositories = await client.listRepositories(registry);
  } catch (err) {
    return { targets: [], errors: [`${registry}: cannot list the catalog: ${messageOf(err)}`] };
  }
  const limit = pLimit(TAG_LISTS_IN_FLIGHT);
  const valid = repositories.filter((r) => isRepositoryName(registry, r));
  const badNames = repositories.filter((r) => !valid.includes(r)).map((r) => `${registry}: catalog lists "${r.slice(0, 100)}", which is not a repository name`);
  const results = await Promise.all(valid.map((repository) => limit(() => inventoryRepository({ registry, repository }, client))));
  return {
    targets: results.flatMap((r) => r.targets).sort(byRef),
    errors: [...badNames, ...results.flatMap((r) => r.errors)],
  };
}

async function inventoryRepository(repo: RepoRef, client: RegistryLister): Promise<{ targets: Target[]; errors: string[] }> {
  try {
    const tags = await client.listTags(repo);
    const targets = tags.map((tag) => registryTarget({ ...repo, tag })).sort(byRef);
    return { targets, errors: [] };
  } catch (err) {
    return { targets: [], errors: [`${repo.registry}/${repo.repository}: cannot list tags: ${messageOf(err)}`] };
  }
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
        const pinned = info?.digest && /^sha256:[0-9a-f]{64}$/.test(info.digest) ? { ...t, digest: info.digest } : t;
        resolutionCost.set(pinned, Date.now() - started);
        return pinned;
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
