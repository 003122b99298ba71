// aws: `aws ecr describe-images` for an image's imagePushedAt, with the CLI's own credentials and request signing.
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { runTool, toolAvailability } from './exec.js';

export interface EcrRef {
  account: string;
  region: string;
  repository: string;
  digest: string;
}

/** `123456789012.dkr.ecr.us-east-1.amazonaws.com` -> account and region; undefined for other hosts. */
export function ecrHost(registry: string): { account: string; region: string } | undefined {
  const m = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(registry.toLowerCase());
  return m ? { account: m[1]!, region: m[2]! } : undefined;
}

// imagePushedAt is epoch seconds (CLI v1, and the API's wire form) or ISO 8601 with an offset (CLI v2's default).
const PushedAt = lazySchema(() =>
  z.union([z.number(), z.string()]),
);
export const DescribeImages = lazySchema(() =>
  z.looseObject({
    imageDetails: z.array(z.looseObject({ imageDigest: z.string().optional(), imageTags: z.array(z.string()).optional(), imagePushedAt: PushedAt.optional() })),
  }),
);

export function awsAvailable(): boolean {
  return toolAvailability('aws').available;
}

/** The describe-images JSON for one digest, as the CLI prints it; a CLI failure is a ToolError naming the command. */
export async function describeImage(ref: EcrRef, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<z.infer<typeof DescribeImages>> {
  const { stdout } = await runTool({
    tool: 'aws',
    args: ['ecr', 'describe-images', '--registry-id', ref.account, '--region', ref.region, '--repository-name', ref.repository, '--image-ids', `imageDigest=${ref.digest}`, '--output', 'json'],
    // CLI v2 pipes output through a pager when it thinks a terminal is there; never here.
    env: { AWS_PAGER: '' },
    timeoutMs: opts.timeoutMs,
    maxOutputBytes: 4 * 1024 * 1024,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new Error('aws ecr describe-images printed something that is not JSON');
  }
  const parsed = DescribeImages.safeParse(json);
  if (!parsed.success) throw new Error(`aws ecr describe-images: unexpected output (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  return parsed.data;
}
