// The exit-code table, in one place (documented in the README).
import { EXIT } from '../errors.js';
import type { Report } from '../model/report.js';
import { verdictRank } from '../model/verdict.js';
import type { ScanFlags } from './options.js';

/**
 * 0: nothing at or above --fail-on; 1: an image at or above it; 2: usage, configuration or input error.
 * Input errors (a corrupt SBOM file given by the user) win over findings: the answer is incomplete.
 */
export function exitCodeFor(report: Report, failOn: ScanFlags['failOn'], inputErrors: string[]): number {
  if (inputErrors.length > 0) return EXIT.usage;
  if (failOn === 'none') return EXIT.ok;
  const threshold = verdictRank(failOn);
  // Part of the inventory could not be listed (a catalog refused, a cluster unreachable): images nobody saw are unknown too.
  if (threshold <= verdictRank('unknown') && report.errors.length > 0) return EXIT.findings;
  return report.images.some((img) => verdictRank(img.verdict) >= threshold) ? EXIT.findings : EXIT.ok;
}
