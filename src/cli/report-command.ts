// `sbom-hunt report merge REPORT.json...`: join shard reports into one, in any format.
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';

import { InputError, UsageError } from '../errors.js';
import { Report } from '../model/report.js';
import { mergeReports } from '../report/merge.js';
import { toolVersion } from '../version.js';
import { exitCodeFor } from './exit-codes.js';
import { FAIL_ON, FORMATS, parseScanFlags } from './options.js';
import { reportEnd, writeReport, type RunIo } from './scan-command.js';
import { checkWritable } from './output-file.js';

export async function readReport(file: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(file, `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError(file, 'not JSON: expected a report written with -f json');
  }
  const r = Report.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new InputError(file, `not an sbom-hunt JSON report: ${issue.message}`, undefined, issue.path.join('.'));
  }
  return r.data;
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
    .action(async (files: string[], raw: unknown) => {
      const flags = parseScanFlags(raw);
      if (files.length === 0) throw new UsageError('report merge: name at least one report');
      if (flags.output) await checkWritable(flags.output);
      const reports = await Promise.all(files.map(readReport));
      const merged = mergeReports(reports.map((report, i) => ({ report, file: files[i]! })), { version: toolVersion(), generatedAt: new Date() });
      await writeReport(merged, flags, io, 'scan');
      const code = exitCodeFor(merged, flags.failOn, [], flags.allowIncomplete);
      reportEnd(io, merged, [], code);
      setCode(code);
    });
}

