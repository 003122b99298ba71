// Runs the user's own kubectl with argument arrays and deadlines, and turns its failures into messages on-call can act on.
import { ToolError } from '../errors.js';
import { spawnTool, type ToolOutcome } from './exec.js';

export interface KubectlOptions {
  /** The kubectl binary: a path, or a name looked up on PATH (default `kubectl`). */
  kubectl?: string;
  kubeconfig?: string;
  /** Deadline of each API request (kubectl `--request-timeout`). */
  requestTimeoutMs?: number;
  /** Deadline of the whole command, pages included. */
  timeoutMs?: number;
  /** Items per API page (kubectl `--chunk-size`); big clusters answer in pages instead of one huge list. */
  chunkSize?: number;
  signal?: AbortSignal;
  /** Sees each argument list before it runs, so tests and verbose output can show exact command lines. */
  onCommand?: (argv: readonly string[]) => void;
}

export type KubectlFailure =
  | 'missing'
  | 'unknown-context'
  | 'no-current-context'
  | 'unreachable'
  | 'timeout'
  | 'unauthorized'
  | 'forbidden'
  | 'bad-output'
  | 'failed';

/** What RBAC refused, as the API server's Forbidden message states it. */
export interface ForbiddenDetail {
  user: string;
  verb: string;
  resource: string;
  group: string;
  /** Absent when the refusal was at the cluster scope. */
  namespace?: string;
}

export class KubectlError extends ToolError {
  override name = 'KubectlError';
  constructor(
    readonly reason: KubectlFailure,
    message: string,
    readonly forbidden?: ForbiddenDetail,
  ) {
    super('kubectl', message);
  }
}

export const DEFAULT_KUBECTL_TIMEOUTS = { requestTimeoutMs: 30_000, timeoutMs: 300_000, chunkSize: 500 } as const;
/** A whole-cluster pod list is JSON of several hundred MB only in the very largest fleets. */
const MAX_OUTPUT_BYTES = 1024 * 1024 * 1024;

/** Runs kubectl and returns its stdout; a failure throws a classified KubectlError. */
function spawnKubectl(args: readonly string[], opts: KubectlOptions, context?: string): Promise<ToolOutcome> {
  const bin = opts.kubectl ?? 'kubectl';
  const argv = [
    // `--flag=value`: a value that starts with a dash must stay a value, never become a flag of its own.
    ...(opts.kubeconfig ? [`--kubeconfig=${opts.kubeconfig}`] : []),
    ...(context ? [`--context=${context}`] : []),
    `--request-timeout=${Math.ceil((opts.requestTimeoutMs ?? DEFAULT_KUBECTL_TIMEOUTS.requestTimeoutMs) / 1000)}s`,
    ...args,
  ];
  opts.onCommand?.([bin, ...argv]);
  return spawnTool({
    tool: bin,
    args: argv,
    timeoutMs: opts.timeoutMs ?? DEFAULT_KUBECTL_TIMEOUTS.timeoutMs,
    maxOutputBytes: MAX_OUTPUT_BYTES,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/** Runs kubectl and returns its stdout; a failure throws a classified KubectlError. */
export async function runKubectl(args: readonly string[], opts: KubectlOptions, context?: string): Promise<string> {
  const res = await spawnKubectl(args, opts, context);
  if (!res.failed) return res.stdout;
  throw failureOf(res, opts, context);
}

function failureOf(res: ToolOutcome, opts: KubectlOptions, context: string | undefined): KubectlError {
  const bin = opts.kubectl ?? 'kubectl';
  if (res.code === 'ENOENT' || res.code === 'EACCES') {
    const where = bin.includes('/') ? `at ${bin}` : `"${bin}" on PATH`;
    const what = res.code === 'EACCES' ? 'is not executable' : 'not found';
    return new KubectlError('missing', `kubectl ${what} ${where}: install it or name it with --kubectl PATH`);
  }
  if (res.isCanceled) return new KubectlError('failed', `${describe(context)}: cancelled`);
  if (res.isMaxBuffer) return new KubectlError('bad-output', `${describe(context)}: kubectl printed more than ${MAX_OUTPUT_BYTES / 1024 ** 3} GiB; narrow with --namespace or --selector`);
  if (res.timedOut) {
    return new KubectlError('timeout', `${describe(context)}: kubectl did not finish within ${Math.round((opts.timeoutMs ?? DEFAULT_KUBECTL_TIMEOUTS.timeoutMs) / 1000)} s`);
  }
  // Exec credential plugins and proxies can echo tokens into stderr; registered secrets never reach a message.
  return classifyFailure(res.stderr, context, res.exitCode);
}

/** An empty context name means kubectl runs with no --context inside a pod, on its service account. */
function describe(context: string | undefined): string {
  if (context === '') return 'in-cluster service account';
  return context ? `context "${context}"` : 'current context';
}

const FORBIDDEN_RE =
  /User "([^"]*)" cannot (\w+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)"| at the cluster scope)/;

/** Reads kubectl's stderr: the API server and client-go state the cause in a handful of fixed phrasings. */
export function classifyFailure(stderr: string, context: string | undefined, exitCode?: number): KubectlError {
  const text = stderr.trim();
  const where = describe(context);
  const forbidden = FORBIDDEN_RE.exec(text);
  if (forbidden) {
    const [, user = '', verb = '', resource = '', group = '', namespace] = forbidden;
    const detail: ForbiddenDetail = { user, verb, resource, group, ...(namespace ? { namespace } : {}) };
    return new KubectlError('forbidden', `${where}: ${forbiddenMessage(detail)}`, detail);
  }
  if (/context "[^"]*" does not exist|context was not found for specified context/.test(text)) {
    return new KubectlError('unknown-context', `${where} is not in the kubeconfig`);
  }
  if (/current-context is not set/.test(text)) {
    return new KubectlError('no-current-context', 'the kubeconfig has no current context: name one, e.g. kube:CONTEXT');
  }
  if (/Unauthorized|You must be logged in/.test(text)) {
    return new KubectlError('unauthorized', `${where}: the API server rejected the credentials (Unauthorized); log in again`);
  }
  if (/Client\.Timeout|context deadline exceeded|i\/o timeout|TLS handshake timeout|Timeout: request did not complete/.test(text)) {
    return new KubectlError('timeout', `${where}: the API server did not answer in time (${lastLine(text)})`);
  }
  if (/connection refused|was refused|Unable to connect to the server|no such host|network is unreachable|dial tcp|EOF$/m.test(text)) {
    return new KubectlError('unreachable', `${where}: the API server is not answering (${lastLine(text)})`);
  }
  const tail = lastLine(text) || `exit code ${exitCode ?? '?'}`;
  return new KubectlError('failed', `${where}: ${tail}`);
}

/** client-go log lines (`E1124 01:02:03.456 ...`) repeat the cause with noise; the last plain line states it. */
const KLOG_LINE = /^[IWE]\d{4} /;

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !KLOG_LINE.test(l));
  return (lines.at(-1) ?? text.split('\n').at(-1) ?? '').replace(/^error: /, '').slice(0, 300);
}

/** Names the permission that is missing, so the message can be pasted into an RBAC request. */
export function forbiddenMessage(d: ForbiddenDetail): string {
  const group = d.group === '' ? 'core' : d.group;
  const scope = d.namespace ? `in namespace "${d.namespace}"` : 'at the cluster scope';
  const grant = d.namespace ? 'a Role or ClusterRole bound in that namespace' : 'a ClusterRole bound with a ClusterRoleBinding';
  return `forbidden: user "${d.user}" may not ${d.verb} ${d.resource} ${scope} (missing RBAC permission: verb "${d.verb}" on "${d.resource}" in API group "${group}", granted by ${grant})`;
}

function parseJson(out: string, args: readonly string[], context: string | undefined): unknown {
  try {
    return JSON.parse(out) as unknown;
  } catch {
    throw new KubectlError('bad-output', `${describe(context)}: kubectl ${args.slice(0, 2).join(' ')} did not print JSON`);
  }
}

/** Runs a kubectl command that prints JSON; the caller validates the shape. */
export async function runKubectlJson(args: readonly string[], opts: KubectlOptions, context?: string): Promise<unknown> {
  return parseJson(await runKubectl(args, opts, context), args, context);
}

/** Context names in the kubeconfig. */
export async function listContexts(opts: KubectlOptions): Promise<string[]> {
  const out = await runKubectl(['config', 'get-contexts', '-o', 'name'], opts);
  return out.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

/** The kubeconfig's current context, or undefined when none is set. */
export async function currentContext(opts: KubectlOptions): Promise<string | undefined> {
  try {
    const out = (await runKubectl(['config', 'current-context'], opts)).trim();
    return out === '' ? undefined : out;
  } catch (err) {
    if (err instanceof KubectlError && err.reason === 'no-current-context') return undefined;
    throw err;
  }
}

export interface ListQuery {
  /** A kubeconfig context; "" runs with no --context (in a pod, kubectl then uses its service account). */
  context: string;
  /** One namespace; absent lists across all namespaces. */
  namespace?: string;
  /** A label selector, passed as one argument: kubectl parses it, no shell does. */
  selector?: string;
}

/** `kubectl get RESOURCE -o json`, paged by kubectl through the API's limit/continue. */
export async function getList(resource: string, q: ListQuery, opts: KubectlOptions): Promise<unknown> {
  const args = [
    'get',
    resource,
    '-o',
    'json',
    `--chunk-size=${opts.chunkSize ?? DEFAULT_KUBECTL_TIMEOUTS.chunkSize}`,
    ...(q.namespace ? [`--namespace=${q.namespace}`] : ['--all-namespaces']),
    ...(q.selector ? [`--selector=${q.selector}`] : []),
  ];
  return runKubectlJson(args, opts, q.context);
}

/** Pods as a raw List (all namespaces, or one). */
export function getPods(q: ListQuery, opts: KubectlOptions): Promise<unknown> {
  return getList('pods', q, opts);
}

/** The controllers between a pod and its workload; only these two kinds hide the top owner. */
export type OwnerKind = 'replicasets' | 'jobs';

/** ReplicaSets or Jobs as a raw List, to follow their owner references to Deployments and CronJobs. */
export function getOwners(kind: OwnerKind, q: Omit<ListQuery, 'selector'>, opts: KubectlOptions): Promise<unknown> {
  return getList(kind === 'replicasets' ? 'replicasets.apps' : 'jobs.batch', q, opts);
}

/** Namespaces as a raw List (the fallback when cluster-wide pod listing is forbidden). */
export function getNamespaces(context: string, opts: KubectlOptions): Promise<unknown> {
  return runKubectlJson(['get', 'namespaces', '-o', 'json', `--chunk-size=${opts.chunkSize ?? DEFAULT_KUBECTL_TIMEOUTS.chunkSize}`], opts, context);
}

/** Where a command runs: one container of one pod. */
export interface ExecTarget {
  context: string;
  namespace: string;
  pod: string;
  container: string;
}

/** Why `kubectl exec` gave no output to trust: the binary is not in the image, it failed, or we may not (or cannot) run it. */
export type ExecFailure = 'no-binary' | 'exit-code' | 'forbidden' | 'pod-gone' | 'timeout' | 'unreachable' | 'missing' | 'failed';

export type ExecOutcome = { ok: true; stdout: string } | { ok: false; failure: ExecFailure; message: string };

/** Exit codes a shell gives for "cannot execute" and "not found". */
const NO_BINARY_CODES = new Set([126, 127]);

/** `kubectl exec` of an argument list (no shell inside the container); the outcome is classified, never thrown. */
export async function execInPod(t: ExecTarget, command: readonly string[], opts: KubectlOptions): Promise<ExecOutcome> {
  const args = ['exec', `--namespace=${t.namespace}`, `--container=${t.container}`, t.pod, '--', ...command];
  const res = await spawnKubectl(args, opts, t.context);
  if (!res.failed) return { ok: true, stdout: res.stdout };
  const text = res.stderr;
  if (/OCI runtime exec failed|executable file not found|not found in \$PATH/i.test(text) || NO_BINARY_CODES.has(res.exitCode ?? -1)) {
    return { ok: false, failure: 'no-binary', message: `${command[0]} is not in the container (${lastLine(text)})` };
  }
  if (/NotFound|not found/.test(text) && /pods? "/.test(text)) return { ok: false, failure: 'pod-gone', message: `pod ${t.namespace}/${t.pod} is gone (${lastLine(text)})` };
  const exit = /command terminated with exit code (\d+)/.exec(text);
  if (exit) return { ok: false, failure: 'exit-code', message: `${command.join(' ')} exited with code ${exit[1]} (${lastLine(text.replace(exit[0], ''))})` };
  const err = failureOf(res, opts, t.context);
  const failure: ExecFailure = err.reason === 'forbidden' || err.reason === 'timeout' || err.reason === 'unreachable' || err.reason === 'missing' ? err.reason : 'failed';
  return { ok: false, failure, message: err.message };
}

/** One object (`kubectl get KIND/NAME -o json`); a missing one is undefined, other failures throw. */
export async function getObject(resource: string, name: string, namespace: string, context: string, opts: KubectlOptions): Promise<unknown> {
  const args = ['get', `${resource}/${name}`, `--namespace=${namespace}`, '-o', 'json'];
  const res = await spawnKubectl(args, opts, context);
  if (!res.failed) return parseJson(res.stdout, args, context);
  if (/\(NotFound\)/.test(res.stderr)) return undefined;
  throw failureOf(res, opts, context);
}

/** `kubectl rollout restart KIND/NAME`: kubectl patches the pod template's restartedAt annotation. */
export async function rolloutRestart(resource: string, name: string, namespace: string, context: string, opts: KubectlOptions): Promise<string> {
  return (await runKubectl(['rollout', 'restart', `${resource}/${name}`, `--namespace=${namespace}`], opts, context)).trim();
}
