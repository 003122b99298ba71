// What a sweep alerts on: the alert body (stored in the state, sent to PagerDuty and webhooks) and its stable key.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { MATCH_KINDS } from '../model/finding.js';
import { ReportWindowCheck, ReportWorkload } from '../model/report.js';

export const ALERT_KINDS = ['finding', 'unknown', 'coverage', 'feed-age', 'containment', 'acknowledgement-expired'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const AlertBody = lazySchema(() =>
  z.object({
    kind: z.enum(ALERT_KINDS),
    severity: z.enum(['critical', 'warning']),
    summary: z.string(),
    incident: z.string().optional(),
    verdict: z.enum(['affected', 'suspect', 'unknown']).optional(),
    package: z
      .object({ ecosystem: z.string(), name: z.string(), version: z.string(), paths: z.array(z.string()), matchKind: z.enum(MATCH_KINDS).optional(), detail: z.string().optional() })
      .optional(),
    image: z.object({ ref: z.string(), digest: z.string().optional(), describes: z.string().optional() }).optional(),
    buildTime: z
      .object({ value: z.string().optional(), source: z.string().optional(), reliable: z.boolean(), windows: z.array(ReportWindowCheck) })
      .optional(),
    workloads: z.array(ReportWorkload).default([]),
    advisory: z.string().optional(),
    reasons: z.array(z.string()).default([]),
    coverage: z.object({ checked: z.number(), total: z.number(), percent: z.number(), minimum: z.number() }).optional(),
    feed: z.object({ newest: z.string(), file: z.string(), maxAge: z.string() }).optional(),
    /** `contain`: what was decided (and done) for one workload, with each pod's live-connection check. */
    containment: z
      .object({
        decision: z.enum(['restart', 'escalate', 'blocked']),
        applied: z.boolean(),
        pods: z.array(
          z.object({
            pod: z.string(),
            outcome: z.enum(['connections', 'none', 'not-checked']),
            containers: z.array(z.string()).default([]),
            connections: z.array(z.object({ local: z.string(), remote: z.string(), remotePort: z.number(), process: z.string().optional() })).default([]),
            reason: z.string().optional(),
          }),
        ),
        action: z.string().optional(),
      })
      .optional(),
  }),
);
export type AlertBody = z.infer<typeof AlertBody>;

/** new: first seen; changed: reaches more workloads or its severity moved; reminder: still true a day later; resolved: gone. */
export const CHANGES = ['new', 'changed', 'reminder', 'resolved'] as const;
export type Change = (typeof CHANGES)[number];

/** One event for the destinations: a PagerDuty trigger or resolve, a webhook entry. */
export interface AlertEvent {
  key: string;
  action: 'trigger' | 'resolve';
  change: Change;
  body: AlertBody;
}

/**
 * The identity of an alert, as the issue defines it: a finding is (incident, package, image digest or ref),
 * an unknown image is its digest or ref. Workloads are not part of it: a new pod is not a new finding.
 */
export function identityOf(body: AlertBody): string[] {
  const image = body.image ? (body.image.digest ?? body.image.ref) : '';
  switch (body.kind) {
    case 'finding': {
      const pkg = body.package ? `${body.package.ecosystem}:${body.package.name}@${body.package.version}` : '(built inside the window)';
      return ['finding', body.incident ?? '', pkg, image];
    }
    case 'unknown':
      return ['unknown', image];
    // One per entry: renewing it resolves the alert, another entry expiring is news of its own.
    case 'acknowledgement-expired':
      return ['acknowledgement-expired', body.incident ?? '', image, body.reasons[0] ?? ''];
    case 'containment': {
      const w = body.workloads[0];
      return ['containment', body.incident ?? '', w ? `${w.context}/${w.namespace}/${w.kind}/${w.name}` : '', body.containment?.decision ?? ''];
    }
    default:
      return [body.kind];
  }
}

/** PagerDuty's dedup_key: the same finding gets the same key on every sweep and every machine. */
export function alertKey(body: AlertBody): string {
  return `sbom-hunt-${createHash('sha256').update(JSON.stringify(identityOf(body))).digest('hex')}`;
}

export function workloadId(w: z.infer<typeof ReportWorkload>): string {
  return JSON.stringify([w.context, w.namespace, w.kind, w.name, w.container]);
}
