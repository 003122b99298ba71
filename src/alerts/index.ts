// Alert destinations, and delivery of a sweep's owed events to each of them.
import type { StateRow } from '../sweep/diff.js';
import { pendingFor } from '../sweep/diff.js';
import type { Destination, SweepInfo } from './destination.js';

export { pagerDutyDestination, pagerDutyEvent, PAGERDUTY_EVENTS_URL } from './pagerduty.js';
export { webhookDestination, webhookBody, signature, SIGNATURE_HEADER, WEBHOOK_FORMATS, type WebhookFormat } from './webhook.js';
export { slackMessage, escapeSlack } from './slack.js';
export type { Destination, SweepInfo, DeliveryOutcome } from './destination.js';

export interface DeliveryReport {
  /** destination id -> keys delivered */
  delivered: Map<string, Set<string>>;
  errors: string[];
  /** Events owed and sent, per destination. */
  sent: number;
  failed: number;
}

/** Sends every destination what it is owed; destinations do not wait for each other. */
export async function deliverAll(
  rows: readonly StateRow[],
  destinations: readonly Destination[],
  sweep: SweepInfo,
  arrived?: (destination: string, keys: string[]) => void,
): Promise<DeliveryReport> {
  const results = await Promise.all(
    destinations.map(async (d) => {
      const events = pendingFor(rows, d.id);
      const outcome = await d.deliver(events, sweep, arrived && ((keys) => arrived(d.id, keys)));
      return { d, events, outcome };
    }),
  );
  const report: DeliveryReport = { delivered: new Map(), errors: [], sent: 0, failed: 0 };
  for (const { d, events, outcome } of results) {
    report.delivered.set(d.id, outcome.delivered);
    report.errors.push(...outcome.errors);
    report.sent += outcome.delivered.size;
    report.failed += events.filter((e) => !outcome.delivered.has(e.key)).length;
  }
  return report;
}
