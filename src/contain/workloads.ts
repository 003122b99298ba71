// Which workloads a scan report says must be contained, and their running pods, read live through kubectl.
import { getOwners, getPods, type KubectlOptions } from '../adapters/kubectl.js';
import { isActive, parsePods, podNamespace } from '../inventory/kube/pods.js';
import { parseOwners, resolveWorkload, type OwnerIndex } from '../inventory/kube/owners.js';
import type { Pod } from '../inventory/kube/schema.js';
import type { Report } from '../model/report.js';
import type { WorkloadToContain } from './model.js';


/** Kubernetes object names (DNS-1123 subdomains): anything else in a report is refused before it reaches kubectl. */
const NAME_RE = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export function validName(name: string): boolean {
  return NAME_RE.test(name);
}

/** Affected (and, when asked, suspect) images' workloads, one entry per workload with every container and incident. */
export function workloadsToContain(report: Report, includeSuspect: boolean): WorkloadToContain[] {
  const wanted = new Set(includeSuspect ? ['affected', 'suspect'] : ['affected']);
  const byKey = new Map<string, WorkloadToContain>();
  for (const img of report.images) {
    if (!wanted.has(img.verdict)) continue;
    const incidents = report.incidents
      .filter((i) => i.affected.some((h) => h.ref === img.ref) || (includeSuspect && i.suspect.some((h) => h.ref === img.ref)))
      .map((i) => i.id);
    for (const w of img.workloads) {
      const key = [w.context, w.namespace, w.kind, w.name].join('\u0000');
      const entry = byKey.get(key) ?? { context: w.context, namespace: w.namespace, kind: w.kind, name: w.name, containers: [], images: [], incidents: [] };
      byKey.set(key, entry);
      if (!entry.containers.includes(w.container)) entry.containers.push(w.container);
      if (!entry.images.includes(img.ref)) entry.images.push(img.ref);
      for (const id of incidents) if (!entry.incidents.includes(id)) entry.incidents.push(id);
    }
  }
  return [...byKey.values()].sort((a, b) => [a.context, a.namespace, a.kind, a.name].join('/').localeCompare([b.context, b.namespace, b.kind, b.name].join('/')));
}

export interface LivePods {
  /** Running pods by workload key (`context/namespace/kind/name`). */
  pods: Map<string, Pod[]>;
  errors: string[];
}

export function workloadKey(w: { context: string; namespace: string; kind: string; name: string }): string {
  return [w.context, w.namespace, w.kind, w.name].join('/');
}

/** Lists pods (and ReplicaSets, to reach Deployments) once per context and namespace, and groups the running ones by workload. */
export async function livePods(workloads: readonly WorkloadToContain[], opts: KubectlOptions): Promise<LivePods> {
  const out: LivePods = { pods: new Map(), errors: [] };
  const scopes = new Map<string, { context: string; namespace: string }>();
  for (const w of workloads) scopes.set(`${w.context}\u0000${w.namespace}`, { context: w.context, namespace: w.namespace });
  for (const { context, namespace } of scopes.values()) {
    try {
      const parsed = parsePods(await getPods({ context, namespace }, opts), `pods of ${namespace}`);
      out.errors.push(...parsed.errors);
      const owners: OwnerIndex = parseOwners(await getOwners('replicasets', { context, namespace }, opts), `replicasets of ${namespace}`).index;
      for (const pod of parsed.pods) {
        if (!isActive(pod) || pod.status?.phase !== 'Running') continue;
        const w = resolveWorkload(pod, { replicasets: owners });
        const key = workloadKey({ context, namespace: podNamespace(pod), kind: w.kind, name: w.name });
        out.pods.set(key, [...(out.pods.get(key) ?? []), pod]);
      }
    } catch (err) {
      out.errors.push(`pods of ${namespace} (${context || 'current context'}): ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}
