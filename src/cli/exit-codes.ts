// The exit-code table, in one place (documented in the README).
import { EXIT } from '../errors.js';
import type { Report } from '../model/report.js';
import { verdictRank } from '../model/verdict.js';
import { headline } from '../report/describe.js';
import { isIncomplete } from '../report/completeness.js';
import type { ScanFlags } from './options.js';

/**
 * 0: every source enumerated, every image fully read, nothing at or above --fail-on; 1: an image at or above it;
 * 2: usage, configuration or input error; 4: nothing reached --fail-on but coverage is below 100% (incomplete).
 * Input errors (a corrupt SBOM file given by the user) win over findings: the answer is incomplete and the input wrong.
 * The two gates are apart: `--fail-on none` never exits 1 (alerts page instead), yet a run that could not look
 * still exits 4; only `--allow-incomplete` accepts gaps. So a cron on `--fail-on none` still fails when blind.
 */
export function exitCodeFor(report: Report, failOn: ScanFlags['failOn'], inputErrors: readonly string[], allowIncomplete = false): number {
  if (inputErrors.length > 0) return EXIT.usage;
  if (failOn !== 'none') {
    const threshold = verdictRank(failOn);
    if (report.images.some((img) => verdictRank(img.verdict) >= threshold)) return EXIT.findings;
    // Part of the inventory could not be listed (a catalog refused, a cluster unreachable): images nobody saw are unknown too.
    if (threshold <= verdictRank('unknown') && report.errors.length > 0) return EXIT.findings;
  }
  if (!allowIncomplete && isIncomplete(report)) return EXIT.incomplete;
  return EXIT.ok;
}

/**
 * The line that says a run was incomplete, for stderr: never silenced by --quiet, since a log that shows only
 * "exit 4" leaves on-call guessing. Undefined when the run was complete.
 */
export function incompleteLine(report: Report, code: number): string | undefined {
  if (!isIncomplete(report)) return undefined;
  const sources = report.images.filter((i) => i.kind === 'source').length;
  const what = sources > 0 ? `; ${sources} source${sources === 1 ? '' : 's'} not enumerated` : '';
  const tail = code === EXIT.incomplete ? ' (exit 4; --allow-incomplete accepts gaps)' : '';
  return `sbom-hunt: incomplete: ${headline(report.summary)}${what}${tail}\n`;
}
