// A generic webhook: one JSON POST per sweep with what is new, changed and resolved, signed when a secret is set.
import { createHmac } from 'node:crypto';
import { requestWithRetry } from '../adapters/http.js';
import { maskSecrets, registerSecret } from '../adapters/exec.js';
import type { AlertEvent } from '../sweep/alert.js';
import { slackMessage } from './slack.js';
import { ALERT_RETRY, describeDeliveryError, type DeliveryOutcome, type Destination, type SweepInfo } from './destination.js';

export { WEBHOOK_FORMATS } from './constants.js';
import { WEBHOOK_FORMATS } from './constants.js';
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
export const SIGNATURE_HEADER = 'X-Sbom-Hunt-Signature';
export const WEBHOOK_SCHEMA = 'sbom-hunt/sweep-alerts/v1';

function entry(e: AlertEvent): Record<string, unknown> {
  return { key: e.key, action: e.action, change: e.change, ...e.body };
}

/** The JSON body: events grouped as the receiver acts on them; lists are never null. */
export function webhookBody(events: readonly AlertEvent[], sweep: SweepInfo): Record<string, unknown> {
  const of = (changes: string[]) => events.filter((e) => changes.includes(e.change)).map(entry);
  return { schema: WEBHOOK_SCHEMA, sweep, new: of(['new']), changed: of(['changed', 'reminder']), resolved: of(['resolved']) };
}

/** `sha256=<hex>`: HMAC-SHA256 of the exact bytes sent, as GitHub signs its webhooks. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface WebhookOptions {
  url: string;
  format: WebhookFormat;
  secret?: string;
  /** Distinguishes two webhooks in the state without storing their URLs (which may hold tokens). */
  id: string;
}

export function webhookDestination(opts: WebhookOptions): Destination {
  registerSecret(opts.secret);
  const host = new URL(opts.url).host;
  return {
    id: opts.id,
    async deliver(events, sweep, arrived): Promise<DeliveryOutcome> {
      if (events.length === 0) return { delivered: new Set(), errors: [] };
      const body = JSON.stringify(opts.format === 'slack' ? slackMessage(events, sweep) : webhookBody(events, sweep));
      const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'sbom-hunt' };
      if (opts.secret) headers[SIGNATURE_HEADER] = signature(opts.secret, body);
      try {
        const res = await requestWithRetry({ url: opts.url, method: 'POST', headers, body, maxBytes: 64 * 1024 }, ALERT_RETRY);
        if (res.status >= 200 && res.status < 300) {
          arrived?.(events.map((e) => e.key));
          return { delivered: new Set(events.map((e) => e.key)), errors: [] };
        }
        return { delivered: new Set(), errors: [`webhook ${host}: refused with HTTP ${res.status}`] };
      } catch (err) {
        return { delivered: new Set(), errors: [maskSecrets(`webhook ${host}: ${describeDeliveryError(err, opts.url)}`)] };
      }
    },
  };
}
