// A small token service for the test registry: checks Basic or refresh-token logins, signs JWTs the registry trusts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { generateKeyPairSync, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface TokenRequest {
  method: string;
  user?: string;
  scopes: string[];
  grantType?: string;
}

export interface TokenService {
  realm: string;
  service: string;
  issuer: string;
  /** PEM of the self-signed certificate the registry's `rootcertbundle` names. */
  certPem: string;
  requests: TokenRequest[];
  /** Signs the next this-many tokens with a key the registry does not trust (a revoked token). */
  untrustedNext: number;
  /** A token for the given scopes, as a logged-in user would get (for pushing). */
  issue(scopes: string[], user?: string): string;
  stop(): Promise<void>;
}

export interface TokenServiceOptions {
  users: Record<string, string>;
  /** Refresh tokens (docker's identitytoken) and the user each stands for. */
  refreshTokens?: Record<string, string>;
  service?: string;
  issuer?: string;
}

export async function startTokenService(opts: TokenServiceOptions): Promise<TokenService> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certDer = selfSignedCert(privateKey, publicKey, 'sbom-hunt test token issuer');
  const service = opts.service ?? 'sbom-hunt-test-registry';
  const issuer = opts.issuer ?? 'sbom-hunt-test-issuer';
  const requests: TokenRequest[] = [];
  const rogue = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rogueCert = selfSignedCert(rogue.privateKey, rogue.publicKey, 'untrusted issuer');
  const issue = (scopes: string[], user?: string): string => {
    const claims = { issuer, service, user, scopes };
    if (svc.untrustedNext > 0) {
      svc.untrustedNext--;
      return signToken(rogue.privateKey, rogueCert, claims);
    }
    return signToken(privateKey, certDer, claims);
  };
  const server = createServer((req, res) => {
    handle(req, res, opts, requests, issue).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const svc: TokenService = {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certPem: `-----BEGIN CERTIFICATE-----\n${certDer.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`,
    requests,
    untrustedNext: 0,
    issue,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return svc;
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  opts: TokenServiceOptions,
  requests: TokenRequest[],
  issue: (scopes: string[], user?: string) => string,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let user: string | undefined;
  let scopes = url.searchParams.getAll('scope');
  let grantType: string | undefined;
  if (req.method === 'POST') {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    grantType = form.get('grant_type') ?? undefined;
    user = opts.refreshTokens?.[form.get('refresh_token') ?? ''];
    scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    if (!user) return deny(res);
  } else {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (basic) {
      const [name = '', ...pass] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      if (opts.users[name] !== pass.join(':')) return deny(res);
      user = name;
    }
  }
  requests.push({ method: req.method ?? 'GET', user, scopes, grantType });
  const token = issue(user ? scopes : [], user);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
}

function deny(res: ServerResponse): void {
  res.statusCode = 401;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ details: 'incorrect username or password' }));
}

function signToken(key: KeyObject, certDer: Buffer, c: { issuer: string; service: string; user?: string; scopes: string[] }): string {
  const now = Math.floor(Date.now() / 1000);
  const access = c.scopes.map((s) => {
    const first = s.indexOf(':');
    const last = s.lastIndexOf(':');
    return { type: s.slice(0, first), name: s.slice(first + 1, last), actions: s.slice(last + 1).split(',') };
  });
  const header = { typ: 'JWT', alg: 'RS256', x5c: [certDer.toString('base64')] };
  const claims = { iss: c.issuer, sub: c.user ?? '', aud: c.service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access };
  const body = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${body}.${b64url(sign('sha256', Buffer.from(body), key))}`;
}

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

// Minimal DER, enough for one self-signed RSA certificate (no openssl needed on the test machine).
function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, content]);
}
const seq = (...parts: Buffer[]): Buffer => der(0x30, Buffer.concat(parts));
const oid = (dotted: string): Buffer => {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * a + b];
  for (const v of rest) {
    const chunk = [v & 0x7f];
    for (let x = v >> 7; x > 0; x >>= 7) chunk.unshift((x & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
};
const utcTime = (d: Date): Buffer => der(0x17, Buffer.from(d.toISOString().replace(/^\d\d|[-:T]|\.\d+/g, '').replace(/Z$/, 'Z')));
const cnName = (cn: string): Buffer => seq(der(0x31, seq(oid('2.5.4.3'), der(0x0c, Buffer.from(cn)))));

function selfSignedCert(privateKey: KeyObject, publicKey: KeyObject, cn: string): Buffer {
  const sha256WithRsa = seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));
  const now = Date.now();
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, Buffer.from([0x01, 0x23, 0x45, 0x67])),
    sha256WithRsa,
    cnName(cn),
    seq(utcTime(new Date(now - 3600_000)), utcTime(new Date(now + 86400_000))),
    cnName(cn),
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const cert = seq(tbs, sha256WithRsa, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  if (!new X509Certificate(cert).verify(publicKey)) throw new Error('test certificate does not verify');
  return cert;
}
