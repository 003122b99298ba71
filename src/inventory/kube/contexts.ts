// Which contexts to read: the current one, named ones, all of them, or the pod's own service account.
import { KubectlError, currentContext, listContexts, type KubectlOptions } from '../../adapters/kubectl.js';
import type { KubeOptions } from './inventory.js';

/**
 * Inside a pod (the CronJob in deploy/kubernetes) there is no kubeconfig: kubectl then uses the service account by itself,
 * and must get no --context. No real context can be named "", so it stands for that case.
 */
const IN_CLUSTER = '';
export const IN_CLUSTER_LABEL = 'in-cluster';

function runsInCluster(opts: KubeOptions): boolean {
  return !opts.kubeconfig && !process.env.KUBECONFIG && !!process.env.KUBERNETES_SERVICE_HOST && !!process.env.KUBERNETES_SERVICE_PORT;
}

export interface ContextChoice {
  contexts: string[];
  errors: string[];
  inputErrors: string[];
}

/** The contexts to read. A context name the kubeconfig lacks is the user's mistake, not a cluster's failure. */
export async function chooseContexts(opts: KubeOptions, kc: KubectlOptions): Promise<ContextChoice> {
  const out: ContextChoice = { contexts: [], errors: [], inputErrors: [] };
  try {
    if (opts.allContexts || opts.contexts?.length) {
      const all = await listContexts(kc);
      if (opts.allContexts) out.contexts = all;
      else {
        const wanted = [...new Set(opts.contexts)];
        for (const c of wanted.filter((w) => !all.includes(w))) {
          out.inputErrors.push(`kube:${c}: no context "${c}" in the kubeconfig (it has: ${all.join(', ') || 'none'})`);
        }
        out.contexts = wanted.filter((w) => all.includes(w));
      }
      if (all.length === 0) out.inputErrors.push('kube: the kubeconfig has no contexts');
      return out;
    }
    const current = await currentContext(kc);
    if (current) out.contexts = [current];
    else if (runsInCluster(opts)) out.contexts = [IN_CLUSTER];
    else out.inputErrors.push('kube: the kubeconfig has no current context: name one (kube:CONTEXT) or use --all-contexts');
  } catch (err) {
    const userNamedIt = err instanceof KubectlError && err.reason === 'missing' && opts.kubectl !== undefined;
    (userNamedIt ? out.inputErrors : out.errors).push(err instanceof Error ? err.message : String(err));
  }
  return out;
}
