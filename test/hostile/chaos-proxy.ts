// A seeded chaos proxy in front of the real registry: each request draws a fault (or none) from a fixed-seed
// generator, so a soak run is repeatable. Faults: resets, 429 with and without Retry-After, 500/502/503,
// bodies cut mid-way, a wrong Content-Length, slow trickles, and a different blob than the one asked for.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { seeded } from '../helpers/random.js';

export type ChaosKind = 'none' | 'reset' | '429-retry-after' | '429' | '500' | '502' | '503' | 'cut-body' | 'wrong-length' | 'trickle' | 'other-blob';

const WEIGHTS: [ChaosKind, number][] = [
  ['none', 55],
  ['reset', 5],
  ['429-retry-after', 5],
  ['429', 4],
  ['500', 4],
  ['502', 4],
  ['503', 4],
  ['cut-body', 6],
  ['wrong-length', 5],
  ['trickle', 4],
  ['other-blob', 4],
];


export interface ChaosProxy {
  host: string;
  counts: Record<ChaosKind, number>;
  requests: number;
  stop(): Promise<void>;
}

export async function startChaosProxy(upstream: string, seed: number): Promise<ChaosProxy> {
  const next = seeded(seed);
  const total = WEIGHTS.reduce((s, [, w]) => s + w, 0);
  const draw = (): ChaosKind => {
    let x = next() * total;
    for (const [k, w] of WEIGHTS) if ((x -= w) < 0) return k;
    return 'none';
  };
  const counts = Object.fromEntries(WEIGHTS.map(([k]) => [k, 0])) as Record<ChaosKind, number>;
  const blobs = new Set<string>();
  const sockets = new Set<Socket>();
  const proxy: ChaosProxy = { host: '', counts, requests: 0, stop: async () => {} };
  const server = createServer((req, res) => {
    proxy.requests++;
    const path = req.url ?? '/';
    const blob = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})$/.exec(path);
    if (blob) blobs.add(`${blob[1]}\0${blob[2]}`);
    let kind = path === '/v2/' ? 'none' : draw();
    if (kind === 'other-blob' && !blob) kind = 'none';
    counts[kind]++;
    serve(req, res, upstream, kind, blob ? [...blobs].find((b) => b.endsWith(blob[2]!) === false && b.startsWith(`${blob[1]}\0`)) : undefined);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return proxy;
}

function serve(req: IncomingMessage, res: ServerResponse, upstream: string, kind: ChaosKind, otherBlob: string | undefined): void {
  if (kind === 'reset') return void req.socket.destroy();
  const status = { '429-retry-after': 429, '429': 429, '500': 500, '502': 502, '503': 503 }[kind as string];
  if (status) {
    res.writeHead(status, { 'content-type': 'application/json', ...(kind === '429-retry-after' ? { 'retry-after': '0' } : {}) });
    return void res.end(JSON.stringify({ errors: [{ code: 'CHAOS', message: kind }] }));
  }
  let path = req.url ?? '/';
  if (kind === 'other-blob' && otherBlob) {
    const [repo, digest] = otherBlob.split('\0');
    path = `/v2/${repo}/blobs/${digest}`;
  }
  const target = new URL(path, upstream);
  const up = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (upRes) => {
    const headers = { ...upRes.headers };
    const length = Number(headers['content-length'] ?? NaN);
    if (kind === 'wrong-length' && Number.isFinite(length)) headers['content-length'] = String(length + 100);
    res.writeHead(upRes.statusCode ?? 502, headers);
    if (kind === 'cut-body') return cut(upRes, res);
    if (kind === 'trickle') return trickle(upRes, res);
    upRes.pipe(res);
    // A Content-Length that promises more than is sent: the client waits, then sees the close.
    if (kind === 'wrong-length') upRes.on('end', () => setTimeout(() => res.socket?.destroy(), 50));
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
}

function cut(upRes: IncomingMessage, res: ServerResponse): void {
  let sent = 0;
  upRes.on('data', (chunk: Buffer) => {
    if (sent > 200) return;
    res.write(chunk.subarray(0, 200));
    sent += 201;
    upRes.destroy();
    setTimeout(() => res.socket?.destroy(), 10);
  });
}

/** Sends the body in small pieces with pauses: slow, but never idle long enough to trip a timeout. */
function trickle(upRes: IncomingMessage, res: ServerResponse): void {
  upRes.pause();
  const chunks: Buffer[] = [];
  upRes.on('data', (c: Buffer) => chunks.push(c));
  upRes.on('end', () => {
    const all = Buffer.concat(chunks);
    let off = 0;
    const tick = () => {
      if (res.destroyed) return;
      if (off >= all.length) return void res.end();
      res.write(all.subarray(off, (off += 2048)));
      setTimeout(tick, 5);
    };
    tick();
  });
  upRes.resume();
}
