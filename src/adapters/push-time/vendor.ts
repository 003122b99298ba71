// Which registry API reports push times for a registry host, and the `--push-time-api` overrides.
import { UsageError } from '../../errors.js';
import type { TimeSource } from '../../model/finding.js';

export const PUSH_VENDORS = ['gcr', 'dockerhub', 'acr', 'harbor', 'quay', 'gitlab', 'ghcr', 'ecr'] as const;
export type PushVendor = (typeof PUSH_VENDORS)[number];

/** What one image asks: the digests it is about (the index first, then its platforms) and the tag it was named by. */
export interface PushQuery {
  registry: string;
  repository: string;
  digests: string[];
  tag?: string;
  signal?: AbortSignal;
}

/** A push time about one digest: the index's bounds every platform, a platform's only itself. */
export interface DigestPush {
  digest: string;
  source: TimeSource;
}

/** Found push times, or why there are none (refused, not found, not this vendor's shape): never an exception. */
export type PushAnswer = { pushes: DigestPush[]; note?: string } | { absent: string };

/**
 * A vendor listing read up to its page bound with pages left: said, never a silent cut. Push times found
 * before it still count (a missed earlier push only makes the build's upper bound later, never earlier).
 */
export function pageLimitNote(api: string, pages: number, perPage?: number): string {
  const entries = perPage ? ` (${(pages * perPage).toLocaleString('en-US')} entries)` : '';
  return `${api}: only the first ${pages} page${pages === 1 ? '' : 's'}${entries} were read (limit); an earlier push listed after them is not known`;
}

/** Found push times, with the page-limit note when the listing was cut; absent names the limit too. */
export function answerOf(pushes: DigestPush[], cut: string | undefined, absent: string): PushAnswer {
  const unique = [...new Map(pushes.map((p) => [`${p.digest} ${p.source.kind} ${p.source.source} ${p.source.value}`, p])).values()];
  if (unique.length === 0) return { absent: cut ? `${absent}; ${cut}` : absent };
  return cut ? { pushes: unique, note: cut } : { pushes: unique };
}

export interface PushTimeClient {
  vendor: PushVendor;
  lookup(q: PushQuery): Promise<PushAnswer>;
}

/** A vendor for a host, and the API's base URL when it is not the vendor's public one (self-hosted, tests). */
export interface VendorRoute {
  vendor: PushVendor | 'none';
  apiUrl?: string;
}

/** Hosts each vendor answers for. Harbor has none: it is self-hosted, so it is only used when named. */
const BY_HOST: [RegExp, PushVendor][] = [
  [/^(?:[a-z0-9-]+\.)?gcr\.io$/, 'gcr'],
  [/^[a-z0-9-]+-docker\.pkg\.dev$/, 'gcr'],
  [/^docker\.io$/, 'dockerhub'],
  [/^[a-z0-9-]+\.azurecr\.(?:io|cn|us)$/, 'acr'],
  [/^quay\.io$/, 'quay'],
  [/^registry\.gitlab\.com$/, 'gitlab'],
  [/^ghcr\.io$/, 'ghcr'],
  [/^\d{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/, 'ecr'],
];

/** `HOST=VENDOR` or `HOST=VENDOR@URL` (`--push-time-api`), `HOST=none` to turn a host's lookup off. */
export function parsePushTimeApi(values: readonly string[]): Map<string, VendorRoute> {
  const out = new Map<string, VendorRoute>();
  for (const v of values) {
    const m = /^([^=\s]+)=([a-z]+)(?:@(\S+))?$/.exec(v.trim());
    const vendor = m?.[2];
    if (!m || !vendor || !([...PUSH_VENDORS, 'none'] as string[]).includes(vendor)) {
      throw new UsageError(`--push-time-api: expected HOST=VENDOR[@URL] with VENDOR one of ${PUSH_VENDORS.join(', ')} or none, got "${v}"`);
    }
    const url = m[3];
    if (url && (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))) throw new UsageError(`--push-time-api: "${url}" is not an http(s) URL`);
    out.set(m[1]!.toLowerCase(), { vendor: vendor as PushVendor | 'none', ...(url ? { apiUrl: url.replace(/\/+$/, '') } : {}) });
  }
  return out;
}

/** The route for a registry host: an override first, else the vendor that owns the host, else none. */
export function routeFor(registry: string, overrides: ReadonlyMap<string, VendorRoute>): VendorRoute | undefined {
  const host = registry.toLowerCase();
  const named = overrides.get(host);
  if (named) return named.vendor === 'none' ? undefined : named;
  const hit = BY_HOST.find(([re]) => re.test(host));
  return hit ? { vendor: hit[1] } : undefined;
}

/** One labelled push-time source. */
export function pushSource(api: string, value: string): TimeSource {
  return { kind: 'push', source: `registry push time (${api})`, value, reliable: true };
}

/** Milliseconds or seconds since the epoch (numbers or numeric strings, as vendors send them) as ISO. */
export function epochIso(value: unknown, unit: 'ms' | 's'): string | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(?:\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  const d = new Date(unit === 's' ? n * 1000 : n);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
