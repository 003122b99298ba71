// `sbom-hunt sweep`: a scan whose findings are compared with the last sweep's, alerting only on what changed.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { runScan } from '../scan.js';
import { parseScanFlags } from './options.js';
import { exitCodeFor } from './exit-codes.js';
import { setToolWarningSink } from '../adapters/exec.js';
import { cachePath, olderThan } from '../acquire/cache/index.js';
import { EXIT, UsageError } from '../errors.js';
import { checkWritable } from './output-file.js';
import { escapeControl } from '../report/terminal-safe.js';
import { alertLine, logDestination } from '../alerts/log.js';
import { PAGERDUTY_EVENTS_URL, WEBHOOK_FORMATS, pagerDutyDestination, webhookDestination, type Destination } from '../alerts/index.js';
import { runSweep } from '../sweep/run.js';
import { inventoryKey } from '../sweep/inventory-key.js';
import path from 'node:path';
import { keepOutputError, reportEnd, scanOptionsFrom, writeReport, type RunIo } from './scan-command.js';
import { sweepContainment } from './contain-command.js';

/** The sweep state's file name beside the cache when --state is not given. */
export const STATE_FILE = 'sweep-state.db';

/** Exit code when an alert could not be delivered (it stays owed and the next sweep sends it). */
export const EXIT_DELIVERY_FAILED = 3;

const HttpUrl = lazySchema(() =>
  z.string().refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), 'expected an http(s) URL'),
);

export const SweepFlags = lazySchema(() =>
  z.object({
    state: z.string().min(1).optional(),
    stateWait: z.coerce.number().int().min(0).default(600),
    baseline: z.boolean().default(false),
    minCoverage: z.coerce.number().min(0).max(100).default(100),
    maxFeedAge: z.string().default('24h'),
    pagerdutyRoutingKeyFile: z.string().min(1).optional(),
    pagerdutyUrl: HttpUrl.default(PAGERDUTY_EVENTS_URL),
    webhook: z.array(HttpUrl).default([]),
    webhookFormat: z.enum(WEBHOOK_FORMATS).default('json'),
  }),
);
type SweepFlags = z.infer<typeof SweepFlags>;

export function parseSweepFlags(raw: unknown): SweepFlags {
  const r = SweepFlags.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new UsageError(`--${String(issue.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}`);
}

/** The routing key from its file or the environment; never from argv, where `ps` shows it to everyone. */
function routingKey(flags: Pick<SweepFlags, 'pagerdutyRoutingKeyFile'>, env: NodeJS.ProcessEnv): string | undefined {
  if (flags.pagerdutyRoutingKeyFile) {
    let key: string;
    try {
      key = readFileSync(flags.pagerdutyRoutingKeyFile, 'utf8').trim();
    } catch (err) {
      throw new UsageError(`--pagerduty-routing-key-file: cannot read ${flags.pagerdutyRoutingKeyFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    if (!key) throw new UsageError(`--pagerduty-routing-key-file: ${flags.pagerdutyRoutingKeyFile} is empty`);
    return key;
  }
  return env.PAGERDUTY_ROUTING_KEY?.trim() || undefined;
}

export function destinationsFor(flags: Pick<SweepFlags, 'pagerdutyRoutingKeyFile' | 'pagerdutyUrl' | 'webhook' | 'webhookFormat'>, io: RunIo): Destination[] {
  const out: Destination[] = [];
  const key = routingKey(flags, io.env);
  if (key) out.push(pagerDutyDestination(key, flags.pagerdutyUrl));
  const secret = io.env.SBOM_HUNT_WEBHOOK_SECRET || undefined;
  for (const url of flags.webhook) {
    const id = `webhook:${createHash('sha256').update(url).digest('hex').slice(0, 16)}`;
    out.push(webhookDestination({ url, format: flags.webhookFormat, id, ...(secret ? { secret } : {}) }));
  }
  // Nobody to page: stderr is the destination (cron mails it), so --quiet does not silence it.
  if (out.length === 0) out.push(logDestination((l) => io.stderr.write(l)));
  return out;
}

export async function runSweepCommand(sources: string[], raw: Record<string, unknown>, io: RunIo): Promise<number> {
  const { state, stateWait, baseline, minCoverage, maxFeedAge, pagerdutyRoutingKeyFile, pagerdutyUrl, webhook, webhookFormat, ...scanRaw } = raw;
  const flags = parseScanFlags(scanRaw);
  const sweepFlags = parseSweepFlags({ state, stateWait, baseline, minCoverage, maxFeedAge, pagerdutyRoutingKeyFile, pagerdutyUrl, webhook, webhookFormat });
  const now = new Date();
  const maxFeedAgeMs = now.getTime() - olderThan(sweepFlags.maxFeedAge, now, '--max-feed-age').getTime();
  const destinations = destinationsFor(sweepFlags, io);
  const warn = (m: string) => (flags.quiet ? undefined : io.stderr.write(`sbom-hunt: warning: ${escapeControl(m)}\n`));
  setToolWarningSink(warn);
  // The state is its own file beside the cache (older versions kept it inside cache.db: read once from there).
  const legacyStatePath = cachePath({ ...(flags.cacheDir ? { cacheDir: flags.cacheDir } : {}) }, io.env)!;
  const statePath = sweepFlags.state ?? path.join(path.dirname(legacyStatePath), STATE_FILE);
  // Both found before the work: a sweep never scans for an hour and then cannot save or write.
  if (flags.output) await checkWritable(flags.output);
  if (sweepFlags.state) await checkWritable(sweepFlags.state);
  const scanOpts = scanOptionsFrom(sources, flags, warn);
  const { report, inputErrors } = await runScan(scanOpts);
  // Alerts do not wait on the report file: a report that cannot be written is said after delivery.
  const written = await writeReport(report, flags, io, 'scan').then(() => undefined, keepOutputError);
  const inventory = inventoryKey({
    sources, images: flags.images, iocPaths: flags.ioc, cwd: process.cwd(),
    scope: { allContexts: flags.allContexts, namespace: flags.namespace, selector: flags.selector, kubeconfig: flags.kubeconfig, includeTerminated: flags.includeTerminated, shard: flags.shard },
  });
  const result = await runSweep(report, {
    statePath, baseline: sweepFlags.baseline, minCoverage: sweepFlags.minCoverage, maxFeedAgeMs, maxFeedAge: sweepFlags.maxFeedAge,
    iocPaths: scanOpts.iocPaths, destinations, now, warn, inventory: inventory.key, inventoryLabel: inventory.label,
    lockWaitMs: sweepFlags.stateWait * 1000, ...(sweepFlags.state ? {} : { legacyStatePath }),
  });
  const contained = await sweepContainment(report, result.owed, raw, { flags, destinations, io, warn });
  // Delivery failures are never silenced by --quiet: the CronJob runs with it, and its log is all on-call has.
  for (const e of result.delivery.errors) io.stderr.write(`sbom-hunt: alert delivery failed: ${escapeControl(e)}\n`);
  if (!flags.quiet) {
    if (!destinations.some((d) => d.id === 'log')) for (const ev of result.owed) io.stderr.write(`${escapeControl(alertLine(ev))}\n`);
    io.stderr.write(`sbom-hunt: sweep: ${escapeControl(sweepSummary(result))}\n`);
  } else if (result.delivery.failed > 0) io.stderr.write(`sbom-hunt: sweep: ${escapeControl(sweepSummary(result))}\n`);
  // Never quiet: a state that was not saved means tonight's alerts come again tomorrow, and someone must know why.
  for (const e of result.stateErrors) io.stderr.write(`sbom-hunt: error: sweep state ${e}; the previous state is unchanged, so the next sweep sends tonight's alerts again\n`);
  const code =
    result.delivery.failed > 0 || contained.undelivered > 0
      ? EXIT_DELIVERY_FAILED
      : result.stateErrors.length > 0
        ? EXIT.usage
        : contained.escalate
          ? EXIT.findings
          : exitCodeFor(report, flags.failOn, inputErrors, flags.allowIncomplete);
  reportEnd(io, report, inputErrors, code);
  if (written) {
    io.stderr.write(`sbom-hunt: ${written.message}\n`);
    if (code !== EXIT_DELIVERY_FAILED) return EXIT.usage;
  }
  return code;
}

function sweepSummary(r: Awaited<ReturnType<typeof runSweep>>): string {
  const count = (c: string) => r.owed.filter((x) => x.change === c).length;
  const parts = [`${count('new')} new`, `${count('changed') + count('reminder')} changed`, `${count('resolved')} resolved`];
  const failed = r.delivery.failed > 0 ? `; ${r.delivery.failed} deliveries failed and stay owed` : '';
  return `${parts.join(', ')}${r.first ? ' (first sweep)' : ''}; state ${r.statePath}${failed}`;
}
