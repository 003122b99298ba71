// PagerDuty Events API v2: a trigger per new or changed alert, a resolve with the same dedup_key when it is gone.
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { requestWithRetry } from '../adapters/http.js';
import { maskSecrets, registerSecret } from '../adapters/exec.js';
import type { AlertBody, AlertEvent } from '../sweep/alert.js';
import { ALERT_RETRY, describeDeliveryError, type DeliveryOutcome, type Destination } from './destination.js';

export { PAGERDUTY_EVENTS_URL } from './constants.js';
import { PAGERDUTY_EVENTS_URL } from './constants.js';

const PagerDutyReply = lazySchema(() =>
  z.object({ status: z.string().optional(), message: z.string().optional(), errors: z.array(z.string()).optional() }),
);

function customDetails(b: AlertBody): Record<string, unknown> {
  return {
    kind: b.kind,
    ...(b.incident ? { incident: b.incident } : {}),
    ...(b.verdict ? { verdict: b.verdict } : {}),
    ...(b.package
      ? { package: b.package.name, ecosystem: b.package.ecosystem, version: b.package.version, paths_in_image: b.package.paths, ...(b.package.matchKind ? { match_kind: b.package.matchKind } : {}) }
      : {}),
    ...(b.image ? { image_ref: b.image.ref, image_digest: b.image.digest ?? 'unknown', ...(b.image.describes ? { image_described: b.image.describes } : {}) } : {}),
    ...(b.buildTime ? { build_time: b.buildTime.value ?? 'unknown', build_time_reliable: b.buildTime.reliable, build_time_source: b.buildTime.source, compromise_windows: b.buildTime.windows } : {}),
    workloads: b.workloads.map((w) => ({ cluster: w.context, namespace: w.namespace, kind: w.kind, name: w.name, container: w.container, pods: w.pods })),
    ...(b.advisory ? { advisory: b.advisory } : {}),
    reasons: b.reasons,
    ...(b.coverage ? { coverage: b.coverage } : {}),
    ...(b.feed ? { feed: b.feed } : {}),
    ...(b.containment ? { containment: b.containment } : {}),
  };
}

/** The Events v2 body for one event (exported for the tests' receiver to check against). */
export function pagerDutyEvent(routingKey: string, e: AlertEvent): Record<string, unknown> {
  if (e.action === 'resolve') return { routing_key: routingKey, event_action: 'resolve', dedup_key: e.key };
  const b = e.body;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: e.key,
    payload: {
      // PagerDuty cuts summaries at 1024 characters; cut first so the end is ours, not theirs.
      summary: b.summary.length > 1024 ? `${b.summary.slice(0, 1021)}...` : b.summary,
      source: b.image ? (b.image.digest ?? b.image.ref) : 'sbom-hunt',
      severity: b.severity,
      component: b.image?.ref ?? 'sbom-hunt',
      group: b.incident ?? b.kind,
      class: b.kind,
      custom_details: customDetails(b),
    },
    ...(b.advisory && /^https?:\/\//.test(b.advisory) ? { links: [{ href: b.advisory, text: 'advisory' }] } : {}),
  };
}

/** undefined when delivered; else why, and whether PagerDuty is out of reach altogether (stop sending). */
async function sendOne(url: string, routingKey: string, e: AlertEvent): Promise<{ why: string; unreachable: boolean } | undefined> {
  try {
    const res = await requestWithRetry({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(pagerDutyEvent(routingKey, e)), maxBytes: 64 * 1024 }, ALERT_RETRY);
    if (res.status >= 200 && res.status < 300) return undefined;
    const reply = PagerDutyReply.safeParse(safeJson(res.body.toString('utf8')));
    const why = reply.success ? [reply.data.message, ...(reply.data.errors ?? [])].filter(Boolean).join('; ') : '';
    return { why: `PagerDuty ${new URL(url).host}: ${e.action} ${e.key} refused: HTTP ${res.status}${why ? ` (${why})` : ''}`, unreachable: false };
  } catch (err) {
    return { why: `PagerDuty: ${e.action} ${e.key}: ${describeDeliveryError(err, url)}`, unreachable: true };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function pagerDutyDestination(routingKey: string, url: string = PAGERDUTY_EVENTS_URL): Destination {
  // The key pages people: it must never reach a log line, a report or the state.
  registerSecret(routingKey);
  return {
    id: 'pagerduty',
    async deliver(events, _sweep, arrived): Promise<DeliveryOutcome> {
      const out: DeliveryOutcome = { delivered: new Set(), errors: [] };
      // One at a time, in order: PagerDuty rate-limits per routing key, and a resolve must not overtake its trigger.
      for (const [i, e] of events.entries()) {
        const failure = await sendOne(url, routingKey, e);
        if (!failure) {
          out.delivered.add(e.key);
          arrived?.([e.key]);
          continue;
        }
        out.errors.push(maskSecrets(failure.why));
        // After the retries gave up, the rest would only wait out the same outage; they stay owed.
        if (failure.unreachable && i < events.length - 1) {
          out.errors.push(`PagerDuty: ${events.length - i - 1} more events not sent; the next sweep sends them`);
          break;
        }
      }
      return out;
    },
  };
}
