// A small Kubernetes API server over plain HTTP, serving fixtures to the real kubectl: discovery, paged lists, RBAC refusals.
import { once } from 'node:events';
import { readFileSync, existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface KubeApiOptions {
  /** Folder with pods.json and optionally replicasets.json, jobs.json (Lists shaped like the API's). */
  fixtureDir: string;
  /** Refuse pod listing across all namespaces with a 403 Status, as RBAC does for a namespaced Role. */
  forbidClusterPods?: boolean;
  /** Namespaces whose pods are refused too. */
  forbidNamespaces?: string[];
  /** Refuse listing namespaces. */
  forbidNamespaceList?: boolean;
  /** Refuse every list of these resources (e.g. `replicasets`). */
  forbidResources?: string[];
  /** The user named in refusals. */
  user?: string;
  /** Wait before answering list requests, to make kubectl time out. */
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
}

export interface KubeApi {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

type Obj = { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } } & Record<string, unknown>;

const KINDS: Record<string, { group: string; kind: string; file: string }> = {
  pods: { group: '', kind: 'Pod', file: 'pods.json' },
  replicasets: { group: 'apps/v1', kind: 'ReplicaSet', file: 'replicasets.json' },
  jobs: { group: 'batch/v1', kind: 'Job', file: 'jobs.json' },
};

function readItems(dir: string, file: string): Obj[] {
  const full = path.join(dir, file);
  if (!existsSync(full)) return [];
  const list = JSON.parse(readFileSync(full, 'utf8')) as { items?: Obj[] };
  return list.items ?? [];
}

function resourceList(groupVersion: string, resources: [string, string, boolean][]): unknown {
  return {
    kind: 'APIResourceList',
    groupVersion,
    resources: resources.map(([name, kind, namespaced]) => ({ name, singularName: kind.toLowerCase(), namespaced, kind, verbs: ['get', 'list', 'watch'] })),
  };
}

function group(name: string): unknown {
  const gv = { groupVersion: `${name}/v1`, version: 'v1' };
  return { name, versions: [gv], preferredVersion: gv };
}

const DISCOVERY: Record<string, unknown> = {
  '/version': { major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' },
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] },
  '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [group('apps'), group('batch')] },
  '/api/v1': resourceList('v1', [['pods', 'Pod', true], ['namespaces', 'Namespace', false]]),
  '/apis/apps/v1': resourceList('apps/v1', [['replicasets', 'ReplicaSet', true], ['deployments', 'Deployment', true], ['statefulsets', 'StatefulSet', true], ['daemonsets', 'DaemonSet', true]]),
  '/apis/batch/v1': resourceList('batch/v1', [['jobs', 'Job', true], ['cronjobs', 'CronJob', true]]),
};

const LIST_RE = /^\/(?:api\/v1|apis\/(?:apps|batch)\/v1)(?:\/namespaces\/([^/]+))?\/(pods|replicasets|jobs|namespaces)$/;

/** Equality, inequality and existence terms: the selector forms a scanner's users type. */
function matchesSelector(labels: Record<string, string>, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const m = /^([^!=]+)(!=|==|=)?(.*)$/.exec(term.trim());
    if (!m) return false;
    const [, key = '', op, value] = m;
    if (!op) return key in labels;
    return op === '!=' ? labels[key] !== value : labels[key] === value;
  });
}

function forbidden(res: http.ServerResponse, user: string, resource: string, group: string, namespace?: string): void {
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const message = `${resource} is forbidden: User "${user}" cannot list resource "${resource}" in API group "${group}" ${scope}`;
  send(res, 403, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', details: { kind: resource }, code: 403 });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** One page of a list: the continue token is the offset, as opaque to kubectl as the real one. */
function page(items: Obj[], kind: string, apiVersion: string, query: Record<string, string>): unknown {
  const start = query.continue ? Number(Buffer.from(query.continue, 'base64url').toString()) : 0;
  const limit = query.limit ? Number(query.limit) : items.length;
  const slice = items.slice(start, start + limit);
  const next = start + limit < items.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
  const metadata = { resourceVersion: '4242', ...(next ? { continue: next, remainingItemCount: items.length - start - limit } : {}) };
  return { kind: `${kind}List`, apiVersion, metadata, items: slice };
}

export async function startKubeApi(opts: KubeApiOptions): Promise<KubeApi> {
  const requests: RecordedRequest[] = [];
  const user = opts.user ?? 'system:serviceaccount:ir:sbom-hunt';
  const data = Object.fromEntries(Object.entries(KINDS).map(([r, k]) => [r, readItems(opts.fixtureDir, k.file)]));
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    const discovery = DISCOVERY[url.pathname];
    if (discovery) return send(res, 200, discovery);
    const m = LIST_RE.exec(url.pathname);
    if (!m) return send(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 });
    const [, namespace, resource = ''] = m;
    const answer = (): void => serveList(res, { namespace, resource, query, data, user, opts });
    if (opts.delayMs) setTimeout(answer, opts.delayMs);
    else answer();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

interface ListCall {
  namespace: string | undefined;
  resource: string;
  query: Record<string, string>;
  data: Record<string, Obj[]>;
  user: string;
  opts: KubeApiOptions;
}

function serveList(res: http.ServerResponse, c: ListCall): void {
  const { namespace, resource, query, opts } = c;
  if (resource === 'namespaces') {
    if (opts.forbidNamespaceList) return forbidden(res, c.user, 'namespaces', '');
    const names = [...new Set((c.data.pods ?? []).map((p) => p.metadata?.namespace ?? 'default'))].sort();
    return send(res, 200, page(names.map((name) => ({ metadata: { name } })), 'Namespace', 'v1', query));
  }
  const def = KINDS[resource]!;
  if (opts.forbidResources?.includes(resource)) return forbidden(res, c.user, resource, def.group.split('/')[0] ?? '', namespace);
  if (resource === 'pods' && !namespace && opts.forbidClusterPods) return forbidden(res, c.user, 'pods', '');
  if (resource === 'pods' && namespace && opts.forbidNamespaces?.includes(namespace)) return forbidden(res, c.user, 'pods', '', namespace);
  const items = (c.data[resource] ?? []).filter(
    (o) => (!namespace || o.metadata?.namespace === namespace) && matchesSelector(o.metadata?.labels ?? {}, query.labelSelector),
  );
  send(res, 200, page(items, def.kind, def.group || 'v1', query));
}

export interface KubeconfigContext {
  name: string;
  server: string;
  /** A bearer token kubectl sends from the kubeconfig file, never from the command line. */
  token?: string;
}

/** Writes a kubeconfig with one cluster and one user per context; returns its path. */
export async function writeKubeconfig(file: string, contexts: KubeconfigContext[], current?: string): Promise<string> {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': current ?? '',
    clusters: contexts.map((c) => ({ name: `${c.name}-cluster`, cluster: { server: c.server } })),
    users: contexts.map((c) => ({ name: `${c.name}-user`, user: c.token ? { token: c.token } : {} })),
    contexts: contexts.map((c) => ({ name: c.name, context: { cluster: `${c.name}-cluster`, user: `${c.name}-user` } })),
  };
  // JSON is YAML, and kubectl reads it as such.
  await writeFile(file, JSON.stringify(doc, null, 2));
  return file;
}

/**
 * The real kubectl the tests drive: $SBOM_HUNT_TEST_KUBECTL, else the first `kubectl` on PATH, else /usr/bin/kubectl.
 * Undefined when there is none; suites then skip and say so (Debian's `kubernetes-client` package provides one).
 */
export function findKubectl(): string | undefined {
  const candidates = [
    process.env.SBOM_HUNT_TEST_KUBECTL,
    ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, 'kubectl')),
    '/usr/bin/kubectl',
  ];
  const found = candidates.find((c): c is string => !!c && existsSync(c));
  if (!found) console.log('kube tests: skipped, no kubectl (set SBOM_HUNT_TEST_KUBECTL or install kubectl / kubernetes-client)');
  return found;
}
