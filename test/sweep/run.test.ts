// runSweep over hand-made reports: a sweep dying in its transaction, workloads reached, unknown is never clean.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pagerDutyDestination } from '../../src/alerts/index.js';
import { buildReport } from '../../src/report/build.js';
import { runSweep, type SweepOptions } from '../../src/sweep/run.js';
import { SweepState } from '../../src/sweep/state.js';
import type { ImageResult } from '../../src/model/finding.js';
import { startAlertReceiver, type AlertReceiver } from '../helpers/alert-receiver.js';
import { repoRoot } from '../helpers/cli.js';
import { affectedImage, cleanImage, deletedLayerImage, sampleIocs, sampleMeta } from '../report/sample.js';
import { applyAcknowledgements } from '../../src/acks/apply.js';

const KEY = randomBytes(16).toString('hex');
let receiver: AlertReceiver;
let dir: string;

function report(images: ImageResult[], errors: string[] = []) {
  return buildReport(structuredClone(images), sampleIocs, { ...sampleMeta, errors });
}

function opts(extra: Partial<SweepOptions> = {}): SweepOptions {
  return {
    statePath: path.join(dir, 'state.db'),
    baseline: false,
    minCoverage: 0,
    maxFeedAgeMs: 86_400_000,
    maxFeedAge: '24h',
    iocPaths: [path.join(dir, 'feed.yaml')],
    destinations: [pagerDutyDestination(KEY, `${receiver.url}/v2/enqueue`)],
    now: new Date(),
    warn: () => {},
    inventory: 'fleet',
    ...extra,
  };
}

function actions(): string[] {
  return receiver.pagerduty.map((e) => (e.event_action === 'trigger' ? `trigger ${e.payload.summary}` : `resolve ${e.dedup_key}`));
}

async function stateRows() {
  const s = await SweepState.open(path.join(dir, 'state.db'), { inventory: 'fleet', warn: () => {} });
  try {
    return { rows: s.rows(), sweeps: s.sweepCount() };
  } finally {
    s.close();
  }
}

beforeAll(async () => {
  receiver = await startAlertReceiver();
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(() => {
  receiver.reset();
  dir = mkdtempSync(path.join(os.tmpdir(), 'sbom-hunt-sweep-run-'));
  copyFileSync(path.join(repoRoot, 'iocs/axios-2026-03.yaml'), path.join(dir, 'feed.yaml'));
  return () => rmSync(dir, { recursive: true, force: true });
});

describe('runSweep', () => {
  it('an acknowledgement that expires is alerted once, with the finding it had hidden; renewing it resolves both', async () => {
    const entry = { incident: 'axios-2026-03', repository: 'registry.example.com/tools/builder', reason: 'checked', who: 'alice', source: 'acks.yaml:4' };
    const sweepAt = (now: Date, expires: Date) => {
      const acked = applyAcknowledgements([structuredClone(deletedLayerImage)], [{ ...entry, expires }], sampleIocs, now);
      return buildReport(acked.images, sampleIocs, { ...sampleMeta, errors: [], generatedAt: now, expiredAcknowledgements: acked.expired });
    };
    const day = (d: string) => new Date(`${d}T12:00:00Z`);
    await runSweep(sweepAt(day('2026-04-10'), day('2026-04-11')), opts({ now: day('2026-04-10') }));
    expect(actions()).toEqual([]); // acknowledged: no finding alert
    await runSweep(sweepAt(day('2026-04-12'), day('2026-04-11')), opts({ now: day('2026-04-12') }));
    expect(actions()).toEqual([
      expect.stringContaining('trigger axios-2026-03: suspect npm plain-crypto-js@4.2.1 in registry.example.com/tools/builder:1.4.2'),
      'trigger acknowledgement of axios-2026-03 for registry.example.com/tools/builder by alice expired on 2026-04-11 (acks.yaml:4): renew or remove it',
    ]);
    receiver.reset();
    await runSweep(sweepAt(day('2026-04-12'), day('2026-04-11')), opts({ now: new Date(day('2026-04-12').getTime() + 3_600_000) }));
    expect(actions()).toEqual([]); // said once, not every sweep
    await runSweep(sweepAt(day('2026-04-13'), day('2026-05-31')), opts({ now: day('2026-04-13') }));
    expect(actions().map((a) => a.split(' ')[0])).toEqual(['resolve', 'resolve']);
  });

  it('a sweep that dies in its final save keeps the deliveries it recorded: the next sweep sends nothing twice', async () => {
    await runSweep(report([cleanImage]), opts());
    expect((await stateRows()).sweeps).toBe(1);

    const dying = await runSweep(report([cleanImage, affectedImage]), opts({ midway: () => { throw new Error('killed'); } }));
    expect(dying.stateErrors).toEqual([expect.stringContaining('killed')]);
    expect(actions().filter((a) => a.startsWith('trigger'))).toHaveLength(2);
    const after = await stateRows();
    expect(after.sweeps).toBe(1);
    expect(after.rows.map((r) => r.delivered)).toEqual([['pagerduty'], ['pagerduty']]);

    receiver.reset();
    await runSweep(report([cleanImage, affectedImage]), opts());
    expect(actions()).toEqual([]);
    expect((await stateRows()).sweeps).toBe(2);
  });

  it('an incident reaching a new workload is sent again under the same dedup key', async () => {
    const one = { ...affectedImage, workloads: affectedImage.workloads.slice(0, 1) };
    await runSweep(report([one]), opts());
    const keys = receiver.pagerduty.map((e) => e.dedup_key).sort();
    receiver.reset();
    await runSweep(report([one]), opts());
    expect(receiver.pagerduty).toEqual([]);
    await runSweep(report([affectedImage]), opts());
    expect(receiver.pagerduty.map((e) => e.dedup_key).sort()).toEqual(keys);
    const details = receiver.pagerduty[0]!.event_action === 'trigger' ? receiver.pagerduty[0]!.payload.custom_details : {};
    expect(details?.workloads).toEqual(expect.arrayContaining([expect.objectContaining({ cluster: 'prod-eu', namespace: 'payments', name: 'payments-api' })]));
  });

  it('a finding whose image turned unknown stays open; it resolves once the image is checked clean', async () => {
    await runSweep(report([affectedImage]), opts());
    receiver.reset();
    const unreadable: ImageResult = { ref: affectedImage.ref, verdict: 'unknown', reasons: ['registry timed out'], packageCount: 0, windows: [], matches: [], platforms: [], workloads: [] };
    await runSweep(report([unreadable]), opts());
    expect(actions()).toEqual([expect.stringContaining(`could not check ${affectedImage.ref}: registry timed out`)]);
    receiver.reset();
    const clean: ImageResult = { ...cleanImage, ref: affectedImage.ref, digest: affectedImage.digest! };
    await runSweep(report([clean]), opts());
    expect(actions().every((a) => a.startsWith('resolve'))).toBe(true);
    expect(actions()).toHaveLength(3);
  });

  it('an inventory that failed part-way resolves nothing it did not see', async () => {
    await runSweep(report([affectedImage, deletedLayerImage]), opts());
    receiver.reset();
    await runSweep(report([deletedLayerImage], ['kube context prod-eu: connection refused']), opts());
    expect(receiver.pagerduty).toEqual([]);
    await runSweep(report([deletedLayerImage]), opts());
    expect(receiver.pagerduty.map((e) => e.event_action)).toEqual(['resolve', 'resolve']);
  });

  it('suspect findings are warnings and affected ones critical', async () => {
    await runSweep(report([affectedImage, deletedLayerImage]), opts());
    const severities = receiver.pagerduty.map((e) => (e.event_action === 'trigger' ? `${e.payload.custom_details?.verdict} ${e.payload.severity}` : ''));
    expect(severities.sort()).toEqual(['affected critical', 'affected critical', 'suspect warning']);
  });

  it('a stale feed is sent again after a day, not before', async () => {
    const start = new Date(Date.now() + 3 * 86_400_000);
    await runSweep(report([cleanImage]), opts({ now: start }));
    expect(actions()).toEqual([expect.stringContaining('IOC feed is stale')]);
    receiver.reset();
    await runSweep(report([cleanImage]), opts({ now: new Date(start.getTime() + 23 * 3_600_000) }));
    expect(actions()).toEqual([]);
    await runSweep(report([cleanImage]), opts({ now: new Date(start.getTime() + 25 * 3_600_000) }));
    expect(actions()).toEqual([expect.stringContaining('IOC feed is stale')]);
  });
});
