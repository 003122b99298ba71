// Delivery trouble and the alerts that are not findings: retries, exit 3, unknown images, coverage, feed age.
import { randomBytes } from 'node:crypto';
import { utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, runCli, type CliRun } from '../helpers/cli.js';
import { startAlertReceiver, type AlertReceiver } from '../helpers/alert-receiver.js';
import { Fleet, digestOf, type FleetImage } from '../sweep/fleet.js';

const ROUTING_KEY = randomBytes(16).toString('hex');
const api: FleetImage = { name: 'api', build: '1', packages: [['axios', '0.30.4']] };
const web: FleetImage = { name: 'web', build: '1', packages: [['react', '19.0.0']] };

let receiver: AlertReceiver;
let fleet: Fleet;
let stateFile: string;

function sweep(extra: string[] = [], env: Record<string, string> = { PAGERDUTY_ROUTING_KEY: ROUTING_KEY }): Promise<CliRun> {
  return runCli(
    ['sweep', `sbom:${fleet.sboms}`, '--ioc', fleet.iocs, '--state', stateFile, '--no-cache', '-f', 'json', '--pagerduty-url', `${receiver.url}/v2/enqueue`, ...extra],
    { env },
  );
}

function triggers(kind?: string): { key: string; kind: unknown; summary: string }[] {
  return receiver.pagerduty.flatMap((e) =>
    e.event_action === 'trigger' && (!kind || e.payload.custom_details?.kind === kind) ? [{ key: e.dedup_key, kind: e.payload.custom_details?.kind, summary: e.payload.summary }] : [],
  );
}

beforeAll(async () => {
  receiver = await startAlertReceiver();
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(() => {
  receiver.reset();
  fleet = new Fleet(path.join(repoRoot, 'iocs/axios-2026-03.yaml'));
  stateFile = path.join(fleet.dir, 'state.db');
  fleet.deploy(api);
  fleet.deploy(web);
});

describe('sweep: delivery', () => {
  it('waits out a 429 with Retry-After and delivers', async () => {
    receiver.failNext('/v2/enqueue', 429, 1, '1');
    const run = await sweep();
    expect(run.code, run.stderr).toBe(1);
    const attempts = receiver.log.filter((l) => l.path === '/v2/enqueue');
    expect(attempts.map((a) => a.status)).toEqual([429, 202]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(900);
    expect(triggers('finding')).toHaveLength(1);
  });

  it('exits 3 when PagerDuty keeps failing, and the next sweep sends what was missed', async () => {
    receiver.failNext('/v2/enqueue', 500, 100);
    const failed = await sweep();
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(/alert delivery failed: PagerDuty.*HTTP 500/);
    expect(failed.stderr).not.toContain(ROUTING_KEY);
    expect(receiver.pagerduty).toEqual([]);

    receiver.reset();
    const retried = await sweep();
    expect(retried.code, retried.stderr).toBe(1);
    expect(triggers('finding').map((t) => t.summary)).toEqual([expect.stringContaining(`axios@0.30.4 in ${path.join(fleet.sboms, 'api.cdx.json')}@${digestOf(api)}`)]);

    receiver.reset();
    await sweep();
    expect(receiver.pagerduty).toEqual([]);
  });

  it('a webhook that refuses (HTTP 400) is a failed delivery too', async () => {
    receiver.failNext('/hook/broken', 400, 1);
    const run = await sweep(['--webhook', `${receiver.url}/hook/broken`]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/webhook 127\.0\.0\.1:\d+: refused with HTTP 400/);
    expect(run.stderr).not.toContain('/hook/broken');
    expect(triggers('finding')).toHaveLength(1);

    // Next night: the webhook gets what it missed; PagerDuty, which had it, is not paged twice.
    receiver.reset();
    const next = await sweep(['--webhook', `${receiver.url}/hook/broken`]);
    expect(next.code, next.stderr).toBe(1);
    expect(receiver.pagerduty).toEqual([]);
    expect(receiver.webhooks.map((w) => (JSON.parse(w.body) as { new: { summary: string }[] }).new.map((n) => n.summary))).toEqual([[expect.stringContaining('axios@0.30.4')]]);
  });

  it('reads the routing key from a file and never from argv', async () => {
    const keyFile = path.join(fleet.dir, 'key');
    writeFileSync(keyFile, ROUTING_KEY);
    const run = await sweep(['--pagerduty-routing-key-file', keyFile], {});
    expect(run.code, run.stderr).toBe(1);
    expect(receiver.pagerduty[0]?.routing_key).toBe(ROUTING_KEY);
    const argv = await sweep(['--pagerduty-routing-key', ROUTING_KEY], {});
    expect(argv.code).toBe(2);
  });
});

describe('sweep: alerts that are not findings', () => {
  it('an image that turns unknown alerts once with its reason, and coverage below the minimum alerts too', async () => {
    await sweep();
    receiver.reset();
    fleet.writeRaw('broken.cdx.json', '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [');
    const turned = await sweep();
    expect(turned.code).toBe(2);
    expect(triggers('unknown')).toEqual([{ key: expect.any(String), kind: 'unknown', summary: expect.stringMatching(/could not check .*broken\.cdx\.json: .+/) }]);
    expect(triggers('coverage')).toEqual([{ key: expect.any(String), kind: 'coverage', summary: expect.stringContaining('2 of 3 images checked') }]);
    expect(triggers('finding')).toEqual([]);

    receiver.reset();
    await sweep();
    expect(receiver.pagerduty).toEqual([]);

    fleet.remove('broken.cdx.json');
    await sweep();
    expect(receiver.pagerduty.map((e) => e.event_action)).toEqual(['resolve', 'resolve']);
  });

  it('--min-coverage 60 tolerates one unknown image in three', async () => {
    fleet.writeRaw('broken.cdx.json', 'not json');
    await sweep(['--min-coverage', '60']);
    expect(triggers('coverage')).toEqual([]);
    expect(triggers('unknown')).toHaveLength(1);
  });

  it('a stale IOC feed is a warning, sent once a day', async () => {
    const old = new Date(Date.now() - 3 * 86_400_000);
    utimesSync(path.join(fleet.iocs, 'axios-2026-03.yaml'), old, old);
    await sweep();
    const stale = receiver.pagerduty.filter((e) => e.event_action === 'trigger' && e.payload.custom_details?.kind === 'feed-age');
    expect(stale).toHaveLength(1);
    expect(stale[0]!.event_action === 'trigger' && stale[0]!.payload.severity).toBe('warning');
    receiver.reset();
    await sweep();
    expect(triggers('feed-age')).toEqual([]);
    receiver.reset();
    await sweep(['--max-feed-age', '4d']);
    expect(receiver.pagerduty.map((e) => e.event_action)).toEqual(['resolve']);
  });
});
