// Stage 5a, pure: judged images + IOCs -> the report model every presenter prints.
import type { ImageResult } from '../model/finding.js';
import type { IocSet, TimeWindow } from '../model/ioc.js';
import type { Report, ReportSummary } from '../model/report.js';
import { REPORT_SCHEMA_VERSION } from '../model/report-version.js';
import { verdictRank } from '../model/verdict.js';
import { incidentEntries } from './incidents.js';
import { byText, normalizeImage } from './normalize.js';
import { maskSecrets } from '../adapters/exec.js';

export interface ReportMeta {
  version: string;
  generatedAt: Date;
  /** Scan-level problems (an inventory source that failed): they are not any one image's. */
  errors?: string[];
  notes?: string[];
  /** Extra compromise windows given with `--window`. */
  windows?: TimeWindow[];
  /** `--shard INDEX/COUNT`: the share of the inventory this report covers. */
  shard?: { index: number; count: number };
  /** Acknowledgements past their date, not applied. */
  expiredAcknowledgements?: Report['expiredAcknowledgements'];
}

const ATTESTED_KINDS = new Set(['attestation', 'buildkit-attestation', 'cosign']);

/** Worst verdict first, so the images that need action top every list; then by ref and digest. */
export function compareImages(a: ImageResult, b: ImageResult): number {
  return verdictRank(b.verdict) - verdictRank(a.verdict) || byText(a.ref, b.ref) || byText(a.digest ?? '', b.digest ?? '');
}

/**
 * Coverage counts an image as checked unless its verdict is unknown; one not checked for some incident
 * (`partial`: affected or suspect for one, blind to another) makes the run incomplete. The percent is rounded down to one
 * decimal so a scan with one unchecked image never shows 100%; with no images nothing was checked, so 0%.
 * A source that could not be enumerated is an unknown entry of its own, so it counts against coverage too.
 */
export function summarize(images: readonly ImageResult[], errors: readonly string[] = []): ReportSummary {
  const count = (v: ImageResult['verdict']) => images.filter((i) => i.verdict === v).length;
  const total = images.length;
  // Affected or suspect for one incident but blind to another: counted as checked (coverage keeps its 1.0
  // meaning), said in `partial`, and the answer is not complete.
  const partial = images.filter((i) => i.verdict !== 'unknown' && (i.unchecked?.length ?? 0) > 0).length;
  const checked = total - count('unknown');
  return {
    images: total,
    affected: count('affected'),
    suspect: count('suspect'),
    unknown: count('unknown'),
    clean: count('clean'),
    ...(count('acknowledged') > 0 ? { acknowledged: count('acknowledged') } : {}),
    ...(partial > 0 ? { partial } : {}),
    coverage: { checked, total, percent: total === 0 ? 0 : Math.floor((checked * 1000) / total) / 10 },
    // A warm run answers from the cache: an SBOM first read from an attestation still counts as attested.
    attestedImages: images.filter((i) => i.source && (ATTESTED_KINDS.has(i.source.kind) || ATTESTED_KINDS.has(i.source.cachedFrom ?? ''))).length,
    // Fail closed: nothing looked at, or anything unread, or a scan-level problem, is not a complete answer.
    complete: total > 0 && checked === total && partial === 0 && errors.length === 0,
  };
}

export function buildReport(images: ImageResult[], iocs: IocSet, meta: ReportMeta): Report {
  const sorted = images.map(normalizeImage).sort(compareImages);
  const { incidents, unlisted } = incidentEntries(sorted, iocs, meta.windows);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'sbom-hunt', version: meta.version },
    generatedAt: meta.generatedAt.toISOString(),
    ...(meta.shard ? { shard: { index: meta.shard.index, count: meta.shard.count } } : {}),
    summary: summarize(sorted, meta.errors ?? []),
    incidents,
    ...(unlisted ? { unlisted } : {}),
    windows: (meta.windows ?? []).map((w) => ({ start: w.start.toISOString(), end: w.end.toISOString(), source: w.source })),
    images: sorted,
    errors: (meta.errors ?? []).map((e) => maskSecrets(e)),
    notes: [...(meta.notes ?? [])],
    ...(meta.expiredAcknowledgements && meta.expiredAcknowledgements.length > 0 ? { expiredAcknowledgements: [...meta.expiredAcknowledgements] } : {}),
  };
}
