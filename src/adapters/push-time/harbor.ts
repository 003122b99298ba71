// Harbor: the artifact API gives the artifact's push_time and each tag's; self-hosted, so used only when named.
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.js';
import type { Credential } from '../oci/credentials.js';
import { getJson } from './api-json.js';
import { pushSource, type DigestPush, type PushTimeClient } from './vendor.js';

const HarborArtifact = lazySchema(() =>
  z.looseObject({
    digest: z.string(),
    push_time: z.string().nullish(),
    tags: z.array(z.looseObject({ name: z.string(), push_time: z.string().nullish() })).nullish(),
  }),
);

export interface HarborOptions {
  /** `https://harbor.example.com`: the registry host unless `--push-time-api` named another URL. */
  apiUrl: string;
  /** Basic credentials, only when the API is on the registry's own host. */
  credential?: Credential;
}

export function harborClient(opts: HarborOptions): PushTimeClient {
  return {
    vendor: 'harbor',
    async lookup(q) {
      const [project, ...rest] = q.repository.split('/');
      if (!project || rest.length === 0) return { absent: `Harbor repositories are PROJECT/NAME, not ${q.repository}` };
      // Harbor wants a nested repository name URL-encoded twice (a/b -> a%252Fb).
      const repo = encodeURIComponent(encodeURIComponent(rest.join('/')));
      const digest = q.digests[0]!;
      const c = opts.credential;
      const headers: Record<string, string> = c?.username && c.password ? { authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` } : {};
      const url = `${opts.apiUrl}/api/v2.0/projects/${encodeURIComponent(project)}/repositories/${repo}/artifacts/${digest}?with_tag=true`;
      const res = await getJson({ url, headers, ...(q.signal ? { signal: q.signal } : {}) }, HarborArtifact);
      if (!res.ok) return { absent: `Harbor artifact API: ${res.why}` };
      if (res.value.digest !== digest) return { absent: `Harbor artifact API answered for ${res.value.digest}, not ${digest}` };
      const pushes: DigestPush[] = [];
      if (res.value.push_time) pushes.push({ digest, source: pushSource('Harbor push_time', res.value.push_time) });
      for (const t of res.value.tags ?? []) if (t.push_time) pushes.push({ digest, source: pushSource(`Harbor push_time of tag ${t.name}`, t.push_time) });
      return pushes.length > 0 ? { pushes } : { absent: 'Harbor artifact API: no push_time' };
    },
  };
}
