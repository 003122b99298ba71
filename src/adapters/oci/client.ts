// The registry API client: manifests, blobs, catalog and tags, with auth, retries and a per-host limit.
import type { Readable } from 'node:stream';
import pLimit, { type LimitFunction } from 'p-limit';
import * as z from 'zod';
import { ToolError } from '../../errors.js';
import type { FetchedManifest } from '../../model/oci.js';
import { DEFAULT_RETRY, HostHealth, requestWithRetry, type HttpResponse, type RetryPolicy } from '../http.js';
import { Authenticator } from './auth.js';
import { parseChallenges, pickChallenge } from './challenge.js';
import { defaultCredentials, type CredentialLookup } from './credentials.js';
import { bareMediaType, isArtifactTag, MANIFEST_ACCEPT, OCI_INDEX } from './media-types.js';
import { DEFAULT_LIST_BOUNDS, ListingCollector, ListingLimitError, ListingMeter, NameBudget } from './listing.js';
import { nextLink } from './paging.js';
import { apiHost, isDigest, isTag } from './reference.js';
import { manifestMediaType, parseJson, registryErrors, sha256 } from './responses.js';
import { CatalogPage, ReferrersIndex, TagsPage, type ReferrerDescriptor } from './schema.js';
import { redact } from './secrets.js';

export interface RegistryClientOptions {
  /**
   * Registries (`host` or `host:port`) reached over plain HTTP, and token realms allowed over it.
   * Nothing else is: loopback hosts included, unlike docker's implicit 127.0.0.0/8, so credentials
   * never leave over HTTP by surprise. TLS verification is never turned off; a private CA is
   * trusted through NODE_EXTRA_CA_CERTS.
   */
  insecureRegistries?: string[];
  credentials?: CredentialLookup;
  retry?: Partial<RetryPolicy>;
  /** Requests in flight per registry host; a blob holds its slot until its headers arrive. */
  concurrency?: number;
  /** `n` asked for per catalog or tag page. */
  pageSize?: number;
  /** Cancels every request of this client (the scan was interrupted). */
  signal?: AbortSignal;
  userAgent?: string;
}

export interface RepoRef {
  registry: string;
  repository: string;
}

export interface ManifestInfo {
  digest?: string;
  mediaType: string;
  size?: number;
}

interface SendInit {
  method?: 'GET' | 'HEAD';
  accept?: string;
  stream?: boolean;
  /** Cancels this request only (one image's --image-timeout), besides the client-wide signal. */
  signal?: AbortSignal | undefined;
}

/** Per-call options of the reads one image's acquisition makes. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
}

/** Pages of a referrers listing: each holds up to 8 MiB of descriptors, far more than any image has. */
const MAX_REFERRER_PAGES = 1_000;
const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;
/** A whole listing (every page of a catalog or a tag list) ends within this, however the pages trickle. */
export const LIST_DEADLINE_MS = 300_000;

export class RegistryClient {
  private readonly auth: Authenticator;
  private readonly policy: RetryPolicy;
  private readonly insecure: Set<string>;
  private readonly limits = new Map<string, LimitFunction>();
  private readonly userAgent: string;
  /** Registry and token hosts that hung this run: asked once, then failed fast. */
  private readonly hosts = new HostHealth();

  constructor(private readonly opts: RegistryClientOptions = {}) {
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.insecure = new Set((opts.insecureRegistries ?? []).map((h) => h.toLowerCase()));
    this.userAgent = opts.userAgent ?? 'sbom-hunt';
    this.auth = new Authenticator({
      credentials: opts.credentials ?? defaultCredentials(),
      policy: this.policy,
      isInsecure: (host) => this.isInsecure(host),
      userAgent: this.userAgent,
      signal: opts.signal,
      hosts: this.hosts,
    });
  }

  /** A manifest or index by tag or digest, bytes exactly as served. */
  async getManifest(repo: RepoRef, reference: string, call: CallOptions = {}): Promise<FetchedManifest> {
    checkReference(repo, reference);
    const res = await this.send(repo.registry, manifestPath(repo, reference), pullScope(repo), { accept: MANIFEST_ACCEPT, signal: call.signal });
    if (res.status !== 200) throw await this.failure(repo.registry, res, `manifest ${repo.repository}:${reference}`, pullScope(repo));
    const mediaType = manifestMediaType(res, repo, reference);
    const header = res.headers.get('docker-content-digest') ?? '';
    const digest = isDigest(reference) ? reference : /^sha256:[0-9a-f]{64}$/.test(header) ? header : sha256(res.body);
    return { bytes: res.body, mediaType, digest };
  }

  /** What a tag or digest points at, without the body: HEAD requests do not count against Docker Hub pulls. */
  async headManifest(repo: RepoRef, reference: string, call: CallOptions = {}): Promise<ManifestInfo> {
    checkReference(repo, reference);
    const res = await this.send(repo.registry, manifestPath(repo, reference), pullScope(repo), { method: 'HEAD', accept: MANIFEST_ACCEPT, signal: call.signal });
    if (res.status !== 200) throw await this.failure(repo.registry, res, `manifest ${repo.repository}:${reference}`, pullScope(repo));
    const info: ManifestInfo = { mediaType: bareMediaType(res.headers.get('content-type')) };
    const digest = res.headers.get('docker-content-digest');
    if (digest) info.digest = digest;
    const length = Number(res.headers.get('content-length'));
    if (Number.isFinite(length) && length > 0) info.size = length;
    return info;
  }

  /** A blob's stored bytes as a stream; redirects (to object storage) are followed without our credentials. */
  async openBlob(repo: RepoRef, digest: string, call: CallOptions = {}): Promise<Readable> {
    checkReference(repo, digest, true);
    const res = await this.send(repo.registry, `/v2/${repo.repository}/blobs/${digest}`, pullScope(repo), { stream: true, signal: call.signal });
    if (res.status !== 200 || !res.stream) throw await this.failure(repo.registry, res, `blob ${digest} in ${repo.repository}`, pullScope(repo));
    return res.stream;
  }

  /**
   * What refers to a digest, through the OCI 1.1 referrers API, following `Link` pages; undefined when
   * the registry has no such API (404, as distribution 2.8 answers), so the caller can use the referrers tag.
   */
  async listReferrers(repo: RepoRef, digest: string, call: CallOptions = {}): Promise<ReferrerDescriptor[] | undefined> {
    checkReference(repo, digest, true);
    const path = `/v2/${repo.repository}/referrers/${digest}`;
    const what = `referrers of ${repo.repository}@${digest}`;
    const found: ReferrerDescriptor[] = [];
    const meter = new ListingMeter(MAX_REFERRER_PAGES, undefined, (why) => {
      throw new ToolError(repo.registry, `${what}: ${why}`);
    });
    const listed = await this.listPaged(repo.registry, path, pullScope(repo), ReferrersIndex, what, {
      accept: OCI_INDEX,
      signal: call.signal,
      beforePage: () => meter.beforePage(),
      page: (p, size) => {
        meter.addBytes(size);
        found.push(...(p.manifests ?? []));
      },
    });
    return listed ? found : undefined;
  }

  /**
   * A JSON API the registry host serves beside the distribution one (GCR's `tags/list` manifest map, ACR's
   * `/acr/v1/`), authenticated as pulls are: the status, body and next page, for the caller to judge.
   */
  async getApi(repo: RepoRef, path: string, call: CallOptions = {}): Promise<{ status: number; body: Buffer; next?: string }> {
    const res = await this.send(repo.registry, path, pullScope(repo), { accept: 'application/json', signal: call.signal });
    let next: string | undefined;
    try {
      next = this.samePath(repo.registry, nextLink(res.headers.get('link'), res.url), path);
    } catch {
      next = undefined;
    }
    return { status: res.status, body: res.body, ...(next ? { next } : {}) };
  }

  /**
   * Every repository in the registry's catalog, following `Link` pages, each name once. Past a bound (names,
   * bytes, pages) a ListingLimitError carries the names read so far.
   */
  async listRepositories(registry: string, budget?: NameBudget): Promise<string[]> {
    const names = budget ?? new NameBudget(DEFAULT_LIST_BOUNDS.maxRepositories, 'repositories', '--max-repositories');
    const collector = new ListingCollector(registry, 'catalog', names, MAX_REPOSITORY_CHARS);
    await this.listPaged(registry, `/v2/_catalog?n=${this.pageSize()}`, 'registry:catalog:*', CatalogPage, 'catalog', collecting(collector, (p) => p.repositories ?? []));
    return collector.result();
  }

  /**
   * Every tag of a repository except signature, attestation and SBOM tags, each once. `budget` is shared by the
   * repositories of one catalog; past it (or the bytes or pages of this listing) a ListingLimitError carries the tags read.
   */
  async listTags(repo: RepoRef, budget?: NameBudget): Promise<string[]> {
    const path = `/v2/${repo.repository}/tags/list?n=${this.pageSize()}`;
    const names = budget ?? new NameBudget(DEFAULT_LIST_BOUNDS.maxTags, 'tags', '--max-tags');
    const collector = new ListingCollector(repo.registry, `tags of ${repo.repository}`, names, MAX_TAG_CHARS, (t) => !isArtifactTag(t));
    await this.listPaged(repo.registry, path, pullScope(repo), TagsPage, `tags of ${repo.repository}`, collecting(collector, (p) => p.tags ?? []));
    return collector.result();
  }

  /**
   * Every page of a listing, following `Link` headers, handed to `each.page` as it arrives (nothing is kept
   * here). With `accept` given (the referrers API), a first page answered 404, 405 or 501 means the registry
   * lacks the endpoint: false, not an error.
   */
  private async listPaged<T>(registry: string, firstPath: string, scope: string, schema: z.ZodType<T>, what: string, each: PageSink<T>): Promise<boolean> {
    const seen = new Set<string>();
    const deadline = AbortSignal.timeout(LIST_DEADLINE_MS);
    const signal = each.signal;
    const bounded = signal ? AbortSignal.any([signal, deadline]) : deadline;
    let path: string | undefined = firstPath;
    while (path !== undefined) {
      if (seen.has(path)) throw new ToolError(registry, `${what}: pagination does not end (${path.slice(0, 200)})`);
      each.beforePage();
      seen.add(path);
      const res = await this.send(registry, path, scope, { accept: each.accept ?? 'application/json', signal: bounded }).catch((err: unknown) => {
        if (deadline.aborted && !signal?.aborted && !this.opts.signal?.aborted) {
          const why = `${what}: not listed within ${LIST_DEADLINE_MS / 1000} s (${seen.size - 1} page${seen.size === 2 ? '' : 's'} read)`;
          throw each.partial ? new ListingLimitError(registry, why, each.partial()) : new ToolError(registry, why);
        }
        throw err;
      });
      if (each.accept && seen.size === 1 && [404, 405, 501].includes(res.status)) return false;
      if (res.status !== 200) throw await this.failure(registry, res, what, scope);
      each.page(parseJson(schema, res.body, registry, what), res.body.length);
      path = this.samePath(registry, nextLink(res.headers.get('link'), res.url), what);
    }
    return true;
  }

  /** A next-page link must stay on the registry, or credentials would follow it elsewhere. */
  private samePath(registry: string, next: string | undefined, what: string): string | undefined {
    if (next === undefined) return undefined;
    const url = new URL(next);
    if (url.origin !== new URL(this.baseUrl(registry)).origin) throw new ToolError(registry, `${what}: next page points off the registry (${url.origin})`);
    return url.pathname + url.search;
  }

  /**
   * One request with up to two auth rounds: learn the challenge, then answer it. A cached token the
   * registry refuses is replaced by a fresh one once.
   */
  private async send(registry: string, path: string, scope: string, init: SendInit): Promise<HttpResponse> {
    const host = apiHost(registry);
    let currentScope = this.auth.scopeFor(host, scope);
    let renewed = false;
    let res: HttpResponse | undefined;
    for (let round = 0; round < 3; round++) {
      const auth = await this.auth.header(registry, host, currentScope, this.signalFor(init));
      const headers: Record<string, string> = { 'user-agent': this.userAgent };
      if (init.accept) headers.accept = init.accept;
      if (auth) headers.authorization = auth.value;
      const req = { url: this.baseUrl(registry) + path, method: init.method ?? 'GET', headers, stream: init.stream ?? false, maxBytes: MAX_MANIFEST_BYTES, signal: this.signalFor(init), hosts: this.hosts };
      res = await this.limit(host)(() => requestWithRetry(req, this.policy)).catch((err: unknown) => {
        throw this.withTlsHint(err, registry);
      });
      if (res.status !== 401) return res;
      const challenge = pickChallenge(parseChallenges(res.headers.get('www-authenticate')));
      if (!challenge) return res;
      if (auth && sameChallenge(this.auth.challengeFor(host), challenge, currentScope)) {
        if (!auth.reused || renewed) return res;
        this.auth.dropToken(registry, challenge, currentScope);
        renewed = true;
        continue;
      }
      this.auth.learn(host, challenge);
      if (challenge.scheme === 'bearer' && challenge.params.scope) {
        currentScope = challenge.params.scope;
        this.auth.rememberScope(host, scope, currentScope);
      }
    }
    return res as HttpResponse;
  }

  private async failure(registry: string, res: HttpResponse, what: string, scope: string): Promise<ToolError> {
    const detail = registryErrors(res.body);
    const suffix = detail ? `: ${detail}` : '';
    if (res.status === 401) {
      const why = (await this.auth.hasCredentials(registry))
        ? 'the configured credentials were rejected'
        : `no credentials found for ${registry} (docker config.json or SBOM_HUNT_REGISTRY_USERNAME/PASSWORD)`;
      return new ToolError(registry, redact(`${what}: unauthorized for ${scope}, ${why}${suffix}`));
    }
    if (res.status === 403) return new ToolError(registry, redact(`${what}: access denied for ${scope}${suffix}`));
    if (res.status === 404) return new ToolError(registry, redact(`${what}: not found${suffix}`));
    return new ToolError(registry, redact(`${what}: HTTP ${res.status}${suffix}`));
  }

  /** An HTTPS handshake with a plain-HTTP registry fails obscurely: say what to do about it. */
  private withTlsHint(err: unknown, registry: string): unknown {
    if (!(err instanceof ToolError) || this.baseUrl(registry).startsWith('http:') || !/SSL|TLS|EPROTO/.test(err.message)) return err;
    return new ToolError(registry, `${err.message.slice(err.tool.length + 2)} (if ${registry} serves plain HTTP, pass --insecure-registry ${registry})`);
  }

  /** The client-wide signal (Ctrl-C) and the call's own (one image's deadline), whichever fires first. */
  private signalFor(init: SendInit): AbortSignal | undefined {
    const signals = [this.opts.signal, init.signal].filter((s): s is AbortSignal => s !== undefined);
    return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  }

  private baseUrl(registry: string): string {
    const host = apiHost(registry);
    return `${this.isInsecure(host) || this.isInsecure(registry) ? 'http' : 'https'}://${host}`;
  }

  private isInsecure(host: string): boolean {
    const h = host.toLowerCase();
    return this.insecure.has(h) || this.insecure.has(h.replace(/:\d+$/, ''));
  }

  private limit(host: string): LimitFunction {
    let l = this.limits.get(host);
    if (!l) {
      l = pLimit(this.opts.concurrency ?? 8);
      this.limits.set(host, l);
    }
    return l;
  }

  private pageSize(): number {
    return this.opts.pageSize ?? 100;
  }
}

/** Longest names that can be valid: distribution's 255 for a repository, the tag grammar's 128. */
const MAX_REPOSITORY_CHARS = 255;
const MAX_TAG_CHARS = 128;

/** Where listPaged hands each page, and the bound it checks before asking for the next. */
interface PageSink<T> {
  page(parsed: T, bytes: number): void;
  beforePage(): void;
  /** What was gathered so far, kept when the listing's deadline ends it. */
  partial?: () => string[];
  accept?: string;
  signal?: AbortSignal | undefined;
}

function collecting<T>(collector: ListingCollector, names: (page: T) => string[]): PageSink<T> {
  return {
    beforePage: () => collector.meter.beforePage(),
    partial: () => collector.result(),
    page: (parsed, bytes) => {
      collector.meter.addBytes(bytes);
      collector.addNames(names(parsed));
    },
  };
}

/** Digests come from registry JSON: one shaped like `../x` must not steer the request elsewhere. */
function checkReference(repo: RepoRef, reference: string, digestOnly = false): void {
  if (isDigest(reference) || (!digestOnly && isTag(reference))) return;
  throw new ToolError(repo.registry, `${repo.repository}: refusing "${reference.slice(0, 100)}", which is not a ${digestOnly ? 'digest' : 'tag or digest'}`);
}

function manifestPath(repo: RepoRef, reference: string): string {
  return `/v2/${repo.repository}/manifests/${reference}`;
}

function pullScope(repo: RepoRef): string {
  return `repository:${repo.repository}:pull`;
}

function sameChallenge(known: ReturnType<Authenticator['challengeFor']>, fresh: { scheme: string; params: Record<string, string> }, scope: string): boolean {
  if (!known || known.scheme !== fresh.scheme || known.params.realm !== fresh.params.realm) return false;
  return fresh.scheme === 'basic' || !fresh.params.scope || fresh.params.scope === scope;
}
