// Downloads an IOC feed to a file: https only (plain http for loopback), size-capped, fsynced before it counts.
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ToolError, UsageError } from '../errors.js';
import { DEFAULT_RETRY, requestWithRetry, type RetryPolicy } from './http.js';

export interface FeedDownload {
  url: string;
  /** A new file to create (never an existing one); the caller renames it into place once it is verified. */
  dest: string;
  maxBytes: number;
  policy?: RetryPolicy;
  signal?: AbortSignal;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A feed decides what every later scan calls clean, so it must not be swappable in transit: https
 * is required. Plain http is allowed only to this machine (a mirror on localhost, tests).
 */
export function checkFeedUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--from: not a URL: ${raw}`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && (LOOPBACK.has(url.hostname) || /^127\./.test(url.hostname))) return url;
  throw new UsageError(`--from: ${url.protocol}//${url.host} is not https (plain http is accepted only for loopback hosts)`);
}

function sizeCap(maxBytes: number, host: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > maxBytes) cb(new ToolError(host, `feed larger than the ${maxBytes}-byte limit (raise it with --max-mb)`));
      else cb(null, chunk);
    },
  });
}

/** Streams the feed into `dest` and fsyncs it; returns the bytes written and the URL after redirects. */
export async function downloadFeed(req: FeedDownload): Promise<{ bytes: number; url: string }> {
  const url = checkFeedUrl(req.url);
  const res = await requestWithRetry({ url: url.href, stream: true, maxBytes: 64 * 1024, ...(req.signal ? { signal: req.signal } : {}) }, req.policy ?? DEFAULT_RETRY);
  const stream = res.stream;
  try {
    if (res.status !== 200 || !stream) throw new ToolError(url.host, `GET ${url.pathname}: HTTP ${res.status}`);
    // A redirect must not step down from https to plain http on another host.
    checkFeedUrl(res.url);
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > req.maxBytes) throw new ToolError(url.host, `feed is ${declared} bytes, over the ${req.maxBytes}-byte limit (raise it with --max-mb)`);
    let bytes = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        cb(null, chunk);
      },
    });
    // flush: fsync before the stream reports done, so a crash after the rename cannot leave an empty feed.
    await pipeline(stream, sizeCap(req.maxBytes, url.host), count, createWriteStream(req.dest, { flags: 'wx', mode: 0o644, flush: true }));
    return { bytes, url: res.url };
  } catch (e) {
    stream?.destroy();
    if (e instanceof ToolError || e instanceof UsageError) throw e;
    throw new ToolError(url.host, `GET ${url.pathname}: ${(e as Error).message}`);
  }
}
