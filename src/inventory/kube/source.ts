// Source `kube:[CONTEXT[,CONTEXT...]]`: the pods of the current context, or of the named ones, through the user's kubectl.
import type { Source } from '../source.js';
import { inventoryKube, type KubeInventory, type KubeOptions } from './inventory.js';

export interface KubeSourceOptions extends KubeOptions {
  /** Receives the whole inventory, workloads and notes included, which the Source interface has no room for. */
  onInventory?: (inventory: KubeInventory) => void;
}

/** Contexts named in the spec win over --all-contexts; an empty spec means the flags decide (default: current context). */
export function contextsFromSpec(spec: string, opts: KubeOptions): Pick<KubeOptions, 'contexts' | 'allContexts'> {
  const named = spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (named.length > 0) return { contexts: named, allContexts: false };
  return { ...(opts.contexts ? { contexts: opts.contexts } : {}), allContexts: opts.allContexts ?? false };
}

export function kubeSource(opts: KubeSourceOptions = {}) {
  return {
    scheme: 'kube',
    describe: 'images running in Kubernetes, read with kubectl: kube: for the current context, kube:CONTEXT[,CONTEXT] for named ones',
    inventory: async (spec, ctx) => {
      const { onInventory, ...rest } = opts;
      const inv = await inventoryKube({
        ...rest,
        ...contextsFromSpec(spec, rest),
        tuning: { ...rest.tuning, ...(ctx.signal ? { signal: ctx.signal } : {}) },
      });
      onInventory?.(inv);
      return inv;
    },
  } satisfies Source;
}
