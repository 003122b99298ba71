// zod schemas for sbom-hunt's versioned IOC format and the guide's flat list (OSV's lives in osv.ts).
import semver from 'semver';
import { z } from 'zod';
import { normalizeEcosystem } from '../match/ecosystem.js';
import { parseIsoTime, readInterval } from './window.js';

/** The apiVersion this build writes and reads; any other `sbom-hunt/*` is "a version I do not know". */
export const IOC_API_VERSION = 'sbom-hunt/v1';

const nonEmpty = z.string().trim().min(1, 'must not be empty');

/** A date or date-time as ISO 8601 text; YAML may hand over a bare date, so both are accepted as strings. */
const isoTime = nonEmpty.refine((s) => parseIsoTime(s) !== undefined, 'not an ISO 8601 date or time');

/** A window as `{start, end}` or as one ISO 8601 interval string (`START/END`, `START/PT3H`). */
export const WindowSpec = z.union([
  nonEmpty.superRefine((s, ctx) => {
    const w = readInterval(s, '');
    if (typeof w === 'string') ctx.addIssue({ code: 'custom', message: w });
  }),
  z.strictObject({ start: isoTime, end: isoTime }).refine((w) => parseIsoTime(w.start)! < parseIsoTime(w.end)!, {
    message: 'window start must be before its end',
    path: ['end'],
  }),
]);
export type WindowSpec = z.infer<typeof WindowSpec>;

export const IocPackageSpec = z
  .strictObject({
    ecosystem: nonEmpty.transform(normalizeEcosystem),
    name: nonEmpty,
    versions: z.array(nonEmpty).default([]),
    ranges: z.array(nonEmpty).default([]),
    anyVersion: z.boolean().default(false),
    reference: nonEmpty.optional(),
    notes: z.string().optional(),
  })
  .superRefine(checkVersionsAndRanges);
export type IocPackageSpec = z.infer<typeof IocPackageSpec>;

/** Ranges are compared only for npm (semver); elsewhere a range would silently never match, so it is refused. */
function checkVersionsAndRanges(p: { ecosystem: string; versions: string[]; ranges: string[]; anyVersion: boolean }, ctx: z.RefinementCtx): void {
  if (!p.anyVersion && p.versions.length === 0 && p.ranges.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'give versions, ranges, or anyVersion: true', path: [] });
  }
  p.ranges.forEach((r, i) => {
    if (p.ecosystem !== 'npm') {
      ctx.addIssue({ code: 'custom', message: `ranges are supported for npm only, not ${p.ecosystem}: list exact versions`, path: ['ranges', i] });
    } else if (semver.validRange(r, { loose: true }) === null) {
      ctx.addIssue({ code: 'custom', message: `not a valid npm semver range: ${JSON.stringify(r)}`, path: ['ranges', i] });
    }
  });
}

export const IncidentSpec = z.strictObject({
  id: nonEmpty.regex(/^[A-Za-z0-9._:-]+$/, 'use letters, digits and . _ : - only'),
  title: nonEmpty.optional(),
  references: z.array(nonEmpty).default([]),
  aliases: z.array(nonEmpty).default([]),
  disclosed: isoTime.optional(),
  window: WindowSpec.optional(),
  windows: z.array(WindowSpec).default([]),
  indicators: z.array(nonEmpty).default([]),
  notes: z.string().optional(),
  packages: z.array(IocPackageSpec).min(1, 'an incident needs at least one package'),
});
export type IncidentSpec = z.infer<typeof IncidentSpec>;

export const IocFileV1 = z.strictObject({
  apiVersion: z.literal(IOC_API_VERSION),
  incidents: z.array(IncidentSpec).min(1, 'the file lists no incidents'),
});
export type IocFileV1 = z.infer<typeof IocFileV1>;

/** One entry of the flat list published in the SBOM-monitoring guide. Keys it does not know are dropped, not refused: the guide's files may carry more. */
export const FlatEntry = z
  .object({
    name: nonEmpty,
    ecosystem: nonEmpty.transform(normalizeEcosystem),
    version: nonEmpty.optional(),
    versions: z.array(nonEmpty).default([]),
    ranges: z.array(nonEmpty).default([]),
    anyVersion: z.boolean().default(false),
    disclosed: isoTime.optional(),
    reference: nonEmpty.optional(),
    notes: z.string().optional(),
  })
  .transform(({ version, ...rest }) => ({ ...rest, versions: version ? [version, ...rest.versions] : rest.versions }))
  .superRefine((p, ctx) => checkVersionsAndRanges(p, ctx));
export type FlatEntry = z.infer<typeof FlatEntry>;

export const FlatIocFile = z.object({
  window: WindowSpec.optional(),
  packages: z.array(FlatEntry).min(1, 'the file lists no packages'),
});
export type FlatIocFile = z.infer<typeof FlatIocFile>;
