// `registry:` (catalog, repository or image) and bare image references, listed through the run's one registry client.
import { UsageError } from '../errors.js';
import { RegistryClient } from '../adapters/oci/client.js';
import type { InventoryContext, InventoryResult, Source } from './source.js';
import { inventoryRegistry, markForPinning } from './registry.js';
import { SCHEME_TEXT } from './schemes.js';

function clientOf(ctx: InventoryContext): RegistryClient {
  return ctx.registry ?? new RegistryClient({ insecureRegistries: ctx.insecureRegistries, ...(ctx.signal ? { signal: ctx.signal } : {}) });
}

async function listed(spec: string, ctx: InventoryContext): Promise<InventoryResult> {
  try {
    const client = clientOf(ctx);
    const { targets, errors } = await inventoryRegistry(spec, client, ctx.listBounds);
    // Pinned by the scan, inside each image's deadline, while images of other sources are already read.
    markForPinning(targets);
    return { targets, errors, inputErrors: [] };
  } catch (err) {
    if (err instanceof UsageError) return { targets: [], errors: [], inputErrors: [err.message] };
    throw err;
  }
}

export const registrySource = {
  scheme: 'registry',
  describe: SCHEME_TEXT.registry,
  inventory: (spec, ctx) => listed(`registry:${spec}`, ctx),
} satisfies Source;

/** A bare argument with no known scheme: one image reference, as docker and syft read it. */
export const imageRefSource = {
  scheme: 'image',
  describe: SCHEME_TEXT.image,
  inventory: (spec, ctx) => listed(spec, ctx),
} satisfies Source;
