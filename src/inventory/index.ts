// Stage 1, what is deployed: the sources, by scheme, and the parsing of `scheme:spec` arguments.
import { UsageError } from '../errors.js';
import type { InventoryContext, InventoryResult, Source } from './source.js';
import { emptyInventory } from './source.js';
import { sbomFilesSource } from './sbom-files.js';
import { ociDirSource } from './oci-dir.js';
import { dockerArchiveSource } from './docker-archive.js';
import { directorySource } from './dir.js';
import { imageRefSource, registrySource } from './registry-sources.js';
import { kubeSource } from './kube/source.js';
import type { KubeOptions } from './kube/inventory.js';

/** The sources of one run; `kube:` keeps what it saw (workloads) for the report. */
export function buildSources(kube: KubeOptions = {}) {
  const kubeSrc = kubeSource(kube);
  const list: Source[] = [sbomFilesSource, ociDirSource, dockerArchiveSource, directorySource, registrySource, imageRefSource, kubeSrc];
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

/** Inventory every source argument; one failing source is reported and the others go on. */
export async function inventoryAll(args: string[], sources: readonly Source[], ctx: InventoryContext): Promise<InventoryResult> {
  const parsed = args.map((a) => parseSourceArg(a, sources));
  const all = emptyInventory();
  for (const { source, spec } of parsed) {
    let r: InventoryResult;
    try {
      r = await source.inventory(spec, ctx);
    } catch (err) {
      r = { ...emptyInventory(), errors: [`${source.scheme}:${spec}: ${err instanceof Error ? err.message : String(err)}`] };
    }
    all.targets.push(...r.targets);
    all.errors.push(...r.errors);
    all.inputErrors.push(...r.inputErrors);
  }
  return all;
}
