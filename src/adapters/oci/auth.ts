// Answers registry auth challenges: Basic, or Bearer tokens fetched from the realm and cached per scope.
import { ToolError } from '../../errors.js';
import { requestWithRetry, type HostHealth, type RetryPolicy } from '../http.js';
import type { Challenge } from './challenge.js';
import type { Credential, CredentialLookup } from './credentials.js';
import { TokenResponse } from './schema.js';
import { addSecret, redact } from './secrets.js';

export interface AuthOptions {
  credentials: CredentialLookup;
  policy: RetryPolicy;
  /** Plain HTTP is allowed for these hosts only (token realms included). */
  isInsecure: (host: string) => boolean;
  userAgent: string;
  signal?: AbortSignal | undefined;
  /** The client's memory of hosts that hung: a token realm that hangs is asked once per run. */
  hosts?: HostHealth;
}

export interface AuthHeader {
  value: string;
  /** A token reused from the cache: the registry may have stopped taking it (revoked, clock skew). */
  reused: boolean;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Tokens are renewed this long before they expire, so a request never carries a stale one. */
const EXPIRY_SLACK_MS = 10_000;
const DEFAULT_TOKEN_LIFETIME_S = 60;

export class Authenticator {
  private readonly challenges = new Map<string, Challenge>();
  private readonly tokens = new Map<string, Promise<CachedToken>>();
  private readonly creds = new Map<string, Promise<Credential | undefined>>();
  private readonly scopes = new Map<string, string>();

  constructor(private readonly opts: AuthOptions) {}

  /** Remembers how a host asked to be authenticated, so later requests authenticate up front. */
  learn(host: string, challenge: Challenge): void {
    this.challenges.set(host, challenge);
  }

  /** The scope a host asked for instead of ours (several repositories, more actions), once seen. */
  scopeFor(host: string, scope: string): string {
    return this.scopes.get(`${host}\n${scope}`) ?? scope;
  }

  rememberScope(host: string, scope: string, asked: string): void {
    this.scopes.set(`${host}\n${scope}`, asked);
  }

  challengeFor(host: string): Challenge | undefined {
    return this.challenges.get(host);
  }

  /** Whether any credential is configured for a registry (for clearer 401 messages). */
  async hasCredentials(registry: string): Promise<boolean> {
    return (await this.credential(registry)) !== undefined;
  }

  /** The Authorization header for a request on `host`, or undefined while no challenge is known. */
  async header(registry: string, host: string, scope: string, signal?: AbortSignal): Promise<AuthHeader | undefined> {
    const challenge = this.challenges.get(host);
    if (!challenge) return undefined;
    const cred = await untilAborted(this.credential(registry), signal, () => new ToolError(registry, 'credential lookup cancelled'));
    if (cred?.registryToken) return { value: `Bearer ${cred.registryToken}`, reused: false };
    if (challenge.scheme === 'basic') {
      if (!cred?.username || cred.password === undefined) return undefined;
      return { value: `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`, reused: false };
    }
    const scopeToUse = challenge.params.scope && !scope ? challenge.params.scope : scope;
    const { token, reused } = await untilAborted(this.token(registry, challenge, scopeToUse, cred), signal, () => new ToolError(this.realmHost(challenge), `token for ${scopeToUse || registry} cancelled`));
    return { value: `Bearer ${token}`, reused };
  }

  /** Forgets a token the registry refused, so the next round fetches a fresh one. */
  dropToken(registry: string, challenge: Challenge, scope: string): void {
    this.tokens.delete(tokenKey(registry, challenge, scope));
  }

  private credential(registry: string): Promise<Credential | undefined> {
    let c = this.creds.get(registry);
    if (!c) {
      c = this.opts.credentials(registry).then((cred) => {
        // Whatever source they came from, these may now appear in headers: mask them everywhere.
        [cred?.password, cred?.identityToken, cred?.registryToken].forEach(addSecret);
        if (cred?.username && cred.password) addSecret(`${cred.username}:${cred.password}`);
        return cred;
      });
      this.creds.set(registry, c);
    }
    return c;
  }

  private async token(registry: string, challenge: Challenge, scope: string, cred: Credential | undefined): Promise<{ token: string; reused: boolean }> {
    const key = tokenKey(registry, challenge, scope);
    const cached = this.tokens.get(key);
    if (cached) {
      const t = await cached.catch(() => undefined);
      if (t && t.expiresAt > Date.now()) return { token: t.token, reused: true };
    }
    const fresh = this.fetchToken(challenge, scope, cred);
    this.tokens.set(key, fresh);
    fresh.catch(() => this.tokens.delete(key));
    return { token: (await fresh).token, reused: false };
  }

  private async fetchToken(challenge: Challenge, scope: string, cred: Credential | undefined): Promise<CachedToken> {
    const realm = this.realmUrl(challenge);
    const service = challenge.params.service;
    const headers: Record<string, string> = { 'user-agent': this.opts.userAgent, accept: 'application/json' };
    let res;
    if (cred?.identityToken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cred.identityToken, client_id: 'sbom-hunt' });
      if (service) form.set('service', service);
      if (scope) form.set('scope', scope);
      headers['content-type'] = 'application/x-www-form-urlencoded';
      res = await requestWithRetry({ url: realm.href, method: 'POST', headers, body: form.toString(), maxBytes: 1 << 20, signal: this.opts.signal, ...(this.opts.hosts ? { hosts: this.opts.hosts } : {}) }, this.opts.policy);
    } else {
      if (service) realm.searchParams.set('service', service);
      for (const s of scope.split(' ').filter(Boolean)) realm.searchParams.append('scope', s);
      if (cred?.username && cred.password !== undefined) {
        headers.authorization = `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
      }
      res = await requestWithRetry({ url: realm.href, headers, maxBytes: 1 << 20, signal: this.opts.signal, ...(this.opts.hosts ? { hosts: this.opts.hosts } : {}) }, this.opts.policy);
    }
    if (res.status !== 200) {
      const who = cred ? 'with the configured credentials' : 'anonymously (no credentials configured)';
      throw new ToolError(realm.host, `token service refused ${scope || 'a token'} ${who} (HTTP ${res.status})`);
    }
    return parseToken(res.body, realm.host);
  }

  private realmHost(challenge: Challenge): string {
    return URL.canParse(challenge.params.realm ?? '') ? new URL(challenge.params.realm as string).host : 'token service';
  }

  private realmUrl(challenge: Challenge): URL {
    let realm: URL;
    try {
      realm = new URL(challenge.params.realm ?? '');
    } catch {
      throw new ToolError('registry', redact(`auth challenge has no usable realm: "${challenge.params.realm ?? ''}"`));
    }
    if (realm.protocol === 'http:' && !this.opts.isInsecure(realm.host)) {
      throw new ToolError(realm.host, `token realm ${realm.origin} is plain HTTP; allow it with --insecure-registry ${realm.host}`);
    }
    if (realm.protocol !== 'http:' && realm.protocol !== 'https:') throw new ToolError(realm.host, `token realm has scheme ${realm.protocol}`);
    return realm;
  }
}

function tokenKey(registry: string, challenge: Challenge, scope: string): string {
  return [registry, challenge.params.realm, challenge.params.service ?? '', scope].join('\n');
}

function parseToken(body: Buffer, host: string): CachedToken {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ToolError(host, 'token service answered with something that is not JSON');
  }
  const parsed = TokenResponse.safeParse(json);
  if (!parsed.success) throw new ToolError(host, `token response not understood: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const token = (parsed.data.token ?? parsed.data.access_token) as string;
  addSecret(token);
  const issued = parsed.data.issued_at ? Date.parse(parsed.data.issued_at) : Number.NaN;
  const start = Number.isNaN(issued) ? Date.now() : Math.min(issued, Date.now());
  return { token, expiresAt: start + (parsed.data.expires_in ?? DEFAULT_TOKEN_LIFETIME_S) * 1000 - EXPIRY_SLACK_MS };
}

/**
 * One caller stops waiting when its own signal fires (its image's deadline), while the shared work goes on for
 * the others waiting on it: a token fetched for many images is not cancelled by the first one's deadline.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, error: () => Error): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(error());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(error());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
