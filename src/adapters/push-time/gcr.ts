// Google Container Registry and Artifact Registry: `tags/list` carries a `manifest` map with each digest's upload time.
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.js';
import type { RegistryClient } from '../oci/client.js';
import { refusal } from './api-json.js';
import { answerOf, epochIso, pageLimitNote, pushSource, type DigestPush, type PushTimeClient } from './vendor.js';

// Shape as go-containerregistry's google.Tags reads it: times are decimal strings of milliseconds.
const Millis = lazySchema(() =>
  z.union([z.string(), z.number()]).optional(),
);
const GcrTags = lazySchema(() =>
  z.looseObject({
    manifest: z.record(z.string(), z.looseObject({ timeUploadedMs: Millis, timeCreatedMs: Millis, tag: z.array(z.string()).optional() })).optional(),
  }),
);

const MAX_PAGES = 20;

export function gcrClient(registry: Pick<RegistryClient, 'getApi'>): PushTimeClient {
  return {
    vendor: 'gcr',
    async lookup(q) {
      const repo = { registry: q.registry, repository: q.repository };
      const pushes: DigestPush[] = [];
      let path: string | undefined = `/v2/${q.repository}/tags/list`;
      for (let page = 0; path && page < MAX_PAGES; page++) {
        let res;
        try {
          res = await registry.getApi(repo, path, { signal: q.signal });
        } catch (err) {
          return { absent: `GCR tags/list: ${err instanceof Error ? err.message : String(err)}` };
        }
        if (res.status !== 200) return { absent: `GCR tags/list: ${refusal(res.status)}` };
        let parsed;
        try {
          parsed = GcrTags.safeParse(JSON.parse(res.body.toString('utf8')));
        } catch {
          return { absent: 'GCR tags/list: the response is not JSON' };
        }
        if (!parsed.success) return { absent: 'GCR tags/list: unexpected response shape' };
        for (const digest of q.digests) {
          const m = parsed.data.manifest?.[digest];
          const uploaded = epochIso(m?.timeUploadedMs, 'ms');
          const created = epochIso(m?.timeCreatedMs, 'ms');
          if (uploaded) pushes.push({ digest, source: pushSource('GCR timeUploadedMs', uploaded) });
          // timeCreatedMs is the registry's copy of the config's `created`: a claim, listed but not an observation.
          if (created) pushes.push({ digest, source: { kind: 'registry-created', source: 'GCR timeCreatedMs', value: created, reliable: true } });
        }
        path = res.next;
      }
      const cut = path ? pageLimitNote('GCR tags/list', MAX_PAGES) : undefined;
      if (!pushes.some((p) => p.source.kind === 'push')) return { absent: `GCR tags/list: no manifest entry for ${q.digests[0]}${cut ? `; ${cut}` : ''}` };
      return answerOf(pushes, cut, '');
    },
  };
}

