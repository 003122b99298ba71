// Pods out of kubectl JSON: which containers each runs, with the image the spec asked for and the one the node reported.
import type * as z from 'zod';
import { ListEnvelope, Pod, type Container, type ContainerStatus } from './schema.js';

export type ContainerRole = 'container' | 'init' | 'ephemeral';

/** One container of one pod, as the inventory needs it. */
export interface PodContainer {
  namespace: string;
  pod: string;
  container: string;
  role: ContainerRole;
  /** The image the pod spec names (usually a tag). */
  specImage?: string;
  /** The image the kubelet reports; some runtimes put an image id here. */
  statusImage?: string;
  /** The kubelet's imageID; undefined when the container has no status yet. */
  imageID?: string;
  hasStatus: boolean;
}

export interface ParsedPods {
  pods: Pod[];
  /** Items that are not pods the inventory can read, each named. */
  errors: string[];
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
}

/** Reads a PodList, a `List` of pods (kubectl after paging) or one Pod; a bad item is reported and the others are kept. */
export function parsePods(json: unknown, label: string): ParsedPods {
  const out: ParsedPods = { pods: [], errors: [] };
  const isObject = typeof json === 'object' && json !== null;
  let items: unknown[];
  if (isObject && 'items' in json) {
    const list = ListEnvelope.safeParse(json);
    if (!list.success) {
      out.errors.push(`${label}: a list whose items are not an array`);
      return out;
    }
    items = list.data.items;
  } else if (isObject && 'kind' in json && typeof json.kind === 'string' && json.kind !== 'Pod') {
    // An API Status saved in place of a list says why (Forbidden, NotFound): keep its message.
    const why = 'message' in json && typeof json.message === 'string' ? ` (${json.message.slice(0, 200)})` : '';
    out.errors.push(`${label}: a ${json.kind}, not a pod list or a pod${why}`);
    return out;
  } else if (isObject && 'metadata' in json) {
    items = [json];
  } else {
    out.errors.push(`${label}: not a pod list or a pod`);
    return out;
  }
  items.forEach((item, i) => {
    const pod = Pod.safeParse(item);
    if (pod.success) out.pods.push(pod.data);
    else out.errors.push(`${label}: item ${i} is not a readable pod (${firstIssue(pod.error)})`);
  });
  return out;
}

/** Running and Pending pods run (or are about to run) their images; Succeeded and Failed pods ran them once. */
const ACTIVE_PHASES = new Set(['Running', 'Pending']);

export function isActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  // A pod saved before the kubelet reported has no phase yet: it is about to run.
  return phase === undefined || phase === null || ACTIVE_PHASES.has(phase);
}

export function podNamespace(pod: Pod): string {
  return pod.metadata.namespace ?? 'default';
}

function pair(
  pod: Pod,
  role: ContainerRole,
  specs: readonly Container[] | null | undefined,
  statuses: readonly ContainerStatus[] | null | undefined,
): PodContainer[] {
  const byName = new Map((statuses ?? []).map((s) => [s.name, s]));
  const names = new Set([...(specs ?? []).map((c) => c.name), ...byName.keys()]);
  const specByName = new Map((specs ?? []).map((c) => [c.name, c]));
  return [...names].map((name) => {
    const status = byName.get(name);
    const c: PodContainer = { namespace: podNamespace(pod), pod: pod.metadata.name, container: name, role, hasStatus: status !== undefined };
    const specImage = specByName.get(name)?.image;
    if (specImage) c.specImage = specImage;
    if (status?.image) c.statusImage = status.image;
    if (status && typeof status.imageID === 'string') c.imageID = status.imageID;
    return c;
  });
}

/** Every container of a pod: app containers, init containers (native sidecars among them) and ephemeral debug containers. */
export function podContainers(pod: Pod): PodContainer[] {
  const s = pod.status;
  return [
    ...pair(pod, 'container', pod.spec.containers, s?.containerStatuses),
    ...pair(pod, 'init', pod.spec.initContainers, s?.initContainerStatuses),
    ...pair(pod, 'ephemeral', pod.spec.ephemeralContainers, s?.ephemeralContainerStatuses),
  ];
}
