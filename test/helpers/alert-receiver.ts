// A local HTTP server on 127.0.0.1 playing PagerDuty's Events API v2 and webhook endpoints, recording what arrives.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod';

/** The Events v2 shape PagerDuty accepts; anything else is answered 400 as PagerDuty would. */
const Trigger = z.object({
  routing_key: z.string().length(32),
  event_action: z.literal('trigger'),
  dedup_key: z.string().min(1).max(255),
  payload: z.object({
    summary: z.string().min(1).max(1024),
    source: z.string().min(1),
    severity: z.enum(['critical', 'error', 'warning', 'info']),
    custom_details: z.record(z.string(), z.unknown()).optional(),
  }),
});
const Resolve = z.object({ routing_key: z.string().length(32), event_action: z.literal('resolve'), dedup_key: z.string().min(1).max(255) });
export const PagerDutyEvent = z.discriminatedUnion('event_action', [Trigger, Resolve]);
export type PagerDutyEvent = z.infer<typeof PagerDutyEvent>;

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Scripted failures: the next `count` requests to `path` get `status` (and Retry-After when given); 0 never answers. */
interface Fault {
  path: string;
  status: number;
  retryAfter?: string;
  count: number;
  /** Requests to let through before this fault applies. */
  after: number;
}

export interface AlertReceiver {
  url: string;
  /** Accepted PagerDuty events, in order. */
  pagerduty: PagerDutyEvent[];
  /** Every request that reached a webhook path (/hook/...), accepted ones only. */
  webhooks: Received[];
  /** Every request, including refused ones, with when it came. */
  log: { path: string; status: number; at: number }[];
  failNext(path: string, status: number, count?: number, retryAfter?: string): void;
  /** Accept the next `n` requests to `path`, then never answer the ones after (a PagerDuty that hangs mid-sweep). */
  hangAfter(path: string, n: number): void;
  /** Answer every request this much later (a slow destination, so two sweeps overlap). */
  setDelay(ms: number): void;
  reset(): void;
  close(): Promise<void>;
}

const HANGING = new Set<ServerResponse>();

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export async function startAlertReceiver(): Promise<AlertReceiver> {
  const faults: Fault[] = [];
  const delay = { ms: 0 };
  const r: Omit<AlertReceiver, 'url' | 'close'> & { close?: () => Promise<void> } = {
    pagerduty: [],
    webhooks: [],
    log: [],
    failNext: (path, status, count = 1, retryAfter) => faults.push({ path, status, count, after: 0, ...(retryAfter ? { retryAfter } : {}) }),
    hangAfter: (path, n) => faults.push({ path, status: 0, count: Number.MAX_SAFE_INTEGER, after: n }),
    setDelay: (ms) => void (delay.ms = ms),
    reset: () => {
      r.pagerduty.length = 0;
      r.webhooks.length = 0;
      r.log.length = 0;
      faults.length = 0;
      delay.ms = 0;
    },
  };
  const server: Server = createServer(async (req, res) => {
    const path = req.url ?? '/';
    const body = await readBody(req);
    let fault = faults.find((f) => f.path === path && f.count > 0);
    if (fault && fault.after > 0) {
      fault.after--;
      fault = undefined;
    }
    if (delay.ms > 0) await new Promise((resolve) => setTimeout(resolve, delay.ms));
    const status = fault ? fault.status : handle(path, body, req, r);
    r.log.push({ path, status, at: Date.now() });
    if (fault) {
      fault.count--;
      // Status 0: never answer, as a PagerDuty that hangs (the test kills the sweep meanwhile).
      if (fault.status === 0) return void HANGING.add(res);
      return reply(res, fault.status, { status: 'error', message: 'scripted failure' }, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
    }
    if (status === 202) return reply(res, 202, { status: 'success', message: 'Event processed', dedup_key: (JSON.parse(body) as { dedup_key?: string }).dedup_key });
    if (status === 400) return reply(res, 400, { status: 'invalid event', message: 'Event object is invalid', errors: ['bad shape'] });
    return reply(res, status, { ok: status < 300 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...r,
    url: `http://127.0.0.1:${port}`,
    close: () => {
      for (const res of HANGING) res.destroy();
      HANGING.clear();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  } as AlertReceiver;
}

/** The status a healthy endpoint answers, recording what it accepted. */
function handle(path: string, body: string, req: IncomingMessage, r: Pick<AlertReceiver, 'pagerduty' | 'webhooks'>): number {
  if (req.method !== 'POST') return 405;
  if (path === '/v2/enqueue') {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return 400;
    }
    const event = PagerDutyEvent.safeParse(json);
    if (!event.success) return 400;
    r.pagerduty.push(event.data);
    return 202;
  }
  if (path.startsWith('/hook/')) {
    r.webhooks.push({ path, headers: req.headers, body });
    return 200;
  }
  return 404;
}
