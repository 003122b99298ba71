// Stage 1, what is deployed: the sources, by scheme, and the parsing of `scheme:spec` arguments.
import { UsageError } from '../errors.js';
import type { InventoryContext, InventoryGap, InventoryResult, Source } from './source.js';
import { emptyInventory } from './source.js';
import { sbomFactsSource } from './sbom-files.js';
import { ociDirSource } from './oci-dir.js';
import { dockerArchiveSource } from './docker-archive.js';
import { directorySource } from './dir.js';
import { imageRefSource, registrySource } from './registry-sources.js';
import { kubeSource } from './kube/source.js';
import type { KubeOptions } from './kube/inventory.js';

/** The sources of one run; `kube:` keeps what it saw (workloads) for the report. */
export function buildSources(kube: KubeOptions = {}) {
  const kubeSrc = kubeSource(kube);
  const list: Source[] = [sbomFactsSource, ociDirSource, dockerArchiveSource, directorySource, registrySource, imageRefSource, kubeSrc];
  return { list, kube: kubeSrc };
}

/** The schemes for `--help`, in the order a newcomer meets them. */
export const SOURCES: readonly Source[] = buildSources().list;

/** Split `scheme:spec`. An argument with no known scheme is an image reference (`nginx:1.27`, `localhost:5000/app`). */
export function parseSourceArg(arg: string, sources: readonly Source[]): { source: Source; spec: string } {
  const m = /^([a-z][a-z0-9-]*):(.*)$/s.exec(arg);
  const source = m ? sources.find((s) => s.scheme === m[1]) : undefined;
  if (source) return { source, spec: m![2]! };
  const image = sources.find((s) => s.scheme === 'image');
  if (!image) throw new UsageError(`unknown source "${arg}": write it with a scheme prefix (${sources.map((s) => `${s.scheme}:`).join(', ')})`);
  return { source: image, spec: arg };
}

/**
 * Inventory every source argument; one failing source is reported and the others go on. A source that failed,
 * in whole or in part, or that found nothing, is a gap: named in the report as unknown, never silently empty.
 */
export async function inventoryAll(args: string[], sources: readonly Source[], ctx: InventoryContext): Promise<InventoryResult & { gaps: InventoryGap[] }> {
  const parsed = args.map((a) => ({ ...parseSourceArg(a, sources), arg: a }));
  const all = { ...emptyInventory(), gaps: [] as InventoryGap[] };
  for (const { source, spec, arg } of parsed) {
    let r: InventoryResult;
    try {
      r = await source.inventory(spec, ctx);
    } catch (err) {
      r = { ...emptyInventory(), errors: [`${source.scheme}:${spec}: ${err instanceof Error ? err.message : String(err)}`] };
    }
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
