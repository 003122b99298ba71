// Docker Hub: its repository tags API (hub.docker.com) gives each tag's tag_last_pushed and each image's last_pushed.
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.js';
import { getJson, sameOrigin } from './api-json.js';
import { answerOf, pageLimitNote, pushSource, type DigestPush, type PushTimeClient } from './vendor.js';

export const DOCKER_HUB_API = 'https://hub.docker.com';

const HubImage = lazySchema(() =>
  z.looseObject({ digest: z.string().nullish(), last_pushed: z.string().nullish() }),
);
const HubTag = lazySchema(() =>
  z.looseObject({ name: z.string(), digest: z.string().nullish(), tag_last_pushed: z.string().nullish(), images: z.array(HubImage).nullish() }),
);
const HubTags = lazySchema(() =>
  z.looseObject({ next: z.string().nullish(), results: z.array(HubTag) }),
);

// 100 tags a page (the API's maximum): 10 pages cover all but the largest repositories.
const MAX_PAGES = 10;

/** Push times of the asked digests in one tag: the tag's own (index) and its images' (platforms). */
function fromTag(tag: z.infer<typeof HubTag>, digests: ReadonlySet<string>): DigestPush[] {
  const out: DigestPush[] = [];
  if (tag.digest && digests.has(tag.digest) && tag.tag_last_pushed) out.push({ digest: tag.digest, source: pushSource(`Docker Hub tag_last_pushed of ${tag.name}`, tag.tag_last_pushed) });
  for (const img of tag.images ?? []) {
    if (img.digest && digests.has(img.digest) && img.last_pushed) out.push({ digest: img.digest, source: pushSource(`Docker Hub images[].last_pushed in ${tag.name}`, img.last_pushed) });
  }
  return out;
}

/**
 * Anonymous: no credentials go to hub.docker.com, a host the user did not name (private repositories are
 * refused, and the push time is then absent). Every tag naming the digest counts, so a tag re-pushed later
 * does not hide an earlier push of the same digest under another tag.
 */
export function dockerHubClient(apiUrl = DOCKER_HUB_API): PushTimeClient {
  return {
    vendor: 'dockerhub',
    async lookup(q) {
      const parts = q.repository.split('/');
      if (parts.length !== 2) return { absent: `Docker Hub has no repository ${q.repository}` };
      const [ns, repo] = parts.map(encodeURIComponent) as [string, string];
      const digests = new Set(q.digests);
      const pushes: DigestPush[] = [];
      let url: string | undefined = `${apiUrl}/v2/namespaces/${ns}/repositories/${repo}/tags?page_size=100`;
      for (let page = 0; url && page < MAX_PAGES; page++) {
        const res = await getJson({ url, ...(q.signal ? { signal: q.signal } : {}) }, HubTags);
        if (!res.ok) {
          url = undefined;
          if (pushes.length > 0) break;
          return { absent: `Docker Hub tags API: ${res.why}` };
        }
        for (const tag of res.value.results) pushes.push(...fromTag(tag, digests));
        url = sameOrigin(res.value.next, apiUrl);
      }
      return answerOf(pushes, url ? pageLimitNote('Docker Hub tags API', MAX_PAGES, 100) : undefined, `Docker Hub tags API: no tag of ${q.repository} names ${q.digests[0]}`);
    },
  };
}
