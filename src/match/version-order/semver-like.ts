// Ecosystems ordered by Semantic Versioning: npm (loose, as npm reads), Go (`v` prefix, pseudo-versions), crates.io and others.
import semver from 'semver';
import type { VersionOrder } from './order.js';

const LOOSE = { loose: true } as const;

export const npmOrder: VersionOrder = {
  problem: (v) => (semver.valid(v, LOOSE) === null ? 'not a semver version' : undefined),
  compare: (a, b) => semver.compare(a, b, LOOSE),
};

/** A strict SemVer 2.0 version (crates.io, Hex, Pub, SwiftURL, Bitnami). */
export const semverOrder: VersionOrder = {
  problem: (v) => (semver.valid(v.replace(/^v/, '')) === null ? 'not a SemVer 2.0 version' : undefined),
  compare: (a, b) => semver.compare(a.replace(/^v/, ''), b.replace(/^v/, '')),
};

/**
 * Go's module versions (golang.org/x/mod/semver): `v` then SemVer, with `v1` and `v1.2` as short forms of
 * `v1.0.0` and `v1.2.0`; `+incompatible` is build metadata and orders nothing. Pseudo-versions
 * (`v0.0.0-20240102150405-abcdef123456`) are pre-releases, so they sort before their release. OSV writes
 * Go versions without the `v`, so both spellings are read.
 */
function goSemver(v: string): string | undefined {
  const m = /^v?(\d+)(?:\.(\d+)(?:\.(\d+))?)?(.*)$/.exec(v);
  if (!m) return undefined;
  const [, major, minor, patch, rest] = m;
  if ((minor === undefined || patch === undefined) && rest !== '') return undefined;
  const text = `${major}.${minor ?? '0'}.${patch ?? '0'}${rest ?? ''}`;
  return semver.valid(text) === null ? undefined : text;
}

export const goOrder: VersionOrder = {
  problem: (v) => (goSemver(v) === undefined ? 'not a Go module version (v1.2.3, v0.0.0-20240102150405-abcdef123456)' : undefined),
  compare: (a, b) => semver.compare(goSemver(a)!, goSemver(b)!),
};
