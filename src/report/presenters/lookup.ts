// Finds an incident hit's full image result, for presenters that show its workloads or evidence.
import type { ImageResult } from '../../model/finding.js';
import type { IncidentHit, Report } from '../../model/report.js';

export function imageOf(report: Report, hit: IncidentHit): ImageResult | undefined {
  return report.images.find((img) => img.ref === hit.ref && img.digest === hit.digest);
}

export function workloadLabel(w: ImageResult['workloads'][number]): string {
  const pods = `${w.pods} ${w.pods === 1 ? 'pod' : 'pods'}`;
  return `${w.context}/${w.namespace} ${w.kind}/${w.name} (container ${w.container}, ${pods})`;
}

/** The first few of a long list and how many were left out: a 3 a.m. screen is not a log file. */
export function firstFew<T>(xs: readonly T[], n: number): { shown: T[]; more: number } {
  return { shown: xs.slice(0, n), more: Math.max(0, xs.length - n) };
}
