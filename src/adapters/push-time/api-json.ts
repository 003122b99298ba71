// JSON from a vendor's own API host (not the registry's): bounded pages, no redirects off the host, errors as values.
import type * as z from 'zod';
import { DEFAULT_RETRY, requestWithRetry, type RetryPolicy } from '../http.js';
import { nextLink } from '../oci/paging.js';

export interface ApiGet {
  url: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export type ApiResult<T> = { ok: true; value: T; next?: string } | { ok: false; status?: number; why: string };

/** A vendor API that is slow or down must not hold an image for minutes: fewer, shorter tries than blob reads. */
export const VENDOR_RETRY: RetryPolicy = { ...DEFAULT_RETRY, retries: 2, baseDelayMs: 300, maxDelayMs: 5_000, timeoutMs: 15_000 };
const MAX_BYTES = 8 * 1024 * 1024;

/** Why an HTTP status means "no push time here", in words a reader can act on. */
export function refusal(status: number): string {
  if (status === 401) return 'HTTP 401: credentials missing or refused';
  if (status === 403) return 'HTTP 403: access denied';
  if (status === 404) return 'HTTP 404: not found';
  return `HTTP ${status}`;
}

/** GETs one URL and checks the JSON against its schema; the `Link` next page comes back when there is one. */
export async function getJson<T>(req: ApiGet, schema: z.ZodType<T>, policy: RetryPolicy = VENDOR_RETRY): Promise<ApiResult<T>> {
  let res;
  try {
    res = await requestWithRetry({ url: req.url, headers: { accept: 'application/json', 'user-agent': 'sbom-hunt', ...req.headers }, maxBytes: MAX_BYTES, redirect: 'manual', ...(req.signal ? { signal: req.signal } : {}) }, policy);
  } catch (err) {
    return { ok: false, why: err instanceof Error ? err.message : String(err) };
  }
  // Redirects are not followed: they would carry a token to wherever they point.
  if (res.status >= 300 && res.status < 400) return { ok: false, status: res.status, why: `HTTP ${res.status}: redirects are not followed (to ${res.headers.get('location') ?? '?'})` };
  if (res.status !== 200) return { ok: false, status: res.status, why: refusal(res.status) };
  let json: unknown;
  try {
    json = JSON.parse(res.body.toString('utf8'));
  } catch {
    return { ok: false, why: 'the response is not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, why: `unexpected response shape (${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? 'invalid'})` };
  let next: string | undefined;
  try {
    next = nextLink(res.headers.get('link'), res.url);
  } catch {
    next = undefined;
  }
  return { ok: true, value: parsed.data, ...(next ? { next } : {}) };
}

/** A next-page URL must stay on the API's origin, or our token would follow it elsewhere. */
export function sameOrigin(next: string | null | undefined, base: string): string | undefined {
  if (!next || !URL.canParse(next, base)) return undefined;
  const url = new URL(next, base);
  return url.origin === new URL(base).origin ? url.href : undefined;
}
