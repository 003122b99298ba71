// The destination of last resort: with no PagerDuty key and no webhook, alerts go to stderr (cron mails it).
import { maskSecrets } from '../adapters/exec.js';
import type { AlertEvent } from '../sweep/alert.js';
import type { Destination } from './destination.js';

export function alertLine(e: AlertEvent): string {
  const what = e.action === 'resolve' ? 'resolved' : `${e.change} ${e.body.severity}`;
  // One line each: a newline in an attacker-chosen package name must not forge a second alert line.
  return maskSecrets(`sbom-hunt: alert: ${what}: ${e.body.summary}`.replace(/[\r\n]+/g, ' '));
}

export function logDestination(write: (line: string) => void): Destination {
  return {
    id: 'log',
    async deliver(events, _sweep, arrived) {
      for (const e of events) write(`${alertLine(e)}\n`);
      arrived?.(events.map((e) => e.key));
      return { delivered: new Set(events.map((e) => e.key)), errors: [] };
    },
  };
}
