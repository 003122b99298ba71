import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KubectlError,
  classifyFailure,
  currentContext,
  getOwners,
  getPods,
  listContexts,
  runKubectl,
  type KubectlOptions,
} from '../../src/adapters/kubectl.js';
import { findKubectl, startKubeApi, writeKubeconfig, type KubeApi } from '../helpers/kube-api.js';

const kubectl = findKubectl();

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/kube');
const dir = mkdtempSync(path.join(tmpdir(), 'kubectl-test-'));
// kubectl caches discovery under the home directory; keep the tests' fake servers out of the user's cache.
process.env.KUBECACHEDIR = path.join(dir, 'cache');

describe('classifyFailure', () => {
  it.each([
    [
      'Error from server (Forbidden): pods is forbidden: User "x" cannot list resource "pods" in API group "" at the cluster scope',
      'forbidden',
      /user "x" may not list pods at the cluster scope \(missing RBAC permission: verb "list" on "pods" in API group "core", granted by a ClusterRole bound with a ClusterRoleBinding\)/,
    ],
    [
      'Error from server (Forbidden): replicasets.apps is forbidden: User "system:serviceaccount:ir:hunt" cannot list resource "replicasets" in API group "apps" in the namespace "shop"',
      'forbidden',
      /may not list replicasets in namespace "shop" \(missing RBAC permission: verb "list" on "replicasets" in API group "apps"/,
    ],
    ['Error in configuration: context was not found for specified context: nope', 'unknown-context', /context "c1" is not in the kubeconfig/],
    ['error: context "nope" does not exist', 'unknown-context', /not in the kubeconfig/],
    [
      'E1124 01:09:03.224164 11299 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list"\nThe connection to the server 127.0.0.1:45105 was refused - did you specify the right host or port?',
      'unreachable',
      /context "c1": the API server is not answering \(The connection to the server 127\.0\.0\.1:45105 was refused/,
    ],
    ['Unable to connect to the server: dial tcp: lookup api.example.invalid: no such host', 'unreachable', /not answering/],
    ['Unable to connect to the server: net/http: request canceled (Client.Timeout exceeded while awaiting headers)', 'timeout', /did not answer in time/],
    ['error: You must be logged in to the server (Unauthorized)', 'unauthorized', /rejected the credentials/],
    ['error: the server doesn\'t have a resource type "pods"', 'failed', /context "c1": the server doesn't have a resource type "pods"$/],
  ])('%s', (stderr, reason, text) => {
    const err = classifyFailure(stderr, 'c1', 1);
    expect(err).toBeInstanceOf(KubectlError);
    expect(err.reason).toBe(reason);
    expect(err.message).toMatch(/^kubectl: /);
    expect(err.message).toMatch(text);
  });

  it('keeps the refused permission as data', () => {
    const err = classifyFailure('Error from server (Forbidden): jobs.batch is forbidden: User "u" cannot list resource "jobs" in API group "batch" in the namespace "ns1"', 'c1');
    expect(err.forbidden).toEqual({ user: 'u', verb: 'list', resource: 'jobs', group: 'batch', namespace: 'ns1' });
  });
});

describe('runKubectl without kubectl', () => {
  it('says kubectl is missing and how to name it', async () => {
    const err = await runKubectl(['version'], { kubectl: path.join(dir, 'no-such-kubectl') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubectlError);
    expect((err as KubectlError).reason).toBe('missing');
    expect((err as KubectlError).message).toBe(`kubectl: kubectl not found at ${path.join(dir, 'no-such-kubectl')}: install it or name it with --kubectl PATH`);
  });
});

describe.skipIf(!kubectl)('the real kubectl against a fake API server', () => {
  let a: KubeApi;
  let b: KubeApi;
  let kc: KubectlOptions;
  let argvs: string[][];

  beforeAll(async () => {
    a = await startKubeApi({ fixtureDir: path.join(fixtures, 'cluster-a'), forbidNamespaces: ['kube-system'] });
    b = await startKubeApi({ fixtureDir: path.join(fixtures, 'cluster-b'), forbidClusterPods: true });
    const kubeconfig = await writeKubeconfig(path.join(dir, 'config'), [
      { name: 'prod-eu', server: a.url, token: 'tok-eu-secret' },
      { name: 'prod-us', server: b.url },
    ], 'prod-eu');
    argvs = [];
    kc = { kubectl: kubectl!, kubeconfig, requestTimeoutMs: 5000, chunkSize: 3, onCommand: (argv) => argvs.push([...argv]) };
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('lists contexts and the current one', async () => {
    expect(await listContexts(kc)).toEqual(['prod-eu', 'prod-us']);
    expect(await currentContext(kc)).toBe('prod-eu');
    const none = await writeKubeconfig(path.join(dir, 'no-current'), [{ name: 'x', server: a.url }]);
    expect(await currentContext({ ...kc, kubeconfig: none })).toBeUndefined();
  });

  it('pages the pod list with --chunk-size and merges the pages', async () => {
    const before = a.requests.length;
    const list = (await getPods({ context: 'prod-eu' }, kc)) as { items: unknown[] };
    expect(list.items).toHaveLength(11);
    const pages = a.requests.slice(before).filter((r) => r.path === '/api/v1/pods');
    expect(pages.map((r) => r.query.limit)).toEqual(['3', '3', '3', '3']);
    expect(pages.filter((r) => r.query.continue !== undefined)).toHaveLength(3);
  });

  it('passes namespace and selector as separate arguments, and no credential on the command line', async () => {
    argvs.length = 0;
    const list = (await getPods({ context: 'prod-eu', namespace: 'shop', selector: 'app=web' }, kc)) as { items: unknown[] };
    expect(list.items).toHaveLength(2);
    expect(argvs).toEqual([
      [kubectl, `--kubeconfig=${kc.kubeconfig}`, '--context=prod-eu', '--request-timeout=5s', 'get', 'pods', '-o', 'json', '--chunk-size=3', '--namespace=shop', '--selector=app=web'],
    ]);
    expect(argvs.flat().join(' ')).not.toContain('tok-eu-secret');
  });

  it('lists owners of one kind in one namespace', async () => {
    const list = (await getOwners('jobs', { context: 'prod-eu', namespace: 'batch' }, kc)) as { items: { metadata: { name: string } }[] };
    expect(list.items.map((j) => j.metadata.name)).toEqual(['report-28566720', 'report-28566705', 'oneoff']);
  });

  it('turns RBAC refusals into the missing permission, at cluster and namespace scope', async () => {
    const cluster = await getPods({ context: 'prod-us' }, kc).catch((e: unknown) => e as KubectlError);
    expect(cluster).toBeInstanceOf(KubectlError);
    expect((cluster as KubectlError).forbidden).toEqual({ user: 'system:serviceaccount:ir:sbom-hunt', verb: 'list', resource: 'pods', group: '' });
    const ns = await getPods({ context: 'prod-eu', namespace: 'kube-system' }, kc).catch((e: unknown) => e as KubectlError);
    expect((ns as KubectlError).message).toMatch(/context "prod-eu": forbidden: .* may not list pods in namespace "kube-system"/);
  });

  it('says a context is unknown, even one that looks like a flag', async () => {
    const err = await getPods({ context: 'nope' }, kc).catch((e: unknown) => e as KubectlError);
    expect((err as KubectlError).reason).toBe('unknown-context');
    const dashed = await getPods({ context: '--server=http://127.0.0.1:1' }, kc).catch((e: unknown) => e as KubectlError);
    expect((dashed as KubectlError).reason).toBe('unknown-context');
  });

  it('says the API server is down, in one line', async () => {
    const down = await startKubeApi({ fixtureDir: path.join(fixtures, 'cluster-b') });
    await down.close();
    const kubeconfig = await writeKubeconfig(path.join(dir, 'down'), [{ name: 'down', server: down.url }], 'down');
    const err = await getPods({ context: 'down' }, { ...kc, kubeconfig }).catch((e: unknown) => e as KubectlError);
    expect((err as KubectlError).reason).toBe('unreachable');
    expect((err as KubectlError).message).toMatch(/^kubectl: context "down": the API server is not answering \(/);
    expect((err as KubectlError).message).not.toContain('\n');
  });

  it('says the API server did not answer in time', async () => {
    const slow = await startKubeApi({ fixtureDir: path.join(fixtures, 'cluster-b'), delayMs: 4000 });
    try {
      const kubeconfig = await writeKubeconfig(path.join(dir, 'slow'), [{ name: 'slow', server: slow.url }], 'slow');
      const err = await getPods({ context: 'slow' }, { ...kc, kubeconfig, requestTimeoutMs: 1000 }).catch((e: unknown) => e as KubectlError);
      expect((err as KubectlError).reason).toBe('timeout');
      const whole = await getPods({ context: 'slow' }, { ...kc, kubeconfig, timeoutMs: 1500 }).catch((e: unknown) => e as KubectlError);
      expect((whole as KubectlError).message).toBe('kubectl: context "slow": kubectl did not finish within 2 s');
    } finally {
      await slow.close();
    }
  });
});
