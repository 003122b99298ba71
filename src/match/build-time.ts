// Which of an image's times to believe: every source labelled, implausible ones marked, the best reliable one decides.
import type { CreatedTime, TimeSource, TimeSourceKind } from '../model/finding.js';

/**
 * Times before this are placeholders, not build times: reproducible builds write the Unix epoch
 * (or epoch + 1 s, as Nix does), Go's zero time is year 1, and zip-based tools clamp to 1980-01-01.
 */
export const UNRELIABLE_BEFORE = Date.UTC(1980, 0, 2);
/** Clock skew allowed between the builder and this machine before a time counts as "in the future". */
export const FUTURE_SKEW_MS = 5 * 60 * 1000;

/**
 * Build-time claims, most trustworthy first. A verified provenance statement is signed by the builder;
 * the config's `created` is what most tools write; the label is the fallback ko, Jib and Bazel users set;
 * the newest history entry follows the last step; an unverified provenance or SBOM time is a weaker claim.
 */
const CLAIM_RANK: Record<Exclude<TimeSourceKind, 'push' | 'file'>, number> = {
  provenance: 0,
  config: 1,
  label: 2,
  history: 3,
  'registry-created': 4,
  sbom: 5,
};

/** A time string as a Date, or undefined when it is not one. */
export function parseTime(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t) : undefined;
}

/** Why a claimed build time cannot be believed, or undefined when it can. */
export function implausible(value: string, now: Date, pushed?: Date): string | undefined {
  const t = parseTime(value);
  if (!t) return 'not a time';
  if (t.getTime() < UNRELIABLE_BEFORE) return 'a placeholder (before 1980-01-02: a reproducible-build or zero time)';
  if (t.getTime() > now.getTime() + FUTURE_SKEW_MS) return `in the future (after ${now.toISOString()})`;
  if (pushed && t.getTime() > pushed.getTime()) return `after the registry's push time ${pushed.toISOString()}`;
  return undefined;
}

function claimRank(s: TimeSource): number {
  if (s.kind === 'push' || s.kind === 'file') return Number.POSITIVE_INFINITY;
  // An unverified provenance statement is only as good as any other unsigned claim: after the config's own.
  if (s.kind === 'provenance' && s.verified === false) return CLAIM_RANK.sbom - 0.5;
  return CLAIM_RANK[s.kind];
}

/** The earliest reliable push time among the sources: the tightest upper bound on the build. */
export function firstPush(sources: readonly TimeSource[]): TimeSource | undefined {
  let best: TimeSource | undefined;
  for (const s of sources) {
    if (s.kind !== 'push' || !s.reliable) continue;
    const t = parseTime(s.value);
    if (t && (!best || t.getTime() < parseTime(best.value)!.getTime())) best = s;
  }
  return best;
}

/** A push time is an observation, so only an unparseable or future one is refused. */
function checkPush(s: TimeSource, now: Date): TimeSource {
  const t = parseTime(s.value);
  const why = !t ? 'not a time' : t.getTime() < UNRELIABLE_BEFORE ? 'a placeholder (before 1980-01-02)' : t.getTime() > now.getTime() + FUTURE_SKEW_MS ? 'in the future' : undefined;
  return why ? { ...s, reliable: false, note: why } : { ...s, reliable: true };
}

/**
 * Re-judges every source against `now` and the first push, then picks the best reliable claim.
 * A source that already carries a note (not verified) keeps it and stays unreliable.
 */
export function decideBuildTime(input: readonly TimeSource[], now: Date = new Date()): CreatedTime {
  const pushes = input.filter((s) => s.kind === 'push').map((s) => checkPush(s, now));
  const push = firstPush(pushes);
  const pushedAt = push ? parseTime(push.value) : undefined;
  const claims = input
    .filter((s) => s.kind !== 'push')
    .map((s): TimeSource => {
      if (s.kind === 'file') return s;
      if (s.reliable === false && s.note) return s;
      const why = implausible(s.value, now, pushedAt);
      return why ? { ...s, reliable: false, note: `${s.source} ${s.value} is ${why}` } : { ...s, reliable: true };
    });
  const sources = [...claims, ...pushes];
  const ranked = claims.filter((s) => s.kind !== 'file').sort((a, b) => claimRank(a) - claimRank(b));
  const best = ranked.find((s) => s.reliable);
  const shown = best ?? ranked[0];
  const out: CreatedTime = { reliable: best !== undefined, sources };
  if (shown) {
    out.value = shown.value;
    out.source = shown.source;
  }
  if (!best && shown?.note) out.note = shown.note;
  if (push) {
    out.pushed = push.value;
    out.pushedSource = push.source;
  }
  return out;
}

/** The sources a CreatedTime was decided from; an older cached or hand-made one is its own single source. */
export function sourcesOf(c: CreatedTime | undefined): TimeSource[] {
  if (!c) return [];
  if (c.sources) return c.sources;
  if (!c.value) return [];
  const kind: TimeSourceKind = /label/.test(c.source ?? '') ? 'label' : /SBOM/i.test(c.source ?? '') ? 'sbom' : 'config';
  return [{ kind, source: c.source ?? 'build time', value: c.value, reliable: c.reliable, ...(c.reliable ? {} : { note: `${c.source ?? 'build time'} ${c.value} is not a real build time` }) }];
}

/** The decision again with more sources (a registry's push time, provenance found later). */
export function withSources(c: CreatedTime | undefined, more: readonly TimeSource[], now: Date = new Date()): CreatedTime {
  return decideBuildTime([...sourcesOf(c), ...more], now);
}

/** An SBOM's creation time as the image's only time: the SBOM was written after the build, so it is a weak claim. */
export function sbomCreated(value: string | undefined, source: string, now: Date = new Date()): CreatedTime | undefined {
  return value ? decideBuildTime([{ kind: 'sbom', source, value, reliable: true }], now) : undefined;
}
