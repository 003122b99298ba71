// `sbom-hunt scan` and `sbom-hunt check`: run the hunt, write the report, pick the exit code.
import { createWriteStream } from 'node:fs';
import { Command, Option } from 'commander';
import ora from 'ora';
import { runScan } from '../scan.js';
import { parseWindow } from '../iocs/index.js';
import { bundledIocDir } from '../version.js';
import { presenters, tersePresenter } from '../report/presenters/index.js';
import { FAIL_ON, FORMATS, collect, parseScanFlags, type ScanFlags } from './options.js';
import { exitCodeFor } from './exit-codes.js';
import type { Report } from '../model/report.js';

export function addScanOptions(cmd: Command): Command {
  return cmd
    .option('--ioc <path>', 'IOC file or directory, YAML (repeatable; default: the bundled feeds)', collect)
    .option('--window <start/end>', 'extra compromise window, ISO 8601 interval (repeatable)', collect)
    .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('table'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <verdict>', 'exit 1 when an image is at or above this verdict').choices(FAIL_ON).default('affected'))
    .option('--concurrency <n>', 'images scanned at once', '8')
    .option('--insecure-registry <host>', 'allow plain HTTP or unverified TLS for this registry host (repeatable)', collect)
    .option('-q, --quiet', 'no progress or warnings on stderr')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)');
}

export interface RunIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export async function runScanCommand(sources: string[], raw: unknown, io: RunIo, mode: 'scan' | 'check'): Promise<number> {
  const flags = parseScanFlags(raw);
  const windows = flags.window.map(parseWindow);
  const spinner = progressSpinner(flags, io);
  const { report, inputErrors } = await runScan({
    sources,
    iocPaths: flags.ioc.length > 0 ? flags.ioc : [bundledIocDir()],
    windows,
    concurrency: flags.concurrency,
    insecureRegistries: flags.insecureRegistry,
    onImage: spinner ? (done, total, img) => (spinner.text = `${done}/${total} images · ${img.ref}`) : undefined,
  });
  spinner?.stop();
  await writeReport(report, flags, io, mode);
  if (!flags.quiet) for (const e of inputErrors) io.stderr.write(`sbom-hunt: input error: ${e}\n`);
  return exitCodeFor(report, flags.failOn, inputErrors);
}

function progressSpinner(flags: ScanFlags, io: RunIo) {
  if (flags.quiet || io.env.CI || !io.stderr.isTTY) return undefined;
  return ora({ text: 'scanning', stream: io.stderr }).start();
}

function useColor(flags: ScanFlags, io: RunIo): boolean {
  if (!flags.color || flags.output || io.env.NO_COLOR) return false;
  return Boolean(io.stdout.isTTY) || Boolean(io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0');
}

async function writeReport(report: Report, flags: ScanFlags, io: RunIo, mode: 'scan' | 'check'): Promise<void> {
  const color = useColor(flags, io);
  const present = mode === 'check' && flags.format === 'table' ? tersePresenter : presenters[flags.format];
  if (!flags.output) {
    present(report, io.stdout, { color, quiet: flags.quiet });
    return;
  }
  const file = createWriteStream(flags.output);
  present(report, file, { color: false, quiet: flags.quiet });
  await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
}
