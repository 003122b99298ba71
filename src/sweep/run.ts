// One sweep: tonight's report against the stored state, alerts delivered, the new state saved in one transaction.
import { deliverAll, type DeliveryReport } from '../alerts/index.js';
import type { Destination, SweepInfo } from '../alerts/destination.js';
import type { Report } from '../model/report.js';
import type { AlertBody, AlertEvent } from './alert.js';
import { coverageAlert, expiredAcknowledgementAlerts, findingAlerts, uncheckedImages, unknownAlerts } from './conditions.js';
import { afterDelivery, diffAlerts, eventOf, markAllDelivered, pendingFor } from './diff.js';
import { feedAgeAlert, newestIocFile } from './feed-age.js';
import { SweepState } from './state.js';

const DAY_MS = 86_400_000;

export interface SweepOptions {
  statePath: string;
  /** Record tonight as known without alerting. */
  baseline: boolean;
  /** Percent of images that must be checked. */
  minCoverage: number;
  maxFeedAgeMs: number;
  /** As the user wrote it, for the alert text. */
  maxFeedAge: string;
  iocPaths: string[];
  destinations: readonly Destination[];
  now: Date;
  warn: (m: string) => void;
  /** Tests: runs inside the state transaction, after the rows are written; throwing rolls it back. */
  midway?: () => void;
  /** Which inventory (sources and IOC set) this sweep covers: its rows are its own. */
  inventory: string;
  inventoryLabel?: string;
  /** Where an older sbom-hunt kept the state (the cache file), read once on upgrade. */
  legacyStatePath?: string;
  /** How long to wait for another sweep holding the state's lock. */
  lockWaitMs?: number;
}

export interface SweepResult {
  /** Events owed this sweep (to at least one destination). */
  owed: AlertEvent[];
  delivery: DeliveryReport;
  /** Whether the state held no sweep before this one. */
  first: boolean;
  statePath: string;
  /** The state could not be saved (a full disk): the previous state stands, tonight's news is news again next sweep. */
  stateErrors: string[];
}

/**
 * A finding that is not in tonight's report is gone only if its image was looked at: an image that turned
 * unknown, or an inventory that failed part-way, proves nothing (unknown is never clean).
 */
function keepOpenFor(report: Report): (body: AlertBody) => boolean {
  const unchecked = uncheckedImages(report);
  const present = new Set(report.images.flatMap((i) => [i.ref, ...(i.digest ? [i.digest] : [])]));
  const incomplete = report.errors.length > 0;
  return (body) => {
    if (!body.image || (body.kind !== 'finding' && body.kind !== 'unknown')) return false;
    const ids = [body.image.ref, ...(body.image.digest ? [body.image.digest] : [])];
    if (ids.some((id) => unchecked.has(id))) return true;
    return incomplete && !ids.some((id) => present.has(id));
  };
}

async function tonightsAlerts(report: Report, opts: SweepOptions): Promise<AlertBody[]> {
  const feed = feedAgeAlert(await newestIocFile(opts.iocPaths), opts.maxFeedAgeMs, opts.maxFeedAge, opts.now);
  const coverage = coverageAlert(report, opts.minCoverage);
  return [...findingAlerts(report), ...unknownAlerts(report), ...expiredAcknowledgementAlerts(report), ...(coverage ? [coverage] : []), ...(feed ? [feed] : [])];
}

/** Runs `work`, keeping the first state failure instead of throwing: delivery goes on, the sweep ends 2. */
function recording(errors: string[], work: () => void): void {
  try {
    work();
  } catch (err) {
    if (errors.length === 0) errors.push(err instanceof Error ? err.message : String(err));
  }
}

export async function runSweep(report: Report, opts: SweepOptions): Promise<SweepResult> {
  const tonight = await tonightsAlerts(report, opts);
  const state = await SweepState.open(opts.statePath, {
    inventory: opts.inventory, warn: opts.warn,
    ...(opts.inventoryLabel ? { label: opts.inventoryLabel } : {}),
    ...(opts.legacyStatePath ? { legacyFile: opts.legacyStatePath } : {}),
    ...(opts.lockWaitMs !== undefined ? { lockWaitMs: opts.lockWaitMs } : {}),
  });
  try {
    const first = state.sweepCount() === 0;
    const rows = diffAlerts(state.rows(), tonight, { now: opts.now, keepOpen: keepOpenFor(report), remindAfterMs: DAY_MS });
    const sweep: SweepInfo = { at: opts.now.toISOString(), images: report.summary.images, coverage: report.summary.coverage };
    const owed = rows.filter((r) => opts.destinations.some((d) => pendingFor([r], d.id).length > 0)).map(eventOf);
    const run = { finishedAt: opts.now, baseline: opts.baseline, images: report.summary.images, checked: report.summary.coverage.checked };
    const stateErrors: string[] = [];
    if (opts.baseline) {
      recording(stateErrors, () => state.save(markAllDelivered(rows, opts.now), { ...run, undelivered: 0 }, opts.midway));
      return { owed: [], delivery: { delivered: new Map(), errors: [], sent: 0, failed: 0 }, first, statePath: state.path, stateErrors };
    }
    // Tonight's rows are on disk before anything is sent, and each delivery is recorded as it lands: a sweep
    // killed mid-delivery leaves exactly the undelivered events owed (at-least-once for the one in flight).
    recording(stateErrors, () => state.checkpoint(rows));
    const delivery = await deliverAll(rows, opts.destinations, sweep, (id, keys) => recording(stateErrors, () => state.markDelivered(id, keys, opts.now)));
    const ids = opts.destinations.map((d) => d.id);
    const next = afterDelivery(rows, delivery.delivered, ids, opts.now);
    recording(stateErrors, () => state.save(next, { ...run, undelivered: delivery.failed }, opts.midway));
    return { owed, delivery, first, statePath: state.path, stateErrors };
  } finally {
    state.close();
  }
}
