// Report -> what is true tonight, as alert bodies: findings, unknown images, low coverage (pure).
import type { ImageResult } from '../model/finding.js';
import type { IncidentHit, Report, ReportIncident } from '../model/report.js';
import type { DescribedImage } from '../model/target.js';
import { createdLabel, describedLabel, findingSubject, MATCH_KIND_LABELS } from '../report/describe.js';
import { imageOf } from '../report/presenters/lookup.js';
import type { AlertBody } from './alert.js';

type Named = { ref: string; digest?: string | undefined; describes?: DescribedImage | undefined };

/** The ref (an SBOM file's path) with its digest, and the image the SBOM describes, so a page names the image. */
function imageName(img: Named): string {
  const pinned = img.digest && !img.ref.includes(img.digest) ? `${img.ref}@${img.digest}` : img.ref;
  const d = describedLabel(img.describes);
  return d ? `${pinned} (describes ${d})` : pinned;
}

function imagePart(hit: Named): AlertBody['image'] {
  const d = describedLabel(hit.describes);
  return { ref: hit.ref, ...(hit.digest ? { digest: hit.digest } : {}), ...(d ? { describes: d } : {}) };
}

function buildTimeOf(img: ImageResult | undefined, incident: string): AlertBody['buildTime'] {
  if (!img) return undefined;
  const c = img.created;
  return {
    ...(c?.value ? { value: c.value } : {}),
    ...(c?.source ? { source: c.source } : {}),
    reliable: c?.reliable ?? false,
    windows: img.windows.filter((w) => w.incident === incident),
  };
}

/** One alert per package of a hit; a hit suspect only by its build time is one alert without a package. */
function hitAlerts(report: Report, inc: ReportIncident, hit: IncidentHit, verdict: 'affected' | 'suspect'): AlertBody[] {
  const img = imageOf(report, hit);
  const common = {
    kind: 'finding' as const,
    severity: verdict === 'affected' ? ('critical' as const) : ('warning' as const),
    incident: inc.id,
    verdict,
    image: imagePart(hit),
    workloads: img?.workloads ?? [],
    reasons: [hit.why, ...(img ? [`built ${createdLabel(img.created)}`] : [])],
  };
  const buildTime = buildTimeOf(img, inc.id);
  const withTime = buildTime ? { buildTime } : {};
  if (hit.packages.length === 0) {
    const advisory = inc.references[0];
    return [{ ...common, ...withTime, ...(advisory ? { advisory } : {}), summary: `${inc.id}: ${verdict} ${imageName(hit)} (built inside the compromise window)` }];
  }
  return hit.packages.map((p) => {
    const advisory = img?.matches.find((m) => m.incident === inc.id && m.name === p.name && m.version === p.version)?.reference ?? inc.references[0];
    return {
      ...common,
      ...withTime,
      ...(advisory ? { advisory } : {}),
      package: { ecosystem: p.ecosystem, name: p.name, version: p.version, paths: p.paths, ...(p.matchKind ? { matchKind: p.matchKind } : {}), ...(p.detail ? { detail: p.detail } : {}) },
      summary: `${inc.id}: ${verdict} ${findingSubject(p)} in ${imageName(hit)}${p.matchKind ? `; evidence: ${MATCH_KIND_LABELS[p.matchKind]}` : ''}`,
    };
  });
}

export function findingAlerts(report: Report): AlertBody[] {
  return report.incidents.flatMap((inc) => [
    ...inc.affected.flatMap((hit) => hitAlerts(report, inc, hit, 'affected')),
    ...inc.suspect.flatMap((hit) => hitAlerts(report, inc, hit, 'suspect')),
  ]);
}

export function unknownAlerts(report: Report): AlertBody[] {
  return report.images
    .filter((img) => img.verdict === 'unknown')
    .map((img) => ({
      kind: 'unknown' as const,
      severity: 'warning' as const,
      verdict: 'unknown' as const,
      image: imagePart(img),
      workloads: img.workloads,
      reasons: img.reasons,
      summary: `could not check ${imageName(img)}: ${img.reasons[0] ?? 'no reason given'}`,
    }));
}

/** Coverage below the minimum; an empty inventory counts as 0 %, since it usually means the listing failed. */
export function coverageAlert(report: Report, minimum: number): AlertBody | undefined {
  const { checked, total } = report.summary.coverage;
  const percent = total === 0 ? 0 : (checked / total) * 100;
  if (percent >= minimum) return undefined;
  return {
    kind: 'coverage',
    severity: 'warning',
    workloads: [],
    reasons: report.errors,
    coverage: { checked, total, percent: report.summary.coverage.percent, minimum },
    summary: `coverage ${report.summary.coverage.percent}% (${checked} of ${total} images checked) is below ${minimum}%`,
  };
}

/** Every image that is in the report but could not be checked, by ref and by digest. */
export function uncheckedImages(report: Report): Set<string> {
  const out = new Set<string>();
  for (const img of report.images.filter((i) => i.verdict === 'unknown')) {
    out.add(img.ref);
    if (img.digest) out.add(img.digest);
  }
  return out;
}

/** Each acknowledgement that expired: its finding is back in tonight's alerts, and this says why it came back. */
export function expiredAcknowledgementAlerts(report: Report): AlertBody[] {
  return (report.expiredAcknowledgements ?? []).map((e) => ({
    kind: 'acknowledgement-expired' as const,
    severity: 'warning' as const,
    incident: e.incident,
    image: { ref: e.image },
    workloads: [],
    // The entry's place first: it is part of the alert's identity.
    reasons: [e.source, `acknowledged by ${e.who} until ${e.expires}`],
    summary: `acknowledgement of ${e.incident} for ${e.image} by ${e.who} expired on ${e.expires} (${e.source}): renew or remove it`,
  }));
}
