// The sweep state through the built CLI: an old Node, a full or read-only disk, two sweeps at once, two fleets
// on one host, and a sweep killed mid-delivery. Observed through the alert receiver and the files, as a user would.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { startAlertReceiver, type AlertReceiver } from '../helpers/alert-receiver.js';
import { mountTmpfs } from '../helpers/tmpfs.js';
import { Fleet, digestOf, type FleetImage } from '../sweep/fleet.js';

const ROUTING_KEY = randomBytes(16).toString('hex');
const api: FleetImage = { name: 'api', build: '1', packages: [['axios', '1.14.1']] };
const worker: FleetImage = { name: 'worker', build: '2', packages: [['plain-crypto-js', '4.2.1']] };
const cron: FleetImage = { name: 'cron', build: '7', packages: [['axios', '1.14.1']] };
const clean: FleetImage = { name: 'web', build: '1', packages: [['react', '19.0.0']] };

let receiver: AlertReceiver;
let fleet: Fleet;
let keyFile: string;

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
  return () => fleet.cleanup();
});

function sweepArgs(f: Fleet, state: string[], extra: string[] = []): string[] {
  return ['sweep', `sbom:${f.sboms}`, '--ioc', f.iocs, ...state, '--no-cache', '-f', 'json', '-q',
    '--pagerduty-routing-key-file', keyFile, '--pagerduty-url', `${receiver.url}/v2/enqueue`, ...extra];
}

/** "trigger <digest>" / "resolve <key>" for each PagerDuty event received, sorted. */
function pages(): string[] {
  return receiver.pagerduty.map((e) => (e.event_action === 'resolve' ? `resolve ${e.dedup_key}` : `trigger ${e.payload.source}`)).sort();
}

const setAside = (dir: string) => readdirSync(dir).filter((f) => f.includes('.corrupt-'));

/** A Node older than engines: the machine's own (Debian's nodejs), found on PATH without scripts/node-env.sh. */
function oldNode(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/local/bin'])) {
    const bin = path.join(dir, 'node');
    if (!existsSync(bin)) continue;
    try {
      const [major, minor] = execFileSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim().split('.').map(Number) as [number, number];
      if (major < 22 || (major === 22 && minor < 13)) return bin;
    } catch {
      // Not runnable: look further.
    }
  }
  return undefined;
}

describe('an old Node', () => {
  const node = oldNode();
  if (!node && process.env.CI) it('finds an old Node on the machine', () => expect.fail('no Node older than 22.13 on PATH or in /usr/bin: CI must provide one'));
  if (!node) console.warn('skipping the old-Node test: no Node older than 22.13 on PATH or in /usr/bin');

  it.skipIf(!node)('refuses to start with one line naming the version needed, and leaves the cache and the state as they were', async () => {
    fleet.deploy(api);
    const cacheDir = path.join(fleet.dir, 'cache');
    const first = await runCli(['sweep', `sbom:${fleet.sboms}`, '--ioc', fleet.iocs, '--cache-dir', cacheDir, '-f', 'json']);
    expect(first.code, first.stderr).toBe(1);
    // Every file below the cache folder (the SBOM cache, the sweep state, the compiled IOC cache in iocs/).
    const listFiles = () =>
      readdirSync(cacheDir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.relative(cacheDir, path.join(e.parentPath, e.name)))
        .sort();
    const files = listFiles();
    expect(files.length).toBeGreaterThan(0);
    const bytes = files.map((f) => readFileSync(path.join(cacheDir, f)).toString('base64'));
    const r = await execa(node!, [path.join(repoRoot, 'bin/sbom-hunt.js'), 'sweep', `sbom:${fleet.sboms}`, '--ioc', fleet.iocs, '--cache-dir', cacheDir], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^sbom-hunt: error: Node\.js 2\d\.\d+\.\d+ is too old; sbom-hunt needs Node\.js >= 22\.13 \(install it from https:\/\/nodejs\.org\/.*node-env\.sh/)]);
    expect(listFiles()).toEqual(files);
    expect(files.map((f) => readFileSync(path.join(cacheDir, f)).toString('base64'))).toEqual(bytes);
  });

  it('the version bin/ checks is the one package.json declares', () => {
    const engines = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const bin = readFileSync(path.join(repoRoot, 'bin/sbom-hunt.js'), 'utf8');
    const need = /var NEED = \[(\d+), (\d+)\];/.exec(bin);
    expect(`>=${need?.[1]}.${need?.[2]}`).toBe(engines);
  });
});

describe('a disk that is full or read-only', () => {
  const fs = mountTmpfs('1m');
  if (typeof fs === 'string') console.warn(`skipping the full-disk tests: ${fs}`);
  afterAll(() => (typeof fs === 'string' ? undefined : fs.close()));

  it.skipIf(typeof fs === 'string')('a full disk leaves the previous state as it was (nothing set aside), exits 2 naming the state, and the alert stays owed', async () => {
    const t = fs as Exclude<typeof fs, string>;
    const state = path.join(t.dir, 'state.db');
    fleet.deploy(api);
    const first = await runCli(sweepArgs(fleet, ['--state', state]));
    expect(first.code, first.stderr).toBe(1);
    expect(pages()).toEqual([`trigger ${digestOf(api)}`]);

    receiver.reset();
    fleet.deploy(worker);
    const filler = t.fill();
    const full = await runCli(sweepArgs(fleet, ['--state', state]));
    expect(full.code, full.stderr).toBe(2);
    expect(full.stderr).toMatch(new RegExp(`sbom-hunt: error: .*${state.replace(/[.]/g, '\\.')}.*(full|SQLITE_FULL|SQLITE_IOERR|SQLITE_CANTOPEN)`));
    expect(full.stderr).not.toMatch(/internal error|set aside|rebuilt/);
    expect(setAside(t.dir)).toEqual([]);

    rmSync(filler);
    receiver.reset();
    const after = await runCli(sweepArgs(fleet, ['--state', state]));
    expect(after.code, after.stderr).toBe(1);
    // Not a first sweep (api is not paged again); worker is still owed.
    expect(pages()).toEqual([`trigger ${digestOf(worker)}`]);
  });

  it.skipIf(typeof fs === 'string')('a read-only state folder is an error naming the state, not an internal error, and nothing is renamed', async () => {
    const t = fs as Exclude<typeof fs, string>;
    const state = path.join(t.dir, 'ro-state.db');
    fleet.deploy(api);
    expect((await runCli(sweepArgs(fleet, ['--state', state]))).code).toBe(1);
    t.remount('ro');
    try {
      receiver.reset();
      fleet.deploy(worker);
      const ro = await runCli(sweepArgs(fleet, ['--state', state]));
      expect(ro.code, ro.stderr).toBe(2);
      expect(ro.stderr).toMatch(/sbom-hunt: (error: |cannot write ).*ro-state\.db.*(read-only|READONLY|CANTOPEN|EROFS)/i);
      expect(ro.stderr).not.toMatch(/internal error/);
    } finally {
      t.remount('rw');
    }
    expect(setAside(t.dir)).toEqual([]);
    receiver.reset();
    expect((await runCli(sweepArgs(fleet, ['--state', state]))).code).toBe(1);
    expect(pages()).toEqual([`trigger ${digestOf(worker)}`]);
  });
});

describe('two sweeps', () => {
  it('started together on one state deliver each alert once: the second waits for the first', async () => {
    fleet.deploy(api);
    fleet.deploy(worker);
    const state = path.join(fleet.dir, 'state.db');
    receiver.setDelay(700);
    const args = ['sweep', `sbom:${fleet.sboms}`, '--ioc', fleet.iocs, '--state', state, '--no-cache', '-f', 'json', '-q', '--webhook', `${receiver.url}/hook/ops`];
    const [a, b] = await Promise.all([runCli(args), runCli(args)]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([1, 1]);
    const sent = receiver.webhooks.flatMap((w) => (JSON.parse(w.body) as { new: { image: { digest: string } }[] }).new.map((n) => n.image.digest)).sort();
    expect(sent).toEqual([digestOf(api), digestOf(worker)].sort());
  });

  it('a second sweep that cannot get the lock in --state-wait exits 2 saying so', async () => {
    fleet.deploy(api);
    const state = path.join(fleet.dir, 'state.db');
    receiver.hangAfter('/v2/enqueue', 0);
    const holder = execa(process.execPath, [path.join(repoRoot, 'bin/sbom-hunt.js'), ...sweepArgs(fleet, ['--state', state])], { reject: false, env: { CI: 'true' } });
    await expect.poll(() => receiver.log.length, { timeout: 30_000 }).toBeGreaterThan(0);
    const second = await runCli(sweepArgs(fleet, ['--state', state, '--state-wait', '1']));
    holder.kill('SIGKILL');
    await holder;
    expect(second.code, second.stderr).toBe(2);
    expect(second.stderr).toMatch(/sbom-hunt: error: .*state\.db: another sweep is using this state \(waited 1 s/);
  });

  it('of two fleets on one host (default state) do not resolve each other\'s findings', async () => {
    const other = new Fleet(path.join(repoRoot, 'iocs/axios-2026-03.yaml'));
    try {
      const cacheDir = path.join(fleet.dir, 'cache');
      fleet.deploy(api);
      other.deploy(clean);
      const args = (f: Fleet) => ['sweep', `sbom:${f.sboms}`, '--ioc', f.iocs, '--cache-dir', cacheDir, '-f', 'json', '-q',
        '--pagerduty-routing-key-file', keyFile, '--pagerduty-url', `${receiver.url}/v2/enqueue`];
      expect((await runCli(args(fleet))).code).toBe(1);
      expect(pages()).toEqual([`trigger ${digestOf(api)}`]);
      receiver.reset();
      const b = await runCli(args(other));
      expect(b.code, b.stderr).toBe(0);
      expect(pages()).toEqual([]);
      const again = await runCli(args(fleet));
      expect(again.code, again.stderr).toBe(1);
      expect(pages()).toEqual([]);
    } finally {
      other.cleanup();
    }
  });
});

describe('kill -9 mid-delivery', () => {
  it('repeats only the events that were not delivered', async () => {
    fleet.deploy(api);
    fleet.deploy(worker);
    fleet.deploy(cron);
    const state = path.join(fleet.dir, 'state.db');
    receiver.hangAfter('/v2/enqueue', 2);
    const child = execa(process.execPath, [path.join(repoRoot, 'bin/sbom-hunt.js'), ...sweepArgs(fleet, ['--state', state])], { reject: false, env: { CI: 'true' } });
    await expect.poll(() => receiver.log.length, { timeout: 30_000 }).toBe(3);
    child.kill('SIGKILL');
    expect((await child).signal).toBe('SIGKILL');
    const delivered = pages();
    expect(delivered).toHaveLength(2);

    receiver.reset();
    const next = await runCli(sweepArgs(fleet, ['--state', state]));
    expect(next.code, next.stderr).toBe(1);
    const all = [api, worker, cron].map((i) => `trigger ${digestOf(i)}`);
    expect(pages()).toEqual(all.filter((p) => !delivered.includes(p)));
  });
});
