// A loopback HTTP server answering a registry vendor's API from a route table, recording what it was asked.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface VendorReply {
  status?: number;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface VendorRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

export type VendorRoutes = (req: VendorRequest, base: string) => VendorReply | undefined;

export interface VendorApi {
  url: string;
  host: string;
  requests: VendorRequest[];
  stop(): Promise<void>;
}

export async function startVendorApi(routes: VendorRoutes): Promise<VendorApi> {
  const requests: VendorRequest[] = [];
  let base = '';
  const server = createServer((req, res) => {
    const seen = { path: req.url ?? '/', headers: req.headers };
    requests.push(seen);
    const reply = routes(seen, base) ?? { status: 404, body: { message: 'Not Found' } };
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    host: `127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
