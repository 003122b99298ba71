// Short human phrases shared by the report builder and every text presenter, so all formats say the same thing.
import { DOWNLOAD_CACHE_DETAIL } from '../match/match-packages.js';
import type { CreatedTime, ImageResult, Match, MatchKind, WindowCheck } from '../model/finding.js';
import type { Evidence } from '../model/package.js';
import type { DescribedImage } from '../model/target.js';
import type { ReportSummary } from '../model/report.js';

export function packageLabel(p: { name: string; version: string }): string {
  return p.version ? `${p.name}@${p.version}` : p.name;
}

/** The digest an image was read at, else the one its ref is pinned to (`app@sha256:…`): an unreadable pinned ref still names it. */
export function digestOf(img: { ref: string; digest?: string | undefined }): string | undefined {
  return img.digest ?? /@(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/.exec(img.ref)?.[1];
}

/** Which kind of evidence matched, as every presenter and alert says it. */
export const MATCH_KIND_LABELS: Record<MatchKind, string> = {
  'package-version': 'package version',
  'package-range': 'version range',
  'package-any-version': 'every version',
  'file-path': 'file path',
  'file-hash': 'file hash',
  'image-name': 'image name',
  'image-digest': 'image digest',
  'base-image-layers': 'base image layer',
  'lockfile-resolved-url': 'lockfile resolved URL',
  'lockfile-integrity': 'lockfile integrity',
};

/** `npm axios@1.14.1 [package version]`, `file /usr/lib/x.pth [file hash]`, `image acme/scanner:1 [base image layer]`. */
export function findingLabel(p: { ecosystem: string; name: string; version: string; matchKind?: MatchKind | undefined }): string {
  const what = findingSubject(p);
  return p.matchKind ? `${what} [${MATCH_KIND_LABELS[p.matchKind]}]` : what;
}

/** `npm axios@1.14.1`, `file /usr/lib/x.pth`, `image acme/scanner:1`: what matched, without how. */
export function findingSubject(p: { ecosystem: string; name: string; version: string }): string {
  return p.ecosystem === 'file' || p.ecosystem === 'image' ? `${p.ecosystem} ${p.name}` : `${p.ecosystem} ${packageLabel(p)}`;
}

/** `sha256:` and the first 12 hex digits: enough to tell images apart on a screen. */
export function shortDigest(digest: string | undefined): string {
  if (!digest) return '-';
  const [algo, hex] = digest.includes(':') ? (digest.split(':', 2) as [string, string]) : ['', digest];
  const short = hex.length > 12 ? hex.slice(0, 12) : hex;
  return algo ? `${algo}:${short}` : short;
}

/**
 * The image an SBOM describes, as one searchable phrase: its name, the version when the name does not carry
 * it, and the digest (shortened for a screen).
 */
export function describedLabel(d: DescribedImage | undefined, short = false): string | undefined {
  if (!d) return undefined;
  const version = d.version && !d.name?.endsWith(d.version) ? d.version : undefined;
  const name = d.name ? `${d.name}${version ? `@${version}` : ''}` : (d.purl ?? version);
  const digest = d.digest ? (short ? shortDigest(d.digest) : d.digest) : undefined;
  const parts = [name, digest].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** An image's ref, with the image it describes beside it when it is an SBOM file that names one. */
export function refLabel(x: { ref: string; describes?: DescribedImage | undefined }, short = false): string {
  const d = describedLabel(x.describes, short);
  return d ? `${x.ref} (describes ${d})` : x.ref;
}

/** `2026-03-31 00:21–03:29 UTC`, or both dates when the window spans midnight; raw text if not a time. */
export function windowLabel(w: { start: string; end: string }): string {
  const [s, e] = [new Date(w.start), new Date(w.end)];
  if (Number.isNaN(s.getTime()) || Number.isNaN(e.getTime())) return `${w.start} – ${w.end}`;
  const [sd, st] = [s.toISOString().slice(0, 10), s.toISOString().slice(11, 16)];
  const [ed, et] = [e.toISOString().slice(0, 10), e.toISOString().slice(11, 16)];
  return sd === ed ? `${sd} ${st}–${et} UTC` : `${sd} ${st} – ${ed} ${et} UTC`;
}

export function createdLabel(c: CreatedTime | undefined): string {
  const pushed = c?.pushed ? `pushed ${c.pushed}` : '';
  if (!c?.value) return pushed || 'unknown';
  const built = c.reliable ? c.value : `${c.value} (unreliable)`;
  return pushed ? `${built}; ${pushed}` : built;
}

/** Every time source of an image, one phrase each, the deciding one marked: for the detailed presenters. */
export function timeSourcesLabel(c: CreatedTime | undefined): string[] {
  return (c?.sources ?? []).map((s) => {
    const decided = (s.kind === 'push' ? s.value === c?.pushed && s.source === c?.pushedSource : c?.reliable && s.value === c.value && s.source === c.source) ? ' [decided]' : '';
    return `${s.source}: ${s.value}${s.reliable ? '' : ` (unreliable${s.note ? `: ${s.note}` : ''})`}${decided}`;
  });
}

/** Where the package list came from, and whether anyone vouched for it: nothing is verified unless it says so. */
export function evidenceLabel(e: Evidence | undefined): string {
  if (!e) return 'none';
  // Signatures only mean something for attestations; a plain SBOM file or a layer read has none to check.
  const signed = e.kind === 'attestation' || e.kind === 'buildkit-attestation' || e.kind === 'cosign';
  if (e.verified === undefined && !signed) return e.kind;
  return `${e.kind}, ${e.verified ? 'verified' : 'not verified'}`;
}

export function headline(s: ReportSummary): string {
  const noun = s.images === 1 ? 'image' : 'images';
  return (
    `${s.images} ${noun}: ${s.affected} affected, ${s.suspect} suspect, ${s.unknown} unknown, ${s.acknowledged ? `${s.acknowledged} acknowledged, ` : ''}${s.clean} clean; ` +
    `coverage ${s.coverage.percent}% (${s.coverage.checked} of ${s.coverage.total} checked${s.partial ? `; ${s.partial} not checked for every incident` : ''})`
  );
}

function uniqueLabels(ms: readonly Match[]): string[] {
  return [...new Set(ms.map(packageLabel))];
}

export function affectedWhy(live: readonly Match[]): string {
  return `contains ${uniqueLabels(live).join(', ')}`;
}

export function deletedWhy(notFinal: readonly Match[]): string {
  const cached = notFinal.filter((m) => m.detail === DOWNLOAD_CACHE_DETAIL);
  const deleted = notFinal.filter((m) => m.detail !== DOWNLOAD_CACHE_DETAIL);
  const parts: string[] = [];
  const labels = (ms: readonly Match[]) => uniqueLabels(ms).join(', ');
  if (deleted.length > 0) parts.push(`${labels(deleted)} ${deleted.length > 1 ? 'were' : 'was'} in a layer that a later layer deleted: the build installed it`);
  if (cached.length > 0) parts.push(`${labels(cached)} ${cached.length > 1 ? 'were' : 'was'} in npm's download cache: the build fetched it`);
  return parts.join('; ');
}

export function windowWhy(w: WindowCheck, created: CreatedTime | undefined): string {
  const when =
    w.basis === 'file' && w.file
      ? `${w.file.path} (${w.file.package}) written ${w.file.time}`
      : w.basis === 'push' && created?.pushed
      ? `pushed ${created.pushed}${created.pushedSource ? ` (${created.pushedSource})` : ''} with an untrusted build time`
      : created?.value
        ? `built ${created.value}${created.source ? ` (${created.source})` : ''}`
        : 'built';
  // Windows from the command line are filed under their flag (`--window`), which reads badly as a name.
  const which = w.incident.startsWith('-') ? `window given with ${w.incident}` : `${w.incident} window`;
  return `${when}, inside the ${which} ${windowLabel(w)}; no IOC package found`;
}

/** `axios-2026-03 (was suspect) acknowledged by alice until 2026-05-01: checked the lockfile [acks.yaml:4]`. */
export function ackLabel(a: { incident: string; was: string; reason: string; who: string; expires?: string | undefined; source: string }): string {
  return `${a.incident} (was ${a.was}) acknowledged by ${a.who}${a.expires ? ` until ${a.expires}` : ''}: ${a.reason} [${a.source}]`;
}

/** One line on why an image got its verdict, for the terse `check` output and the unknown list. */
export function imageWhy(img: ImageResult): string {
  const live = img.matches.filter((m) => m.inFinalFilesystem);
  const deleted = img.matches.filter((m) => !m.inFinalFilesystem);
  const inside = img.windows.filter((w) => w.outcome === 'inside');
  switch (img.verdict) {
    case 'affected':
      if (live.length > 0) return `${affectedWhy(live)} (${[...new Set(live.map((m) => m.incident))].join(', ')})`;
      break;
    case 'suspect': {
      const parts = [...(deleted.length > 0 ? [deletedWhy(deleted)] : []), ...inside.map((w) => windowWhy(w, img.created))];
      if (parts.length > 0) return parts.join('; ');
      break;
    }
    case 'clean':
      return `${img.packageCount} packages, no IOC match`;
    case 'acknowledged':
      return (img.acknowledged ?? []).map(ackLabel).join('; ') || 'acknowledged';
    case 'unknown':
      break;
  }
  return img.reasons.length > 0 ? img.reasons.join('; ') : 'no reason recorded';
}
