// End to end: `sbom-hunt contain` with the real kubectl (exec over WebSocket, rollout restart) against the test API
// server, and replacement images read from the real registry.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImageLayout, npmPackageFiles, type LayerSpec } from '../helpers/image-builder.js';
import { pushOciLayout } from '../helpers/push.js';
import { registryAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { findKubectl, startKubeApi, writeKubeconfig, type ExecAnswer, type ExecCall, type KubeApi, type KubeObject } from '../helpers/kube-api.js';
import { procNetTcp } from '../helpers/proc-net.js';
import { runCli } from '../helpers/cli.js';
import { startAlertReceiver } from '../helpers/alert-receiver.js';
import type { ContainmentReport, WorkloadPlan } from '../../src/contain/model.js';

if (!registryAvailable) console.warn(SKIP_MESSAGE);
const kubectl = findKubectl();
if (!kubectl && process.env.CI) throw new Error('kubectl is missing on a CI machine');

const SS_HEAD = 'Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n';
const quietSs = `${SS_HEAD}0 0 10.0.0.5:43210 10.0.0.9:5432 users:(("node",pid=1,fd=20))\n`;
const c2Ss = `${SS_HEAD}0 0 10.0.0.6:43211 142.11.206.73:8000 users:(("node",pid=1,fd=21))\n`;

/** Containers answer by pod: the default container has ss and no C2 traffic. */
function execAnswer(call: ExecCall): ExecAnswer {
  const cmd = call.command.join(' ');
  if (call.pod.startsWith('api-')) return cmd.startsWith('ss') ? { stdout: c2Ss } : { stdout: '' };
  if (call.pod.startsWith('noss-')) {
    if (cmd.startsWith('ss')) return { runtimeError: 'exec: "ss": executable file not found in $PATH: unknown' };
    if (cmd === 'cat /proc/net/tcp') return { stdout: procNetTcp([{ local: '10.0.0.7', localPort: 3000, remote: '10.0.0.1', remotePort: 443 }]) };
    if (cmd === 'cat /proc/net/tcp6') {
      const remote = call.pod.startsWith('noss-c2') ? '::ffff:142.11.206.9' : '::ffff:10.0.0.2';
      return { stdout: procNetTcp([{ local: '::ffff:10.0.0.7', localPort: 3001, remote, remotePort: 8000 }], true) };
    }
  }
  return cmd.startsWith('ss') ? { stdout: quietSs } : { stdout: '' };
}

function pod(name: string, namespace: string, owner: { kind: string; name: string } | undefined, containers = ['app']): KubeObject {
  return {
    metadata: { name, namespace, uid: name, ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, controller: true, uid: owner.name }] } : {}) },
    spec: { containers: containers.map((c) => ({ name: c, image: 'x' })) },
    status: { phase: 'Running', containerStatuses: containers.map((c) => ({ name: c, ready: true, image: 'x', imageID: 'x' })) },
  };
}

function workloadObject(name: string, namespace: string, image: string, extra: { labels?: Record<string, string>; pullPolicy?: string } = {}): KubeObject {
  return {
    metadata: { name, namespace, ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: { template: { metadata: {}, spec: { containers: [{ name: 'app', image, ...(extra.pullPolicy ? { imagePullPolicy: extra.pullPolicy } : {}) }] } } },
  };
}

describe.skipIf(!registryAvailable || !kubectl)('sbom-hunt contain, end to end', () => {
  let reg: TestRegistry;
  let api: KubeApi;
  let dir: string;
  let kubeconfig: string;
  let reportFile: string;
  const clean: Record<string, string> = {};

  async function push(repoTag: string, created: string, layers: LayerSpec[]): Promise<string> {
    const [repo, tag] = repoTag.split(':') as [string, string];
    const marker: LayerSpec = { files: [{ path: 'etc/image-name', content: `${repoTag}\n` }] };
    const layout = await buildImageLayout(join(dir, repoTag.replace(/[/:]/g, '_')), { ref: tag, platforms: [{ created, layers: [...layers, marker] }] });
    await pushOciLayout(reg.url, repo, layout.dir);
    return `${reg.host}/${repo}@${layout.indexDigest}`;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-e2e-contain-'));
    reg = await startRegistry();
    const base: LayerSpec = { files: npmPackageFiles('app/node_modules', 'lodash', '4.17.21') };
    const bad: LayerSpec = { files: npmPackageFiles('app/node_modules', 'axios', '1.14.1') };
    clean.fixed = await push('shop/web:2.0', '2026-04-02T10:00:00Z', [base]);
    clean.stale = await push('shop/stale:1.1', '2026-03-30T10:00:00Z', [base]);
    clean.still = await push('shop/still:1.0', '2026-04-02T10:00:00Z', [base, bad]);
    const shop = 'shop';
    const dep = (name: string) => ({ kind: 'ReplicaSet', name: `${name}-rs` });
    const rs = (name: string, ns = shop) => ({ metadata: { name: `${name}-rs`, namespace: ns, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, controller: true, uid: name }] } });
    const deployments = ['web', 'api', 'stale', 'still', 'noss', 'noss-c2', 'optout', 'tagged'];
    api = await startKubeApi({
      fixtureDir: join(dir, 'none'),
      exec: execAnswer,
      forbidExec: ['payments'],
      objects: {
        pods: [
          pod('web-rs-1', shop, dep('web')), pod('web-rs-2', shop, dep('web')),
          pod('api-rs-1', shop, dep('api')), pod('stale-rs-1', shop, dep('stale')), pod('still-rs-1', shop, dep('still')),
          pod('noss-rs-1', shop, dep('noss')), pod('noss-c2-rs-1', shop, dep('noss-c2')), pod('optout-rs-1', shop, dep('optout')),
          pod('tagged-rs-1', shop, dep('tagged')),
          pod('pay-rs-1', 'payments', { kind: 'ReplicaSet', name: 'pay-rs' }),
          pod('db-0', shop, { kind: 'StatefulSet', name: 'db' }),
          pod('agent-x1', 'infra', { kind: 'DaemonSet', name: 'agent' }),
          pod('migrate-1', shop, { kind: 'Job', name: 'migrate' }),
        ],
        replicasets: [...deployments.map((d) => rs(d)), rs('pay', 'payments')],
        deployments: [
          workloadObject('web', shop, clean.fixed!), workloadObject('api', shop, clean.fixed!), workloadObject('stale', shop, clean.stale!),
          workloadObject('still', shop, clean.still!), workloadObject('noss', shop, clean.fixed!), workloadObject('noss-c2', shop, clean.fixed!),
          workloadObject('optout', shop, clean.fixed!, { labels: { 'sbom-hunt.io/containment': 'disabled' } }),
          workloadObject('tagged', shop, `${reg.host}/shop/web:2.0`, { pullPolicy: 'IfNotPresent' }),
          workloadObject('pay', 'payments', clean.fixed!),
        ],
        statefulsets: [workloadObject('db', shop, clean.fixed!)],
        daemonsets: [workloadObject('agent', 'infra', clean.fixed!)],
      },
    });
    kubeconfig = await writeKubeconfig(join(dir, 'kubeconfig'), [{ name: 'prod', server: api.url }], 'prod');
    const workloads = [
      ...deployments.map((name) => ({ context: 'prod', namespace: shop, kind: 'Deployment', name, container: 'app', pods: 1 })),
      { context: 'prod', namespace: 'payments', kind: 'Deployment', name: 'pay', container: 'app', pods: 1 },
      { context: 'prod', namespace: shop, kind: 'StatefulSet', name: 'db', container: 'app', pods: 1 },
      { context: 'prod', namespace: 'infra', kind: 'DaemonSet', name: 'agent', container: 'app', pods: 1 },
      { context: 'prod', namespace: shop, kind: 'Job', name: 'migrate', container: 'app', pods: 1 },
    ];
    const ref = 'registry.example/shop/app@sha256:' + 'a'.repeat(64);
    const report = {
      schemaVersion: '1.0',
      tool: { name: 'sbom-hunt', version: '0.1.0' },
      generatedAt: '2026-04-01T00:00:00Z',
      summary: { images: 1, affected: 1, suspect: 0, unknown: 0, clean: 0, coverage: { checked: 1, total: 1, percent: 100 } },
      incidents: [{
        id: 'axios-2026-03', title: 'axios', windows: [{ start: '2026-03-31T00:21:00Z', end: '2026-03-31T03:29:00Z' }],
        indicators: ['sfrclak.com', '142.11.206.0/24', 'http://sfrclak.com:8000/6202033'],
        affected: [{ ref, why: 'axios@1.14.1', packages: [] }], suspect: [],
      }],
      images: [{ ref, verdict: 'affected', packageCount: 2, workloads, matches: [], platforms: [] }],
    };
    reportFile = join(dir, 'report.json');
    await writeFile(reportFile, JSON.stringify(report));
  }, 180_000);

  afterAll(async () => {
    await api?.close();
    await reg?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function contain(extra: string[]): Promise<{ code: number; report: ContainmentReport; stderr: string }> {
    const run = await runCli([
      'contain', '--report', reportFile, '--kubeconfig', kubeconfig, '--kubectl', kubectl!, '--insecure-registry', reg.host,
      '--sbom-sources', 'native', '--no-cache', '-f', 'json', '--resolve', 'sfrclak.com=142.11.206.73', ...extra,
    ]);
    expect(run.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
    return { code: run.code, report: JSON.parse(run.stdout) as ContainmentReport, stderr: run.stderr };
  }

  const plan = (r: ContainmentReport, kind: string, name: string): WorkloadPlan => {
    const w = r.workloads.find((x) => x.kind === kind && x.name === name);
    expect(w, `${kind} ${name} in the plan`).toBeDefined();
    return w!;
  };

  it('plans without acting: every gate is evaluated, nothing is patched', async () => {
    const before = api.patches.length;
    const { code, report } = await contain(['--exclude-namespace', 'infra']);
    expect(api.patches.length).toBe(before);
    expect(report.apply).toBe(false);
    // A live connection to the C2 range escalates (exit 1) and is never restarted.
    expect(code).toBe(1);
    const web = plan(report, 'Deployment', 'web');
    expect(web.decision).toBe('restart');
    expect(web.pods.map((p) => [p.pod, p.outcome, p.method])).toEqual([['web-rs-1', 'none', 'ss'], ['web-rs-2', 'none', 'ss']]);
    expect(web.replacement).toMatchObject({ ok: true, verdict: 'clean', created: '2026-04-02T10:00:00Z' });
    const apiPlan = plan(report, 'Deployment', 'api');
    expect(apiPlan.decision).toBe('escalate');
    expect(apiPlan.pods[0]!.connections).toEqual([
      { local: '10.0.0.6', localPort: 43211, remote: '142.11.206.73', remotePort: 8000, process: 'users:(("node",pid=1,fd=21))', indicators: ['sfrclak.com', '142.11.206.0/24', 'http://sfrclak.com:8000/6202033'] },
    ]);
    expect(plan(report, 'Deployment', 'stale')).toMatchObject({ decision: 'blocked' });
    expect(plan(report, 'Deployment', 'stale').reasons.join(' ')).toMatch(/built 2026-03-30T10:00:00Z, not after the window ended/);
    expect(plan(report, 'Deployment', 'still').reasons.join(' ')).toMatch(/template image .* is affected/);
    // No ss in the container: /proc/net/tcp and tcp6 through cat, IPv4-mapped peers read as IPv4.
    const noss = plan(report, 'Deployment', 'noss');
    expect(noss.decision).toBe('restart');
    expect(noss.pods[0]).toMatchObject({ outcome: 'none', method: 'proc-net-tcp', established: 2 });
    const nossC2 = plan(report, 'Deployment', 'noss-c2');
    expect(nossC2.decision).toBe('escalate');
    expect(nossC2.pods[0]!.connections[0]).toMatchObject({ remote: '142.11.206.9', remotePort: 8000 });
    // exec forbidden by RBAC: not checked, so not restarted.
    const pay = plan(report, 'Deployment', 'pay');
    expect(pay.decision).toBe('blocked');
    expect(pay.pods[0]).toMatchObject({ outcome: 'not-checked' });
    expect(pay.pods[0]!.reason).toMatch(/forbidden.*pods\/exec/);
    expect(plan(report, 'Deployment', 'optout').reasons.join(' ')).toMatch(/opted out/);
    expect(plan(report, 'Deployment', 'tagged').reasons.join(' ')).toMatch(/by tag with imagePullPolicy IfNotPresent/);
    expect(plan(report, 'StatefulSet', 'db').decision).toBe('restart');
    expect(plan(report, 'DaemonSet', 'agent').reasons.join(' ')).toMatch(/namespace infra is excluded/);
    expect(plan(report, 'Job', 'migrate').reasons.join(' ')).toMatch(/a Job is never restarted/);
  }, 120_000);

  it('--apply restarts exactly the workloads whose gates are all open, with the patch kubectl sends', async () => {
    api.patches.length = 0;
    const { code, report } = await contain(['--apply']);
    expect(code).toBe(1); // the escalations still need a person
    const patched = api.patches.map((p) => `${p.resource}/${p.namespace}/${p.name}`).sort();
    expect(patched).toEqual(['daemonsets/infra/agent', 'deployments/shop/noss', 'deployments/shop/web', 'statefulsets/shop/db']);
    for (const p of api.patches) {
      expect(p.contentType).toBe('application/strategic-merge-patch+json');
      expect(p.body).toMatchObject({ spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': expect.any(String) } } } } });
    }
    expect(plan(report, 'Deployment', 'web').action).toMatchObject({ applied: true });
    expect(plan(report, 'Deployment', 'api').action).toBeUndefined();
    expect(report.summary).toMatchObject({ restart: 4, restarted: 4, escalate: 2, failed: 0 });
  }, 120_000);

  it('a C2 domain nobody resolved closes the gate unless accepted, and no restart happens', async () => {
    api.patches.length = 0;
    const run = await runCli([
      'contain', '--report', reportFile, '--kubeconfig', kubeconfig, '--kubectl', kubectl!, '--insecure-registry', reg.host,
      '--sbom-sources', 'native', '--no-cache', '--namespace', 'shop', '--apply',
    ]);
    expect(api.patches).toEqual([]);
    expect(run.stdout).toMatch(/not checkable \(domains, no --resolve\): sfrclak\.com/);
    expect(run.stdout).toMatch(/BLOCKED  prod\/shop Deployment web/);
    expect(run.stdout).toMatch(/C2 domain\(s\) sfrclak\.com, http:\/\/sfrclak\.com:8000\/6202033 not checked/);
    expect(run.code).toBe(1);
  }, 120_000);

  it('every decision goes to PagerDuty: the escalation is critical and carries pods, containers and remote addresses', async () => {
    const receiver = await startAlertReceiver();
    try {
      const run = await runCli(
        [
          'contain', '--report', reportFile, '--kubeconfig', kubeconfig, '--kubectl', kubectl!, '--insecure-registry', reg.host,
          '--sbom-sources', 'native', '--no-cache', '--resolve', 'sfrclak.com=142.11.206.73', '--pagerduty-url', `${receiver.url}/v2/enqueue`,
        ],
        { env: { PAGERDUTY_ROUTING_KEY: 'r'.repeat(32) } },
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(1);
      const triggers = receiver.pagerduty.filter((e) => e.event_action === 'trigger');
      expect(triggers).toHaveLength(12);
      const escalation = triggers.find((e) => JSON.stringify(e).includes('api-rs-1')) as unknown as { payload: { severity: string; summary: string; custom_details: { containment: { decision: string; pods: { pod: string; connections: { remote: string }[] }[] } } } };
      expect(escalation.payload.severity).toBe('critical');
      expect(escalation.payload.summary).toMatch(/LIVE C2 connection from prod\/shop Deployment api/);
      expect(escalation.payload.custom_details.containment.decision).toBe('escalate');
      expect(escalation.payload.custom_details.containment.pods[0]).toMatchObject({ pod: 'api-rs-1', connections: [{ remote: '142.11.206.73' }] });
      expect(new Set(triggers.map((t) => (t as { dedup_key: string }).dedup_key)).size).toBe(12);
    } finally {
      await receiver.close();
    }
  }, 120_000);

  it('sweep --contain-apply contains the workloads a sweep newly finds affected, once', async () => {
    const running = await push('shop/live:1.0', '2026-03-31T01:00:00Z', [{ files: npmPackageFiles('app/node_modules', 'axios', '1.14.1') }]);
    const [repo, digest] = running.split('@') as [string, string];
    const live = await startKubeApi({
      fixtureDir: join(dir, 'none'),
      exec: () => ({ stdout: quietSs }),
      objects: {
        pods: [{
          metadata: { name: 'live-rs-1', namespace: 'shop', uid: 'l1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'live-rs', controller: true, uid: 'rs' }] },
          spec: { containers: [{ name: 'app', image: `${repo}:1.0` }] },
          status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, image: `${repo}:1.0`, imageID: `${repo}@${digest}` }] },
        }],
        replicasets: [{ metadata: { name: 'live-rs', namespace: 'shop', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'live', controller: true, uid: 'd' }] } }],
        deployments: [workloadObject('live', 'shop', clean.fixed!)],
      },
    });
    try {
      const kc = await writeKubeconfig(join(dir, 'kubeconfig-live'), [{ name: 'live', server: live.url }], 'live');
      const sweep = () => runCli([
        'sweep', 'kube:live', '--kubeconfig', kc, '--kubectl', kubectl!, '--insecure-registry', reg.host, '--sbom-sources', 'native', '--no-cache',
        '--state', join(dir, 'sweep-state.db'), '-f', 'json', '-o', join(dir, 'sweep.json'), '--contain-apply', '--resolve', 'sfrclak.com=142.11.206.73',
      ]);
      const first = await sweep();
      expect(first.stderr).toMatch(/RESTART  live\/shop Deployment live/);
      expect(first.stderr).toMatch(/sbom-hunt: contain: 1 workload\(s\): 0 escalate, 1 restarted/);
      expect(live.patches.map((p) => `${p.resource}/${p.namespace}/${p.name}`)).toEqual(['deployments/shop/live']);
      expect(first.code).toBe(1); // the finding itself still fails the default --fail-on affected
      // The next sweep finds nothing new: no second containment, no second restart.
      const second = await sweep();
      expect(second.stderr).not.toMatch(/sbom-hunt: contain:/);
      expect(live.patches).toHaveLength(1);
    } finally {
      await live.close();
    }
  }, 180_000);

  it('a restart the API server refuses is a failed action: named, exit 2, never reported as done', async () => {
    const refusing = await startKubeApi({
      fixtureDir: join(dir, 'none'),
      exec: () => ({ stdout: quietSs }),
      forbidPatch: ['shop'],
      objects: {
        pods: [pod('web-rs-1', 'shop', { kind: 'ReplicaSet', name: 'web-rs' })],
        replicasets: [{ metadata: { name: 'web-rs', namespace: 'shop', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', controller: true, uid: 'web' }] } }],
        deployments: [workloadObject('web', 'shop', clean.fixed!)],
      },
    });
    try {
      const kc = await writeKubeconfig(join(dir, 'kubeconfig-refusing'), [{ name: 'prod', server: refusing.url }], 'prod');
      const run = await runCli([
        'contain', '--report', reportFile, '--kubeconfig', kc, '--kubectl', kubectl!, '--insecure-registry', reg.host, '--sbom-sources', 'native',
        '--no-cache', '-f', 'json', '--resolve', 'sfrclak.com=142.11.206.73', '--namespace', 'shop', '--apply',
      ]);
      const report = JSON.parse(run.stdout) as ContainmentReport;
      const web = plan(report, 'Deployment', 'web');
      expect(web.decision).toBe('restart');
      expect(web.action).toMatchObject({ applied: false });
      expect(web.action?.message).toMatch(/forbidden.*patch.*deployments/);
      expect(refusing.patches).toHaveLength(1);
      expect(report.summary).toMatchObject({ restarted: 0, failed: 1 });
      expect(run.code).toBe(2);
    } finally {
      await refusing.close();
    }
  }, 120_000);
});
