// The flags and sub-commands of sweep, contain, report and iocs, defined without loading what they run: the command
// tree (program.ts) is built for every command, and each action imports its own module when it runs, so `scan`
// does not evaluate the sweep, containment, alert and report-reading code (and their schemas) at start-up.
import { Option, type Command } from 'commander';
import { PAGERDUTY_EVENTS_URL, WEBHOOK_FORMATS } from '../alerts/constants.js';
import type { ContainFlags } from './contain-command.js';
import { collect, FAIL_ON, FORMATS, type ScanFlags } from './options.js';
import { addScanOptions, type RunIo } from './scan-command.js';

/** The flags `contain` and `sweep --contain` share. */
export function addContainGateOptions(cmd: Command): Command {
  return cmd
    .option('--include-suspect', 'also check workloads running suspect images')
    .option('--resolve <domain=ip>', 'addresses of a C2 domain, looked up by you (repeatable); sbom-hunt never resolves C2 domains', collect)
    .option('--exclude-namespace <ns>', 'never restart in this namespace (repeatable)', collect)
    .option('--allow-unresolved-domains', 'let a restart go ahead although C2 domains without --resolve could not be checked');
}

export function addSweepOptions(cmd: Command): Command {
  return addContainGateOptions(cmd)
    .option('--contain', 'for workloads newly found affected: check their pods for live C2 connections and alert the containment plan (never restarts)')
    .option('--contain-apply', 'as --contain, and rollout-restart the workloads whose every gate is open (docs/containment.md)')
    .option('--state <file>', 'sweep state (SQLite; default: sweep-state.db beside the cache database)')
    .option('--state-wait <seconds>', 'how long to wait for another sweep using the same state', '600')
    .option('--baseline', 'record tonight as known without alerting')
    .option('--min-coverage <percent>', 'alert when fewer than this percent of images could be checked', '100')
    .option('--max-feed-age <age>', 'alert (once a day) when the newest IOC file is older than this (90m, 24h, 7d)', '24h')
    .option('--pagerduty-routing-key-file <file>', 'file holding the PagerDuty Events v2 routing key (or set PAGERDUTY_ROUTING_KEY)')
    .option('--pagerduty-url <url>', 'PagerDuty Events API v2 endpoint', PAGERDUTY_EVENTS_URL)
    .option('--webhook <url>', 'POST a JSON summary of each sweep\'s changes here (repeatable)', collect)
    .addOption(new Option('--webhook-format <format>', 'webhook body shape').choices(WEBHOOK_FORMATS).default('json'));
}

export function addContainCommand(program: Command, io: RunIo, setCode: (c: number) => void): void {
  const cmd = addScanOptions(
    program
      .command('contain')
      .description('for affected workloads: check pods for live C2 connections and plan (or, with --apply, perform) gated rollout restarts')
      .argument('[source...]', 'kube: sources to scan first (or give --report)'),
  );
  addContainGateOptions(cmd)
    .option('--report <file>', 'contain the blast radius of this JSON report (written by scan -f json) instead of scanning')
    .option('--apply', 'restart workloads whose gates are all open (default: print the plan only)')
    .option('--alert', 'send every decision and action to the alert destinations (PagerDuty, webhooks; the log when none)')
    .option('--pagerduty-routing-key-file <file>', 'file holding the PagerDuty Events v2 routing key (or set PAGERDUTY_ROUTING_KEY)')
    .option('--pagerduty-url <url>', 'PagerDuty Events API v2 endpoint', PAGERDUTY_EVENTS_URL)
    .option('--webhook <url>', 'POST the containment events here (repeatable)', collect)
    .addOption(new Option('--webhook-format <format>', 'webhook body shape').choices(WEBHOOK_FORMATS).default('json'))
    .action(async (sources: string[], raw: ScanFlags & ContainFlags) => setCode(await (await import('./contain-command.js')).runContainCommand(sources, raw, io)));
}

export function addReportCommand(program: Command, io: RunIo, setCode: (c: number) => void): void {
  const report = program.command('report').description('work with JSON reports');
  report
    .command('merge')
    .description('join JSON reports (e.g. of --shard runs) into one report')
    .argument('<report...>', 'JSON reports written with -f json')
    .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('table'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <verdict>', 'exit 1 when an image is at or above this verdict').choices(FAIL_ON).default('affected'))
    .option('--allow-incomplete', 'exit 0 rather than 4 when coverage is below 100% (shards missing included)')
    .option('-q, --quiet', 'shorter output')
    .option('--no-color', 'no colour')
    .action(async (files: string[], raw: unknown) => setCode(await (await import('./report-command.js')).runReportMerge(files, raw, io)));
}



/** `iocs import osv` and `iocs update`, hung under the `iocs` command. */
export function addIocsFeedCommands(iocs: Command, io: RunIo, setCode: (c: number) => void): void {
  iocs.command('import').description('convert IOC feeds to sbom-hunt/v1 YAML')
    .command('osv').description('write OSV records (files, malicious-packages trees, OSV zips) as one sbom-hunt/v1 YAML file')
    .argument('<path...>', 'OSV JSON files, folders or zips')
    .requiredOption('-o, --output <file>', 'YAML file to write (- for stdout)')
    .action(async (paths: string[], opts: unknown) => setCode(await (await import('./iocs-command.js')).runIocsImportOsv(paths, opts, io)));
  iocs.command('update').description('download an IOC feed (OSV zip, YAML or JSON), verify it, and replace the old copy atomically')
    .requiredOption('--from <url>', 'feed URL (https; plain http only for loopback)')
    .requiredOption('--to <dir>', 'folder the feed is kept in (use it as --ioc DIR)')
    .option('--name <file>', 'file name in DIR (default: the last part of the URL); must end .yaml, .yml, .json or .zip')
    .option('--max-mb <n>', 'largest feed accepted, in MiB', '512')
    .option('--timeout <seconds>', 'give up when the server sends nothing for this long', '60')
    .action(async (opts: unknown) => setCode(await (await import('./iocs-command.js')).runIocsUpdate(opts, io)));
}
