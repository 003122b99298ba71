// The report model: what every presenter prints, and the zod schema `report merge` re-reads JSON reports with.
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { MATCH_KINDS, MATCHED_BY, type ImageResult } from './finding.js';
import { VERDICTS } from './verdict.js';

// The version lives in a module without schemas, so `--version` can name it without building them.
export { REPORT_SCHEMA_VERSION } from './report-version.js';

// What the SBOM cache stores too lives in a module of its own: a scan reads the cache without the report's schemas.
export { EVIDENCE_KINDS, ReportCreatedTime, ReportEvidence, ReportTimeSource } from './report-parts.js';
import { ReportCreatedTime, ReportEvidence } from './report-parts.js';

export const ReportWindowCheck = lazySchema(() =>
  z.object({
    incident: z.string(),
    start: z.string(),
    end: z.string(),
    outcome: z.enum(['inside', 'outside', 'unreliable']),
    basis: z.enum(['build', 'push', 'file']).optional(),
    file: z.object({ path: z.string(), time: z.string(), package: z.string(), layer: z.string().optional(), deleted: z.boolean().optional() }).optional(),
    reason: z.string().optional(),
    /** 1.6, bulk runs: how many windows a `*` entry stands for. */
    incidents: z.number().int().positive().optional(),
  }),
);

/** A 1.0 report's package finding has no matchKind: its matchedBy says which. */
const LEGACY_KIND = { version: 'package-version', range: 'package-range', 'any-version': 'package-any-version' } as const;

export const ReportMatch = lazySchema(() =>
  z
    .object({
    incident: z.string(),
    ecosystem: z.string(),
    name: z.string(),
    version: z.string(),
    paths: z.array(z.string()).default([]),
    matchedBy: z.enum(MATCHED_BY),
    // Reports of schema 1.0 knew only package findings; their matchedBy names the kind.
    matchKind: z.enum(MATCH_KINDS).optional(),
    iocVersion: z.string(),
    detail: z.string().optional(),
    layer: z.string().optional(),
    sha256: z.string().optional(),
    reference: z.string().optional(),
    dependencyPath: z.array(z.string()).optional(),
    inFinalFilesystem: z.boolean(),
    })
    .transform(({ matchKind, ...m }, ctx) => {
      const kind = matchKind ?? (Object.hasOwn(LEGACY_KIND, m.matchedBy) ? LEGACY_KIND[m.matchedBy as keyof typeof LEGACY_KIND] : undefined);
      if (kind === undefined) {
        ctx.addIssue({ code: 'custom', message: `matchedBy ${m.matchedBy} needs a matchKind`, path: ['matchKind'] });
        return z.NEVER;
      }
      return { ...m, matchKind: kind };
    }),
);

export const ReportWorkload = lazySchema(() =>
  z.object({
    context: z.string(),
    namespace: z.string(),
    kind: z.string(),
    name: z.string(),
    container: z.string(),
    pods: z.number().int().nonnegative(),
  }),
);

const verdict = lazySchema(() =>
  z.enum(VERDICTS),
);

/** 1.3: an acknowledgement in force on an image (see AppliedAcknowledgement). */
export const ReportAcknowledgement = lazySchema(() =>
  z.object({
    incident: z.string(),
    was: z.enum(['affected', 'suspect']),
    reason: z.string(),
    who: z.string(),
    expires: z.string().optional(),
    source: z.string(),
  }),
);

/** 1.3: an acknowledgement that expired: not applied, and said in every report so it is renewed or removed. */
export const ReportExpiredAcknowledgement = lazySchema(() =>
  z.object({
    incident: z.string(),
    image: z.string(),
    who: z.string(),
    expires: z.string(),
    source: z.string(),
  }),
);

/** 1.2: the image an SBOM file says it describes. */
export const ReportDescribed = lazySchema(() =>
  z.object({
    name: z.string().optional(),
    version: z.string().optional(),
    digest: z.string().optional(),
    purl: z.string().optional(),
    hashes: z.array(z.string()).optional(),
  }),
);

export const ReportPackage = lazySchema(() =>
  z.object({
    ecosystem: z.string(),
    name: z.string(),
    version: z.string(),
    purl: z.string().optional(),
    paths: z.array(z.string()).default([]),
    layer: z.string().optional(),
    deleted: z.boolean().optional(),
    location: z.literal('download-cache').optional(),
  }),
);

export const ReportUnchecked = lazySchema(() =>
  z.object({ incident: z.string(), why: z.string() }),
);

export const ReportPlatform = lazySchema(() =>
  z.object({
    platform: z.string().optional(),
    digest: z.string().optional(),
    verdict,
    reasons: z.array(z.string()).default([]),
    packageCount: z.number().int().nonnegative(),
    created: ReportCreatedTime.optional(),
    windows: z.array(ReportWindowCheck).default([]),
    matches: z.array(ReportMatch).default([]),
    source: ReportEvidence.optional(),
    packages: z.array(ReportPackage).optional(),
    unchecked: z.array(ReportUnchecked).optional(),
  }),
);

export const ReportImage = lazySchema(() =>
  z.object({
    kind: z.literal('source').optional(),
    ref: z.string(),
    digest: z.string().optional(),
    verdict,
    reasons: z.array(z.string()).default([]),
    packageCount: z.number().int().nonnegative(),
    created: ReportCreatedTime.optional(),
    windows: z.array(ReportWindowCheck).default([]),
    source: ReportEvidence.optional(),
    describes: ReportDescribed.optional(),
    acknowledged: z.array(ReportAcknowledgement).optional(),
    matches: z.array(ReportMatch).default([]),
    platforms: z.array(ReportPlatform).default([]),
    workloads: z.array(ReportWorkload).default([]),
    unchecked: z.array(ReportUnchecked).optional(),
  }),
);

/** A package of one incident found in one image. */
export const IncidentPackage = lazySchema(() =>
  z.object({
    ecosystem: z.string(),
    name: z.string(),
    version: z.string(),
    paths: z.array(z.string()).default([]),
    /** Lockfile findings: the direct dependency chain that pulls this package in. */
    via: z.array(z.string()).optional(),
    inFinalFilesystem: z.boolean(),
    /** 1.2: which kind of evidence matched (docs/report-schema.md#matchkind); absent in older reports. */
    matchKind: z.enum(MATCH_KINDS).optional(),
    /** What the finding adds (`built FROM docker.io/aquasec/trivy:0.69.4: ...`). */
    detail: z.string().optional(),
  }),
);
export type IncidentPackage = z.infer<typeof IncidentPackage>;

/** One image in an incident's blast radius, with the one-line reason it is there. */
export const IncidentHit = lazySchema(() =>
  z.object({
    ref: z.string(),
    digest: z.string().optional(),
    describes: ReportDescribed.optional(),
    /** 1.3: in an incident's `acknowledged` list: the acknowledgement in force. */
    acknowledgement: ReportAcknowledgement.optional(),
    why: z.string(),
    packages: z.array(IncidentPackage).default([]),
  }),
);
export type IncidentHit = z.infer<typeof IncidentHit>;

export const ReportWindow = lazySchema(() =>
  z.object({ start: z.string(), end: z.string() }),
);

export const ReportIncident = lazySchema(() =>
  z.object({
    id: z.string(),
    title: z.string(),
    references: z.array(z.string()).default([]),
    aliases: z.array(z.string()).default([]),
    windows: z.array(ReportWindow).default([]),
    indicators: z.array(z.string()).default([]),
    notes: z.string().optional(),
    affected: z.array(IncidentHit).default([]),
    suspect: z.array(IncidentHit).default([]),
    /** 1.3: hits a person acknowledged: kept, never dropped, and not counted against a gate. */
    acknowledged: z.array(IncidentHit).default([]),
    /** 1.5: images with no finding for this incident that could not be checked for it (unknown ones, and partial reads). */
    unknown: z.array(IncidentHit).default([]),
  }),
);
export type ReportIncident = z.infer<typeof ReportIncident>;

/**
 * 1.6, only in a bulk run (more incidents than src/model/bulk.ts lists one by one): the incidents that no image
 * names (no finding, no gap of their own), by id in IOC order, and their one blast radius: `unknown`, the images
 * unknown for every incident. None of them has an affected, suspect or acknowledged image.
 */
export const ReportUnlisted = lazySchema(() =>
  z.object({
    ids: z.array(z.string()),
    unknown: z.array(IncidentHit).default([]),
  }),
);
export type ReportUnlisted = z.infer<typeof ReportUnlisted>;

export const ReportSummary = lazySchema(() =>
  z.object({
    images: z.number().int().nonnegative(),
    affected: z.number().int().nonnegative(),
    suspect: z.number().int().nonnegative(),
    unknown: z.number().int().nonnegative(),
    clean: z.number().int().nonnegative(),
    /** 1.3: images whose every finding is acknowledged. */
    acknowledged: z.number().int().nonnegative().optional(),
    coverage: z.object({
      checked: z.number().int().nonnegative(),
      total: z.number().int().nonnegative(),
      percent: z.number().min(0).max(100),
    }),
    attestedImages: z.number().int().nonnegative().optional(),
    /** 1.5: images with a verdict above unknown not checked for every incident (counted against coverage). */
    partial: z.number().int().nonnegative().optional(),
    /** 1.1: false when anything named was not enumerated or not fully read (coverage below 100%, or nothing at all). */
    complete: z.boolean().optional(),
  }),
);
export type ReportSummary = z.infer<typeof ReportSummary>;

export const Report = lazySchema(() =>
  z.object({
    // Any 1.x is readable: minor versions only add fields, which this schema strips.
    schemaVersion: z.string().regex(/^1\.\d+$/, 'expected a 1.x report schemaVersion'),
    tool: z.object({ name: z.string(), version: z.string() }),
    generatedAt: z.string(),
    /** 1.1: the `--shard INDEX/COUNT` this report covers; absent for a whole run or a merge. */
    shard: z.object({ index: z.number().int().nonnegative(), count: z.number().int().positive() }).optional(),
    summary: ReportSummary,
    incidents: z.array(ReportIncident).default([]),
    unlisted: ReportUnlisted.optional(),
    windows: z.array(ReportWindow.extend({ source: z.string() })).default([]),
    images: z.array(ReportImage).default([]),
    errors: z.array(z.string()).default([]),
    notes: z.array(z.string()).default([]),
    /** 1.3: acknowledgements that had expired by this run: not applied. */
    expiredAcknowledgements: z.array(ReportExpiredAcknowledgement).optional(),
  }),
);
export type Report = z.infer<typeof Report>;

// Compile-time guard: the schema must describe exactly the shared ImageResult, or this line stops compiling.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const imageSchemaMatchesModel: Same<z.infer<typeof ReportImage>, ImageResult> = true;
