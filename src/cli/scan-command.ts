// `sbom-hunt scan` and `sbom-hunt check`: run the hunt, write the report, pick the exit code.
import { Command, Option } from 'commander';
import { startProgress } from './progress.js';
import { runScan, type ScanOptions } from '../scan.js';
import { parseWindow } from '../iocs/window.js';
import { bundledIocDir } from '../version.js';
import { presenters, tersePresenter } from '../report/presenters/index.js';
import { FAIL_ON, FORMATS, INVENTORY_FORMATS, collect, parseScanFlags, type ScanFlags } from './options.js';
import { exitCodeFor, incompleteLine } from './exit-codes.js';
import { checkWritable, writeFileAtomic } from './output-file.js';
import { EXIT, OutputError } from '../errors.js';
import { escapeControl, terminalSafe } from '../report/terminal-safe.js';
import { DEFAULT_SBOM_SOURCES, SBOM_SOURCES } from '../acquire/chain.js';
import { setToolWarningSink } from '../adapters/exec.js';
import type { Report } from '../model/report.js';
import type { Target } from '../model/target.js';
import type { ImageResult } from '../model/finding.js';
import { logDebug, logLevel, logVerbose } from './log.js';
import { parsePushTimeApi, PUSH_VENDORS } from '../adapters/push-time/index.js';
import { expiredMessage } from '../acks/index.js';
import { DEFAULT_LIST_BOUNDS } from '../adapters/oci/listing.js';

export function addScanOptions(cmd: Command): Command {
  return cmd
    .option('--ioc <path>', 'IOC file or directory, YAML or OSV JSON (repeatable; default: the bundled feeds)', collect)
    .option('--window <start/end>', 'extra compromise window, ISO 8601 interval (repeatable)', collect)
    .option('--ack <file>', 'ignore file (YAML) of findings a person has checked: kept as acknowledged, not failing the gate (repeatable)', collect)
    .option('--vex <file>', 'OpenVEX document: its not_affected statements acknowledge findings (repeatable)', collect)
    .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('table'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--include-packages', 'JSON report: list every package read on each platform (always on for -f cyclonedx and -f spdx-json)')
    .addOption(new Option('--fail-on <verdict>', 'exit 1 when an image is at or above this verdict').choices(FAIL_ON).default('affected'))
    .option('--allow-incomplete', 'exit 0 rather than 4 when coverage is below 100% but nothing reached --fail-on')
    .option('--images <file>', 'image references, one per line (- for stdin)')
    .option('--concurrency <n>', 'images scanned at once', '8')
    .option('--insecure-registry <host>', 'reach this registry host (host or host:port) over plain HTTP (repeatable)', collect)
    .option('--push-time-api <host=vendor[@url]>', `registry push times for this host from this vendor's API (${PUSH_VENDORS.join(', ')}, or none), optionally at another URL (repeatable)`, collect)
    .option('--no-push-times', 'do not ask registry vendor APIs for push times')
    .option('--sbom-sources <list>', `ways to get an image's SBOM, in order (${SBOM_SOURCES.join(', ')})`, DEFAULT_SBOM_SOURCES.join(','))
    .option('--no-cache', 'do not read or write the SBOM cache')
    .option('--cache-dir <dir>', 'where the SBOM cache lives (default: $XDG_CACHE_HOME/sbom-hunt)')
    .option('--key <file>', 'public key (PEM: ECDSA P-256, Ed25519, RSA) that SBOM attestations must verify against')
    .option('--allow-unverified-attestations', 'use attestations whose signature could not be verified (marked unverified)')
    .option('--trusted-root <file>', 'Sigstore trusted root (JSON): verify keyless attestation bundles natively and offline against it')
    .option('--certificate-identity <id>', 'keyless: the signer identity the certificate must name')
    .option('--certificate-identity-regexp <re>', 'keyless: the signer identity, as a regular expression')
    .option('--certificate-oidc-issuer <url>', 'keyless: the OIDC issuer the certificate must name')
    .option('--certificate-oidc-issuer-regexp <re>', 'keyless: the OIDC issuer, as a regular expression')
    .option('--tool-timeout <seconds>', 'time limit for one syft, grype or cosign run', '600')
    .option('--image-timeout <seconds>', 'time limit for reading one image; past it the image is unknown', '900')
    .option('--max-repositories <n>', 'registry:HOST: most repositories one catalog may list; past it the source is incomplete', String(DEFAULT_LIST_BOUNDS.maxRepositories))
    .option('--max-tags <n>', 'registry: most tags one source may list across its repositories; past it the source is incomplete', String(DEFAULT_LIST_BOUNDS.maxTags))
    .option('--all-contexts', 'kube: read every context of the kubeconfig')
    .option('--namespace <ns>', 'kube: only this namespace (repeatable)', collect)
    .option('--selector <labels>', 'kube: only pods matching this label selector')
    .option('--kubeconfig <file>', 'kube: the kubeconfig to use')
    .option('--kubectl <path>', 'kube: the kubectl binary (default: kubectl on PATH)')
    .option('--include-terminated', 'kube: also pods that are no longer Running or Pending')
    .option('--shard <index/count>', 'scan only this stable share of the images (0-based INDEX/COUNT; JOB_COMPLETION_INDEX in an Indexed Job)')
    .option('-q, --quiet', 'no progress or warnings on stderr')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)');
}

export interface RunIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  /** Where `.sbom-hunt.yaml` is looked for (default: the process's working folder). */
  cwd?: string;
}

export async function runScanCommand(sources: string[], raw: unknown, io: RunIo, mode: 'scan' | 'check'): Promise<number> {
  const flags = parseScanFlags(raw);
  // Found before the work: an hour of scanning is never lost to a report that cannot be written.
  if (flags.output) await checkWritable(flags.output);
  const progress = await startProgress(flags.quiet, io);
  const warn = (m: string) => {
    if (flags.quiet) return;
    const line = `sbom-hunt: warning: ${escapeControl(m)}\n`;
    if (progress) progress.print(line);
    else io.stderr.write(line);
  };
  setToolWarningSink(warn);
  const interrupt = new AbortController();
  const onSigint = () => {
    io.stderr.write('sbom-hunt: interrupted: finishing with what was read (Ctrl-C again to quit now)\n');
    process.removeListener('SIGINT', onSigint);
    interrupt.abort();
  };
  process.on('SIGINT', onSigint);
  const { report, inputErrors } = await runScan({
    ...scanOptionsFrom(sources, flags, warn),
    signal: interrupt.signal,
    ...verboseHooks(progress),
    ...(progress
      ? {
          onInventory: (total: number) => progress.inventory(total),
          onStage: (t: Target, link: string) => {
            logDebug(`${t.ref}: trying ${link}`);
            progress.stage(t, link);
          },
          onImage: (done: number, total: number, img: ImageResult) => {
            logVerbose(imageLine(done, total, img));
            progress.imageDone(done, total, img.ref);
          },
        }
      : {}),
  });
  process.removeListener('SIGINT', onSigint);
  progress?.stop();
  const written = await writeReport(report, flags, io, mode).then(() => undefined, keepOutputError);
  // 130 is the shell's code for a run stopped by SIGINT: the report is partial.
  const code = interrupt.signal.aborted ? 130 : exitCodeFor(report, flags.failOn, inputErrors, flags.allowIncomplete);
  reportEnd(io, report, inputErrors, code);
  if (written) {
    io.stderr.write(`sbom-hunt: ${written.message}\n`);
    return EXIT.usage;
  }
  return code;
}

/** `-v` and `--debug` without progress output (-q, a pipe): the same lines, straight to stderr. */
function verboseHooks(progress: unknown): Partial<ScanOptions> {
  if (logLevel() === 0) return {};
  const hooks: Partial<ScanOptions> = {
    onSource: (arg, readAs, r) => logVerbose(`source ${arg}: read as ${readAs}: ${r.targets.length} image(s)${r.errors.length + r.inputErrors.length > 0 ? `, ${r.errors.length + r.inputErrors.length} error(s)` : ''}`),
  };
  if (progress) return hooks;
  return {
    ...hooks,
    onStage: (t: Target, link: string) => logDebug(`${t.ref}: trying ${link}`),
    onImage: (done: number, total: number, img: ImageResult) => logVerbose(imageLine(done, total, img)),
  };
}

function imageLine(done: number, total: number, img: ImageResult): string {
  const method = (img.source ?? img.platforms?.find((p) => p.source)?.source)?.kind;
  return `[${done}/${total}] ${img.ref}: ${img.verdict}${method ? ` (read by ${method})` : ''}`;
}

/** A report that could not be written is said, after everything else; any other failure is a bug and propagates. */
export function keepOutputError(err: unknown): OutputError {
  if (err instanceof OutputError) return err;
  throw err;
}

/** What --quiet never silences: input errors and the line that says the answer is incomplete. */
export function reportEnd(io: RunIo, report: Report, inputErrors: readonly string[], code: number): void {
  // An expired acknowledgement is said on every run, --quiet or not: the finding it hid is back.
  for (const e of report.expiredAcknowledgements ?? []) io.stderr.write(`sbom-hunt: warning: ${escapeControl(expiredMessage(e))}\n`);
  for (const e of inputErrors) io.stderr.write(`sbom-hunt: input error: ${escapeControl(e)}\n`);
  const line = incompleteLine(report, code);
  if (line) io.stderr.write(escapeControl(line.trimEnd()) + '\n');
}

/** Flags -> the scan's options; shared by scan, check and sweep. */
export function scanOptionsFrom(sources: string[], flags: ScanFlags, warn: (m: string) => void): ScanOptions {
  return {
    sources,
    ...(flags.images ? { imagesFile: flags.images } : {}),
    iocPaths: flags.ioc.length > 0 ? flags.ioc : [bundledIocDir()],
    windows: flags.window.map(parseWindow),
    concurrency: flags.concurrency,
    ...(flags.shard ? { shard: flags.shard } : {}),
    insecureRegistries: flags.insecureRegistry,
    pushTimes: flags.pushTimes,
    pushTimeApi: parsePushTimeApi(flags.pushTimeApi),
    sbomSources: flags.sbomSources,
    cache: flags.cache,
    ...(flags.cacheDir ? { cacheDir: flags.cacheDir } : {}),
    ...(flags.key ? { key: flags.key } : {}),
    allowUnverifiedAttestations: flags.allowUnverifiedAttestations,
    ...(flags.certificateIdentity ? { certificateIdentity: flags.certificateIdentity } : {}),
    ...(flags.certificateIdentityRegexp ? { certificateIdentityRegexp: flags.certificateIdentityRegexp } : {}),
    ...(flags.certificateOidcIssuer ? { certificateOidcIssuer: flags.certificateOidcIssuer } : {}),
    ...(flags.certificateOidcIssuerRegexp ? { certificateOidcIssuerRegexp: flags.certificateOidcIssuerRegexp } : {}),
    ...(flags.trustedRoot ? { trustedRoot: flags.trustedRoot } : {}),
    toolTimeoutMs: flags.toolTimeout * 1000,
    includePackages: flags.includePackages || INVENTORY_FORMATS.has(flags.format),
    ackFiles: flags.ack,
    vexFiles: flags.vex,
    imageTimeoutMs: flags.imageTimeout * 1000,
    listBounds: { maxRepositories: flags.maxRepositories, maxTags: flags.maxTags },
    kube: {
      allContexts: flags.allContexts,
      ...(flags.namespace.length > 0 ? { namespaces: flags.namespace } : {}),
      ...(flags.selector ? { selector: flags.selector } : {}),
      ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
      ...(flags.kubectl ? { kubectl: flags.kubectl } : {}),
      includeTerminated: flags.includeTerminated,
    },
    warn,
  };
}

function useColor(flags: ScanFlags, io: RunIo): boolean {
  if (!flags.color || flags.output || io.env.NO_COLOR) return false;
  return Boolean(io.stdout.isTTY) || Boolean(io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0');
}

/**
 * The columns to fit on stdout: the terminal's own width, else COLUMNS when set (for a pipe into a pager that
 * wants it); none for a file or a pipe, so logs and greps get whole lines. Below 40 columns nothing fits anyway.
 */
export function terminalWidth(flags: Pick<ScanFlags, 'output'>, io: Pick<RunIo, 'stdout' | 'env'>): number | undefined {
  if (flags.output) return undefined;
  const tty = io.stdout.isTTY && io.stdout.columns && io.stdout.columns > 0 ? io.stdout.columns : undefined;
  const env = /^\d+$/.test(io.env.COLUMNS ?? '') ? Number(io.env.COLUMNS) : undefined;
  const width = tty ?? (env && env > 0 ? env : undefined);
  return width === undefined ? undefined : Math.max(40, width);
}

/** Formats read by people get every string escaped of terminal controls; JSON and SARIF escape by their own rules. */
const FOR_PEOPLE = new Set(['table', 'markdown']);

/** The report to stdout, or to `-o FILE` by temp file and rename; a write that fails throws OutputError. */
export async function writeReport(report: Report, flags: ScanFlags, io: RunIo, mode: 'scan' | 'check'): Promise<void> {
  const color = useColor(flags, io);
  const terse = mode === 'check' && flags.format === 'table';
  const present = terse ? tersePresenter : presenters[flags.format];
  const shown = terse || FOR_PEOPLE.has(flags.format) ? terminalSafe(report) : report;
  if (!flags.output) {
    const width = terminalWidth(flags, io);
    present(shown, io.stdout, { color, quiet: flags.quiet, ...(width ? { width } : {}) });
    return;
  }
  const chunks: string[] = [];
  present(shown, { write: (s: string) => chunks.push(s) }, { color: false, quiet: flags.quiet });
  await writeFileAtomic(flags.output, chunks.join(''));
}
