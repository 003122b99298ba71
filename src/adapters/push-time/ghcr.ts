// GitHub Packages for ghcr.io: the package versions API names each version by digest with its created_at.
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.js';
import { getJson, sameOrigin } from './api-json.js';
import { answerOf, pageLimitNote, pushSource, type DigestPush, type PushTimeClient } from './vendor.js';

export const GITHUB_API = 'https://api.github.com';

const Versions = lazySchema(() =>
  z.array(z.looseObject({ name: z.string(), created_at: z.string().nullish(), metadata: z.looseObject({ container: z.looseObject({ tags: z.array(z.string()).optional() }).optional() }).nullish() })),
);

const MAX_PAGES = 10;

export interface GhcrOptions {
  apiUrl?: string;
  /** A token with read:packages (`SBOM_HUNT_GITHUB_TOKEN` or `GITHUB_TOKEN`), sent to the GitHub API only. */
  token?: string;
}

/** ghcr.io/OWNER/PACKAGE[/...]: the owner may be an organisation or a user, so both are tried. */
export function ghcrClient(opts: GhcrOptions = {}): PushTimeClient {
  const api = opts.apiUrl ?? GITHUB_API;
  return {
    vendor: 'ghcr',
    async lookup(q) {
      if (!opts.token) return { absent: 'GitHub Packages API needs a token with read:packages (SBOM_HUNT_GITHUB_TOKEN or GITHUB_TOKEN)' };
      const [owner, ...rest] = q.repository.split('/');
      if (!owner || rest.length === 0) return { absent: `ghcr.io repository ${q.repository} has no package name` };
      const pkg = encodeURIComponent(rest.join('/'));
      const headers = { authorization: `Bearer ${opts.token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
      const digests = new Set(q.digests);
      let why = '';
      for (const kind of ['orgs', 'users']) {
        const pushes: DigestPush[] = [];
        let url: string | undefined = `${api}/${kind}/${encodeURIComponent(owner)}/packages/container/${pkg}/versions?per_page=100`;
        let failed = false;
        for (let page = 0; url && page < MAX_PAGES; page++) {
          const res: Awaited<ReturnType<typeof getJson<z.infer<typeof Versions>>>> = await getJson({ url, headers, ...(q.signal ? { signal: q.signal } : {}) }, Versions);
          if (!res.ok) {
            url = undefined;
            why = res.why;
            failed = pushes.length === 0;
            break;
          }
          for (const v of res.value) if (digests.has(v.name) && v.created_at) pushes.push({ digest: v.name, source: pushSource(`GitHub Packages created_at${v.metadata?.container?.tags?.length ? ` (tags ${v.metadata.container.tags.join(', ')})` : ''}`, v.created_at) });
          url = sameOrigin(res.next, api);
        }
        const cut = url ? pageLimitNote('GitHub Packages API', MAX_PAGES, 100) : undefined;
        if (pushes.length > 0 || !failed) return answerOf(pushes, cut, `GitHub Packages API: no version of ${q.repository} is ${q.digests[0]}`);
        if (!/404/.test(why)) break;
      }
      return { absent: `GitHub Packages API: ${why}` };
    },
  };
}
