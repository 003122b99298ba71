// The decision for one workload, from what was checked: restart only when every gate is open; live C2 escalates.
import type { Decision, PodCheck, ReplacementCheck } from './model.js';

/** The only kinds a rollout restart replaces safely; a Job, CronJob or bare Pod is never touched. */
export const RESTARTABLE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

export interface GateInput {
  kind: string;
  namespace: string;
  pods: PodCheck[];
  replacement: ReplacementCheck;
  /** Namespaces the user allowed (empty: all) and excluded. */
  allowNamespaces: readonly string[];
  excludeNamespaces: readonly string[];
  /** The workload opted out (label or annotation `sbom-hunt.io/containment: disabled`). */
  optedOut: boolean;
  /** Domain indicators nobody resolved: a connection to them cannot be ruled out. */
  unresolvedDomains: readonly string[];
  allowUnresolvedDomains: boolean;
}

export function decide(g: GateInput): { decision: Decision; reasons: string[] } {
  const live = g.pods.filter((p) => p.outcome === 'connections');
  if (live.length > 0) {
    const where = live.map((p) => `${p.pod} -> ${p.connections.map((c) => `${c.remote}:${c.remotePort}`).join(', ')}`).join('; ');
    return { decision: 'escalate', reasons: [`live connection to a C2 indicator (${where}): not restarted, a restart destroys the evidence; hand the pods to forensics`] };
  }
  const closed: string[] = [];
  if (!RESTARTABLE_KINDS.has(g.kind)) closed.push(`a ${g.kind} is never restarted by sbom-hunt (only Deployments, StatefulSets and DaemonSets)`);
  if (g.excludeNamespaces.includes(g.namespace)) closed.push(`namespace ${g.namespace} is excluded (--exclude-namespace)`);
  if (g.allowNamespaces.length > 0 && !g.allowNamespaces.includes(g.namespace)) closed.push(`namespace ${g.namespace} is not among --namespace ${g.allowNamespaces.join(', ')}`);
  if (g.optedOut) closed.push('the workload opted out (sbom-hunt.io/containment: disabled)');
  const unchecked = g.pods.filter((p) => p.outcome === 'not-checked');
  for (const p of unchecked) closed.push(`pod ${p.pod} could not be checked for C2 connections: ${p.reason ?? 'no reason given'}`);
  if (g.pods.length === 0) closed.push('no running pod of the workload was found to check');
  if (g.unresolvedDomains.length > 0 && !g.allowUnresolvedDomains) {
    closed.push(`C2 domain(s) ${g.unresolvedDomains.join(', ')} not checked: give their addresses with --resolve DOMAIN=IP, or accept with --allow-unresolved-domains`);
  }
  if (!g.replacement.ok) closed.push(`no clean replacement: ${g.replacement.reasons.join('; ')}`);
  if (closed.length > 0) return { decision: 'blocked', reasons: closed };
  return { decision: 'restart', reasons: [`no live C2 connection in ${g.pods.length} pod(s); the template image ${g.replacement.image ?? ''} is clean and built after the window`] };
}
