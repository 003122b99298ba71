// Azure Container Registry: `/acr/v1/{repo}/_manifests/{digest}` gives the manifest's createdTime (its first push).
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.js';
import type { RegistryClient } from '../oci/client.js';
import { refusal } from './api-json.js';
import { pushSource, type PushTimeClient } from './vendor.js';

const Attributes = lazySchema(() =>
  z.looseObject({ digest: z.string().optional(), createdTime: z.string().optional(), lastUpdateTime: z.string().optional() }),
);
// The attributes come under `manifest` (API 2019-08-15 and 2021-07-01); accepted at the top level too.
const AcrManifest = lazySchema(() =>
  z.looseObject({ manifest: Attributes.optional() }).and(Attributes),
);

export function acrClient(registry: Pick<RegistryClient, 'getApi'>): PushTimeClient {
  return {
    vendor: 'acr',
    async lookup(q) {
      const digest = q.digests[0]!;
      let res;
      try {
        res = await registry.getApi({ registry: q.registry, repository: q.repository }, `/acr/v1/${q.repository}/_manifests/${digest}`, { signal: q.signal });
      } catch (err) {
        return { absent: `ACR manifest attributes: ${err instanceof Error ? err.message : String(err)}` };
      }
      if (res.status !== 200) return { absent: `ACR manifest attributes: ${refusal(res.status)}` };
      let parsed;
      try {
        parsed = AcrManifest.safeParse(JSON.parse(res.body.toString('utf8')));
      } catch {
        return { absent: 'ACR manifest attributes: the response is not JSON' };
      }
      if (!parsed.success) return { absent: 'ACR manifest attributes: unexpected response shape' };
      const attrs = parsed.data.manifest ?? parsed.data;
      if (attrs.digest && attrs.digest !== digest) return { absent: `ACR manifest attributes describe ${attrs.digest}, not ${digest}` };
      // createdTime is when the digest first arrived; lastUpdateTime moves with tag and attribute changes.
      if (!attrs.createdTime) return { absent: 'ACR manifest attributes: no createdTime' };
      return { pushes: [{ digest, source: pushSource('ACR createdTime', attrs.createdTime) }] };
    },
  };
}
