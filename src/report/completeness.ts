// Whether a report is a complete answer: every source enumerated, every image fully read, something looked at.
import type { Report } from '../model/report.js';

/** A run that looked at nothing, left anything unread, or could not enumerate a source is not a complete answer. */
export function isIncomplete(report: Report): boolean {
  const s = report.summary;
  return s.complete === false || s.images === 0 || s.unknown > 0 || s.coverage.checked < s.coverage.total || report.errors.length > 0;
}
