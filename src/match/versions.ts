// Version equality and ranges: semver for npm, exact text for every other ecosystem.
import semver from 'semver';

/** Already canonical: skips semver.parse, which costs a microsecond on the hot path of every key hit. */
const PLAIN_SEMVER = /^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)$/;
const RANGE_OPTIONS = { loose: true, includePrerelease: true } as const;

/**
 * The form a version is compared in. npm: `v1.14.1`, `=1.14.1` and `1.14.1+build.5` are all
 * `1.14.1` (build metadata carries no precedence in semver). Elsewhere only surrounding space goes:
 * Debian epochs and revisions, Go pseudo-versions and PEP 440 forms have no safe generic rewrite.
 */
export function normalizeVersion(ecosystem: string, version: string): string {
  const v = version.trim();
  if (ecosystem !== 'npm' || PLAIN_SEMVER.test(v)) return v;
  return semver.parse(v, { loose: true })?.version ?? v;
}

/**
 * Whether a normalised version falls in a semver range. Pre-releases count as inside
 * (a malicious `2.1.0-beta.1` inside `>=2.0.0 <2.3.0` must hit); a version that is not semver never does.
 */
export function versionInRange(ecosystem: string, normalized: string, range: string | semver.Range): boolean {
  if (ecosystem !== 'npm' || semver.valid(normalized) === null) return false;
  return semver.satisfies(normalized, range, RANGE_OPTIONS);
}

/** A range parsed once when the index is built, not once per package compared against it. */
export function compileRange(ecosystem: string, text: string): semver.Range | undefined {
  if (ecosystem !== 'npm') return undefined;
  try {
    return new semver.Range(text, RANGE_OPTIONS);
  } catch {
    return undefined;
  }
}
