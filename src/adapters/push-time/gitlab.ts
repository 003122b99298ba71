// GitLab: the project's container registry API gives a tag's digest and created_at (registry.gitlab.com -> gitlab.com/api/v4).
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.js';
import { getJson, sameOrigin } from './api-json.js';
import { answerOf, pageLimitNote, pushSource, type DigestPush, type PushTimeClient } from './vendor.js';

export const GITLAB_API = 'https://gitlab.com';

const Project = lazySchema(() =>
  z.looseObject({ id: z.number() }),
);
const Repositories = lazySchema(() =>
  z.array(z.looseObject({ id: z.number(), path: z.string() })),
);
const TagList = lazySchema(() =>
  z.array(z.looseObject({ name: z.string() })),
);
const TagDetails = lazySchema(() =>
  z.looseObject({ name: z.string(), digest: z.string().nullish(), created_at: z.string().nullish() }),
);

const MAX_TAGS = 20;

export interface GitlabOptions {
  apiUrl?: string;
  /** A personal, project or group access token (`SBOM_HUNT_GITLAB_TOKEN`), sent as PRIVATE-TOKEN to the API only. */
  token?: string;
}

/**
 * The image path is `group[/subgroup...]/project[/name]`: the project is found by trying the longest
 * prefix first, then its registry repository by its full path, then the tag's details. Without a tag
 * the first tags listed are checked, up to a bound.
 */
export function gitlabClient(opts: GitlabOptions = {}): PushTimeClient {
  const api = `${opts.apiUrl ?? GITLAB_API}/api/v4`;
  const headers = opts.token ? { 'private-token': opts.token } : undefined;
  const get = <T>(url: string, schema: z.ZodType<T>, signal?: AbortSignal) => getJson({ url, ...(headers ? { headers } : {}), ...(signal ? { signal } : {}) }, schema);
  return {
    vendor: 'gitlab',
    async lookup(q) {
      const parts = q.repository.split('/');
      let found: { project: number; repo: number } | undefined;
      let why = 'no project';
      for (let n = parts.length; n >= 2 && !found; n--) {
        const project = await get(`${api}/projects/${encodeURIComponent(parts.slice(0, n).join('/'))}`, Project, q.signal);
        if (!project.ok) {
          why = project.why;
          if (project.status === 404) continue;
          break;
        }
        const repos = await get(`${api}/projects/${project.value.id}/registry/repositories?per_page=100`, Repositories, q.signal);
        if (!repos.ok) {
          why = repos.why;
          break;
        }
        const repo = repos.value.find((r) => r.path === q.repository);
        if (repo) found = { project: project.value.id, repo: repo.id };
        else why = `project ${parts.slice(0, n).join('/')} has no registry repository ${q.repository}${repos.next ? ` among the first 100 listed (limit)` : ''}`;
      }
      if (!found) return { absent: `GitLab registry API: ${why}` };
      const tagsUrl = `${api}/projects/${found.project}/registry/repositories/${found.repo}/tags`;
      let names = q.tag ? [q.tag] : [];
      let cut: string | undefined;
      if (names.length === 0) {
        const list = await get(`${tagsUrl}?per_page=${MAX_TAGS}`, TagList, q.signal);
        if (!list.ok) return { absent: `GitLab registry API: ${list.why}` };
        names = [...new Set(list.value.map((t) => t.name))].slice(0, MAX_TAGS);
        if (list.next || list.value.length > MAX_TAGS) cut = pageLimitNote('GitLab registry API tags', 1, MAX_TAGS);
      }
      const pushes: DigestPush[] = [];
      for (const name of names) {
        const url = sameOrigin(`${tagsUrl}/${encodeURIComponent(name)}`, api);
        const d = url ? await get(url, TagDetails, q.signal) : undefined;
        if (d?.ok && d.value.digest && q.digests.includes(d.value.digest) && d.value.created_at) pushes.push({ digest: d.value.digest, source: pushSource(`GitLab created_at of tag ${name}`, d.value.created_at) });
      }
      return answerOf(pushes, cut, `GitLab registry API: no tag of ${q.repository} names ${q.digests[0]}`);
    },
  };
}
