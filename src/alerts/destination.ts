// The alert destination interface: one file per destination (pagerduty, webhook, slack), listed in index.ts.
import type { AlertEvent } from '../sweep/alert.js';
import type { RetryPolicy } from '../adapters/http.js';

/** What every destination is told about the sweep itself. */
export interface SweepInfo {
  at: string;
  images: number;
  coverage: { checked: number; total: number; percent: number };
}

export interface DeliveryOutcome {
  /** Keys of the events that arrived; the others stay owed and are sent again next sweep. */
  delivered: Set<string>;
  /** One line per failure, naming the destination's host, never its secret. */
  errors: string[];
}

export interface Destination {
  /** Stable id stored in the state (no secret in it). */
  id: string;
  /** `arrived` is called as soon as events are accepted, so the state records them before the next one is tried. */
  deliver(events: readonly AlertEvent[], sweep: SweepInfo, arrived?: (keys: string[]) => void): Promise<DeliveryOutcome>;
}

export const ALERT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 500, maxDelayMs: 30_000, timeoutMs: 15_000 };

/** Error text without the URL's path, which for Slack and many webhooks is the secret. */
export function describeDeliveryError(err: unknown, url: string): string {
  const u = new URL(url);
  const text = err instanceof Error ? err.message : String(err);
  return u.pathname.length > 1 ? text.split(u.pathname).join('/…') : text;
}
