// Finds an incident hit's full image result, for presenters that show its workloads or evidence.
import type { ImageResult } from '../../model/finding.js';
import { EVERY_INCIDENT } from '../../model/bulk.js';
import { uncheckedHit } from '../incidents.js';
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
  const unread = unreadKeys(report);
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

/** More quiet incidents than this are shown as one line, not one section each (a 200,000-record feed). */
export const QUIET_SHOWN_MAX = 20;

/** The incidents with nothing of their own to show, as one line: how many, and what is unknown for all of them. */
export interface QuietIncidents {
  count: number;
  /** Images not read at all (each is under Unknown with its reason). */
  unread: number;
  /** Images with a finding for another incident but part of them unread: unknown for each of these incidents. */
  partial: IncidentHit[];
}

const unreadKeys = (report: Report): Set<string> => {
  let unread = unreadOf.get(report);
  if (!unread) unreadOf.set(report, (unread = new Set(report.images.filter((i) => i.verdict === 'unknown').map(keyOf))));
  return unread;
};

/**
 * The incidents to show one by one, and the quiet ones folded into one line when there are more than
 * QUIET_SHOWN_MAX of them or the report did not list them (a bulk run's `unlisted`). Quiet: no affected,
 * suspect or acknowledged image, and unknown only by the images unknown for every incident.
 */
export function incidentsShown(report: Report): { shown: ReportIncident[]; quiet?: QuietIncidents } {
  const forAll = unreadKeys(report);
  const everyGap = new Set(report.images.filter((i) => i.verdict !== 'unknown' && i.unchecked?.some((u) => u.incident === EVERY_INCIDENT)).map(keyOf));
  const isQuiet = (inc: ReportIncident) => inc.affected.length + inc.suspect.length + inc.acknowledged.length === 0 && inc.unknown.every((h) => forAll.has(keyOf(h)) || everyGap.has(keyOf(h)));
  const quiet = report.incidents.filter(isQuiet);
  const unlisted = report.unlisted?.ids.length ?? 0;
  if (unlisted === 0 && quiet.length <= QUIET_SHOWN_MAX) return { shown: report.incidents };
  const partial = report.images.filter((i) => everyGap.has(keyOf(i))).map((img) => uncheckedHit(img, EVERY_INCIDENT)!);
  return { shown: report.incidents.filter((inc) => !isQuiet(inc)), quiet: { count: quiet.length + unlisted, unread: forAll.size, partial } };
}
