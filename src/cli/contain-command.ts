// `sbom-hunt contain`: from the blast radius to action. Plan by default; `--apply` restarts only behind every gate.
import { writeFile } from 'node:fs/promises';
import { EXIT, UsageError } from '../errors.js';
import { runScan } from '../scan.js';
import { runContainment } from '../contain/run.js';
import { parseResolve } from '../contain/network.js';
import { containmentJson, containmentTable } from '../contain/present.js';
import type { ContainmentReport } from '../contain/model.js';
import type { Report } from '../model/report.js';
import type { IocSet } from '../model/ioc.js';
import { iocLoadMessage, loadIocs } from '../iocs/load.js';
import { scanOptionsFrom, type RunIo } from './scan-command.js';
import { parseScanFlags, type ScanFlags } from './options.js';
import { containmentEvents } from '../contain/alerts.js';
import { destinationsFor, parseSweepFlags } from './sweep-command.js';
import type { Destination } from '../alerts/index.js';
import type { AlertEvent } from '../sweep/alert.js';
import { readReport } from './report-command.js';

/**
 * 0: nothing left to do; 1: live C2 found (escalate to a person); 2: error (a restart kubectl refused included);
 * 3: an alert could not be delivered; 5: containment pending (a gate is closed, or the plan was not applied).
 */
export const CONTAIN_EXIT = { ok: EXIT.ok, escalate: EXIT.findings, error: EXIT.usage, delivery: 3, pending: 5 } as const;

export interface ContainFlags {
  report?: string;
  apply?: boolean;
  includeSuspect?: boolean;
  resolve?: string[];
  excludeNamespace?: string[];
  allowUnresolvedDomains?: boolean;
  alert?: boolean;
  pagerdutyRoutingKeyFile?: string;
  pagerdutyUrl?: string;
  webhook?: string[];
  webhookFormat?: string;
}

export async function runContainCommand(sources: string[], raw: ScanFlags & ContainFlags, io: RunIo): Promise<number> {
  // Both schemas strip what is not theirs.
  const flags = parseScanFlags(raw);
  const alertFlags = parseSweepFlags(raw);
  const wantsAlerts = raw.alert || alertFlags.webhook.length > 0 || alertFlags.pagerdutyRoutingKeyFile || io.env.PAGERDUTY_ROUTING_KEY;
  const destinations = wantsAlerts ? destinationsFor(alertFlags, io) : [];
  if (flags.format !== 'table' && flags.format !== 'json') throw new UsageError(`contain: -f ${flags.format}: the containment report is table or json`);
  if (!raw.report && sources.length === 0) throw new UsageError('contain: name kube: sources to scan, or --report FILE');
  const warn = (m: string) => (flags.quiet ? undefined : io.stderr.write(`sbom-hunt: warning: ${m}\n`));
  const report: Report = raw.report ? await readReport(raw.report) : (await runScan(scanOptionsFrom(sources, flags, warn))).report;
  const result = await containBlastRadius(report, raw, flags, warn);
  const text = flags.format === 'json' ? containmentJson(result) : containmentTable(result);
  if (flags.output) await writeFile(flags.output, text);
  else io.stdout.write(text);
  for (const e of result.errors) io.stderr.write(`sbom-hunt: error: ${e}\n`);
  const undelivered = await deliverContainment(result, report, destinations, io);
  const code = containExitCode(result);
  // An escalation that nobody was told about is the worst outcome: a failed delivery is said, and exits 3 unless C2 was found.
  if (undelivered > 0 && code !== CONTAIN_EXIT.escalate) return CONTAIN_EXIT.delivery;
  return code;
}

/** The containment of one report's blast radius, with the scan flags' registries, keys and kubectl. */
export async function containBlastRadius(report: Report, raw: ContainFlags, flags: ScanFlags, warn: (m: string) => void): Promise<ContainmentReport> {
  let resolve: Map<string, string[]>;
  try {
    resolve = parseResolve(raw.resolve ?? []);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const kube = scanOptionsFrom([], flags, warn).kube;
  let iocs: Promise<IocSet> | undefined;
  return runContainment({
    report,
    includeSuspect: raw.includeSuspect ?? false,
    apply: raw.apply ?? false,
    resolve,
    allowNamespaces: flags.namespace,
    excludeNamespaces: raw.excludeNamespace ?? [],
    allowUnresolvedDomains: raw.allowUnresolvedDomains ?? false,
    kubectl: { ...(kube.kubeconfig ? { kubeconfig: kube.kubeconfig } : {}), ...(kube.kubectl ? { kubectl: kube.kubectl } : {}) },
    scanImage: async (ref) => {
      try {
        const opts = { ...scanOptionsFrom([ref], flags, warn), imagesFile: undefined };
        // The feed is loaded once for every replacement image, and its errors said once.
        iocs ??= loadIocs(opts.iocPaths, (e) => warn(iocLoadMessage(e)));
        return { report: (await runScan({ ...opts, iocs: await iocs })).report };
      } catch (err) {
        return { error: `${ref}: ${err instanceof Error ? err.message : String(err)}` };
      }
    },
  });
}

/** Sends one event per workload decision; returns how many events some destination did not take. */
export async function deliverContainment(result: ContainmentReport, report: Report, destinations: readonly Destination[], io: RunIo): Promise<number> {
  const events = containmentEvents(result);
  let undelivered = 0;
  const sweepInfo = { at: result.generatedAt, images: report.summary.images, coverage: report.summary.coverage };
  for (const d of destinations) {
    const outcome = await d.deliver(events, sweepInfo);
    undelivered += events.length - outcome.delivered.size;
    for (const e of outcome.errors) io.stderr.write(`sbom-hunt: alert delivery failed: ${e}\n`);
  }
  return undelivered;
}

export function containExitCode(r: ContainmentReport): number {
  if (r.summary.escalate > 0) return CONTAIN_EXIT.escalate;
  if (r.summary.failed > 0 || r.errors.length > 0) return CONTAIN_EXIT.error;
  const pending = r.summary.blocked > 0 || r.workloads.some((w) => w.decision === 'restart' && !w.action?.applied);
  return pending ? CONTAIN_EXIT.pending : CONTAIN_EXIT.ok;
}

export interface SweepContainFlags extends ContainFlags {
  contain?: boolean;
  containApply?: boolean;
}

/**
 * `sweep --contain`: the containment check for the images this sweep newly found affected (and suspect, when asked);
 * restarts only with `--contain-apply`. Returns whether C2 was found live and how many events went undelivered.
 */
export async function sweepContainment(
  report: Report,
  owed: readonly AlertEvent[],
  raw: SweepContainFlags,
  ctx: { flags: ScanFlags; destinations: readonly Destination[]; io: RunIo; warn: (m: string) => void },
): Promise<{ escalate: boolean; undelivered: number }> {
  if (!raw.contain && !raw.containApply) return { escalate: false, undelivered: 0 };
  const verdicts = raw.includeSuspect ? ['affected', 'suspect'] : ['affected'];
  const fresh = new Set(owed.filter((e) => e.change === 'new' && e.body.kind === 'finding' && verdicts.includes(e.body.verdict ?? '')).flatMap((e) => (e.body.image ? [e.body.image.ref] : [])));
  const scoped: Report = { ...report, images: report.images.filter((i) => fresh.has(i.ref)) };
  if (scoped.images.length === 0) return { escalate: false, undelivered: 0 };
  const result = await containBlastRadius(scoped, { ...raw, apply: raw.containApply === true }, ctx.flags, ctx.warn);
  if (!ctx.flags.quiet) ctx.io.stderr.write(containmentTable(result));
  for (const e of result.errors) ctx.io.stderr.write(`sbom-hunt: error: ${e}\n`);
  const undelivered = await deliverContainment(result, report, ctx.destinations, ctx.io);
  const s = result.summary;
  ctx.io.stderr.write(`sbom-hunt: contain: ${s.workloads} workload(s): ${s.escalate} escalate, ${s.restarted} restarted, ${s.restart - s.restarted} restart planned, ${s.blocked} blocked\n`);
  return { escalate: s.escalate > 0, undelivered };
}
