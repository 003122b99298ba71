import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryKube, type KubeInventory, type KubeOptions } from '../../../src/inventory/kube/inventory.js';
import { kubeSource } from '../../../src/inventory/kube/source.js';
import type { Source } from '../../../src/inventory/source.js';
import { findKubectl, startKubeApi, writeKubeconfig, type KubeApi, type KubeApiOptions } from '../../helpers/kube-api.js';

const kubectl = findKubectl();

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/kube');
const dir = mkdtempSync(path.join(tmpdir(), 'kube-inventory-'));
process.env.KUBECACHEDIR = path.join(dir, 'cache');

const servers: KubeApi[] = [];
async function cluster(name: string, opts: Omit<KubeApiOptions, 'fixtureDir'> = {}): Promise<KubeApi> {
  const api = await startKubeApi({ fixtureDir: path.join(fixtures, name), ...opts });
  servers.push(api);
  return api;
}
afterAll(async () => {
  for (const s of servers) await s.close();
});

const refsOf = (inv: KubeInventory): string[] => inv.targets.map((t) => t.ref);
const tuning = { requestTimeoutMs: 5000, chunkSize: 500 };
let a: KubeApi;
let base: KubeOptions;

const WEB = 'ghcr.io/acme/web@sha256:4b5e57f6eb2f42b9039b3d1e13929295f231749c510cbe341cd68036d9af97e2';
const ACTIVE_A = [
  'docker.io/acme/api:2.0',
  expect.stringMatching(/^docker\.io\/envoyproxy\/envoy@sha256:/),
  expect.stringMatching(/^docker\.io\/library\/alpine@sha256:/),
  expect.stringMatching(/^docker\.io\/library\/busybox@sha256:/),
  expect.stringMatching(/^docker\.io\/library\/postgres@sha256:/),
  expect.stringMatching(/^ghcr\.io\/acme\/migrate@sha256:/),
  WEB,
  expect.stringMatching(/^quay\.io\/acme\/node-agent@sha256:/),
  expect.stringMatching(/^registry\.example\.com:5000\/batch\/report@sha256:/),
  'registry.k8s.io/coredns/coredns:v1.11.1',
  'registry.k8s.io/etcd:3.5.12-0',
];

beforeAll(async () => {
  if (!kubectl) return;
  a = await cluster('cluster-a');
  const b = await cluster('cluster-b');
  const kubeconfig = await writeKubeconfig(path.join(dir, 'config'), [
    { name: 'prod-eu', server: a.url },
    { name: 'prod-us', server: b.url },
  ], 'prod-eu');
  base = { kubectl: kubectl!, kubeconfig, tuning };
});

describe.skipIf(!kubectl)('inventoryKube on the current context', () => {
  let inv: KubeInventory;
  beforeAll(async () => {
    inv = await inventoryKube(base);
  });

  it('finds one registry target per running image, nothing hidden', () => {
    expect(inv.errors).toEqual([]);
    expect(inv.inputErrors).toEqual([]);
    expect(refsOf(inv)).toEqual(ACTIVE_A);
    expect(inv.targets.find((t) => t.ref === WEB)).toEqual({
      kind: 'registry',
      ref: WEB,
      registry: 'ghcr.io',
      repository: 'acme/web',
      digest: 'sha256:4b5e57f6eb2f42b9039b3d1e13929295f231749c510cbe341cd68036d9af97e2',
    });
  });

  it('counts the pods of a Deployment reached through its ReplicaSet, across imageID forms of one digest', () => {
    expect(inv.workloads.get(WEB)).toEqual([{ context: 'prod-eu', namespace: 'shop', kind: 'Deployment', name: 'web', container: 'web', pods: 2 }]);
  });

  it('names each workload kind', () => {
    const kinds = new Map([...inv.workloads.values()].flat().map((w) => [`${w.namespace}/${w.container}`, `${w.kind}/${w.name}`]));
    expect(Object.fromEntries(kinds)).toEqual({
      'shop/web': 'Deployment/web',
      'shop/migrate': 'Deployment/web',
      'shop/debugger': 'Deployment/web',
      'shop/api': 'Deployment/api',
      'shop/envoy': 'Deployment/api',
      'batch/report': 'CronJob/report',
      'data/postgres': 'StatefulSet/pg',
      'kube-system/agent': 'DaemonSet/node-agent',
      'kube-system/etcd': 'StaticPod/etcd-cp-1',
      'kube-system/coredns': 'Deployment/coredns',
      'default/sh': 'Pod/toolbox',
    });
  });

  it('says why a tag-resolved image may not be what runs', () => {
    expect([...inv.notes.keys()].sort()).toEqual(['docker.io/acme/api:2.0', 'registry.k8s.io/coredns/coredns:v1.11.1', 'registry.k8s.io/etcd:3.5.12-0']);
    expect(inv.notes.get('registry.k8s.io/etcd:3.5.12-0')).toEqual([
      'the node reports only the image config id sha256:90cd4c81e59f50694361f2addaa2bf3492448acec7d23c9eab321707f6e44cfb (image preloaded or built on the node), not a registry digest; resolved from the tag in the pod spec (registry.k8s.io/etcd:3.5.12-0), so the running digest may differ from what the tag points to now',
    ]);
    expect(inv.notes.get('docker.io/acme/api:2.0')![0]).toMatch(/has not started/);
  });

  it('keeps the config id a node reported for a tag-resolved image, so acquisition can confirm it', () => {
    expect(Object.fromEntries(inv.configDigests)).toEqual({
      'registry.k8s.io/etcd:3.5.12-0': ['sha256:90cd4c81e59f50694361f2addaa2bf3492448acec7d23c9eab321707f6e44cfb'],
    });
  });

  it('lists ReplicaSets and Jobs once, cluster-wide, and no other kind', () => {
    const lists = a.requests.map((r) => r.path).filter((p) => !['/version', '/api', '/apis', '/api/v1', '/apis/apps/v1', '/apis/batch/v1'].includes(p));
    expect([...new Set(lists)].sort()).toEqual(['/api/v1/pods', '/apis/apps/v1/replicasets', '/apis/batch/v1/jobs']);
    expect(lists.filter((p) => p === '/apis/apps/v1/replicasets')).toHaveLength(1);
  });
});

describe.skipIf(!kubectl)('inventoryKube options', () => {
  it('reads two contexts and merges a digest both run', async () => {
    const inv = await inventoryKube({ ...base, contexts: ['prod-eu', 'prod-us'] });
    expect(inv.errors).toEqual([]);
    expect(inv.targets).toHaveLength(ACTIVE_A.length + 1);
    expect(inv.workloads.get(WEB)).toEqual([
      { context: 'prod-eu', namespace: 'shop', kind: 'Deployment', name: 'web', container: 'web', pods: 2 },
      { context: 'prod-us', namespace: 'shop', kind: 'Deployment', name: 'web', container: 'web', pods: 1 },
    ]);
    const all = await inventoryKube({ ...base, allContexts: true });
    expect(refsOf(all)).toEqual(refsOf(inv));
  });

  it('gives the same result when kubectl pages two pods at a time', async () => {
    const before = a.requests.length;
    const paged = await inventoryKube({ ...base, tuning: { ...tuning, chunkSize: 2 } });
    expect(a.requests.slice(before).filter((r) => r.path === '/api/v1/pods')).toHaveLength(6);
    expect(refsOf(paged)).toEqual(ACTIVE_A);
  });

  it('leaves finished pods out unless asked', async () => {
    const inv = await inventoryKube({ ...base, includeTerminated: true });
    expect(inv.targets).toHaveLength(ACTIVE_A.length + 2);
    const extra = refsOf(inv).filter((r) => /batch\/(oneoff|report)@/.test(r));
    expect(extra).toHaveLength(3);
    const oneoff = extra.find((r) => r.includes('oneoff'))!;
    expect(inv.workloads.get(oneoff)).toEqual([{ context: 'prod-eu', namespace: 'batch', kind: 'Job', name: 'oneoff', container: 'oneoff', pods: 1 }]);
    const reports = extra.filter((r) => r.includes('report')).map((r) => inv.workloads.get(r)![0]!.name);
    expect(reports).toEqual(['report', 'report']);
  });

  it('narrows to namespaces and a label selector', async () => {
    const inv = await inventoryKube({ ...base, namespaces: ['shop'], selector: 'app=web' });
    expect(inv.errors).toEqual([]);
    expect(refsOf(inv).map((r) => r.split('@')[0])).toEqual(['docker.io/library/busybox', 'ghcr.io/acme/migrate', 'ghcr.io/acme/web']);
  });
});

describe.skipIf(!kubectl)('inventoryKube when things go wrong', () => {
  async function with403(opts: Omit<KubeApiOptions, 'fixtureDir'>): Promise<{ inv: KubeInventory; api: KubeApi }> {
    const api = await cluster('cluster-a', opts);
    const kubeconfig = await writeKubeconfig(path.join(dir, `rbac-${servers.length}`), [{ name: 'limited', server: api.url }], 'limited');
    return { inv: await inventoryKube({ ...base, kubeconfig }), api };
  }

  it('falls back to namespace by namespace when cluster-wide listing is forbidden, and says what was not seen', async () => {
    const { inv, api } = await with403({ forbidClusterPods: true, forbidNamespaces: ['kube-system'] });
    expect(inv.errors).toEqual([
      'kubectl: context "limited": forbidden: user "system:serviceaccount:ir:sbom-hunt" may not list pods at the cluster scope (missing RBAC permission: verb "list" on "pods" in API group "core", granted by a ClusterRole bound with a ClusterRoleBinding); listed pods namespace by namespace instead (5 namespace(s))',
      expect.stringMatching(/^kubectl: context "limited": forbidden: .* may not list pods in namespace "kube-system" .*; pods of namespace "kube-system" were not seen$/),
    ]);
    expect(refsOf(inv).some((r) => r.includes('node-agent') || r.includes('etcd'))).toBe(false);
    expect(refsOf(inv)).toContain(WEB);
    expect(inv.workloads.get(WEB)![0]).toMatchObject({ kind: 'Deployment', name: 'web', pods: 2 });
    expect(api.requests.map((r) => r.path)).toContain('/apis/apps/v1/namespaces/shop/replicasets');
  });

  it('asks for --namespace when namespaces cannot be listed either', async () => {
    const { inv } = await with403({ forbidClusterPods: true, forbidNamespaceList: true });
    expect(inv.targets).toEqual([]);
    expect(inv.errors).toHaveLength(1);
    expect(inv.errors[0]).toMatch(/at the cluster scope .*listing namespaces failed too .*may not list namespaces.*: name the namespaces you may read with --namespace$/);
  });

  it('keeps the ReplicaSet as the workload when ReplicaSets cannot be read', async () => {
    const { inv } = await with403({ forbidResources: ['replicasets'] });
    expect(inv.workloads.get(WEB)![0]).toMatchObject({ kind: 'ReplicaSet', name: 'web-7d4b9c' });
    expect(inv.errors).toEqual([expect.stringMatching(/may not list replicasets at the cluster scope .*; workloads there are shown as the ReplicaSet, not its owner$/)]);
  });

  it('reports an unknown context as the user\'s mistake and reads the others', async () => {
    const inv = await inventoryKube({ ...base, contexts: ['nope', 'prod-us'] });
    expect(inv.inputErrors).toEqual(['kube:nope: no context "nope" in the kubeconfig (it has: prod-eu, prod-us)']);
    expect(inv.targets.map((t) => t.ref.split('@')[0])).toEqual(['ghcr.io/acme/web', 'ghcr.io/acme/web']);
  });

  it('refuses a namespace name that cannot exist before running kubectl', async () => {
    const argvs: string[][] = [];
    const inv = await inventoryKube({ ...base, namespaces: ['shop', '--all-namespaces'], tuning: { ...tuning, onCommand: (x) => argvs.push([...x]) } });
    expect(inv.inputErrors).toEqual(['kube: --namespace "--all-namespaces" is not a namespace name (lower-case letters, digits, "-"; at most 63)']);
    expect(argvs).toEqual([]);
  });

  it('says kubectl is missing', async () => {
    const inv = await inventoryKube({ ...base, kubectl: '/nonexistent/kubectl' });
    expect(inv.inputErrors).toEqual(['kubectl: kubectl not found at /nonexistent/kubectl: install it or name it with --kubectl PATH']);
    expect(inv.targets).toEqual([]);
  });

  it('says the API server is down, without a stack', async () => {
    const down = await startKubeApi({ fixtureDir: path.join(fixtures, 'cluster-b') });
    await down.close();
    const kubeconfig = await writeKubeconfig(path.join(dir, 'down'), [{ name: 'down', server: down.url }], 'down');
    const inv = await inventoryKube({ ...base, kubeconfig });
    expect(inv.targets).toEqual([]);
    expect(inv.errors).toEqual([expect.stringMatching(/^kubectl: context "down": the API server is not answering \([^\n]*\)$/)]);
    expect(inv.errors[0]).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });
});

describe.skipIf(!kubectl)('inventoryKube inside a pod', () => {
  it('runs kubectl with no --context when there is no kubeconfig but a service host', async () => {
    const saved = { ...process.env };
    const argvs: string[][] = [];
    try {
      process.env.HOME = mkdtempSync(path.join(dir, 'home-'));
      delete process.env.KUBECONFIG;
      process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
      process.env.KUBERNETES_SERVICE_PORT = '1';
      const inv = await inventoryKube({ kubectl: kubectl!, tuning: { ...tuning, requestTimeoutMs: 2000, onCommand: (a) => argvs.push([...a]) } });
      expect(inv.inputErrors).toEqual([]);
      expect(argvs.map((a) => a.slice(1, 3))).toEqual([['--request-timeout=2s', 'config'], ['--request-timeout=2s', 'get']]);
      // No service account token exists here, so kubectl cannot reach an API server; the error says whose view failed.
      expect(inv.errors).toEqual([expect.stringMatching(/^kubectl: in-cluster service account: /)]);
    } finally {
      for (const key of ['HOME', 'KUBECONFIG', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });
});

describe.skipIf(!kubectl)('kubeSource', () => {
  it('is the kube: scheme; an empty spec is the current context, a spec names contexts', async () => {
    const source = kubeSource(base) satisfies Source;
    expect(source.scheme).toBe('kube');
    const current = await source.inventory('', { insecureRegistries: [] });
    expect(current.targets.map((t) => t.ref)).toEqual(ACTIVE_A);
    const named = await source.inventory('prod-us', { insecureRegistries: [] });
    expect(named.targets.map((t) => t.ref.split('@')[0])).toEqual(['ghcr.io/acme/web', 'ghcr.io/acme/web']);
    expect(source.seen.workloads.get(WEB)!.map((w) => `${w.context}:${w.pods}`)).toEqual(['prod-eu:2', 'prod-us:1']);
    expect(source.seen.notes.get('registry.k8s.io/etcd:3.5.12-0')).toHaveLength(1);
  });

  it('does not count pods twice when one context is named twice', async () => {
    const source = kubeSource(base);
    await source.inventory('', { insecureRegistries: [] });
    await source.inventory('prod-eu', { insecureRegistries: [] });
    expect(source.seen.workloads.get(WEB)).toEqual([{ context: 'prod-eu', namespace: 'shop', kind: 'Deployment', name: 'web', container: 'web', pods: 2 }]);
  });
});
