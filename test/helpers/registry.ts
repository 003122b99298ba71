// Starts a real CNCF distribution registry (/usr/bin/docker-registry) on a free loopback port, open or with auth.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { TokenService } from './token-service.js';

export const REGISTRY_BIN = process.env.SBOM_HUNT_TEST_REGISTRY_BIN ?? '/usr/bin/docker-registry';
export const registryAvailable = existsSync(REGISTRY_BIN);
export const htpasswdAvailable = spawnSync('htpasswd', ['-h']).error === undefined;
export const SKIP_MESSAGE = `${REGISTRY_BIN} is missing: install Debian's docker-registry package (.ci/run does) to run the registry tests`;

export interface TestRegistry {
  /** `127.0.0.1:PORT`, to pass as registry name and as insecure host. */
  host: string;
  url: string;
  logs(): string;
  stop(): Promise<void>;
}

export type RegistryAuth = { htpasswd: Record<string, string> } | { token: TokenService };

export async function startRegistry(auth?: RegistryAuth): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-registry-'));
  let lastError: unknown;
  // The free port is found before the registry binds it, so another process may win the race: retry.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const config = await writeConfig(dir, port, auth);
    try {
      return await launch(dir, config, port);
    } catch (err) {
      lastError = err;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

async function writeConfig(dir: string, port: number, auth: RegistryAuth | undefined): Promise<string> {
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, 'data') }, delete: { enabled: true } },
    http: { addr: `127.0.0.1:${port}`, secret: 'sbom-hunt-test-secret' },
  };
  if (auth && 'htpasswd' in auth) {
    const lines = Object.entries(auth.htpasswd).map(([user, pass]) => htpasswdLine(user, pass));
    await writeFile(join(dir, 'htpasswd'), lines.join(''));
    config.auth = { htpasswd: { realm: 'sbom-hunt-test', path: join(dir, 'htpasswd') } };
  } else if (auth && 'token' in auth) {
    await writeFile(join(dir, 'token-ca.pem'), auth.token.certPem);
    const t = auth.token;
    config.auth = { token: { realm: t.realm, service: t.service, issuer: t.issuer, rootcertbundle: join(dir, 'token-ca.pem') } };
  }
  const path = join(dir, `config-${port}.yml`);
  await writeFile(path, stringify(config));
  return path;
}

/** bcrypt via apache2-utils; the password goes on stdin (-i), not argv. */
function htpasswdLine(user: string, pass: string): string {
  const res = spawnSync('htpasswd', ['-niB', user], { input: pass, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`htpasswd failed: ${res.stderr || res.error?.message}`);
  return `${res.stdout.trim()}\n`;
}

async function launch(dir: string, config: string, port: number): Promise<TestRegistry> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
  const child = spawn(REGISTRY_BIN, ['serve', config], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  child.stdout?.on('data', (d: Buffer) => (logs += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitReady(child, url, () => logs);
  return {
    host: `127.0.0.1:${port}`,
    url,
    logs: () => logs,
    async stop() {
      await kill(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitReady(child: ChildProcess, url: string, logs: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${logs()}`);
    const ok = await fetch(`${url}/v2/`).then(
      (r) => r.status === 200 || r.status === 401,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  await kill(child);
  throw new Error(`docker-registry did not answer on ${url}: ${logs()}`);
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
