// The inventory interface: a source turns a `scheme:spec` argument into targets to scan.
import type { Target } from '../model/target.js';
import type { RegistryClient } from '../adapters/oci/client.js';
import type { ListBounds } from '../adapters/oci/listing.js';

export interface InventoryContext {
  /** Hosts allowed over plain HTTP or unverified TLS. */
  insecureRegistries: string[];
  signal?: AbortSignal;
  /** The run's one registry client: per-registry limits and tokens are shared. */
  registry?: RegistryClient;
  /** How many names registry listings may hold (`--max-repositories`, `--max-tags`). */
  listBounds?: ListBounds;
  /** Time limit for one external tool run (`podman save`), in milliseconds. */
  toolTimeoutMs?: number;
  /** Work to do when the scan ends (temporary archives a daemon source saved): the scan runs it after the last image. */
  defer?: (cleanup: () => Promise<void>) => void;
  /** `-v`: each argument, the scheme it was read as, and what it yielded. */
  onSource?: (arg: string, readAs: string, result: InventoryResult) => void;
}

export interface InventoryResult {
  targets: Target[];
  /** Problems that hid part of the inventory: reported, and the scan goes on. */
  errors: string[];
  /** Input errors in user-given files (exit 2), e.g. an unreadable SBOM path. */
  inputErrors: string[];
}

/**
 * A source argument that could not be enumerated, or only in part, or that yielded nothing: it goes into the
 * report as an unknown entry of its own, so a run that saw nothing never reads "0 of 0".
 */
export interface InventoryGap {
  /** The argument as the user wrote it (`registry:host:5000`, `sbom:./sboms`), or `FILE:LINE` of an image list. */
  ref: string;
  reasons: string[];
}

export interface Source {
  /** The scheme prefix, without the colon: `sbom`, `oci-dir`, `registry`. */
  scheme: string;
  /** One line for `--help`. */
  describe: string;
  inventory(spec: string, ctx: InventoryContext): Promise<InventoryResult>;
}

export function emptyInventory(): InventoryResult {
  return { targets: [], errors: [], inputErrors: [] };
}
