// Three nightly sweeps over a changing fleet, through the built CLI, alerting a local PagerDuty and webhook.
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, runCli, type CliRun } from '../helpers/cli.js';
import { startAlertReceiver, type AlertReceiver } from '../helpers/alert-receiver.js';
import { EXTRA_IOC, Fleet, digestOf, type FleetImage } from '../sweep/fleet.js';
import { openDatabase } from '../../src/acquire/cache/sqlite.js';
import { peekState } from '../../src/sweep/state.js';
import { execa } from 'execa';

const ROUTING_KEY = randomBytes(16).toString('hex');
const WEBHOOK_SECRET = `whsec-${randomBytes(12).toString('hex')}`;

const api1: FleetImage = { name: 'api', build: '1', packages: [['axios', '1.14.1'], ['express', '4.21.2']] };
const api2: FleetImage = { name: 'api', build: '2', packages: [['axios', '1.15.0'], ['express', '4.21.2']] };
const web: FleetImage = { name: 'web', build: '1', packages: [['left-pad-ng', '9.9.9'], ['react', '19.0.0']] };
const worker1: FleetImage = { name: 'worker', build: '1', packages: [['lodash', '4.17.21']] };
const worker2: FleetImage = { name: 'worker', build: '2', packages: [['plain-crypto-js', '4.2.1'], ['lodash', '4.17.21']] };

let receiver: AlertReceiver;
let fleet: Fleet;
let keyFile: string;
let stateFile: string;

async function sweep(extra: string[] = []): Promise<CliRun & { report: string }> {
  const reportFile = path.join(fleet.dir, 'report.json');
  const run = await runCli(
    ['sweep', `sbom:${fleet.sboms}`, '--ioc', fleet.iocs, '--state', stateFile, '--no-cache', '-f', 'json', '-o', reportFile,
      '--pagerduty-routing-key-file', keyFile, '--pagerduty-url', `${receiver.url}/v2/enqueue`, '--webhook', `${receiver.url}/hook/ops`, ...extra],
    { env: { SBOM_HUNT_WEBHOOK_SECRET: WEBHOOK_SECRET } },
  );
  return { ...run, report: existsSync(reportFile) ? readFileSync(reportFile, 'utf8') : '' };
}

/** "trigger <package> <digest>" lines: what a person would read off the PagerDuty log. */
function pagesSent(): string[] {
  return receiver.pagerduty.map((e) => {
    if (e.event_action === 'resolve') return `resolve ${e.dedup_key}`;
    const d = e.payload.custom_details as { package?: string; version?: string; image_digest?: string };
    return `trigger ${d.package}@${d.version} ${d.image_digest} ${e.payload.severity}`;
  }).sort();
}

function keyOfTrigger(pkg: string, digest: string): string {
  const e = receiver.pagerduty.find((x) => x.event_action === 'trigger' && (x.payload.custom_details as { package?: string }).package === pkg && x.payload.source === digest);
  if (!e) throw new Error(`no trigger for ${pkg} in ${digest}`);
  return e.dedup_key;
}

function readState(): { rows: unknown[]; sweeps: number } {
  const rows = peekState(stateFile);
  return { rows: [...rows], sweeps: rows.runs ?? 0 };
}

function stateBytes(): string {
  return ['', '-wal', '-shm'].map((s) => (existsSync(stateFile + s) ? readFileSync(stateFile + s).toString('latin1') : '')).join('');
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
  keyFile = path.join(fleet.dir, 'pd-key');
  writeFileSync(keyFile, `${ROUTING_KEY}\n`);
  stateFile = path.join(fleet.dir, 'state.db');
});

describe('sweep: state', () => {
  it('lives in its own file beside the cache by default, not in the SBOM cache', async () => {
    fleet.deploy(api1);
    const cacheDir = path.join(fleet.dir, 'cache');
    const run = await runCli(['sweep', `sbom:${fleet.sboms}`, '--ioc', fleet.iocs, '--cache-dir', cacheDir, '-f', 'json'], {});
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/alert: new critical: axios-2026-03: affected npm axios@1\.14\.1/);
    expect(run.stderr).toContain(`state ${path.join(cacheDir, 'sweep-state.db')}`);
    const db = openDatabase(path.join(cacheDir, 'cache.db'));
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
      expect(tables).toContain('images');
      expect(tables.filter((t) => t.includes('sweep'))).toEqual([]);
    } finally {
      db.close();
    }
    expect(peekState(path.join(cacheDir, 'sweep-state.db')).filter((r) => r.status === 'open')).toHaveLength(1);
  });
});

describe('sweep: killed half-way', () => {
  it('a sweep killed while paging leaves last night\'s state, and the next sweep pages what it missed', async () => {
    fleet.deploy(api1);
    await sweep();
    const before = readState();
    receiver.reset();
    fleet.deploy(worker2);
    receiver.failNext('/v2/enqueue', 0);
    const child = execa(process.execPath, [path.join(repoRoot, 'bin/sbom-hunt.js'), 'sweep', `sbom:${fleet.sboms}`, '--ioc', fleet.iocs, '--state', stateFile, '--no-cache', '-f', 'json',
      '--pagerduty-routing-key-file', keyFile, '--pagerduty-url', `${receiver.url}/v2/enqueue`], { reject: false, env: { CI: 'true' } });
    await expect.poll(() => receiver.log.length, { timeout: 30_000 }).toBeGreaterThan(0);
    child.kill('SIGKILL');
    expect((await child).signal).toBe('SIGKILL');
    // No sweep was logged; tonight's rows were checkpointed undelivered, so the next sweep still owes them.
    expect(readState().sweeps).toBe(before.sweeps);

    receiver.reset();
    await sweep();
    expect(pagesSent()).toEqual([`trigger plain-crypto-js@4.2.1 ${digestOf(worker2)} critical`]);
  });
});

describe('sweep: report', () => {
  it('writes the same reports as scan, html included', async () => {
    fleet.deploy(api1);
    const out = path.join(fleet.dir, 'fleet.html');
    const run = await runCli(['sweep', `sbom:${fleet.sboms}`, '--ioc', fleet.iocs, '--state', stateFile, '-f', 'html', '-o', out], {});
    expect(run.code, run.stderr).toBe(1);
    expect(readFileSync(out, 'utf8')).toContain('axios-2026-03: 1 image affected, 0 images suspect, 0 images unknown, coverage 100% (1/1)');
  });
});

describe('sweep: three nights over a changing fleet', () => {
  it('pages on a new finding, a new digest, a new IOC, and resolves on a clean redeploy', async () => {
    fleet.deploy(api1);
    fleet.deploy(web);
    fleet.deploy(worker1);
    const first = await sweep();
    expect(first.code, first.stderr).toBe(1);
    expect(pagesSent()).toEqual([`trigger axios@1.14.1 ${digestOf(api1)} critical`]);
    const axiosKey = keyOfTrigger('axios', digestOf(api1));

    receiver.reset();
    fleet.deploy(worker2);
    fleet.addIoc('left-pad.yaml', EXTRA_IOC);
    const second = await sweep();
    expect(second.code, second.stderr).toBe(1);
    expect(pagesSent()).toEqual([`trigger left-pad-ng@9.9.9 ${digestOf(web)} critical`, `trigger plain-crypto-js@4.2.1 ${digestOf(worker2)} critical`].sort());

    receiver.reset();
    fleet.deploy(api2);
    const third = await sweep();
    expect(third.code, third.stderr).toBe(1);
    expect(pagesSent()).toEqual([`resolve ${axiosKey}`]);

    for (const run of [first, second, third]) {
      for (const text of [run.stdout, run.stderr, run.report]) expect(text).not.toContain(ROUTING_KEY);
    }
    expect(stateBytes()).not.toContain(ROUTING_KEY);
    expect(stateBytes()).not.toContain(WEBHOOK_SECRET);
  });

  it('posts one signed webhook per sweep with what is new and what is resolved', async () => {
    fleet.deploy(api1);
    await sweep();
    fleet.deploy(api2);
    await sweep();
    const bodies = receiver.webhooks.map((w) => {
      const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(w.body).digest('hex')}`;
      expect(w.headers['x-sbom-hunt-signature']).toBe(expected);
      return JSON.parse(w.body) as { new: { package?: { name: string } }[]; changed: unknown[]; resolved: { image: { digest: string } }[] };
    });
    expect(bodies).toHaveLength(2);
    expect(bodies[0]!.new.map((n) => n.package?.name)).toEqual(['axios']);
    expect(bodies[0]!.resolved).toEqual([]);
    expect(bodies[1]!.new).toEqual([]);
    expect(bodies[1]!.resolved.map((r) => r.image.digest)).toEqual([digestOf(api1)]);
  });

  it('a quiet night sends nothing at all', async () => {
    fleet.deploy(api1);
    await sweep();
    receiver.reset();
    const again = await sweep();
    expect(again.code).toBe(1);
    expect(receiver.log).toEqual([]);
  });

  it('--baseline records without alerting; only later news pages', async () => {
    fleet.deploy(api1);
    const base = await sweep(['--baseline']);
    expect(base.code, base.stderr).toBe(1);
    expect(receiver.log).toEqual([]);
    fleet.deploy(worker2);
    await sweep();
    expect(pagesSent()).toEqual([`trigger plain-crypto-js@4.2.1 ${digestOf(worker2)} critical`]);
  });
});
