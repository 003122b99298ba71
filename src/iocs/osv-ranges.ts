// OSV affected ranges -> npm semver ranges, or "every version", or text kept for the notes.
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { compileRange } from '../match/versions.js';
import { versionOrder } from '../match/version-order/index.js';
import { issueToInputError, type YamlSource } from './yaml-source.js';

export const OsvRange = lazySchema(() =>
  z.object({ type: z.string(), events: z.array(z.record(z.string(), z.string())) }),
);
export type OsvRange = z.infer<typeof OsvRange>;

export interface ConvertedRanges {
  ranges: string[];
  anyVersion: boolean;
  /** Ranges of an ecosystem without an order, kept beside an enumerated `versions` list; said in the package notes. */
  uncompared: string[];
}

/**
 * OSV events -> semver ranges. `introduced: 0` with no end means every version, as the GHSA malware
 * records use it. `limit: "*"` is OSV's "no upper limit", so it closes nothing.
 */
export function convertEvents(events: Record<string, string>[]): { ranges: string[]; anyVersion: boolean } {
  const ranges: string[] = [];
  let open: string | undefined;
  let anyVersion = false;
  const close = (op: string, end: string) => {
    ranges.push(open === '0' ? `${op}${end}` : `>=${open} ${op}${end}`);
    open = undefined;
  };
  for (const e of events) {
    const end = e['fixed'] ?? (e['limit'] === '*' ? undefined : e['limit']);
    if (e['introduced'] !== undefined) open = e['introduced'];
    else if (open !== undefined && end !== undefined) close('<', end);
    else if (open !== undefined && e['last_affected'] !== undefined) close('<=', e['last_affected']);
  }
  if (open === '0') anyVersion = true;
  else if (open !== undefined) ranges.push(`>=${open}`);
  return { ranges, anyVersion };
}

/**
 * GIT ranges name commits, which no SBOM records; SEMVER and ECOSYSTEM ranges are compared in the
 * ecosystem's own order (match/version-order). For an ecosystem sbom-hunt cannot order, the record's
 * enumerated `versions` are what is matched and the ranges are named in the notes; with no versions
 * to fall back on, the record is an error rather than an IOC that silently matches nothing.
 */
export function convertRanges(src: YamlSource, ecosystem: string, ranges: OsvRange[], at: number, versions: readonly string[] = []): ConvertedRanges {
  const out: ConvertedRanges = { ranges: [], anyVersion: false, uncompared: [] };
  ranges.forEach((r, j) => {
    if (r.type === 'GIT') return;
    const { ranges: converted, anyVersion } = convertEvents(r.events);
    out.anyVersion ||= anyVersion;
    if (ecosystem !== 'npm' && versionOrder(ecosystem) === undefined) {
      if (converted.length > 0 && versions.length === 0) {
        throw issueToInputError(src, { code: 'custom', message: `sbom-hunt cannot order ${ecosystem} versions, and the record lists no versions to match instead`, path: ['affected', at, 'ranges', j], input: r });
      }
      out.uncompared.push(...converted);
      return;
    }
    for (const text of converted) {
      const compiled = compileRange(ecosystem, text);
      if (typeof compiled !== 'string') out.ranges.push(text);
      else throw issueToInputError(src, { code: 'custom', message: `range events do not form a ${ecosystem} range: ${compiled}`, path: ['affected', at, 'ranges', j], input: r });
    }
  });
  return out;
}
