// The one runner for external tools (syft, grype, cosign, kubectl): argument arrays, timeouts, stderr kept, secrets masked.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { ToolError } from '../errors.js';

export interface ToolRun {
  tool: string;
  args: readonly string[];
  /** Added to the inherited environment; the place for credentials (never argv). */
  env?: Record<string, string | undefined>;
  /** The environment to start from instead of this process's (sbom-hunt's own secrets are still removed). */
  baseEnv?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Secrets for this run only, masked like the registered ones. */
  secrets?: readonly (string | undefined)[];
  /** Bytes of stdout kept; larger output is an error rather than a silently cut SBOM. */
  maxOutputBytes?: number;
}

export interface ToolResult {
  stdout: string;
  stderr: string;
}

/** What a recorder sees: the exact argv and the environment added, with secret values masked. */
export interface RecordedRun {
  tool: string;
  args: string[];
  env: Record<string, string>;
}

const MASK = '***';
const STDERR_TAIL = 2000;
const DEFAULT_MAX_OUTPUT = 512 * 1024 * 1024;
const secrets = new Set<string>();
let recorder: ((run: RecordedRun) => void) | undefined;
let trace: ((line: string) => void) | undefined;

/** `--debug`: every command line (secrets masked) and how it ended; pass undefined to stop. */
export function setToolTraceSink(fn: ((line: string) => void) | undefined): void {
  trace = fn;
}

/** Remembers a secret so no message, recorded line or stderr tail this runner produces can show it. */
export function registerSecret(secret: string | undefined): void {
  // Very short values would mask ordinary words; credentials are longer than this.
  if (secret && secret.length >= 3) secrets.add(secret);
}

/** Tests record exact command lines; pass undefined to stop. */
export function setToolRecorder(fn: ((run: RecordedRun) => void) | undefined): void {
  recorder = fn;
}

/**
 * Secrets that need no registering, because their place gives them away: URL userinfo
 * (`https://user:pw@host`, or `user:pw@host/...` typed without a scheme), token-like query parameters
 * (presigned blob URLs), and Authorization header values.
 */
const SHAPED_SECRETS: [RegExp, string][] = [
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi, `$1${MASK}@`],
  [/(^|[\s"'(=])[^\s/@"':]+:[^\s/@"']+@(?=[a-z0-9.-]+(?::\d+)?\/)/gi, `$1${MASK}@`],
  [/([?&](?:access_token|refresh_token|token|sig|signature|x-amz-signature|x-amz-security-token|x-amz-credential|x-goog-signature|password|secret|api[_-]?key|key)=)[^&\s"'#]+/gi, `$1${MASK}`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${MASK}`],
];

/** Masks every registered secret (the registry adapter registers its credentials here too), the given extra ones, and URL credentials. */
export function maskSecrets(text: string, extra: readonly (string | undefined)[] = []): string {
  const all = [...secrets, ...extra.filter((s): s is string => !!s && s.length >= 3)];
  // Longest first, so a secret containing another is masked whole.
  all.sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of all) out = out.split(s).join(MASK);
  for (const [pattern, replacement] of SHAPED_SECRETS) out = out.replace(pattern, replacement);
  return out;
}

/** sbom-hunt's own secrets: a spawned tool (kubectl, syft, cosign) has no use for them, so it never inherits them. */
export const OWN_SECRET_VARIABLES = ['PAGERDUTY_ROUTING_KEY', 'SBOM_HUNT_WEBHOOK_SECRET', 'SBOM_HUNT_REGISTRY_PASSWORD'] as const;

/** The environment a child process gets: ours without our secrets, plus what the caller adds on purpose. */
export function childEnv(extra: Record<string, string | undefined> = {}, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && !(OWN_SECRET_VARIABLES as readonly string[]).includes(k)) out[k] = v;
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
  return out;
}

/** How a run ended, for callers that classify failures themselves (kubectl's messages name contexts and RBAC). */
export interface ToolOutcome extends ToolResult {
  failed: boolean;
  exitCode?: number;
  /** The spawn error code: ENOENT (not found), EACCES (not executable). */
  code?: string;
  timedOut: boolean;
  isCanceled: boolean;
  isMaxBuffer: boolean;
  /** The command line as messages may show it: secrets masked. */
  command: string;
}

/** Runs a tool and reports how it ended, never throwing for the tool's own failure. stderr has secrets masked. */
export async function spawnTool(run: ToolRun): Promise<ToolOutcome> {
  const extra = run.secrets ?? [];
  refuseSecretsOnArgv(run, extra);
  const command = maskSecrets([run.tool, ...run.args].join(' '), extra);
  recorder?.({ tool: run.tool, args: [...run.args], env: maskedEnv(run.env, extra) });
  const started = Date.now();
  trace?.(`run ${command}`);
  // Loaded on first use: most runs spawn nothing, and execa costs a tenth of a second at startup.
  const { execa } = await import('execa');
  const result = await execa(run.tool, [...run.args], {
    env: childEnv(run.env, run.baseEnv),
    extendEnv: false,
    input: run.input ?? '',
    timeout: run.timeoutMs,
    cancelSignal: run.signal,
    forceKillAfterDelay: 2000,
    maxBuffer: { stdout: run.maxOutputBytes ?? DEFAULT_MAX_OUTPUT, stderr: 4 * 1024 * 1024 },
    stripFinalNewline: false,
    reject: false,
  });
  trace?.(`done ${command}: ${result.failed ? failureText(result as FailedRun, run.timeoutMs) : 'exit 0'} in ${Date.now() - started} ms`);
  return {
    command,
    failed: result.failed,
    stdout: String(result.stdout ?? ''),
    stderr: maskSecrets(String(result.stderr ?? ''), extra),
    ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
    ...((result as { code?: string }).code ? { code: (result as { code?: string }).code } : {}),
    timedOut: result.timedOut,
    isCanceled: result.isCanceled,
    isMaxBuffer: result.isMaxBuffer,
  };
}

/** Runs a tool to completion; any failure (missing, non-zero exit, timeout, abort) is a ToolError naming the command. */
export async function runTool(run: ToolRun): Promise<ToolResult> {
  let out: ToolOutcome;
  try {
    out = await spawnTool(run);
  } catch (err) {
    if (err instanceof ToolError) throw err;
    throw new ToolError(run.tool, `${maskSecrets([run.tool, ...run.args].join(' '), run.secrets ?? [])}: ${maskSecrets(err instanceof Error ? err.message : String(err), run.secrets ?? [])}`);
  }
  if (out.failed) throw new ToolError(run.tool, `${out.command}: ${failureText(out, run.timeoutMs)}${tailOf(out.stderr)}`);
  return { stdout: out.stdout, stderr: out.stderr };
}

interface FailedRun {
  timedOut: boolean;
  isCanceled: boolean;
  isMaxBuffer: boolean;
  exitCode?: number;
  signal?: string;
  code?: string;
}

function failureText(r: FailedRun, timeoutMs: number): string {
  if (r.code === 'ENOENT') return 'not found on PATH';
  if (r.code === 'EACCES') return 'not executable';
  if (r.timedOut) return `timed out after ${timeoutMs < 1000 ? `${timeoutMs}ms` : `${Math.round(timeoutMs / 1000)}s`}`;
  if (r.isCanceled) return 'cancelled';
  if (r.isMaxBuffer) return 'output too large';
  if (r.signal) return `killed by ${r.signal}`;
  return r.exitCode !== undefined ? `exited with code ${r.exitCode}` : `failed (${r.code ?? 'unknown error'})`;
}

function tailOf(stderr: string): string {
  const trimmed = stderr.trim();
  if (!trimmed) return '';
  return `: ${trimmed.length > STDERR_TAIL ? `...${trimmed.slice(-STDERR_TAIL)}` : trimmed}`;
}

/** A credential on argv is visible to every user of the machine (ps, /proc); refuse before spawning. */
function refuseSecretsOnArgv(run: ToolRun, extra: readonly (string | undefined)[]): void {
  const index = run.args.findIndex((a) => maskSecrets(a, extra) !== a);
  if (index >= 0) throw new ToolError(run.tool, `refusing to run: argument ${index + 1} holds a secret (secrets go in the environment)`);
}

function definedEnv(env: ToolRun['env']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

function maskedEnv(env: ToolRun['env'], extra: readonly (string | undefined)[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(definedEnv(env))) out[k] = maskSecrets(v, extra);
  return out;
}

/** The executable's absolute path when `name` is on PATH, else undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory: try the next.
    }
  }
  return undefined;
}

const availability = new Map<string, string | undefined>();
let warnSink: (message: string) => void = (m) => process.stderr.write(`sbom-hunt: ${m}\n`);

/** Where "tool missing" warnings go (the CLI may route them to its progress output). */
export function setToolWarningSink(fn: (message: string) => void): void {
  warnSink = fn;
}

/**
 * Whether a tool is installed, looked up once per process: a fleet of 500 images gets one
 * "syft not installed" line, not 500.
 */
export function toolAvailability(name: string): { available: boolean; path?: string } {
  if (!availability.has(name)) {
    const found = findOnPath(name);
    availability.set(name, found);
    if (!found) warnSink(`${name} not installed (not found on PATH); acquisition through ${name} is skipped`);
  }
  const found = availability.get(name);
  return found ? { available: true, path: found } : { available: false };
}

/** Forget looked-up tools (tests change PATH between cases). */
export function resetToolAvailability(): void {
  availability.clear();
}
