// Quay: the tag API with history (onlyActiveTags=false) gives start_ts for every time a tag pointed at a manifest.
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.js';
import { getJson } from './api-json.js';
import { answerOf, epochIso, pageLimitNote, pushSource, type DigestPush, type PushTimeClient } from './vendor.js';

export const QUAY_API = 'https://quay.io';

const QuayTags = lazySchema(() =>
  z.looseObject({
    tags: z.array(z.looseObject({ name: z.string(), manifest_digest: z.string().nullish(), start_ts: z.number().nullish() })),
    page: z.number().optional(),
    has_additional: z.boolean().optional(),
  }),
);

const MAX_PAGES = 10;

/** Anonymous: Quay's API takes OAuth application tokens, not registry credentials, so none are sent. */
export function quayClient(apiUrl = QUAY_API): PushTimeClient {
  return {
    vendor: 'quay',
    async lookup(q) {
      const digests = new Set(q.digests);
      const pushes: DigestPush[] = [];
      let more = false;
      const base = `${apiUrl}/api/v1/repository/${q.repository.split('/').map(encodeURIComponent).join('/')}/tag/?onlyActiveTags=false&limit=100`;
      for (let page = 1; page <= MAX_PAGES; page++) {
        const res = await getJson({ url: `${base}&page=${page}`, ...(q.signal ? { signal: q.signal } : {}) }, QuayTags);
        if (!res.ok) {
          more = false;
          if (pushes.length > 0) break;
          return { absent: `Quay tag API: ${res.why}` };
        }
        for (const t of res.value.tags) {
          const at = epochIso(t.start_ts, 's');
          if (t.manifest_digest && digests.has(t.manifest_digest) && at) pushes.push({ digest: t.manifest_digest, source: pushSource(`Quay start_ts of tag ${t.name}`, at) });
        }
        more = res.value.has_additional === true;
        if (!more) break;
      }
      return answerOf(pushes, more ? pageLimitNote('Quay tag API', MAX_PAGES, 100) : undefined, `Quay tag API: no tag of ${q.repository} names ${q.digests[0]}`);
    },
  };
}
