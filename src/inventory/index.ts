// Stage 1, what is deployed: the sources, by scheme, and the parsing of `scheme:spec` arguments.
import { UsageError } from '../errors.js';
import type { InventoryContext, InventoryResult, Source } from './source.js';
import { emptyInventory } from './source.js';
import { sbomFilesSource } from './sbom-files.js';

export const SOURCES: Source[] = [sbomFilesSource];

export function findSource(scheme: string): Source | undefined {
  return SOURCES.find((s) => s.scheme === scheme);
}

/** Split `scheme:spec`. A bare argument with no known scheme is an image reference (`registry:`), when that source exists. */
export function parseSourceArg(arg: string): { source: Source; spec: string } {
  const m = /^([a-z][a-z0-9-]*):(.*)$/s.exec(arg);
  if (m) {
    const source = findSource(m[1]!);
    if (source) return { source, spec: m[2]! };
  }
  const fallback = findSource('registry');
  if (fallback) return { source: fallback, spec: arg };
  throw new UsageError(`unknown source "${arg}": write it with a scheme prefix (${SOURCES.map((s) => `${s.scheme}:`).join(', ')})`);
}

/** Inventory every source argument; one failing source is reported and the others go on. */
export async function inventoryAll(args: string[], ctx: InventoryContext): Promise<InventoryResult> {
  const parsed = args.map(parseSourceArg);
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
