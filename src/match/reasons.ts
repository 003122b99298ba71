// The human sentences behind a verdict: what matched, where, and why it matters.
import type { CreatedTime, WindowCheck } from '../model/finding.js';
import type { Match } from '../model/finding.js';
import { describeFileIndicator, type FileMatch, type UncheckedFiles } from './match-files.js';
import type { UncheckedImages } from './match-images.js';
import type { DetailedMatch } from './match-packages.js';
import { describeWindow } from './windows.js';

const MAX_PATHS = 3;

function listPaths(paths: readonly string[]): string {
  const shown = paths.slice(0, MAX_PATHS).join(', ');
  return paths.length > MAX_PATHS ? `${shown} and ${paths.length - MAX_PATHS} more` : shown;
}

function how(d: DetailedMatch): string {
  const m = d.match;
  if (m.matchKind === 'lockfile-integrity') return 'tarball integrity';
  if (m.matchKind === 'lockfile-resolved-url') {
    return `lockfile resolved URL, ${m.matchedBy === 'any-version' ? 'every version' : `${m.matchedBy} ${m.iocVersion}`}`;
  }
  if (m.matchedBy === 'version') return `version ${m.iocVersion}`;
  if (m.matchedBy === 'range') return `range ${m.iocVersion}`;
  return 'every version';
}

/** `axios@1.14.1 at /app/node_modules/axios/package.json matches GHSA-fw8c-xr5c-95f9 (version 1.14.1)`. */
export function matchReason(d: DetailedMatch): string {
  const m = d.match;
  const id = `${m.name}@${m.version || '(no version)'}`;
  const advisory = `${d.entry.label} (${how(d)})`;
  const caveat = `${d.byNameOnly ? `; the SBOM gave no ecosystem, so only the exact name ties it to the ${m.ecosystem} IOC` : ''}${d.conflict ? `; ${d.conflict}` : ''}`;
  if (d.pkg.location === 'download-cache') {
    return `${id} at ${listPaths(m.paths)}: ${m.detail ?? 'in a download cache'}, though it is not installed; matches ${advisory}${caveat}`;
  }
  if (!m.inFinalFilesystem) {
    const where = d.pkg.layer ? `layer ${d.pkg.layer}` : 'a lower layer';
    const at = m.paths.length > 0 ? ` at ${listPaths(m.paths)}` : '';
    return `${id} was in ${where}${at} but deleted by a later layer: the build ran it; matches ${advisory}${caveat}`;
  }
  const at = m.paths.length > 0 ? ` at ${listPaths(m.paths)}` : '';
  const via = m.dependencyPath && m.dependencyPath.length > 0 ? `, pulled in by ${m.dependencyPath.join(' > ')}` : '';
  const lockfile = m.matchKind.startsWith('lockfile-') && m.detail ? ` (${m.detail})` : '';
  return `${id}${at}${via} matches ${advisory}${lockfile}${caveat}`;
}

/** `built 2026-03-31T01:02:03Z, inside the axios-2026-03 window 2026-03-31 00:21–03:29 UTC, no IOC package found`. */
export function windowReason(w: WindowCheck, created: CreatedTime | undefined, anyMatch: boolean): string {
  const from = created?.source ? ` (${created.source})` : '';
  const which = w.incident.startsWith('--') ? `the ${w.incident} range` : `the ${w.incident} window`;
  const base =
    (w.basis === 'push' || w.basis === 'file') && w.reason
      ? `${w.reason.replace('inside the window', `inside ${which} ${describeWindow(w.start, w.end)}`)}${created?.note ? ` (${created.note})` : ''}`
      : `built ${created?.value ?? '?'}${from}, inside ${which} ${describeWindow(w.start, w.end)}`;
  return anyMatch ? base : `${base}, no IOC package found`;
}

/** `first pushed ... before the axios-2026-03 window 2026-03-31 00:21–03:29 UTC opened: ...`. */
export function pushedBeforeReason(w: WindowCheck): string {
  const which = w.incident.startsWith('--') ? `the ${w.incident} range` : `the ${w.incident} window`;
  return (w.reason ?? 'first pushed before the window opened').replace('the window', `${which} ${describeWindow(w.start, w.end)}`);
}

/** Said once per platform, so a reader knows the window check did not run, not that it passed. */
export function unreliableReason(created: CreatedTime | undefined): string {
  const what = created?.note
    ? `build time not trusted: ${created.note}`
    : created?.value
      ? `build time ${created.value}${created.source ? ` (${created.source})` : ''} is not a real build time`
      : 'no build time recorded';
  const pushed = created?.pushed ? `; first pushed ${created.pushed}${created.pushedSource ? ` (${created.pushedSource})` : ''}, after the window` : '';
  return `${what}${pushed}: cannot tell whether it was built inside a compromise window`;
}

/** `/usr/lib/python3.12/site-packages/litellm_init.pth (layer sha256:…) matches teampcp-2026-03 (file hash sha256:…)`. */
export function fileMatchReason(f: FileMatch): string {
  const m = f.match;
  const how = `${m.matchKind === 'file-hash' ? 'file hash' : 'file path'} ${describeFileIndicator(f.entry.indicator)}`;
  const link = m.detail ? `, ${m.detail}` : '';
  const layer = m.layer ? `layer ${m.layer}` : 'a lower layer';
  if (!m.inFinalFilesystem) return `file ${m.name}${link} was in ${layer} but deleted by a later layer: the build had it; matches ${f.entry.incident.id} (${how})`;
  return `file ${m.name}${m.layer ? ` (layer ${m.layer})` : ''}${link} matches ${f.entry.incident.id} (${how})`;
}

/** `file indicators of teampcp-2026-03 could not be checked (/usr/**\/litellm_init.pth): the source lists no files`. */
export function uncheckedFilesReason(u: UncheckedFiles): string {
  return `file indicator(s) of ${u.incident} could not be checked (${listPaths(u.indicators)}): ${u.why}; not clean for ${u.incident}`;
}

const IMAGE_HOW: Partial<Record<Match['matchKind'], string>> = { 'image-name': 'image name', 'image-digest': 'image digest', 'base-image-layers': 'base image layers' };

/** `image docker.io/acme/scanner:1 matches teampcp-2026-03 (base image layers docker.io/aquasec/trivy:0.69.4): built FROM ...`. */
export function imageMatchReason(m: Match): string {
  const detail = m.detail ? `: ${m.detail}` : '';
  return `image ${m.name} matches ${m.incident} (${IMAGE_HOW[m.matchKind] ?? m.matchKind} ${m.iocVersion})${detail}`;
}

export function uncheckedImagesReason(u: UncheckedImages): string {
  return `image indicator(s) of ${u.incident} could not be checked (${listPaths(u.indicators)}): ${u.why}; not clean for ${u.incident}`;
}

/** Gaps past this many of one kind and cause are one reason when folded (a bulk run). */
const GAPS_SHOWN = 10;

/**
 * One reason per indicator gap; with `fold` (a bulk run), the gaps of more than GAPS_SHOWN incidents that share a
 * cause are one reason in the first one's place: `file indicator(s) of 1,600 incidents could not be checked: the
 * source lists no files; not clean for them (a, b, c and 1,597 more)`. The verdict counts every gap either way.
 */
export function uncheckedReasons(kind: 'file' | 'image', gaps: readonly (UncheckedFiles | UncheckedImages)[], fold: boolean): string[] {
  const one = kind === 'file' ? uncheckedFilesReason : uncheckedImagesReason;
  const byCause = new Map<string, (UncheckedFiles | UncheckedImages)[]>();
  for (const g of gaps) {
    const same = byCause.get(g.why);
    if (same) same.push(g);
    else byCause.set(g.why, [g]);
  }
  const out: string[] = [];
  for (const g of gaps) {
    const same = byCause.get(g.why)!;
    if (!fold || same.length <= GAPS_SHOWN) out.push(one(g));
    else if (same[0] === g) {
      const ids = same.map((x) => x.incident);
      out.push(`${kind} indicator(s) of ${ids.length.toLocaleString('en-US')} incidents could not be checked: ${g.why}; not clean for them (${ids.slice(0, 3).join(', ')} and ${(ids.length - 3).toLocaleString('en-US')} more)`);
    }
  }
  return out;
}
