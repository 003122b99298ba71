// Finds an incident hit's full image result, for presenters that show its workloads or evidence.
import type { ImageResult } from '../../model/finding.js';
import type { IncidentHit, Report, ReportIncident } from '../../model/report.js';

export function imageOf(report: Report, hit: IncidentHit): ImageResult | undefined {
  return report.images.find((img) => img.ref === hit.ref && img.digest === hit.digest);
}

const unreadOf = new WeakMap<Report, Set<string>>();
const keyOf = (x: { ref: string; digest?: string | undefined }) => `${x.ref}\0${x.digest ?? ''}`;

/**
 * An incident's unknown hits split for showing: those checked for other incidents but not this one (each shown
 * with why), and how many images could not be read at all (listed once, in the Unknown section). The unread
 * images are gathered once per report, not looked up per hit and incident.
 */
export function unknownParts(report: Report, inc: ReportIncident): { partial: IncidentHit[]; unread: number } {
  let unread = unreadOf.get(report);
  if (!unread) unreadOf.set(report, (unread = new Set(report.images.filter((i) => i.verdict === 'unknown').map(keyOf))));
  const partial = inc.unknown.filter((hit) => !unread.has(keyOf(hit)));
  return { partial, unread: inc.unknown.length - partial.length };
}

export function workloadLabel(w: ImageResult['workloads'][number]): string {
  const pods = `${w.pods} ${w.pods === 1 ? 'pod' : 'pods'}`;
  return `${w.context}/${w.namespace} ${w.kind}/${w.name} (container ${w.container}, ${pods})`;
}

/** The first few of a long list and how many were left out: a 3 a.m. screen is not a log file. */
export function firstFew<T>(xs: readonly T[], n: number): { shown: T[]; more: number } {
  return { shown: xs.slice(0, n), more: Math.max(0, xs.length - n) };
}
