// zod schemas for sbom-hunt's versioned IOC format and the guide's flat list (OSV's lives in osv.ts).
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { ecosystemProblem, normalizeEcosystem } from '../match/ecosystem.js';
import { fileGlobProblem } from '../match/file-glob.js';
import { normalizeIntegrity } from '../match/integrity.js';
import { compileRange, versionProblem } from '../match/versions.js';
import { imageDigestOf, imageRefOf, sha256HexOf } from './indicator-values.js';
import { convertEvents } from './osv-ranges.js';
import { parseIsoTime, readInterval } from './window.js';

/** The apiVersion this build writes and reads; any other `sbom-hunt/*` is "a version I do not know". */
export const IOC_API_VERSION = 'sbom-hunt/v1';

const nonEmpty = lazySchema(() =>
  z.string().trim().min(1, 'must not be empty'),
);

/** A date or date-time as ISO 8601 text; YAML may hand over a bare date, so both are accepted as strings. */
const isoTime = lazySchema(() =>
  nonEmpty.refine((s) => parseIsoTime(s) !== undefined, 'not an ISO 8601 date or time'),
);

/** A window as `{start, end}` or as one ISO 8601 interval string (`START/END`, `START/PT3H`). */
export const WindowSpec = lazySchema(() =>
  z.union([
    nonEmpty.superRefine((s, ctx) => {
      const w = readInterval(s, '');
      if (typeof w === 'string') ctx.addIssue({ code: 'custom', message: w });
    }),
    z.strictObject({ start: isoTime, end: isoTime }).refine((w) => parseIsoTime(w.start)! < parseIsoTime(w.end)!, {
      message: 'window start must be before its end',
      path: ['end'],
    }),
  ]),
);
export type WindowSpec = z.infer<typeof WindowSpec>;

/** An ecosystem as written, refused when unknown (with a did-you-mean), else canonical. */
const ecosystem = lazySchema(() =>
  nonEmpty
    .superRefine((s, ctx) => {
      const problem = ecosystemProblem(s);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform(normalizeEcosystem),
);

/** `sha512-<base64>` (npm, pnpm), `sha1-<hex>`, or bare hex (yarn's `#sha1`), normalised to `sha512-<hex>`. */
const integrity = lazySchema(() =>
  nonEmpty.transform((s, ctx) => {
    const n = normalizeIntegrity(s);
    if (n === undefined) {
      ctx.addIssue({ code: 'custom', message: `not a tarball integrity (sha512-<base64>, sha1-<base64>, or hex): ${JSON.stringify(s)}` });
      return z.NEVER;
    }
    return n;
  }),
);

/**
 * A range as text in the ecosystem's syntax (`>=1.82.7 <1.82.9`), or as OSV events
 * (`{introduced: 1.82.7, fixed: 1.82.9}`, `last_affected`), read as OSV reads them.
 */
const OsvEventsSpec = lazySchema(() =>
  z
    .strictObject({ introduced: nonEmpty.optional(), fixed: nonEmpty.optional(), last_affected: nonEmpty.optional(), limit: nonEmpty.optional() })
    .refine((e) => e.introduced !== undefined || e.fixed !== undefined || e.last_affected !== undefined, { message: 'give introduced, fixed or last_affected', path: [] })
    .refine((e) => e.fixed === undefined || e.last_affected === undefined, { message: 'give fixed or last_affected, not both', path: [] }),
);

const rangeSpec = lazySchema(() =>
  z.union([
    nonEmpty,
    OsvEventsSpec.transform((e) => {
      const events: Record<string, string>[] = [{ introduced: e.introduced ?? '0' }];
      for (const key of ['fixed', 'last_affected', 'limit'] as const) if (e[key] !== undefined) events.push({ [key]: e[key] });
      const { ranges, anyVersion } = convertEvents(events);
      return anyVersion ? '>=0' : ranges.join(' || ');
    }),
  ]),
);

export const IocPackageSpec = lazySchema(() =>
  z
    .strictObject({
      ecosystem,
      name: nonEmpty,
      versions: z.array(nonEmpty).default([]),
      ranges: z.array(rangeSpec).default([]),
      anyVersion: z.boolean().default(false),
      integrity: z.array(integrity).default([]),
      reference: nonEmpty.optional(),
      notes: z.string().optional(),
    })
    .superRefine(checkVersionsAndRanges),
);
export type IocPackageSpec = z.infer<typeof IocPackageSpec>;

/**
 * Every version and range must be one the ecosystem can order and compare: a version or range that
 * cannot be evaluated would otherwise never match, silently.
 */
function checkVersionsAndRanges(
  p: { ecosystem: string; versions: string[]; ranges: string[]; anyVersion: boolean; integrity?: string[][] },
  ctx: z.RefinementCtx,
): void {
  if (!p.anyVersion && p.versions.length === 0 && p.ranges.length === 0 && (p.integrity ?? []).length === 0) {
    ctx.addIssue({ code: 'custom', message: 'give versions, ranges, integrity, or anyVersion: true', path: [] });
  }
  p.versions.forEach((v, i) => {
    const problem = versionProblem(p.ecosystem, v);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, path: ['versions', i] });
  });
  p.ranges.forEach((r, i) => {
    const compiled = compileRange(p.ecosystem, r);
    if (typeof compiled === 'string') ctx.addIssue({ code: 'custom', message: compiled, path: ['ranges', i] });
  });
}

const sha256Hex = lazySchema(() =>
  nonEmpty.transform((s, ctx) => {
    const hex = sha256HexOf(s);
    if (hex === undefined) {
      ctx.addIssue({ code: 'custom', message: `not a SHA-256 (64 hex digits, optionally after sha256:): ${JSON.stringify(s)}` });
      return z.NEVER;
    }
    return hex;
  }),
);

/** An image digest, `sha256:<64 hex>`; upper-case hex is lowered. */
const digest = lazySchema(() =>
  nonEmpty.transform((s, ctx) => {
    const d = imageDigestOf(s);
    if (d === undefined) {
      ctx.addIssue({ code: 'custom', message: `not an image digest (sha256:<64 hex digits>): ${JSON.stringify(s)}` });
      return z.NEVER;
    }
    return d;
  }),
);

/** A file known by path (glob anchored at the image root) and/or content hash. */
export const FileIndicatorSpec = lazySchema(() =>
  z
    .strictObject({
      path: nonEmpty
        .superRefine((s, ctx) => {
          const problem = fileGlobProblem(s);
          if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
        })
        .optional(),
      sha256: sha256Hex.optional(),
      size: z.number().int().nonnegative().optional(),
      reference: nonEmpty.optional(),
      notes: z.string().optional(),
    })
    .refine((f) => f.path !== undefined || f.sha256 !== undefined, { message: 'give path, sha256, or both', path: [] }),
);
export type FileIndicatorSpec = z.infer<typeof FileIndicatorSpec>;

/** `repository:tag` (registry optional, docker.io assumed), normalised as docker does; a digest after `@` is allowed. */
const imageRef = lazySchema(() =>
  nonEmpty.transform((s, ctx) => {
    try {
      return imageRefOf(s);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  }),
);

/** A known-compromised image: by name, manifest/index digest, config digest, or its layers (its children's base). */
export const ImageIndicatorSpec = lazySchema(() =>
  z
    .strictObject({
      ref: imageRef.optional(),
      digests: z.array(digest).default([]),
      config: digest.optional(),
      layers: z.array(digest).default([]),
      reference: nonEmpty.optional(),
      notes: z.string().optional(),
    })
    .refine((i) => i.ref !== undefined || i.digests.length > 0 || i.config !== undefined || i.layers.length > 0, {
      message: 'give ref, digests, config or layers',
      path: [],
    }),
);
export type ImageIndicatorSpec = z.infer<typeof ImageIndicatorSpec>;

export const IncidentSpec = lazySchema(() =>
  z.strictObject({
    id: nonEmpty.regex(/^[A-Za-z0-9._:-]+$/, 'use letters, digits and . _ : - only'),
    title: nonEmpty.optional(),
    references: z.array(nonEmpty).default([]),
    aliases: z.array(nonEmpty).default([]),
    disclosed: isoTime.optional(),
    window: WindowSpec.optional(),
    windows: z.array(WindowSpec).default([]),
    indicators: z.array(nonEmpty).default([]),
    notes: z.string().optional(),
    packages: z.array(IocPackageSpec).default([]),
    files: z.array(FileIndicatorSpec).default([]),
    images: z.array(ImageIndicatorSpec).default([]),
  }).refine((i) => i.packages.length + i.files.length + i.images.length > 0, {
    message: 'an incident needs at least one of packages, files or images',
    path: ['packages'],
  }),
);
export type IncidentSpec = z.infer<typeof IncidentSpec>;

export const IocFileV1 = lazySchema(() =>
  z.strictObject({
    apiVersion: z.literal(IOC_API_VERSION),
    incidents: z.array(IncidentSpec).min(1, 'the file lists no incidents'),
  }),
);
export type IocFileV1 = z.infer<typeof IocFileV1>;

/** One entry of the flat list published in the SBOM-monitoring guide. Keys it does not know are dropped, not refused: the guide's files may carry more. */
export const FlatEntry = lazySchema(() =>
  z
    .object({
      name: nonEmpty,
      ecosystem,
      version: nonEmpty.optional(),
      versions: z.array(nonEmpty).default([]),
      ranges: z.array(rangeSpec).default([]),
      anyVersion: z.boolean().default(false),
      integrity: z.array(integrity).default([]),
      disclosed: isoTime.optional(),
      reference: nonEmpty.optional(),
      notes: z.string().optional(),
    })
    .transform(({ version, ...rest }) => ({ ...rest, versions: version ? [version, ...rest.versions] : rest.versions }))
    .superRefine((p, ctx) => checkVersionsAndRanges(p, ctx)),
);
export type FlatEntry = z.infer<typeof FlatEntry>;

export const FlatIocFile = lazySchema(() =>
  z.object({
    window: WindowSpec.optional(),
    packages: z.array(FlatEntry).min(1, 'the file lists no packages'),
  }),
);
export type FlatIocFile = z.infer<typeof FlatIocFile>;
