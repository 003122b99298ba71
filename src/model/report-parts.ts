// The report's evidence and build-time schemas, which the SBOM cache's rows are read with (src/acquire/cache/schema.ts).
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { TIME_SOURCE_KINDS } from './finding.js';

export const EVIDENCE_KINDS = ['sbom-file', 'attestation', 'buildkit-attestation', 'cosign', 'syft', 'grype', 'native', 'cache', 'lockfile'] as const;

export const ReportEvidence = lazySchema(() =>
  z.object({
    kind: z.enum(EVIDENCE_KINDS),
    verified: z.boolean().optional(),
    detail: z.string().optional(),
    format: z.string().optional(),
    cachedFrom: z.enum(EVIDENCE_KINDS).exclude(['cache']).optional(),
  }),
);

export const ReportTimeSource = lazySchema(() =>
  z.object({
    kind: z.enum(TIME_SOURCE_KINDS),
    source: z.string(),
    value: z.string(),
    reliable: z.boolean(),
    note: z.string().optional(),
    verified: z.boolean().optional(),
  }),
);

export const ReportCreatedTime = lazySchema(() =>
  z.object({
    value: z.string().optional(),
    source: z.string().optional(),
    reliable: z.boolean(),
    note: z.string().optional(),
    pushed: z.string().optional(),
    pushedSource: z.string().optional(),
    sources: z.array(ReportTimeSource).optional(),
  }),
);

