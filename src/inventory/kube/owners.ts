// From a pod to the workload people name: ReplicaSet -> Deployment, Job -> CronJob; StatefulSet, DaemonSet, static and bare pods.
import type { OwnerKind } from '../../adapters/kubectl.js';
import { ListEnvelope, MetaOnly, type ObjectMeta, type OwnerReference, type Pod } from './schema.js';
import { podNamespace } from './pods.js';

export interface WorkloadRef {
  kind: string;
  name: string;
}

/** The controller among the owner references; an object with owners but none marked controller uses its first. */
export function controllerOf(meta: ObjectMeta): OwnerReference | undefined {
  const refs = meta.ownerReferences ?? [];
  return refs.find((r) => r.controller === true) ?? refs[0];
}

/** ReplicaSets and Jobs by `namespace/name`, each with its own controller (a Deployment, a CronJob) or none. */
export type OwnerIndex = Map<string, OwnerReference | null>;

export interface ParsedOwners {
  index: OwnerIndex;
  errors: string[];
}

export function parseOwners(json: unknown, label: string): ParsedOwners {
  const out: ParsedOwners = { index: new Map(), errors: [] };
  const list = ListEnvelope.safeParse(json);
  if (!list.success) {
    out.errors.push(`${label}: not a list`);
    return out;
  }
  for (const item of list.data.items) {
    const obj = MetaOnly.safeParse(item);
    if (!obj.success) continue;
    const key = `${obj.data.metadata.namespace ?? 'default'}/${obj.data.metadata.name}`;
    out.index.set(key, controllerOf(obj.data.metadata) ?? null);
  }
  return out;
}

/** Which intermediate controllers the pods point at, and in which namespaces: only those are listed. */
export function neededOwners(pods: readonly Pod[]): Map<OwnerKind, Set<string>> {
  const needed = new Map<OwnerKind, Set<string>>();
  for (const pod of pods) {
    const kind = hopKind(controllerOf(pod.metadata)?.kind);
    if (!kind) continue;
    const set = needed.get(kind) ?? new Set<string>();
    set.add(podNamespace(pod));
    needed.set(kind, set);
  }
  return needed;
}

function hopKind(kind: string | undefined): OwnerKind | undefined {
  if (kind === 'ReplicaSet') return 'replicasets';
  if (kind === 'Job') return 'jobs';
  return undefined;
}

/**
 * The workload a pod belongs to. A pod owned by a Node is a static (mirror) pod, named by itself; a pod with no owner is a bare pod.
 * A ReplicaSet or Job that could not be looked up, or that has no owner, is the workload itself.
 */
export function resolveWorkload(pod: Pod, owners: Partial<Record<OwnerKind, OwnerIndex>>): WorkloadRef {
  const owner = controllerOf(pod.metadata);
  if (!owner) return { kind: 'Pod', name: pod.metadata.name };
  if (owner.kind === 'Node') return { kind: 'StaticPod', name: pod.metadata.name };
  const hop = hopKind(owner.kind);
  if (hop) {
    const top = owners[hop]?.get(`${podNamespace(pod)}/${owner.name}`);
    if (top) return { kind: top.kind, name: top.name };
  }
  return { kind: owner.kind, name: owner.name };
}
