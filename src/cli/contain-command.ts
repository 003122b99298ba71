// `sbom-hunt contain`: from the blast radius to action. Plan by default; `--apply` restarts only behind every gate.
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { EXIT, UsageError } from '../errors.js';
import { runScan } from '../scan.js';
import { runContainment } from '../contain/run.js';
import { parseResolve } from '../contain/network.js';
import { containmentJson, containmentTable } from '../contain/present.js';
import type { ContainmentReport } from '../contain/model.js';
import type { Report } from '../model/report.js';
import { addScanOptions, scanOptionsFrom, type RunIo } from './scan-command.js';
import { collect, parseScanFlags, type ScanFlags } from './options.js';
import { readReport } from './report-command.js';

/** 0: nothing left to do; 1: live C2 found (escalate to a person); 2: error; 5: containment pending (blocked, or plan not applied). */
export const CONTAIN_EXIT = { ok: EXIT.ok, escalate: EXIT.findings, error: EXIT.usage, pending: 5 } as const;

interface ContainFlags {
  report?: string;
  apply?: boolean;
  includeSuspect?: boolean;
  resolve?: string[];
  excludeNamespace?: string[];
  allowUnresolvedDomains?: boolean;
}

export function addContainCommand(program: Command, io: RunIo, setCode: (c: number) => void): void {
  addScanOptions(
    program
      .command('contain')
      .description('for affected workloads: check pods for live C2 connections and plan (or, with --apply, perform) gated rollout restarts')
      .argument('[source...]', 'kube: sources to scan first (or give --report)'),
  )
    .option('--report <file>', 'contain the blast radius of this JSON report (written by scan -f json) instead of scanning')
    .option('--apply', 'restart workloads whose gates are all open (default: print the plan only)')
    .option('--include-suspect', 'also check workloads running suspect images')
    .option('--resolve <domain=ip>', 'addresses of a C2 domain, looked up by you (repeatable); sbom-hunt never resolves C2 domains', collect)
    .option('--exclude-namespace <ns>', 'never restart in this namespace (repeatable)', collect)
    .option('--allow-unresolved-domains', 'let a restart go ahead although C2 domains without --resolve could not be checked')
    .action(async (sources: string[], raw: ScanFlags & ContainFlags) => setCode(await runContainCommand(sources, raw, io)));
}

async function runContainCommand(sources: string[], raw: ScanFlags & ContainFlags, io: RunIo): Promise<number> {
  const flags = parseScanFlags(raw);
  if (flags.format !== 'table' && flags.format !== 'json') throw new UsageError(`contain: -f ${flags.format}: the containment report is table or json`);
  if (!raw.report && sources.length === 0) throw new UsageError('contain: name kube: sources to scan, or --report FILE');
  let resolve: Map<string, string[]>;
  try {
    resolve = parseResolve(raw.resolve ?? []);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const warn = (m: string) => (flags.quiet ? undefined : io.stderr.write(`sbom-hunt: warning: ${m}\n`));
  const report: Report = raw.report ? await readReport(raw.report) : (await runScan(scanOptionsFrom(sources, flags, warn))).report;
  const kube = scanOptionsFrom([], flags, warn).kube;
  const result = await runContainment({
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
        return { report: (await runScan({ ...scanOptionsFrom([ref], flags, warn), imagesFile: undefined })).report };
      } catch (err) {
        return { error: `${ref}: ${err instanceof Error ? err.message : String(err)}` };
      }
    },
  });
  const text = flags.format === 'json' ? containmentJson(result) : containmentTable(result);
  if (flags.output) await writeFile(flags.output, text);
  else io.stdout.write(text);
  for (const e of result.errors) io.stderr.write(`sbom-hunt: error: ${e}\n`);
  return containExitCode(result);
}

export function containExitCode(r: ContainmentReport): number {
  if (r.summary.escalate > 0) return CONTAIN_EXIT.escalate;
  if (r.summary.failed > 0 || r.errors.length > 0) return CONTAIN_EXIT.error;
  const pending = r.summary.blocked > 0 || r.workloads.some((w) => w.decision === 'restart' && !w.action?.applied);
  return pending ? CONTAIN_EXIT.pending : CONTAIN_EXIT.ok;
}
