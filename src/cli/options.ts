// Command-line flags -> validated options (zod): the only place raw flag values are trusted.
import * as z from 'zod';
import { UsageError } from '../errors.js';
import { VERDICTS } from '../model/verdict.js';
import { SBOM_SOURCES, DEFAULT_SBOM_SOURCES } from '../acquire/chain.js';
import { DEFAULT_LIST_BOUNDS } from '../adapters/oci/listing.js';

export const FORMATS = ['table', 'json', 'markdown', 'sarif', 'html', 'cyclonedx', 'spdx-json'] as const;
/** Formats that are the inventory itself: they need every package kept. */
export const INVENTORY_FORMATS: ReadonlySet<string> = new Set(['cyclonedx', 'spdx-json']);
export const FAIL_ON = [...VERDICTS.filter((v) => v !== 'clean' && v !== 'acknowledged'), 'none'] as const;

const SbomSources = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.enum(SBOM_SOURCES)).min(1, 'name at least one way'));

export const ScanFlags = z.object({
  ioc: z.array(z.string()).default([]),
  ack: z.array(z.string()).default([]),
  vex: z.array(z.string()).default([]),
  window: z.array(z.string()).default([]),
  format: z.enum(FORMATS).default('table'),
  output: z.string().min(1).optional(),
  failOn: z.enum(FAIL_ON).default('affected'),
  allowIncomplete: z.boolean().default(false),
  quiet: z.boolean().default(false),
  includePackages: z.boolean().default(false),
  color: z.boolean().default(true),
  concurrency: z.coerce.number().int().min(1).max(256).default(8),
  insecureRegistry: z.array(z.string()).default([]),
  pushTimeApi: z.array(z.string()).default([]),
  pushTimes: z.boolean().default(true),
  images: z.string().min(1).optional(),
  sbomSources: SbomSources.default([...DEFAULT_SBOM_SOURCES]),
  cache: z.boolean().default(true),
  cacheDir: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  allowUnverifiedAttestations: z.boolean().default(false),
  certificateIdentity: z.string().min(1).optional(),
  certificateIdentityRegexp: z.string().min(1).optional(),
  certificateOidcIssuer: z.string().min(1).optional(),
  certificateOidcIssuerRegexp: z.string().min(1).optional(),
  trustedRoot: z.string().min(1).optional(),
  toolTimeout: z.coerce.number().int().min(1).default(600),
  imageTimeout: z.coerce.number().int().min(1).default(900),
  maxRepositories: z.coerce.number().int().min(1).default(DEFAULT_LIST_BOUNDS.maxRepositories),
  maxTags: z.coerce.number().int().min(1).default(DEFAULT_LIST_BOUNDS.maxTags),
  allContexts: z.boolean().default(false),
  namespace: z.array(z.string()).default([]),
  selector: z.string().min(1).optional(),
  kubeconfig: z.string().min(1).optional(),
  kubectl: z.string().min(1).optional(),
  includeTerminated: z.boolean().default(false),
  shard: z
    .string()
    .regex(/^\d+\/\d+$/, 'expected INDEX/COUNT, e.g. 0/4')
    .transform((s) => {
      const [index, count] = s.split('/').map(Number) as [number, number];
      return { index, count };
    })
    .refine((s) => s.count >= 1 && s.index < s.count, 'INDEX must be below COUNT (0-based)')
    .optional(),
});
export type ScanFlags = z.infer<typeof ScanFlags>;

/** Validate commander's raw option bag; a bad value is a usage error naming the flag. */
export function parseScanFlags(raw: unknown): ScanFlags {
  const r = ScanFlags.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const flag = `--${String(issue.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  throw new UsageError(`${flag}: ${issue.message}`);
}

/** Collects a repeatable flag's values (commander's custom processing). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
