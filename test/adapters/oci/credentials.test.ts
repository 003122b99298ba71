// Credentials from the environment and from docker's config.json, with stand-in credential helpers.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCredentials, dockerConfigCredentials, dockerConfigPath, envCredentials } from '../../../src/adapters/oci/credentials.js';
import { redact } from '../../../src/adapters/oci/secrets.js';
import { InputError, ToolError } from '../../../src/errors.js';

let tmp: string;
let bin: string;
let env: NodeJS.ProcessEnv;

/** A stand-in `docker-credential-NAME`: logs argv and stdin, then prints what the test says. */
async function helper(name: string, body: string): Promise<string> {
  const log = join(tmp, `${name}.log`);
  const script = `#!/bin/sh\nread -r server\nprintf 'argv=%s stdin=%s\\n' "$*" "$server" >> '${log}'\n${body}\n`;
  await writeFile(join(bin, `docker-credential-${name}`), script);
  await chmod(join(bin, `docker-credential-${name}`), 0o755);
  return log;
}

async function config(name: string, content: unknown): Promise<string> {
  const dir = join(tmp, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), typeof content === 'string' ? content : JSON.stringify(content));
  return join(dir, 'config.json');
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sbom-hunt-creds-'));
  bin = join(tmp, 'bin');
  await mkdir(bin);
  env = { PATH: `${bin}:${process.env.PATH ?? ''}` };
});
afterAll(async () => rm(tmp, { recursive: true, force: true }));

describe('docker config.json', () => {
  it('reads inline auths: base64 auth, username/password, identitytoken, by host or URL key', async () => {
    const path = await config('inline', {
      auths: {
        'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hub:pass').toString('base64') },
        'ghcr.io': { username: 'gh', password: 'ghp_secret' },
        'https://quay.io/v2/': { identitytoken: 'refresh-xyz' },
      },
    });
    const lookup = dockerConfigCredentials(path, env);
    expect(await lookup('docker.io')).toEqual({ username: 'hubuser', password: 'hub:pass' });
    expect(await lookup('ghcr.io')).toEqual({ username: 'gh', password: 'ghp_secret' });
    expect(await lookup('quay.io')).toEqual({ identityToken: 'refresh-xyz' });
    expect(await lookup('other.example')).toBeUndefined();
    expect(redact('leaked hub:pass and ghp_secret')).toBe('leaked *** and ***');
  });

  it('runs credHelpers for their host with the server URL on stdin, credsStore for the rest', async () => {
    const perHost = await helper('perhost', `printf '{"ServerURL":"%s","Username":"u1","Secret":"helper-secret-1"}' "$server"`);
    const store = await helper('store', `printf '{"ServerURL":"%s","Username":"<token>","Secret":"identity-2"}' "$server"`);
    const path = await config('helpers', { credsStore: 'store', credHelpers: { 'registry.example:5000': 'perhost' } });
    const lookup = dockerConfigCredentials(path, env);
    expect(await lookup('registry.example:5000')).toEqual({ username: 'u1', password: 'helper-secret-1' });
    expect(await lookup('docker.io')).toEqual({ identityToken: 'identity-2' });
    expect(await readFile(perHost, 'utf8')).toBe('argv=get stdin=registry.example:5000\n');
    expect(await readFile(store, 'utf8')).toBe('argv=get stdin=https://index.docker.io/v1/\n');
  });

  it('treats "credentials not found" from a helper as no credentials', async () => {
    await helper('empty', `echo "credentials not found in native keychain"; exit 1`);
    const lookup = dockerConfigCredentials(await config('empty', { credsStore: 'empty' }), env);
    expect(await lookup('ghcr.io')).toBeUndefined();
  });

  it('reports a failing helper by name, with known secrets masked', async () => {
    await helper('broken', `echo "backend said: ghp_secret is revoked" >&2; exit 3`);
    const lookup = dockerConfigCredentials(await config('broken', { credHelpers: { 'ghcr.io': 'broken' } }), env);
    const err = (await lookup('ghcr.io').catch((e: Error) => e)) as Error;
    expect(err).toBeInstanceOf(ToolError);
    expect(err.message).toBe('docker-credential-broken: get for ghcr.io exited 3: backend said: *** is revoked');
  });

  it('reports a helper that is not installed, and one that prints something else than JSON', async () => {
    const missing = dockerConfigCredentials(await config('missing', { credsStore: 'not-installed-anywhere' }), env);
    await expect(missing('ghcr.io')).rejects.toThrow(/^docker-credential-not-installed-anywhere: not found on PATH/);
    await helper('chatty', 'echo hello');
    const chatty = dockerConfigCredentials(await config('chatty', { credsStore: 'chatty' }), env);
    await expect(chatty('ghcr.io')).rejects.toThrow('docker-credential-chatty: get for ghcr.io did not print {"Username","Secret"} JSON');
  });

  it('refuses helper names that could name another program', async () => {
    const lookup = dockerConfigCredentials(await config('evil', { credsStore: '../../bin/sh' }), env);
    await expect(lookup('ghcr.io')).rejects.toThrow('unexpected characters');
  });

  it('names the file when config.json is broken, and reads nothing when it is absent', async () => {
    const bad = await config('bad', '{"auths": ');
    await expect(dockerConfigCredentials(bad, env)('ghcr.io')).rejects.toThrow(new InputError(bad, 'not valid JSON'));
    const wrongShape = await config('shape', { auths: { 'ghcr.io': { auth: 42 } } });
    await expect(dockerConfigCredentials(wrongShape, env)('ghcr.io')).rejects.toThrow(InputError);
    expect(await dockerConfigCredentials(join(tmp, 'nowhere', 'config.json'), env)('ghcr.io')).toBeUndefined();
  });

  it('finds config.json through DOCKER_CONFIG, else under the home directory', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/etc/ci-docker' })).toBe('/etc/ci-docker/config.json');
    expect(dockerConfigPath({})).toBe(join(homedir(), '.docker', 'config.json'));
  });
});

describe('environment credentials', () => {
  it('go to no registry when none was named: unset SBOM_HUNT_REGISTRY_HOSTS is not "every host"', async () => {
    const lookup = envCredentials({ SBOM_HUNT_REGISTRY_USERNAME: 'ci', SBOM_HUNT_REGISTRY_PASSWORD: 'env-pass-1' });
    expect(await lookup('ghcr.io')).toBeUndefined();
    expect(redact('env-pass-1')).toBe('***');
  });

  it('go to the registries named on the command line when SBOM_HUNT_REGISTRY_HOSTS is unset, never to others', async () => {
    const lookup = envCredentials({ SBOM_HUNT_REGISTRY_USERNAME: 'ci', SBOM_HUNT_REGISTRY_PASSWORD: 'pw-n' }, ['GHCR.io', 'localhost:5000']);
    expect(await lookup('ghcr.io')).toEqual({ username: 'ci', password: 'pw-n' });
    expect(await lookup('localhost:5000')).toBeDefined();
    // Another port, another name for the same machine, a subdomain: not what the user named.
    for (const other of ['localhost:5001', '127.0.0.1:5000', 'evil.ghcr.io', 'ghcr.io.evil.example', 'quay.io']) expect(await lookup(other)).toBeUndefined();
  });

  it('SBOM_HUNT_REGISTRY_HOSTS, when set, is the exact list: a named registry outside it gets none', async () => {
    const lookup = envCredentials({ SBOM_HUNT_REGISTRY_USERNAME: 'ci', SBOM_HUNT_REGISTRY_PASSWORD: 'pw-l', SBOM_HUNT_REGISTRY_HOSTS: 'quay.io' }, ['ghcr.io']);
    expect(await lookup('quay.io')).toBeDefined();
    expect(await lookup('ghcr.io')).toBeUndefined();
  });

  it('apply only to the listed registries when SBOM_HUNT_REGISTRY_HOSTS is set', async () => {
    const lookup = envCredentials({ SBOM_HUNT_REGISTRY_USERNAME: 'ci', SBOM_HUNT_REGISTRY_PASSWORD: 'pw-2', SBOM_HUNT_REGISTRY_HOSTS: 'ghcr.io, index.docker.io' });
    expect(await lookup('ghcr.io')).toBeDefined();
    expect(await lookup('docker.io')).toBeDefined();
    expect(await lookup('quay.io')).toBeUndefined();
  });

  it('come before docker config.json', async () => {
    const dir = join(tmp, 'precedence');
    await mkdir(dir);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { username: 'docker', password: 'docker-pw' } } }));
    const both = defaultCredentials({ ...env, DOCKER_CONFIG: dir, SBOM_HUNT_REGISTRY_USERNAME: 'env', SBOM_HUNT_REGISTRY_PASSWORD: 'env-pw' }, ['ghcr.io']);
    expect(await both('ghcr.io')).toEqual({ username: 'env', password: 'env-pw' });
    const dockerOnly = defaultCredentials({ ...env, DOCKER_CONFIG: dir });
    expect(await dockerOnly('ghcr.io')).toEqual({ username: 'docker', password: 'docker-pw' });
  });
});
