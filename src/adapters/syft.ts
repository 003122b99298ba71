// syft: `syft scan <source> -o syft-json`, with registry credentials in syft's own environment variables.
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { ToolError } from '../errors.js';
import type { Target } from '../model/target.js';
import { runTool } from './exec.js';

/** A registry credential, shaped like the OCI adapter's (structurally compatible). */
export interface ToolCredential {
  username?: string;
  password?: string;
  /** A bearer token sent as is. */
  registryToken?: string;
}

export interface SyftScanOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  credential?: ToolCredential;
  /** Registries reached over plain HTTP (`--insecure-registry`). */
  insecureRegistries?: readonly string[];
  /** `os/arch[/variant]` to pick from a multi-platform index. */
  platform?: string;
}

export interface SyftScan {
  /** The syft-json document, as printed. */
  text: string;
  source: string;
  toolVersion?: string;
  /** What syft says it scanned: the platform manifest digest and its os/arch. */
  manifestDigest?: string;
  platform?: string;
  /** The image config blob syft embeds (base64 in the document): the build time lives there. */
  imageConfig?: Buffer;
}

/** go-containerregistry names Docker Hub `index.docker.io`, and syft matches auth entries against that name. */
const HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** The syft source string for a target, pinned by digest when the digest is known; undefined when syft cannot read it. */
export function syftSource(target: Target): string | undefined {
  switch (target.kind) {
    case 'registry': {
      const at = target.digest ? `@${target.digest}` : `:${target.tag ?? 'latest'}`;
      return `registry:${target.registry}/${target.repository}${at}`;
    }
    case 'oci-layout':
      return `oci-dir:${target.path}`;
    case 'docker-archive':
      return `docker-archive:${target.path}`;
    default:
      return undefined;
  }
}

/** syft's registry settings as environment variables (SYFT_REGISTRY_AUTH_*), never flags. */
export function syftEnv(prefix: 'SYFT' | 'GRYPE', target: Target, opts: Pick<SyftScanOptions, 'credential' | 'insecureRegistries'>) {
  const env: Record<string, string> = { [`${prefix}_CHECK_FOR_APP_UPDATE`]: 'false' };
  if (target.kind !== 'registry') return env;
  if (opts.insecureRegistries?.includes(target.registry)) env[`${prefix}_REGISTRY_INSECURE_USE_HTTP`] = 'true';
  const c = opts.credential;
  if (!c || (!c.registryToken && !(c.username && c.password))) return env;
  env[`${prefix}_REGISTRY_AUTH_AUTHORITY`] = HUB.has(target.registry) ? 'index.docker.io' : target.registry;
  if (c.registryToken) env[`${prefix}_REGISTRY_AUTH_TOKEN`] = c.registryToken;
  else {
    env[`${prefix}_REGISTRY_AUTH_USERNAME`] = c.username!;
    env[`${prefix}_REGISTRY_AUTH_PASSWORD`] = c.password!;
  }
  return env;
}

const SyftHeader = lazySchema(() =>
  z.looseObject({
    descriptor: z.looseObject({ name: z.string().optional(), version: z.string().optional() }).optional(),
    source: z
      .looseObject({
        metadata: z
          .looseObject({
            manifestDigest: z.string().optional(),
            architecture: z.string().optional(),
            os: z.string().optional(),
            variant: z.string().nullish(),
            config: z.string().optional(),
          })
          .nullish(),
      })
      .optional(),
  }),
);
type SyftHeader = z.infer<typeof SyftHeader>;

/** Runs syft on one target; a failure is a ToolError naming the command (the caller makes it the image's reason). */
export async function runSyftScan(target: Target, opts: SyftScanOptions): Promise<SyftScan> {
  const source = syftSource(target);
  if (!source) throw new ToolError('syft', `cannot scan a ${target.kind} target`);
  const args = ['scan', source, '-o', 'syft-json', '-q'];
  if (opts.platform) args.push('--platform', opts.platform);
  const c = opts.credential;
  const { stdout } = await runTool({
    tool: 'syft',
    args,
    env: syftEnv('SYFT', target, opts),
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    secrets: [c?.password, c?.registryToken],
  });
  return { text: stdout, source, ...headerFacts(stdout) };
}

/** The tool version and scanned platform from the document's header; absent when the output is not JSON. */
export function headerFacts(text: string): Pick<SyftScan, 'toolVersion' | 'manifestDigest' | 'platform' | 'imageConfig'> {
  let header: SyftHeader;
  try {
    const parsed = SyftHeader.safeParse(JSON.parse(text));
    if (!parsed.success) return {};
    header = parsed.data;
  } catch {
    return {};
  }
  const m = header.source?.metadata;
  const platform = m?.os && m.architecture ? [m.os, m.architecture, m.variant].filter(Boolean).join('/') : undefined;
  const digest = m?.manifestDigest && /^sha256:[0-9a-f]{64}$/.test(m.manifestDigest) ? m.manifestDigest : undefined;
  return {
    ...(header.descriptor?.version ? { toolVersion: header.descriptor.version } : {}),
    ...(digest ? { manifestDigest: digest } : {}),
    ...(platform ? { platform } : {}),
    ...(m?.config ? { imageConfig: Buffer.from(m.config, 'base64') } : {}),
  };
}
