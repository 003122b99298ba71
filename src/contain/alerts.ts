// Containment outcomes as alert events, for the destinations the sweep uses (PagerDuty, webhooks, Slack, the log).
import { alertKey, type AlertBody, type AlertEvent } from '../sweep/alert.js';
import type { ContainmentReport, WorkloadPlan } from './model.js';

function summaryOf(w: WorkloadPlan): string {
  const where = `${w.context ? `${w.context}/` : ''}${w.namespace} ${w.kind} ${w.name}`;
  if (w.decision === 'escalate') return `LIVE C2 connection from ${where}: escalate to forensics, do not restart`;
  if (w.action?.applied) return `restarted ${where} onto a clean replacement`;
  if (w.action) return `restart of ${where} FAILED: ${w.action.message}`;
  if (w.decision === 'restart') return `${where} can be restarted onto a clean replacement (plan only)`;
  return `containment of ${where} blocked: ${w.reasons[0] ?? ''}`;
}

export function containmentEvents(r: ContainmentReport): AlertEvent[] {
  return r.workloads.map((w) => {
    const body: AlertBody = {
      kind: 'containment',
      severity: w.decision === 'escalate' || (w.action && !w.action.applied) ? 'critical' : 'warning',
      summary: summaryOf(w),
      ...(w.incidents[0] ? { incident: w.incidents[0] } : {}),
      ...(w.images[0] ? { image: { ref: w.images[0] } } : {}),
      workloads: w.containers.map((container) => ({ context: w.context, namespace: w.namespace, kind: w.kind, name: w.name, container, pods: w.pods.length })),
      reasons: w.reasons,
      containment: {
        decision: w.decision,
        applied: w.action?.applied ?? false,
        pods: w.pods.map((p) => ({
          pod: p.pod,
          outcome: p.outcome,
          containers: p.container ? [p.container] : [],
          connections: p.connections.map((c) => ({ local: `${c.local}:${c.localPort}`, remote: c.remote, remotePort: c.remotePort, ...(c.process ? { process: c.process } : {}) })),
          ...(p.reason ? { reason: p.reason } : {}),
        })),
        ...(w.action ? { action: w.action.message } : {}),
      },
    };
    return { key: alertKey(body), action: 'trigger', change: 'new', body };
  });
}
