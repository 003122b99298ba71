// The Slack incoming-webhook shape ({text, blocks}): short lines, escaped, within Slack's block limits.
import type { AlertEvent } from '../sweep/alert.js';
import type { SweepInfo } from './destination.js';

/** Slack's limits: 50 blocks per message, 3000 characters per section text. */
const MAX_BLOCKS = 50;
const MAX_SECTION = 3000;

/** Image refs and package names are attacker-controlled: `<` would open a Slack link or mention. */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const LABEL: Record<AlertEvent['change'], string> = { new: 'NEW', changed: 'CHANGED', reminder: 'STILL TRUE', resolved: 'RESOLVED' };

function line(e: AlertEvent): string {
  const b = e.body;
  const where = b.workloads.map((w) => `${w.context}/${w.namespace}/${w.kind}/${w.name}`).join(', ');
  const parts = [`*${LABEL[e.change]}* (${b.severity}) ${escapeSlack(b.summary)}`];
  if (where) parts.push(`workloads: ${escapeSlack(where)}`);
  if (b.package?.paths.length) parts.push(`path: ${escapeSlack(b.package.paths.join(', '))}`);
  if (b.advisory) parts.push(`advisory: ${escapeSlack(b.advisory)}`);
  const text = parts.join('\n');
  return text.length > MAX_SECTION ? `${text.slice(0, MAX_SECTION - 3)}...` : text;
}

export function slackMessage(events: readonly AlertEvent[], sweep: SweepInfo): { text: string; blocks: unknown[] } {
  const count = (c: AlertEvent['change']) => events.filter((e) => e.change === c).length;
  const text = `sbom-hunt sweep: ${count('new')} new, ${count('changed') + count('reminder')} changed, ${count('resolved')} resolved; coverage ${sweep.coverage.percent}% (${sweep.coverage.checked}/${sweep.coverage.total})`;
  const room = MAX_BLOCKS - 2;
  const shown = events.slice(0, room);
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: escapeSlack(text) } },
    ...shown.map((e) => ({ type: 'section', text: { type: 'mrkdwn', text: line(e) } })),
  ];
  if (events.length > room) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${events.length - room} more not shown; see the report` }] });
  return { text, blocks };
}
