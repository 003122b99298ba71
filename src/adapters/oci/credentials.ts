// Registry credentials: explicit ones from the environment, then docker's config.json and its helpers.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { spawnTool } from '../exec.js';
import { InputError, ToolError } from '../../errors.js';
import { DOCKER_HUB } from './reference.js';
import { DockerConfig, HelperOutput } from './schema.js';
import { addSecret, redact } from './secrets.js';

export interface Credential {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (docker's `identitytoken`), exchanged at the token realm. */
  identityToken?: string;
  /** A bearer token sent to the registry as is. */
  registryToken?: string;
}

/** Credentials for a registry name (`docker.io`, `ghcr.io`, `localhost:5000`), or none. */
export type CredentialLookup = (registry: string) => Promise<Credential | undefined>;

/** What docker stores Docker Hub credentials under. */
const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';
const HUB_KEYS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const HELPER_TIMEOUT_MS = 30_000;

/**
 * The hosts environment credentials may go to: SBOM_HUNT_REGISTRY_HOSTS (comma-separated) when set, as the
 * user's exact list; else the registries the user typed on the command line (`named`). Never "every host".
 */
export function credentialHosts(env: NodeJS.ProcessEnv, named: readonly string[]): string[] {
  const listed = (env.SBOM_HUNT_REGISTRY_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  return [...new Set((listed.length > 0 ? listed : named).map(serverKey))];
}

/**
 * SBOM_HUNT_REGISTRY_USERNAME and SBOM_HUNT_REGISTRY_PASSWORD, sent only to the registries the user named:
 * SBOM_HUNT_REGISTRY_HOSTS, else the hosts of `registry:` and image arguments (`named`). Never to a host that
 * came from a pod spec or an images file: whoever writes a pod spec would receive the password.
 */
export function envCredentials(env: NodeJS.ProcessEnv = process.env, named: readonly string[] = []): CredentialLookup {
  const username = env.SBOM_HUNT_REGISTRY_USERNAME;
  const password = env.SBOM_HUNT_REGISTRY_PASSWORD;
  const hosts = credentialHosts(env, named);
  addSecret(password);
  return async (registry) => {
    if (!username || !password) return undefined;
    if (!hosts.includes(serverKey(registry))) return undefined;
    return { username, password };
  };
}

/** The config.json docker uses: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
}

/** Looks registries up in a docker config: credHelpers, then inline `auths`, then credsStore. */
export function dockerConfigCredentials(path: string, env: NodeJS.ProcessEnv = process.env): CredentialLookup {
  let config: Promise<DockerConfig | undefined> | undefined;
  return async (registry) => {
    config ??= loadDockerConfig(path);
    const cfg = await config;
    if (!cfg) return undefined;
    const key = serverKey(registry);
    const helper = findByKey(cfg.credHelpers, key);
    if (helper) return runHelper(helper, serverUrl(registry), env);
    const entry = findByKey(cfg.auths, key);
    const inline = entry ? fromAuthEntry(entry, path) : undefined;
    if (inline) return inline;
    return cfg.credsStore ? runHelper(cfg.credsStore, serverUrl(registry), env) : undefined;
  };
}

/** Explicit environment credentials first, then docker's. */
export function defaultCredentials(env: NodeJS.ProcessEnv = process.env, named: readonly string[] = []): CredentialLookup {
  const fromEnv = envCredentials(env, named);
  const fromDocker = dockerConfigCredentials(dockerConfigPath(env), env);
  return async (registry) => (await fromEnv(registry)) ?? fromDocker(registry);
}

async function loadDockerConfig(path: string): Promise<DockerConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(path, `cannot read: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError(path, 'not valid JSON');
  }
  const parsed = DockerConfig.safeParse(json);
  if (!parsed.success) throw new InputError(path, `not a docker config: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  for (const entry of Object.values(parsed.data.auths ?? {})) {
    [entry.auth, entry.password, entry.identitytoken, entry.registrytoken].forEach(addSecret);
  }
  return parsed.data;
}

function fromAuthEntry(entry: NonNullable<DockerConfig['auths']>[string], path: string): Credential | undefined {
  if (entry.identitytoken) return { identityToken: entry.identitytoken };
  if (entry.registrytoken) return { registryToken: entry.registrytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new InputError(path, 'an "auth" entry is not base64 of user:password');
    addSecret(decoded.slice(colon + 1));
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  return undefined;
}

/**
 * Runs `docker-credential-NAME get`; the server URL goes on stdin, as the protocol says, never on argv.
 * spawnTool, not runTool: helpers report "credentials not found" on stdout with a failing exit code.
 */
async function runHelper(name: string, server: string, env: NodeJS.ProcessEnv): Promise<Credential | undefined> {
  const tool = `docker-credential-${name}`;
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new ToolError(tool, 'credential helper name has unexpected characters');
  const res = await spawnTool({ tool, args: ['get'], input: server, baseEnv: env, timeoutMs: HELPER_TIMEOUT_MS });
  if (res.failed && res.exitCode === undefined) {
    const why = res.timedOut ? `timed out after ${HELPER_TIMEOUT_MS} ms` : res.code === 'ENOENT' ? 'not found on PATH' : `could not run${res.code ? ` (${res.code})` : ''}`;
    throw new ToolError(tool, redact(why));
  }
  const out = `${res.stdout}`;
  if (res.exitCode !== 0) {
    if (/credentials not found/i.test(out + res.stderr)) return undefined;
    throw new ToolError(tool, redact(`get for ${server} exited ${res.exitCode}: ${`${res.stderr}`.trim() || out.trim()}`.slice(0, 500)));
  }
  let parsed: HelperOutput;
  try {
    parsed = HelperOutput.parse(JSON.parse(out));
  } catch {
    throw new ToolError(tool, `get for ${server} did not print {"Username","Secret"} JSON`);
  }
  addSecret(parsed.Secret);
  if (parsed.Username === '<token>') return { identityToken: parsed.Secret };
  return { username: parsed.Username, password: parsed.Secret };
}

/** Keys in config.json are hosts, URLs (`https://host/v1/`), or Docker Hub's legacy URL. */
function serverKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
  return HUB_KEYS.has(host) ? DOCKER_HUB : host;
}

function findByKey<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  if (!record) return undefined;
  const hit = Object.entries(record).find(([k]) => serverKey(k) === key);
  return hit?.[1];
}

function serverUrl(registry: string): string {
  return serverKey(registry) === DOCKER_HUB ? DOCKER_HUB_SERVER : registry;
}
