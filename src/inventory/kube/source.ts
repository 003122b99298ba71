// Source `kube:[CONTEXT[,CONTEXT...]]`: the pods of the current context, or of the named ones, through the user's kubectl.
import type { Workload } from '../../model/finding.js';
import type { Source } from '../source.js';
import { inventoryKube, type KubeOptions } from './inventory.js';
import { SCHEME_TEXT } from '../schemes.js';

/** What the Source interface has no room for, gathered over every `kube:` argument of a run, by target ref. */
export interface KubeSeen {
  workloads: Map<string, Workload[]>;
  /** Why a target's running digest is uncertain: for the image's reasons. */
  notes: Map<string, string[]>;
  /** Config digests nodes reported for tag-resolved targets. */
  configDigests: Map<string, string[]>;
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

function mergeInto<T>(into: Map<string, T[]>, from: Map<string, T[]>, same: (a: T, b: T) => boolean): void {
  for (const [ref, items] of from) {
    const list = into.get(ref) ?? [];
    for (const item of items) if (!list.some((x) => same(x, item))) list.push(item);
    into.set(ref, list);
  }
}

const sameWorkload = (a: Workload, b: Workload): boolean =>
  a.context === b.context && a.namespace === b.namespace && a.kind === b.kind && a.name === b.name && a.container === b.container;

/** `seen` is made by the run before this module loads (inventory/index.ts), so the report can read it either way. */
export function kubeSource(opts: KubeOptions = {}, seen: KubeSeen = { workloads: new Map(), notes: new Map(), configDigests: new Map() }) {
  return {
    scheme: 'kube',
    describe: SCHEME_TEXT.kube,
    seen,
    inventory: async (spec, ctx) => {
      const inv = await inventoryKube({
        ...opts,
        ...contextsFromSpec(spec, opts),
        tuning: { ...opts.tuning, ...(ctx.signal ? { signal: ctx.signal } : {}) },
      });
      // The same context named twice (kube: and kube:CURRENT) must not count its pods twice.
      mergeInto(seen.workloads, inv.workloads, sameWorkload);
      mergeInto(seen.notes, inv.notes, (a, b) => a === b);
      mergeInto(seen.configDigests, inv.configDigests, (a, b) => a === b);
      return { targets: inv.targets, errors: inv.errors, inputErrors: inv.inputErrors };
    },
  } satisfies Source & { seen: KubeSeen };
}
