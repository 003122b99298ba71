// diffAlerts and delivery bookkeeping, case by case (pure).
import { describe, expect, it } from 'vitest';
import { ALL_DESTINATIONS, afterDelivery, diffAlerts, markAllDelivered, pendingFor, type StateRow } from '../../src/sweep/diff.js';
import { alertKey, type AlertBody } from '../../src/sweep/alert.js';

const now = new Date('2026-04-02T03:00:00Z');
const opts = { now, keepOpen: () => false, remindAfterMs: 86_400_000 };
const workload = { context: 'prod-eu', namespace: 'shop', kind: 'Deployment', name: 'api', container: 'app', pods: 2 };

function finding(digest: string, extra: Partial<AlertBody> = {}): AlertBody {
  return {
    kind: 'finding', severity: 'critical', summary: `axios in ${digest}`, incident: 'axios-2026-03', verdict: 'affected',
    package: { ecosystem: 'npm', name: 'axios', version: '1.14.1', paths: [] }, image: { ref: 'api', digest }, workloads: [workload], reasons: [], ...extra,
  };
}

function row(body: AlertBody, extra: Partial<StateRow> = {}): StateRow {
  return { key: alertKey(body), status: 'open', change: 'new', body, delivered: ['pagerduty'], firstSeen: '2026-04-01T03:00:00Z', lastSeen: '2026-04-01T03:00:00Z', lastSent: '2026-04-01T03:00:00Z', ...extra };
}

describe('diffAlerts', () => {
  it('leaves a delivered alert that is still true untouched, apart from its details', () => {
    const prev = row(finding('sha256:a'));
    const [next] = diffAlerts([prev], [finding('sha256:a', { workloads: [{ ...workload, pods: 5 }] })], opts);
    expect(next).toMatchObject({ status: 'open', change: 'new', delivered: ['pagerduty'] });
    expect(next!.body.workloads[0]!.pods).toBe(5);
  });

  it('owes a "changed" event when the finding reaches another workload or changes severity', () => {
    const prev = row(finding('sha256:a'));
    const more = finding('sha256:a', { workloads: [workload, { ...workload, context: 'prod-us' }] });
    expect(diffAlerts([prev], [more], opts)[0]).toMatchObject({ change: 'changed', delivered: [] });
    expect(diffAlerts([prev], [finding('sha256:a', { severity: 'warning' })], opts)[0]).toMatchObject({ change: 'changed', delivered: [] });
  });

  it('keeps "new" for a change to an alert nobody has heard of yet', () => {
    const prev = row(finding('sha256:a', { workloads: [] }), { delivered: [] });
    expect(diffAlerts([prev], [finding('sha256:a')], opts)[0]).toMatchObject({ change: 'new', delivered: [] });
  });

  it('resolves what is gone, drops what was never sent, and keeps open what keepOpen protects', () => {
    const sent = row(finding('sha256:a'));
    const unsent = row(finding('sha256:b'), { delivered: [] });
    expect(diffAlerts([sent, unsent], [], opts)).toEqual([{ ...sent, status: 'resolved', change: 'resolved', delivered: [] }]);
    expect(diffAlerts([sent], [], { ...opts, keepOpen: () => true })).toEqual([sent]);
  });

  it('a finding that comes back after being resolved is new again', () => {
    const resolved = row(finding('sha256:a'), { status: 'resolved', change: 'resolved', delivered: [] });
    expect(diffAlerts([resolved], [finding('sha256:a')], opts)[0]).toMatchObject({ status: 'open', change: 'new', delivered: [] });
  });
});

describe('delivery bookkeeping', () => {
  it('owes each destination what it has not had; * means everyone had it', () => {
    const r = row(finding('sha256:a'));
    expect(pendingFor([r], 'pagerduty')).toEqual([]);
    expect(pendingFor([r], 'webhook:1')).toHaveLength(1);
    expect(pendingFor([{ ...r, delivered: [ALL_DESTINATIONS] }], 'webhook:1')).toEqual([]);
  });

  it('a resolve stays until every destination has it', () => {
    const r = row(finding('sha256:a'), { status: 'resolved', change: 'resolved', delivered: [] });
    const half = afterDelivery([r], new Map([['pagerduty', new Set([r.key])], ['webhook:1', new Set()]]), ['pagerduty', 'webhook:1'], now);
    expect(half).toEqual([{ ...r, delivered: ['pagerduty'], lastSent: now.toISOString() }]);
    expect(afterDelivery(half, new Map([['webhook:1', new Set([r.key])]]), ['pagerduty', 'webhook:1'], now)).toEqual([]);
  });

  it('--baseline marks open alerts as told everywhere and forgets resolved ones', () => {
    const open = row(finding('sha256:a'), { delivered: [] });
    const gone = row(finding('sha256:b'), { status: 'resolved', change: 'resolved', delivered: [] });
    expect(markAllDelivered([open, gone], now)).toEqual([{ ...open, delivered: [ALL_DESTINATIONS], lastSent: now.toISOString() }]);
  });
});
