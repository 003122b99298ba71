// Inventory of what runs in Kubernetes: pods of one or more contexts -> one registry target per image, and the workloads running it.
import pLimit from 'p-limit';
import { KubectlError, getNamespaces, getOwners, getPods, type KubectlOptions, type OwnerKind } from '../../adapters/kubectl.js';
import type { Workload } from '../../model/finding.js';
import type { InventoryResult } from '../source.js';
import { ImageCollector } from './collect.js';
import { IN_CLUSTER_LABEL, chooseContexts } from './contexts.js';
import { resolveImage } from './image-id.js';
import { neededOwners, parseOwners, resolveWorkload, type OwnerIndex } from './owners.js';
import { isActive, parsePods, podContainers } from './pods.js';
import { ListEnvelope, MetaOnly, type Pod } from './schema.js';

const NAMESPACE_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const CONTEXTS_AT_ONCE = 4;

export interface KubeOptions {
  /** Contexts to read; none means the kubeconfig's current context. */
  contexts?: string[];
  allContexts?: boolean;
  /** Only these namespaces; none means all namespaces. */
  namespaces?: string[];
  /** A label selector, e.g. `app=web,tier!=cache`. */
  selector?: string;
  kubeconfig?: string;
  /** The kubectl binary (default: `kubectl` on PATH). */
  kubectl?: string;
  /** Also pods that have finished (Succeeded, Failed, Unknown): they ran their images once. */
  includeTerminated?: boolean;
  /** Deadlines, page size, command hook; defaults suit real clusters. */
  tuning?: Omit<KubectlOptions, 'kubectl' | 'kubeconfig'>;
}

export interface KubeInventory extends InventoryResult {
  /** Target ref -> the workloads that run it. */
  workloads: Map<string, Workload[]>;
  /** Target ref -> why its running digest is uncertain (it was resolved from a tag); belongs in the image's reasons. */
  notes: Map<string, string[]>;
  /** Tag-resolved target ref -> config digests the nodes reported: acquisition can compare them with the tag's config. */
  configDigests: Map<string, string[]>;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface ListedPods {
  pods: Pod[];
  errors: string[];
  /** True when one cluster-wide list succeeded, so owners can be listed cluster-wide too. */
  clusterWide: boolean;
}

async function podsIn(context: string, namespace: string | undefined, opts: KubeOptions, kc: KubectlOptions): Promise<{ pods: Pod[]; errors: string[] }> {
  const json = await getPods({ context, ...(namespace ? { namespace } : {}), ...(opts.selector ? { selector: opts.selector } : {}) }, kc);
  return parsePods(json, `kube:${context}${namespace ? `/${namespace}` : ''}`);
}

/** Namespace by namespace; a refusal hides that namespace only, a dead API server ends the walk. */
async function podsByNamespace(context: string, namespaces: readonly string[], opts: KubeOptions, kc: KubectlOptions): Promise<ListedPods> {
  const out: ListedPods = { pods: [], errors: [], clusterWide: false };
  for (const [i, ns] of namespaces.entries()) {
    try {
      const r = await podsIn(context, ns, opts, kc);
      out.pods.push(...r.pods);
      out.errors.push(...r.errors);
    } catch (err) {
      const rest = namespaces.length - i - 1;
      if (err instanceof KubectlError && err.reason === 'forbidden') {
        out.errors.push(`${message(err)}; pods of namespace "${ns}" were not seen`);
        continue;
      }
      out.errors.push(`${message(err)}${rest > 0 ? `; ${rest} more namespace(s) not tried: ${namespaces.slice(i + 1).join(', ')}` : ''}`);
      break;
    }
  }
  return out;
}

async function namespaceNames(context: string, kc: KubectlOptions): Promise<string[]> {
  const list = ListEnvelope.safeParse(await getNamespaces(context, kc));
  if (!list.success) throw new Error('kubectl get namespaces printed no list');
  return list.data.items.flatMap((item) => {
    const ns = MetaOnly.safeParse(item);
    return ns.success ? [ns.data.metadata.name] : [];
  });
}

/** All namespaces at once; when RBAC refuses that, each namespace the user may list, and say what could not be seen. */
async function listContextPods(context: string, opts: KubeOptions, kc: KubectlOptions): Promise<ListedPods> {
  if (opts.namespaces?.length) return podsByNamespace(context, [...new Set(opts.namespaces)], opts, kc);
  try {
    const r = await podsIn(context, undefined, opts, kc);
    return { ...r, clusterWide: true };
  } catch (err) {
    if (!(err instanceof KubectlError && err.reason === 'forbidden')) return { pods: [], errors: [message(err)], clusterWide: false };
    let namespaces: string[];
    try {
      namespaces = await namespaceNames(context, kc);
    } catch (nsErr) {
      const why = `${message(err)}; listing namespaces failed too (${message(nsErr)})`;
      return { pods: [], errors: [`${why}: name the namespaces you may read with --namespace`], clusterWide: false };
    }
    const r = await podsByNamespace(context, namespaces, opts, kc);
    r.errors.unshift(`${message(err)}; listed pods namespace by namespace instead (${namespaces.length} namespace(s))`);
    return r;
  }
}

const OWNER_LABEL: Record<OwnerKind, string> = { replicasets: 'ReplicaSet', jobs: 'Job' };

/** ReplicaSets and Jobs, only the kinds and namespaces the pods point at; cluster-wide in one call when pods were listed so. */
async function listOwners(context: string, pods: readonly Pod[], clusterWide: boolean, kc: KubectlOptions) {
  const owners: Partial<Record<OwnerKind, OwnerIndex>> = {};
  const errors: string[] = [];
  for (const [kind, namespaces] of neededOwners(pods)) {
    const index: OwnerIndex = new Map();
    owners[kind] = index;
    for (const namespace of clusterWide ? [undefined] : [...namespaces].sort()) {
      try {
        const parsed = parseOwners(await getOwners(kind, { context, ...(namespace ? { namespace } : {}) }, kc), `kube:${context} ${kind}`);
        for (const [k, v] of parsed.index) index.set(k, v);
        errors.push(...parsed.errors);
      } catch (err) {
        errors.push(`${message(err)}; workloads there are shown as the ${OWNER_LABEL[kind]}, not its owner`);
      }
    }
  }
  return { owners, errors };
}

async function inventoryContext(context: string, opts: KubeOptions, kc: KubectlOptions, images: ImageCollector): Promise<string[]> {
  const listed = await listContextPods(context, opts, kc);
  const pods = listed.pods.filter((p) => opts.includeTerminated || isActive(p));
  const { owners, errors } = await listOwners(context, pods, listed.clusterWide, kc);
  const problems = [...listed.errors, ...errors];
  for (const pod of pods) {
    const workload = resolveWorkload(pod, owners);
    for (const c of podContainers(pod)) {
      const image = resolveImage(c);
      if (!image.ok) {
        problems.push(`kube:${context}: ${image.error}`);
        continue;
      }
      images.add(image.target, { context: context || IN_CLUSTER_LABEL, namespace: c.namespace, ...workload, container: c.container }, image);
    }
  }
  return problems;
}

/** Reads the pods of the chosen contexts and returns one target per image, the workloads running each, and what could not be seen. */
export async function inventoryKube(opts: KubeOptions): Promise<KubeInventory> {
  const kc: KubectlOptions = { ...opts.tuning, ...(opts.kubectl ? { kubectl: opts.kubectl } : {}), ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}) };
  const badNamespaces = (opts.namespaces ?? []).filter((n) => !NAMESPACE_RE.test(n));
  if (badNamespaces.length > 0) {
    const inputErrors = badNamespaces.map((n) => `kube: --namespace "${n}" is not a namespace name (lower-case letters, digits, "-"; at most 63)`);
    return { targets: [], errors: [], inputErrors, workloads: new Map(), notes: new Map(), configDigests: new Map() };
  }
  const chosen = await chooseContexts(opts, kc);
  const images = new ImageCollector();
  // Each context is one kubectl at a time; a handful of clusters at once keeps --all-contexts quick without a process storm.
  const limit = pLimit(CONTEXTS_AT_ONCE);
  const perContext = await Promise.all(chosen.contexts.map((c) => limit(() => inventoryContext(c, opts, kc, images))));
  const collected = images.result();
  return {
    targets: collected.targets,
    errors: [...chosen.errors, ...perContext.flat()],
    inputErrors: chosen.inputErrors,
    workloads: collected.workloads,
    notes: collected.notes,
    configDigests: collected.configDigests,
  };
}
