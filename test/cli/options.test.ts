// parseScanFlags is written by hand (a zod schema of 37 flags cost every run ~7 ms to build); the reference here is
// that zod schema, as it was, and the two must agree on every generated option bag: same values, same first error.
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { FAIL_ON, FORMATS, SCAN_FLAG_KEYS, parseScanFlags } from '../../src/cli/options.js';
import { SBOM_SOURCES, DEFAULT_SBOM_SOURCES } from '../../src/acquire/chain.js';
import { DEFAULT_LIST_BOUNDS } from '../../src/adapters/oci/listing.js';
import { UsageError } from '../../src/errors.js';
import { seeded } from '../helpers/random.js';

const SbomSources = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.enum(SBOM_SOURCES)).min(1, 'name at least one way'));

const Reference = z.object({
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

function reference(raw: unknown): { ok: true; data: unknown } | { ok: false; message: string } {
  const r = Reference.safeParse(raw);
  if (r.success) return { ok: true, data: r.data };
  const issue = r.error.issues[0]!;
  return { ok: false, message: `--${String(issue.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}` };
}

function ours(raw: unknown): { ok: true; data: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, data: parseScanFlags(raw) };
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return { ok: false, message: (e as Error).message };
  }
}

// What commander hands over for each kind of flag, and what it could if a config file or a caller got it wrong.
const ANY: unknown[] = [undefined, '', 'x', 'table', 'none', 3, 0, -1, 1.5, Number.NaN, true, false, null, [], ['a'], [1], {}, 'cache,native'];
const BY_KIND: Record<string, unknown[]> = {
  strings: [[], ['a'], ['a', 'b'], ['', 'c'], ['a', 2], [null], 'a'],
  text: ['a', 'some/path', ' ', ''],
  bool: [true, false, 'true', 0],
  count: ['1', '8', '256', '257', '0', '-3', '1.5', '1e2', ' 12 ', '', 'abc', '0x10', 12, 2.5, '600', '99999', 'Infinity', '-Infinity', Number.POSITIVE_INFINITY],
  format: [...FORMATS, 'TABLE', 'yaml'],
  failOn: [...FAIL_ON, 'clean', 'any'],
  sbomSources: ['native', 'cache,syft', ' Cosign , NATIVE ', 'native,,cache', ',', '', 'nope', 'native,nope', 'grype'],
  shard: ['0/1', '1/4', '3/4', '4/4', '0/0', 'a/b', '1', '01/02', ' 0/1', '-1/2', '2/1'],
};
const KIND: Record<string, string> = {
  ioc: 'strings', ack: 'strings', vex: 'strings', window: 'strings', insecureRegistry: 'strings', pushTimeApi: 'strings', namespace: 'strings',
  output: 'text', images: 'text', cacheDir: 'text', key: 'text', certificateIdentity: 'text', certificateIdentityRegexp: 'text',
  certificateOidcIssuer: 'text', certificateOidcIssuerRegexp: 'text', trustedRoot: 'text', selector: 'text', kubeconfig: 'text', kubectl: 'text',
  allowIncomplete: 'bool', quiet: 'bool', includePackages: 'bool', color: 'bool', pushTimes: 'bool', cache: 'bool', allowUnverifiedAttestations: 'bool',
  allContexts: 'bool', includeTerminated: 'bool',
  concurrency: 'count', toolTimeout: 'count', imageTimeout: 'count', maxRepositories: 'count', maxTags: 'count',
  format: 'format', failOn: 'failOn', sbomSources: 'sbomSources', shard: 'shard',
};

describe('parseScanFlags', () => {
  it('checks every flag the reference schema has, in its order', () => {
    expect(SCAN_FLAG_KEYS).toEqual(Object.keys(Reference.shape));
    expect(Object.keys(KIND).sort()).toEqual([...SCAN_FLAG_KEYS].sort());
  });

  it('an empty bag is every default', () => {
    expect(ours({})).toEqual(reference({}));
    expect(parseScanFlags({ cache: false, extra: 1 })).toEqual(expect.objectContaining({ cache: false, concurrency: 8, sbomSources: DEFAULT_SBOM_SOURCES }));
    expect(parseScanFlags({ extra: 1 })).not.toHaveProperty('extra');
  });

  it('agrees with the zod schema on each value of each flag alone', () => {
    let failures = 0;
    for (const key of SCAN_FLAG_KEYS) {
      for (const value of [...BY_KIND[KIND[key]!]!, ...ANY]) {
        const raw = { [key]: value };
        expect({ key, value, got: ours(raw) }).toEqual({ key, value, got: reference(raw) });
        if (!reference(raw).ok) failures++;
      }
    }
    // The cases reach the error paths, not only the defaults.
    expect(failures).toBeGreaterThan(200);
  });

  it('agrees with the zod schema on 3,000 generated bags of several flags (the first bad flag named)', () => {
    const rnd = seeded(19);
    const pick = <T,>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
    let bad = 0;
    for (let i = 0; i < 3000; i++) {
      const raw: Record<string, unknown> = {};
      for (const key of SCAN_FLAG_KEYS) {
        const r = rnd();
        // Mostly well-formed values, so that a bag's first error is not always its first flag.
        if (r < 0.55) continue;
        raw[key] = r < 0.97 ? pick(BY_KIND[KIND[key]!]!.slice(0, 3)) : pick([...BY_KIND[KIND[key]!]!, ...ANY]);
      }
      if (rnd() < 0.2) raw['unknownFlag'] = pick(ANY);
      const want = reference(raw);
      if (!want.ok) bad++;
      expect(ours(raw)).toEqual(want);
    }
    expect(bad).toBeGreaterThan(100);
    expect(bad).toBeLessThan(2900);
  });
});
