// The push-time clients in one place: which one answers for a host, built once per host and run.
import type { RegistryClient } from '../oci/client.js';
import type { CredentialLookup } from '../oci/credentials.js';
import { acrClient } from './acr.js';
import { DOCKER_HUB_API, dockerHubClient } from './docker-hub.js';
import { ecrClient } from './ecr.js';
import { gcrClient } from './gcr.js';
import { GITHUB_API, ghcrClient } from './ghcr.js';
import { GITLAB_API, gitlabClient } from './gitlab.js';
import { harborClient } from './harbor.js';
import { QUAY_API, quayClient } from './quay.js';
import { routeFor, type PushAnswer, type PushQuery, type PushTimeClient, type PushVendor, type VendorRoute } from './vendor.js';

export { parsePushTimeApi, PUSH_VENDORS, type DigestPush, type PushAnswer, type PushQuery, type VendorRoute } from './vendor.js';

export interface PushTimeOptions {
  registry: Pick<RegistryClient, 'getApi'>;
  credentials: CredentialLookup;
  /** `--push-time-api HOST=VENDOR[@URL]`. */
  overrides: ReadonlyMap<string, VendorRoute>;
  /** `--insecure-registry` hosts: a self-hosted API on them is reached over http. */
  insecureRegistries: readonly string[];
  toolTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/** Answers for one image: which vendor was asked (none when the host is nobody's) and what it said. */
export type PushLookup = (q: PushQuery) => Promise<{ vendor?: PushVendor; answer?: PushAnswer }>;

export function createPushTimeLookup(opts: PushTimeOptions): PushLookup {
  const env = opts.env ?? process.env;
  const clients = new Map<string, Promise<PushTimeClient>>();
  const make = async (registry: string, route: VendorRoute): Promise<PushTimeClient> => {
    const own = opts.insecureRegistries.includes(registry) ? `http://${registry}` : `https://${registry}`;
    switch (route.vendor as PushVendor) {
      case 'gcr':
        return gcrClient(opts.registry);
      case 'acr':
        return acrClient(opts.registry);
      case 'dockerhub':
        return dockerHubClient(route.apiUrl ?? DOCKER_HUB_API);
      case 'quay':
        return quayClient(route.apiUrl ?? (registry === 'quay.io' ? QUAY_API : own));
      case 'gitlab':
        return gitlabClient({ apiUrl: route.apiUrl ?? (registry === 'registry.gitlab.com' ? GITLAB_API : own), ...(env.SBOM_HUNT_GITLAB_TOKEN ? { token: env.SBOM_HUNT_GITLAB_TOKEN } : {}) });
      case 'ghcr': {
        const token = env.SBOM_HUNT_GITHUB_TOKEN ?? env.GITHUB_TOKEN;
        return ghcrClient({ apiUrl: route.apiUrl ?? GITHUB_API, ...(token ? { token } : {}) });
      }
      case 'harbor': {
        const apiUrl = route.apiUrl ?? own;
        // The registry's credentials go to its own host only, never to another URL.
        const credential = new URL(apiUrl).host === registry ? await opts.credentials(registry) : undefined;
        return harborClient({ apiUrl, ...(credential ? { credential } : {}) });
      }
      case 'ecr':
        return ecrClient({ timeoutMs: opts.toolTimeoutMs });
    }
  };
  return async (q) => {
    const route = routeFor(q.registry, opts.overrides);
    if (!route || route.vendor === 'none') return {};
    let client = clients.get(q.registry);
    if (!client) {
      client = make(q.registry, route);
      clients.set(q.registry, client);
    }
    const c = await client;
    return { vendor: c.vendor, answer: await c.lookup(q) };
  };
}
