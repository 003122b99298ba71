// Stage 1, what is deployed: the sources, by scheme, and the parsing of `scheme:spec` arguments.
import type { InventoryContext, InventoryGap, InventoryResult, Source } from './source.js';
import { emptyInventory } from './source.js';
import { sbomFactsSource } from './sbom-files.js';
import { ociDirSource } from './oci-dir.js';
import { dockerArchiveSource, ociArchiveSource } from './docker-archive.js';
import { daemonSources } from './daemon.js';
import { bySniffSource, resolveSourceArg } from './resolve-arg.js';
import { directorySource } from './dir.js';
import { imageRefSource, registrySource } from './registry-sources.js';
import { kubeSource } from './kube/source.js';
import { registryNamedBy } from './registry.js';
import type { KubeOptions } from './kube/inventory.js';

/** The sources of one run; `kube:` keeps what it saw (workloads) for the report. */
export function buildSources(kube: KubeOptions = {}) {
  const kubeSrc = kubeSource(kube);
  const list: Source[] = [sbomFactsSource, ociDirSource, ociArchiveSource, dockerArchiveSource, directorySource, registrySource, imageRefSource, kubeSrc, ...daemonSources];
  // syft's file:, read by what the file holds (an archive, an SBOM), through the sources above.
  list.splice(5, 0, bySniffSource(list, 'file', true));
  return { list, kube: kubeSrc };
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
