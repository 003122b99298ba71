// `sbom-hunt report merge REPORT.json...`: join shard reports into one, in any format.
import { readFile } from 'node:fs/promises';

import { InputError, UsageError } from '../errors.js';
import { Report } from '../model/report.js';
import { mergeReports } from '../report/merge.js';
import { toolVersion } from '../version.js';
import { exitCodeFor } from './exit-codes.js';
import { parseScanFlags } from './options.js';
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

/** `report merge FILE...`: the reports joined as one run would have written them, printed and gated. */
export async function runReportMerge(files: string[], raw: unknown, io: RunIo): Promise<number> {
  const flags = parseScanFlags(raw);
  if (files.length === 0) throw new UsageError('report merge: name at least one report');
  if (flags.output) await checkWritable(flags.output);
  const reports = await Promise.all(files.map(readReport));
  const merged = mergeReports(reports.map((report, i) => ({ report, file: files[i]! })), { version: toolVersion(), generatedAt: new Date() });
  await writeReport(merged, flags, io, 'scan');
  const code = exitCodeFor(merged, flags.failOn, [], flags.allowIncomplete);
  reportEnd(io, merged, [], code);
  return code;
}
