// The bodies sent to PagerDuty, webhooks and Slack: shape, contents, escaping, signature.
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeSlack, pagerDutyEvent, signature, slackMessage, webhookBody } from '../../src/alerts/index.js';
import { findingAlerts } from '../../src/sweep/conditions.js';
import { alertKey, type AlertEvent } from '../../src/sweep/alert.js';
import { buildReport } from '../../src/report/build.js';
import { PagerDutyEvent } from '../helpers/alert-receiver.js';
import { affectedImage, sampleIocs, sampleMeta } from '../report/sample.js';

const KEY = randomBytes(16).toString('hex');
const sweep = { at: '2026-04-01T06:00:00.000Z', images: 1, coverage: { checked: 1, total: 1, percent: 100 } };

function events(image = affectedImage): AlertEvent[] {
  const report = buildReport([structuredClone(image)], sampleIocs, { ...sampleMeta, errors: [] });
  return findingAlerts(report).map((body) => ({ key: alertKey(body), action: 'trigger', change: 'new', body }));
}

describe('PagerDuty Events v2 bodies', () => {
  it('a trigger carries what the responder needs, in the shape PagerDuty accepts', () => {
    const e = events().find((x) => x.body.package?.name === 'axios')!;
    const sent = PagerDutyEvent.parse(pagerDutyEvent(KEY, e));
    expect(sent).toMatchObject({ event_action: 'trigger', dedup_key: e.key, payload: { severity: 'critical', source: affectedImage.digest } });
    expect(sent.event_action === 'trigger' && sent.payload.custom_details).toMatchObject({
      incident: 'axios-2026-03',
      package: 'axios',
      version: '1.14.1',
      paths_in_image: ['/srv/app/node_modules/axios/package.json'],
      image_ref: affectedImage.ref,
      image_digest: affectedImage.digest,
      build_time: '2026-03-31T01:47:12Z',
      compromise_windows: [expect.objectContaining({ outcome: 'inside' })],
      advisory: 'https://github.com/advisories/GHSA-fw8c-xr5c-95f9',
      workloads: expect.arrayContaining([{ cluster: 'prod-eu', namespace: 'payments', kind: 'Deployment', name: 'payments-api', container: 'api', pods: 3 }]),
    });
  });

  it('a resolve is the dedup key and nothing else', () => {
    const e = { ...events()[0]!, action: 'resolve' as const, change: 'resolved' as const };
    expect(pagerDutyEvent(KEY, e)).toEqual({ routing_key: KEY, event_action: 'resolve', dedup_key: e.key });
  });

  it('the dedup key depends on incident, package and digest, not on workloads', () => {
    const a = events()[0]!.key;
    expect(events({ ...affectedImage, workloads: [] })[0]!.key).toBe(a);
    expect(events({ ...affectedImage, digest: `sha256:${'1'.repeat(64)}` })[0]!.key).not.toBe(a);
  });
});

describe('webhook and Slack bodies', () => {
  it('signs the exact bytes with HMAC-SHA256', () => {
    const body = JSON.stringify(webhookBody(events(), sweep));
    expect(signature('s3cret', body)).toBe(`sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`);
  });

  it('groups events into new, changed and resolved lists that are never null', () => {
    const [a, b] = events();
    const body = webhookBody([a!, { ...b!, action: 'resolve', change: 'resolved' }], sweep) as Record<string, unknown[]>;
    expect([body.new!.length, body.changed!.length, body.resolved!.length]).toEqual([1, 0, 1]);
  });

  it('escapes attacker-chosen names for Slack mrkdwn', () => {
    expect(escapeSlack('<!channel> & <http://evil|click>')).toBe('&lt;!channel&gt; &amp; &lt;http://evil|click&gt;');
    const evil = { ...affectedImage, ref: 'registry.example.com/<!channel>:1' };
    const msg = JSON.stringify(slackMessage(events(evil), sweep).blocks);
    expect(msg).not.toContain('<!channel>');
    expect(msg).toContain('&lt;!channel&gt;');
  });

  it('keeps within Slack\'s 50 blocks however many alerts there are', () => {
    const many = Array.from({ length: 120 }, () => events()[0]!);
    const msg = slackMessage(many, sweep);
    expect(msg.blocks).toHaveLength(50);
    expect(JSON.stringify(msg.blocks.at(-1))).toContain('72 more not shown');
  });
});
