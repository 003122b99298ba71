// A loopback HTTP or HTTPS server that records every request (method, path, Authorization) and answers as told:
// an auth challenge, a redirect, or nothing at all (a host that accepts connections and never answers).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RecordedCall {
  method: string;
  path: string;
  authorization?: string;
}

export type Answer = 'basic-challenge' | 'hang' | { redirect: (path: string) => string };

export interface Recorder {
  /** `127.0.0.1:PORT` */
  host: string;
  url: string;
  calls: RecordedCall[];
  close(): Promise<void>;
}

export interface TlsPair {
  cert: string;
  key: string;
  /** The certificate as a file, for NODE_EXTRA_CA_CERTS. */
  certFile: string;
  dispose(): void;
}

/** A self-signed certificate for 127.0.0.1 made with the openssl command line (undefined when there is none). */
export function loopbackCertificate(): TlsPair | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'sbom-hunt-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', 'key.pem', '-out', 'cert.pem'], { cwd: dir, stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8'), certFile: join(dir, 'cert.pem'), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startRecorder(answer: Answer, tls?: TlsPair): Promise<Recorder> {
  const calls: RecordedCall[] = [];
  const sockets = new Set<Socket>();
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    calls.push({ method: req.method ?? '', path: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    if (answer === 'hang') return;
    if (answer === 'basic-challenge') {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="recorder"', 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0' });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    res.writeHead(302, { location: answer.redirect(req.url ?? '/') });
    res.end();
  };
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, handle) : http.createServer(handle);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
