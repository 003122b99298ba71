// An HTTP proxy in front of a real registry that injects faults: statuses, Retry-After, dropped or slow responses.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  /** Sends the upstream headers and this many body bytes, then cuts the connection. */
  | { kind: 'drop-body'; afterBytes: number }
  /** Sends the upstream headers and this many body bytes, then goes silent with the connection open. */
  | { kind: 'stall-body'; afterBytes: number }
  /** Closes the connection before any response. */
  | { kind: 'reset' }
  /** Waits before forwarding the upstream response. */
  | { kind: 'delay'; ms: number }
  /** Answers with a redirect to this URL (another origin serving the same path). */
  | { kind: 'redirect'; to: string; status?: number }
  /** Answers itself with this body: an endpoint the registry behind lacks (the OCI 1.1 referrers API). */
  | { kind: 'serve'; status?: number; contentType: string; body: Buffer };

export interface FaultRule {
  method?: string;
  path: RegExp;
  fault: Fault;
  /** How many matching requests the fault hits; then requests pass through. Default: all. */
  times?: number;
}

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  fault?: Fault['kind'];
}

export interface FaultProxy {
  host: string;
  url: string;
  requests: SeenRequest[];
  /** Most requests seen in flight at once since the last clear(). */
  maxInFlight(): number;
  addRule(rule: FaultRule): void;
  clear(): void;
  stop(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const rules: FaultRule[] = [];
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const path = req.url ?? '/';
    const rule = rules.find((r) => (r.times ?? Infinity) > 0 && r.path.test(path) && (!r.method || r.method === req.method));
    if (rule && rule.times !== undefined) rule.times--;
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers, fault: rule?.fault.kind });
    serve(req, res, upstream, rule?.fault);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests,
    maxInFlight: () => maxInFlight,
    addRule: (rule) => rules.push({ ...rule }),
    clear: () => {
      rules.length = 0;
      requests.length = 0;
      maxInFlight = inFlight;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function serve(req: IncomingMessage, res: ServerResponse, upstream: string, fault: Fault | undefined): void {
  if (fault?.kind === 'reset') {
    req.socket.destroy();
    return;
  }
  if (fault?.kind === 'status') {
    res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
    res.end(JSON.stringify({ errors: [{ code: 'INJECTED', message: `injected ${fault.status}` }] }));
    return;
  }
  if (fault?.kind === 'serve') {
    res.writeHead(fault.status ?? 200, { 'content-type': fault.contentType, 'content-length': String(fault.body.length) });
    res.end(fault.body);
    return;
  }
  if (fault?.kind === 'redirect') {
    res.writeHead(fault.status ?? 307, { location: fault.to + (req.url ?? '/') });
    res.end();
    return;
  }
  const target = new URL(req.url ?? '/', upstream);
  const up = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (upRes) => {
    const forward = (): void => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      if (fault?.kind === 'drop-body' || fault?.kind === 'stall-body') return cutAfter(upRes, res, fault.afterBytes, fault.kind === 'drop-body');
      upRes.pipe(res);
    };
    if (fault?.kind === 'delay') setTimeout(forward, fault.ms);
    else forward();
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
}

function cutAfter(upRes: IncomingMessage, res: ServerResponse, afterBytes: number, drop: boolean): void {
  let sent = 0;
  upRes.on('data', (chunk: Buffer) => {
    if (sent >= afterBytes) return;
    const part = chunk.subarray(0, afterBytes - sent);
    sent += part.length;
    res.write(part);
    if (sent >= afterBytes) {
      upRes.destroy();
      // flush what was written, then cut the connection mid-body (or leave it hanging)
      if (drop) setTimeout(() => res.socket?.destroy(), 20);
    }
  });
}
