// Stage 1, what is deployed: the sources, by scheme, and the parsing of `scheme:spec` arguments.
import type { InventoryContext, InventoryGap, InventoryResult, Source } from './source.js';
import { emptyInventory } from './source.js';
import { sbomFactsSource } from './sbom-files.js';
import { bySniffSource, resolveSourceArg } from './resolve-arg.js';
import { registryNamedBy } from './registry.js';
import { SCHEME_TEXT, type Scheme } from './schemes.js';
import type { KubeOptions } from './kube/inventory.js';
import type { KubeSeen } from './kube/source.js';

/**
 * A source whose module loads when an argument of its scheme is read: a scan of SBOM files does not load the
 * archive, registry, Kubernetes and source-tree readers (start-up time).
 */
function lazySource(scheme: Scheme, load: () => Promise<Source>): Source {
  let loaded: Promise<Source> | undefined;
  return {
    scheme,
    describe: SCHEME_TEXT[scheme],
    async inventory(spec, ctx) {
      const real = await (loaded ??= load());
      if (real.scheme !== scheme) throw new Error(`internal error: the ${scheme}: source loaded the ${real.scheme}: reader`);
      return real.inventory(spec, ctx);
    },
  };
}

/** The sources of one run; `kube:` keeps what it saw (workloads) for the report. */
export function buildSources(kube: KubeOptions = {}) {
  const seen: KubeSeen = { workloads: new Map(), notes: new Map(), configDigests: new Map() };
  const list: Source[] = [
    sbomFactsSource,
    lazySource('oci-dir', async () => (await import('./oci-dir.js')).ociDirSource),
    lazySource('oci-archive', async () => (await import('./docker-archive.js')).ociArchiveSource),
    lazySource('docker-archive', async () => (await import('./docker-archive.js')).dockerArchiveSource),
    lazySource('dir', async () => (await import('./dir.js')).directorySource),
    lazySource('registry', async () => (await import('./registry-sources.js')).registrySource),
    lazySource('image', async () => (await import('./registry-sources.js')).imageRefSource),
    lazySource('kube', async () => (await import('./kube/source.js')).kubeSource(kube, seen)),
    ...(['docker', 'podman'] as const).map((engine) => lazySource(engine, async () => (await import('./daemon.js')).daemonSources.find((s) => s.scheme === engine)!)),
  ];
  // syft's file:, read by what the file holds (an archive, an SBOM), through the sources above.
  list.splice(5, 0, bySniffSource(list, 'file', true));
  return { list, kube: { seen } };
}

/** The schemes for `--help`, in the order a newcomer meets them. */
export const SOURCES: readonly Source[] = buildSources().list;

/** Registries the user named on the command line (`registry:` and image arguments): the only ones environment credentials go to. */
export async function namedRegistries(args: readonly string[]): Promise<string[]> {
  const hosts = await Promise.all(
    args.map(async (a) => {
      const { source, spec } = await resolveSourceArg(a, SOURCES).catch(() => ({ source: undefined, spec: '' }));
      return source?.scheme === 'registry' ? registryNamedBy(`registry:${spec}`) : source?.scheme === 'image' ? registryNamedBy(spec) : undefined;
    }),
  );
  return hosts.filter((h): h is string => h !== undefined);
}

/**
 * Inventory every source argument; one failing source is reported and the others go on. A source that failed,
 * in whole or in part, or that found nothing, is a gap: named in the report as unknown, never silently empty.
 */
export async function inventoryAll(args: string[], sources: readonly Source[], ctx: InventoryContext): Promise<InventoryResult & { gaps: InventoryGap[] }> {
  // Every argument is resolved before any is read: a typo in the last one is said before minutes of scanning.
  const parsed = [];
  for (const a of args) parsed.push({ ...(await resolveSourceArg(a, sources)), arg: a });
  const all = { ...emptyInventory(), gaps: [] as InventoryGap[] };
  for (const { source, spec, arg } of parsed) {
    let r: InventoryResult;
    try {
      r = await source.inventory(spec, ctx);
    } catch (err) {
      r = { ...emptyInventory(), errors: [`${source.scheme}:${spec}: ${err instanceof Error ? err.message : String(err)}`] };
    }
    ctx.onSource?.(arg, `${source.scheme}:${spec}`, r);
    all.targets.push(...r.targets);
    all.errors.push(...r.errors);
    all.inputErrors.push(...r.inputErrors);
    const gap = gapOf(arg, r);
    if (gap) all.gaps.push(gap);
  }
  return all;
}

function gapOf(arg: string, r: InventoryResult): InventoryGap | undefined {
  const reasons = [...r.inputErrors, ...r.errors];
  if (reasons.length > 0) {
    const some = r.targets.length > 0 ? `enumerated only in part (${r.targets.length} image${r.targets.length === 1 ? '' : 's'} found)` : 'could not be enumerated';
    return { ref: arg, reasons: [`source ${some}`, ...reasons] };
  }
  if (r.targets.length === 0) return { ref: arg, reasons: ['source yielded no images: nothing was checked for it'] };
  return undefined;
}
