// Which inventory a sweep covers: the sources and the IOC set, as one stable key. Sweeps of two fleets on one
// host keep apart rows, so sweeping fleet B never resolves fleet A's findings.
import { createHash } from 'node:crypto';
import path from 'node:path';

const LOCAL_SCHEMES = ['sbom', 'dir', 'oci-dir', 'oci-archive', 'docker-archive', 'file'];

export interface InventoryInput {
  sources: readonly string[];
  images?: string | undefined;
  iocPaths: readonly string[];
  /** Flags that change what a source lists (kube contexts, namespaces, selector, shard). */
  scope: Record<string, unknown>;
  cwd: string;
}

/** `sbom:./fleet` run from two folders is two inventories: local paths are made absolute. */
function normalSource(source: string, cwd: string): string {
  const colon = source.indexOf(':');
  const scheme = colon > 0 ? source.slice(0, colon) : '';
  if (!LOCAL_SCHEMES.includes(scheme)) return source;
  return `${scheme}:${path.resolve(cwd, source.slice(colon + 1))}`;
}

/** A readable label and its hash; the IOC set is named by its paths, not its content, so a feed update is the same inventory. */
export function inventoryKey(input: InventoryInput): { key: string; label: string } {
  const parts = {
    sources: [...new Set(input.sources.map((s) => normalSource(s, input.cwd)))].sort(),
    images: input.images ? path.resolve(input.cwd, input.images) : null,
    iocs: [...new Set(input.iocPaths.map((p) => path.resolve(input.cwd, p)))].sort(),
    scope: Object.fromEntries(Object.entries(input.scope).filter(([, v]) => v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0)).sort(([a], [b]) => a.localeCompare(b))),
  };
  const label = JSON.stringify(parts);
  return { key: createHash('sha256').update(label).digest('hex').slice(0, 32), label };
}
