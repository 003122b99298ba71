// HTTP requests with a per-attempt deadline and bounded retries that honour Retry-After.
import { Readable, Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ToolError } from '../errors.js';
import { maskSecrets as redact } from './exec.js';

export interface RetryPolicy {
  /** Extra attempts after the first, for 429, 5xx, timeouts and dropped connections. */
  retries: number;
  /** First backoff; doubles per attempt. */
  baseDelayMs: number;
  /** Cap on any wait, Retry-After included: a longer Retry-After ends the retries. */
  maxDelayMs: number;
  /** Deadline per attempt until the body is read; for streams, the longest pause between chunks. */
  timeoutMs: number;
  /** Where the deadline came from, named when it passes (`half of --image-timeout 5 s`). */
  timeoutSource?: string;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 500, maxDelayMs: 30_000, timeoutMs: 30_000 };

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Return the body as a stream (blobs) instead of reading it (JSON, manifests). */
  stream?: boolean;
  /** Largest body read into memory. */
  maxBytes?: number;
  /** Cancels the request, its retries and its stream (the scan was interrupted). */
  signal?: AbortSignal;
  /** `manual`: a redirect comes back as its 3xx response instead of being followed with our headers. */
  redirect?: 'follow' | 'manual';
  /**
   * The run's memory of hosts that did not answer: with it, a host that let an attempt time out is not
   * retried and not asked again this run, so a hung host costs one deadline, not one per attempt per image.
   */
  hosts?: HostHealth;
}

/** Hosts that accepted a request and never answered it within the deadline, with the first reason. */
export class HostHealth {
  private readonly silent = new Map<string, string>();

  /** Throws, naming the first failure, when the host already hung this run. */
  check(host: string): void {
    const why = this.silent.get(host);
    if (why !== undefined) throw new ToolError(host, `not asked again: it did not answer earlier in this run (${why})`);
  }

  markSilent(host: string, why: string): void {
    if (!this.silent.has(host)) this.silent.set(host, why);
  }

  silentReason(host: string): string | undefined {
    return this.silent.get(host);
  }
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Final URL after redirects. */
  url: string;
  /** The body, read whole; empty when streamed. */
  body: Buffer;
  /** The body as a stream, for `stream` requests that succeeded. */
  stream?: Readable;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

class Retryable extends Error {
  constructor(
    message: string,
    readonly waitMs?: number,
    /** The attempt's own deadline passed before any response came back: the host hangs. */
    readonly hung = false,
  ) {
    super(message);
  }
}

/** Sends a request, retrying transient failures; a final failure throws a ToolError naming the host. */
export async function requestWithRetry(req: HttpRequest, policy: RetryPolicy = DEFAULT_RETRY): Promise<HttpResponse> {
  const host = new URL(req.url).host;
  let reason = '';
  let attempt = 0;
  for (; attempt <= policy.retries; attempt++) {
    if (req.signal?.aborted) throw new ToolError(host, `${req.method ?? 'GET'} ${pathOf(req.url)} cancelled`);
    req.hosts?.check(host);
    try {
      return await attemptOnce(req, policy);
    } catch (err) {
      if (!(err instanceof Retryable)) throw err;
      reason = err.message;
      if (err.hung && req.hosts) {
        req.hosts.markSilent(host, `${req.method ?? 'GET'} ${pathOf(req.url)} ${reason}`);
        throw new ToolError(host, redact(`${req.method ?? 'GET'} ${pathOf(req.url)} ${reason}; the host is not asked again this run`));
      }
      if (attempt === policy.retries) break;
      const wait = err.waitMs ?? Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
      if (wait > policy.maxDelayMs) {
        reason += ` (Retry-After ${Math.round(wait / 1000)} s is longer than the ${Math.round(policy.maxDelayMs / 1000)} s limit)`;
        break;
      }
      await sleep(wait * (err.waitMs === undefined ? 0.75 + Math.random() / 2 : 1), undefined, { signal: req.signal }).catch(() => undefined);
    }
  }
  const tries = Math.min(attempt + 1, policy.retries + 1);
  throw new ToolError(host, redact(`${req.method ?? 'GET'} ${pathOf(req.url)} failed after ${tries} attempt${tries > 1 ? 's' : ''}: ${reason}`));
}

async function attemptOnce(req: HttpRequest, policy: RetryPolicy): Promise<HttpResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), policy.timeoutMs);
  const cancel = (): void => controller.abort();
  req.signal?.addEventListener('abort', cancel, { once: true });
  const release = (): void => {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', cancel);
  };
  const failure = (err: unknown, doing: string): Error => {
    release();
    if (req.signal?.aborted) return new ToolError(new URL(req.url).host, `${req.method ?? 'GET'} ${pathOf(req.url)} cancelled`);
    const why = describeFailure(err, controller.signal.aborted, policy.timeoutMs);
    const source = controller.signal.aborted && policy.timeoutSource ? ` (${policy.timeoutSource})` : '';
    // Only a host that sent nothing back in time hangs; one that answered and then trickled is retried as before.
    return new Retryable(`${doing}${why}${source}`, undefined, controller.signal.aborted && doing === '');
  };
  let res: Response;
  let finalUrl: string;
  try {
    ({ res, url: finalUrl } = await fetchFollowing(req, controller.signal));
  } catch (err) {
    if (err instanceof ToolError) {
      release();
      throw err;
    }
    throw failure(err, '');
  }
  if (res.status === 429 || (res.status >= 500 && res.status !== 501)) {
    release();
    await res.body?.cancel().catch(() => undefined);
    throw new Retryable(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, retryAfterMs(res.headers.get('retry-after')));
  }
  const base = { status: res.status, headers: res.headers, url: finalUrl };
  if (req.stream && res.ok && res.body) {
    clearTimeout(timer);
    const stream = guardStream(res.body, controller, policy.timeoutMs, req.url, req.signal);
    stream.once('close', () => req.signal?.removeEventListener('abort', cancel));
    return { ...base, body: Buffer.alloc(0), stream };
  }
  try {
    const body = await readCapped(res, req.maxBytes ?? DEFAULT_MAX_BYTES);
    release();
    return { ...base, body };
  } catch (err) {
    if (err instanceof ToolError) {
      release();
      throw err;
    }
    throw failure(err, 'reading the response: ');
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/**
 * fetch with redirects followed by hand, so each hop is judged before anything is sent to it: HTTPS never
 * steps down to plain HTTP (that would hand the request, and what it carries, to anyone on the path), and
 * credentials and cookies stay behind when a hop leaves the origin.
 */
async function fetchFollowing(req: HttpRequest, signal: AbortSignal): Promise<{ res: Response; url: string }> {
  let url = new URL(req.url);
  let method = req.method ?? 'GET';
  let body = req.body;
  let headers: Record<string, string> = { ...req.headers };
  for (let hop = 0; ; hop++) {
    const res = await fetch(url, { method, headers, body, redirect: 'manual', signal });
    const location = res.headers.get('location');
    if (req.redirect === 'manual' || !REDIRECT_STATUSES.has(res.status) || location === null) return { res, url: url.href };
    await res.body?.cancel().catch(() => undefined);
    const what = `${req.method ?? 'GET'} ${pathOf(req.url)}`;
    if (hop >= MAX_REDIRECTS) throw new ToolError(url.host, `${what}: more than ${MAX_REDIRECTS} redirects`);
    if (!URL.canParse(location, url.href)) throw new ToolError(url.host, redact(`${what}: redirect to something that is not a URL (${JSON.stringify(location.slice(0, 200))})`));
    const next = new URL(location, url);
    if (url.protocol === 'https:' && next.protocol !== 'https:') {
      const to = next.protocol === 'http:' ? `plain HTTP (${next.host})` : `${next.protocol} (${next.host})`;
      throw new ToolError(url.host, `${what}: ${url.host} redirects from HTTPS to ${to}; refused, not followed`);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new ToolError(url.host, `${what}: redirect to scheme ${next.protocol}; refused`);
    if (next.origin !== url.origin) headers = withoutHeaders(headers, ['authorization', 'cookie', 'proxy-authorization']);
    if ((res.status === 303 && method !== 'HEAD') || ((res.status === 301 || res.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      headers = withoutHeaders(headers, ['content-type', 'content-length']);
    }
    url = next;
  }
}

function withoutHeaders(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !names.includes(k.toLowerCase())));
}

async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      await res.body.cancel().catch(() => undefined);
      throw new ToolError(new URL(res.url).host, `response larger than ${maxBytes} bytes`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/**
 * Passes a body through with an idle deadline and errors that name the host. The deadline only runs
 * while the network owes us bytes: a consumer that is slow to read (backpressure) does not trip it.
 */
function guardStream(body: ReadableStream<Uint8Array>, controller: AbortController, timeoutMs: number, url: string, external?: AbortSignal): Readable {
  const source = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
  const out = new Transform({
    transform(chunk, _enc, cb) {
      arm();
      cb(null, chunk);
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (out.readableLength > 0 || out.writableLength > 0 || source.isPaused()) arm();
      else controller.abort();
    }, timeoutMs);
  };
  const done = (): void => clearTimeout(timer);
  arm();
  source.on('error', (err) => {
    done();
    const why = external?.aborted ? 'cancelled' : controller.signal.aborted ? `stalled for ${timeoutMs} ms` : describeFailure(err, false, 0);
    out.destroy(new ToolError(new URL(url).host, `download of ${pathOf(url)} broke off: ${why}`));
  });
  source.on('end', done);
  out.on('close', () => {
    done();
    if (!source.readableEnded) {
      controller.abort();
      source.destroy();
    }
  });
  source.pipe(out);
  return out;
}

function describeFailure(err: unknown, aborted: boolean, timeoutMs: number): string {
  if (aborted) return `timed out after ${timeoutMs} ms`;
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return redact(cause ? `${e.message ?? 'network error'} (${cause})` : (e.message ?? String(err)));
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Date.parse also reads bare numbers such as "-1" as years
  if (!/[a-z]{3}/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function pathOf(url: string): string {
  const u = new URL(url);
  return u.pathname;
}
