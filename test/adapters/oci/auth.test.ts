// Registry auth against a real distribution registry: htpasswd Basic, and Bearer tokens from a local token service.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../../src/adapters/oci/client.js';
import { dockerConfigCredentials, type Credential } from '../../../src/adapters/oci/credentials.js';
import { redact } from '../../../src/adapters/oci/secrets.js';
import { startFaultProxy } from '../../helpers/fault-proxy.js';
import { digestOf, pushContent } from '../../helpers/push.js';
import { htpasswdAvailable, registryAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { startTokenService, type TokenService } from '../../helpers/token-service.js';
import { makeImage, type TestImage } from './images.js';

if (!registryAvailable) console.warn(SKIP_MESSAGE);
if (!htpasswdAvailable) console.warn('htpasswd (apache2-utils) is missing: Basic auth registry tests are skipped');

const PASSWORD = 'correct-horse-battery-staple';
const fixed = (c: Credential | undefined) => async () => c;
const quick = { retries: 1, baseDelayMs: 10 };

describe.skipIf(!registryAvailable || !htpasswdAvailable)('Basic auth (htpasswd)', () => {
  let reg: TestRegistry;
  let img: TestImage;
  const basic = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;
  const client = (c: Credential | undefined) => new RegistryClient({ insecureRegistries: ['127.0.0.1'], credentials: fixed(c), retry: quick });

  beforeAll(async () => {
    reg = await startRegistry({ htpasswd: { alice: PASSWORD } });
    img = makeImage(['1.0']);
    await pushContent(reg.url, 'private/app', img, basic);
  });
  afterAll(async () => reg?.stop());

  it('reads manifests and the catalog with the right password', async () => {
    const c = client({ username: 'alice', password: PASSWORD });
    const m = await c.getManifest({ registry: reg.host, repository: 'private/app' }, '1.0');
    expect(m.digest).toBe(img.digest);
    expect(await c.listRepositories(reg.host)).toEqual(['private/app']);
    // the client registered what it sent, so no later message can show it
    expect(redact(`sent ${basic} for ${PASSWORD}`)).toBe('sent Basic *** for ***');
  });

  it('says no credentials were found when there are none', async () => {
    const err = (await client(undefined)
      .listTags({ registry: reg.host, repository: 'private/app' })
      .catch((e: Error) => e)) as Error;
    expect(err.message).toContain(`${reg.host}: tags of private/app: unauthorized for repository:private/app:pull, no credentials found for ${reg.host}`);
  });

  it('says the credentials were rejected, without echoing them', async () => {
    const wrong = 'wrong-password-1234';
    const err = (await client({ username: 'alice', password: wrong })
      .getManifest({ registry: reg.host, repository: 'private/app' }, '1.0')
      .catch((e: Error) => e)) as Error;
    expect(err.message).toContain('the configured credentials were rejected');
    expect(err.message).not.toContain(wrong);
    expect(err.message).not.toContain(Buffer.from(`alice:${wrong}`).toString('base64'));
  });

  it('does not carry the Authorization header along a blob redirect to another origin', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const storage = createServer((req, res) => {
      seen.push(req.headers);
      res.end(img.layer);
    });
    await new Promise<void>((r) => storage.listen(0, '127.0.0.1', r));
    const front = await startFaultProxy(reg.url);
    try {
      front.addRule({ path: /\/blobs\//, fault: { kind: 'redirect', to: `http://127.0.0.1:${(storage.address() as AddressInfo).port}` } });
      const c = client({ username: 'alice', password: PASSWORD });
      const repo = { registry: front.host, repository: 'private/app' };
      await c.getManifest(repo, '1.0'); // learns the Basic challenge
      const bytes = await buffer(await c.openBlob(repo, digestOf(img.layer)));
      expect(bytes.equals(img.layer)).toBe(true);
      expect(front.requests.at(-1)?.headers.authorization).toBe(basic);
      expect(seen).toHaveLength(1);
      expect(seen[0]?.authorization).toBeUndefined();
    } finally {
      await front.stop();
      await new Promise((r) => storage.close(r));
    }
  });
});

describe.skipIf(!registryAvailable)('Bearer token auth', () => {
  let reg: TestRegistry;
  let tokens: TokenService;
  let img: TestImage;
  let tmp: string;
  const client = (c: Credential | undefined) => new RegistryClient({ insecureRegistries: ['127.0.0.1'], credentials: fixed(c), retry: quick });

  beforeAll(async () => {
    tokens = await startTokenService({ users: { bob: PASSWORD }, refreshTokens: { 'refresh-abc-123': 'bob' } });
    reg = await startRegistry({ token: tokens });
    img = makeImage(['2.0']);
    await pushContent(reg.url, 'secure/app', img, (scope) => `Bearer ${tokens.issue([scope], 'bob')}`);
    tmp = await mkdtemp(join(tmpdir(), 'sbom-hunt-auth-'));
  });
  afterAll(async () => {
    await reg?.stop();
    await tokens?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('answers the challenge with a token per scope, and reuses it', async () => {
    tokens.requests.length = 0;
    const c = client({ username: 'bob', password: PASSWORD });
    const repo = { registry: reg.host, repository: 'secure/app' };
    expect((await c.getManifest(repo, '2.0')).digest).toBe(img.digest);
    expect((await buffer(await c.openBlob(repo, digestOf(img.config)))).equals(img.config)).toBe(true);
    expect(await c.listTags(repo)).toEqual(['2.0']);
    expect(await c.listRepositories(reg.host)).toEqual(['secure/app']);
    expect(tokens.requests.map((r) => [r.user, r.scopes.join(' ')])).toEqual([
      ['bob', 'repository:secure/app:pull'],
      ['bob', 'registry:catalog:*'],
    ]);
  });

  it('replaces a cached token the registry refuses, once', async () => {
    const c = client({ username: 'bob', password: PASSWORD });
    const repo = { registry: reg.host, repository: 'secure/app' };
    tokens.untrustedNext = 1;
    await expect(c.getManifest(repo, '2.0')).rejects.toThrow('the configured credentials were rejected');
    tokens.requests.length = 0;
    expect((await c.getManifest(repo, '2.0')).digest).toBe(img.digest);
    expect(tokens.requests).toHaveLength(1);
  });

  it('exchanges an identity token (refresh token) by POST', async () => {
    tokens.requests.length = 0;
    const m = await client({ identityToken: 'refresh-abc-123' }).getManifest({ registry: reg.host, repository: 'secure/app' }, '2.0');
    expect(m.digest).toBe(img.digest);
    expect(tokens.requests).toEqual([{ method: 'POST', user: 'bob', scopes: ['repository:secure/app:pull'], grantType: 'refresh_token' }]);
  });

  it('reports an anonymous token without access as missing credentials', async () => {
    const err = (await client(undefined)
      .getManifest({ registry: reg.host, repository: 'secure/app' }, '2.0')
      .catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(new RegExp(`^${reg.host}: manifest secure/app:2.0: unauthorized .*no credentials found`));
  });

  it('reports a refused login at the token service, without the password', async () => {
    const wrong = 'not-bobs-password-987';
    const err = (await client({ username: 'bob', password: wrong })
      .getManifest({ registry: reg.host, repository: 'secure/app' }, '2.0')
      .catch((e: Error) => e)) as Error;
    expect(err.message).toContain(`${new URL(tokens.realm).host}: token service refused repository:secure/app:pull with the configured credentials (HTTP 401)`);
    expect(err.message).not.toContain(wrong);
  });

  it('refuses a plain-HTTP token realm that is not listed as insecure', async () => {
    const c = new RegistryClient({ insecureRegistries: [reg.host], credentials: fixed({ username: 'bob', password: PASSWORD }), retry: quick });
    const err = (await c.getManifest({ registry: reg.host, repository: 'secure/app' }, '2.0').catch((e: Error) => e)) as Error;
    expect(err.message).toContain('is plain HTTP; allow it with --insecure-registry');
  });

  it('gets credentials from a docker credHelper: server URL on stdin, only "get" on argv', async () => {
    const bin = join(tmp, 'bin');
    const log = join(tmp, 'helper.log');
    await mkdir(bin, { recursive: true });
    const script = `#!/bin/sh\nread -r server\nprintf 'argv=%s stdin=%s\\n' "$*" "$server" >> '${log}'\nprintf '{"ServerURL":"%s","Username":"bob","Secret":"${PASSWORD}"}' "$server"\n`;
    await writeFile(join(bin, 'docker-credential-test'), script);
    await chmod(join(bin, 'docker-credential-test'), 0o755);
    const configDir = join(tmp, 'docker');
    await mkdir(configDir, { recursive: true });
    await writeFile(join(configDir, 'config.json'), JSON.stringify({ auths: { [reg.host]: {} }, credHelpers: { [reg.host]: 'test' } }));
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
    const c = new RegistryClient({ insecureRegistries: ['127.0.0.1'], credentials: dockerConfigCredentials(join(configDir, 'config.json'), env), retry: quick });
    const m = await c.getManifest({ registry: reg.host, repository: 'secure/app' }, '2.0');
    expect(m.digest).toBe(img.digest);
    expect(await readFile(log, 'utf8')).toBe(`argv=get stdin=${reg.host}\n`);
  });
});
