// A small Kubernetes API server over plain HTTP, serving fixtures to the real kubectl: discovery, paged lists, RBAC refusals.
import { once } from 'node:events';
import { readFileSync, existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { acceptWebSocket, channelFrame, closeFrame } from './websocket.js';

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
  /** Objects by resource (`pods`, `deployments`, ...), in place of or added to the fixture folder's files. */
  objects?: Partial<Record<string, Obj[]>>;
  /** Plays a container's answer to `kubectl exec` (over the v5.channel.k8s.io WebSocket protocol). */
  exec?: (call: ExecCall) => ExecAnswer;
  /** Refuse `pods/exec` in these namespaces (or `namespace/pod`), as RBAC does. */
  forbidExec?: string[];
  /** Refuse `patch` of workloads in these namespaces. */
  forbidPatch?: string[];
}

export interface ExecCall {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
}

/** What the container answers: output and an exit code, or the runtime's own failure (a missing binary). */
export interface ExecAnswer {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  /** The runtime could not start the process: the message containerd gives, sent as an InternalError Status. */
  runtimeError?: string;
}

export interface RecordedPatch {
  resource: string;
  namespace: string;
  name: string;
  contentType: string;
  body: unknown;
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
  /** Every exec the server was asked for, refused ones included. */
  execs: (ExecCall & { refused: boolean })[];
  patches: RecordedPatch[];
  close(): Promise<void>;
}

export type KubeObject = Obj;
type Obj = { metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } & Record<string, unknown> } & Record<string, unknown>;

const KINDS: Record<string, { group: string; kind: string; file: string }> = {
  pods: { group: '', kind: 'Pod', file: 'pods.json' },
  replicasets: { group: 'apps/v1', kind: 'ReplicaSet', file: 'replicasets.json' },
  jobs: { group: 'batch/v1', kind: 'Job', file: 'jobs.json' },
  deployments: { group: 'apps/v1', kind: 'Deployment', file: 'deployments.json' },
  statefulsets: { group: 'apps/v1', kind: 'StatefulSet', file: 'statefulsets.json' },
  daemonsets: { group: 'apps/v1', kind: 'DaemonSet', file: 'daemonsets.json' },
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
    resources: resources.map(([name, kind, namespaced]) => ({ name, singularName: kind.toLowerCase(), namespaced, kind, verbs: ['get', 'list', 'watch', 'patch'] })),
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
  '/api/v1': resourceList('v1', [['pods', 'Pod', true], ['pods/exec', 'PodExecOptions', true], ['namespaces', 'Namespace', false]]),
  '/apis/apps/v1': resourceList('apps/v1', [['replicasets', 'ReplicaSet', true], ['deployments', 'Deployment', true], ['statefulsets', 'StatefulSet', true], ['daemonsets', 'DaemonSet', true]]),
  '/apis/batch/v1': resourceList('batch/v1', [['jobs', 'Job', true], ['cronjobs', 'CronJob', true]]),
};

const LIST_RE = /^\/(?:api\/v1|apis\/(?:apps|batch)\/v1)(?:\/namespaces\/([^/]+))?\/(pods|replicasets|jobs|deployments|statefulsets|daemonsets|namespaces)$/;
const ONE_RE = /^\/(?:api\/v1|apis\/(?:apps|batch)\/v1)\/namespaces\/([^/]+)\/(pods|replicasets|jobs|deployments|statefulsets|daemonsets)\/([^/]+)$/;
const EXEC_RE = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;

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
  const execs: KubeApi['execs'] = [];
  const patches: RecordedPatch[] = [];
  const user = opts.user ?? 'system:serviceaccount:ir:sbom-hunt';
  const data = Object.fromEntries(
    Object.entries(KINDS).map(([r, k]) => [r, [...readItems(opts.fixtureDir, k.file), ...(opts.objects?.[r] ?? [])]]),
  );
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    const discovery = DISCOVERY[url.pathname];
    if (discovery) return send(res, 200, discovery);
    if (EXEC_RE.test(url.pathname)) return refuseSpdyExec(req, res, url, { user, opts, execs });
    const one = ONE_RE.exec(url.pathname);
    if (one) return serveOne(req, res, { namespace: one[1]!, resource: one[2]!, name: decodeURIComponent(one[3]!) }, { data, user, opts, patches });
    const m = LIST_RE.exec(url.pathname);
    if (!m) return notFound(res, 'the server could not find the requested resource');
    const [, namespace, resource = ''] = m;
    const answer = (): void => serveList(res, { namespace, resource, query, data, user, opts });
    if (opts.delayMs) setTimeout(answer, opts.delayMs);
    else answer();
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => serveExecUpgrade(req, socket, { user, opts, execs }));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    execs,
    patches,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

function notFound(res: http.ServerResponse, message: string): void {
  send(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'NotFound', code: 404 });
}

interface ExecContext {
  user: string;
  opts: KubeApiOptions;
  execs: KubeApi['execs'];
}

function execCall(url: URL): ExecCall | undefined {
  const m = EXEC_RE.exec(url.pathname);
  if (!m) return undefined;
  return { namespace: m[1]!, pod: decodeURIComponent(m[2]!), container: url.searchParams.get('container') ?? '', command: url.searchParams.getAll('command') };
}

function execForbidden(call: ExecCall, c: ExecContext): string | undefined {
  const refused = c.opts.forbidExec?.some((f) => f === call.namespace || f === `${call.namespace}/${call.pod}`);
  if (!refused) return undefined;
  return `pods "${call.pod}" is forbidden: User "${c.user}" cannot create resource "pods/exec" in API group "" in the namespace "${call.namespace}"`;
}

function statusJson(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

/** kubectl falls back to SPDY when the WebSocket upgrade is refused; the refusal it then prints is the same Status. */
function refuseSpdyExec(req: http.IncomingMessage, res: http.ServerResponse, url: URL, c: ExecContext): void {
  const call = execCall(url)!;
  const why = execForbidden(call, c);
  if (why) return send(res, 403, JSON.parse(statusJson(403, 'Forbidden', why)));
  send(res, 400, JSON.parse(statusJson(400, 'BadRequest', `${req.method} without a WebSocket upgrade is not served here`)));
}

function serveExecUpgrade(req: http.IncomingMessage, socket: Duplex, c: ExecContext): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const call = execCall(url);
  socket.on('error', () => undefined);
  if (!call) return void socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
  const why = execForbidden(call, c);
  c.execs.push({ ...call, refused: why !== undefined });
  if (why) {
    const body = statusJson(403, 'Forbidden', why);
    return void socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  if (!offered.includes('v5.channel.k8s.io')) return void socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
  if (!acceptWebSocket(req, socket, 'v5.channel.k8s.io')) return;
  // Client frames (stdin close signals, the close handshake) are read and dropped.
  socket.on('data', () => undefined);
  const answer = c.opts.exec?.(call) ?? { runtimeError: `exec: "${call.command[0] ?? ''}": executable file not found in $PATH: unknown` };
  if (answer.stdout) socket.write(channelFrame(1, answer.stdout));
  if (answer.stderr) socket.write(channelFrame(2, answer.stderr));
  socket.write(channelFrame(3, execStatus(call, answer)));
  socket.write(closeFrame());
  setTimeout(() => socket.end(), 50);
}

/** The Status the kubelet puts on the error channel: success, a non-zero exit code, or the runtime's failure. */
function execStatus(call: ExecCall, a: ExecAnswer): string {
  if (a.runtimeError) {
    const message = `error executing command in container: failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: ${a.runtimeError}`;
    return JSON.stringify({ metadata: {}, status: 'Failure', message, reason: 'InternalError', details: { causes: [{ message }] }, code: 500 });
  }
  const code = a.exitCode ?? 0;
  if (code === 0) return JSON.stringify({ metadata: {}, status: 'Success' });
  return JSON.stringify({
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${call.command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  });
}

interface OneCall {
  data: Record<string, Obj[]>;
  user: string;
  opts: KubeApiOptions;
  patches: RecordedPatch[];
}

/** GET of one object, and the strategic-merge PATCH `kubectl rollout restart` sends. */
function serveOne(req: http.IncomingMessage, res: http.ServerResponse, at: { namespace: string; resource: string; name: string }, c: OneCall): void {
  const def = KINDS[at.resource]!;
  const obj = (c.data[at.resource] ?? []).find((o) => o.metadata?.name === at.name && (o.metadata?.namespace ?? 'default') === at.namespace);
  const withKind = (o: Obj): Obj => ({ apiVersion: def.group || 'v1', kind: def.kind, ...o });
  if (req.method === 'GET') return obj ? send(res, 200, withKind(obj)) : notFound(res, `${at.resource} "${at.name}" not found`);
  if (req.method !== 'PATCH') return send(res, 405, JSON.parse(statusJson(405, 'MethodNotAllowed', `${req.method} is not served here`)));
  const chunks: Buffer[] = [];
  req.on('data', (d: Buffer) => chunks.push(d));
  req.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    c.patches.push({ ...at, contentType: String(req.headers['content-type'] ?? ''), body });
    if (c.opts.forbidPatch?.includes(at.namespace)) {
      const why = `${at.resource}.apps "${at.name}" is forbidden: User "${c.user}" cannot patch resource "${at.resource}" in API group "apps" in the namespace "${at.namespace}"`;
      return send(res, 403, JSON.parse(statusJson(403, 'Forbidden', why)));
    }
    if (!obj) return notFound(res, `${at.resource}.apps "${at.name}" not found`);
    mergeTemplateAnnotations(obj, body);
    send(res, 200, withKind(obj));
  });
}

/** The one part of a strategic merge patch rollout restart uses: spec.template.metadata.annotations. */
function mergeTemplateAnnotations(obj: Obj, patch: unknown): void {
  const p = patch as { spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } };
  const add = p?.spec?.template?.metadata?.annotations;
  if (!add) return;
  const spec = (obj.spec ??= {}) as { template?: { metadata?: { annotations?: Record<string, string> } } };
  const template = (spec.template ??= {});
  const meta = (template.metadata ??= {});
  meta.annotations = { ...(meta.annotations ?? {}), ...add };
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
