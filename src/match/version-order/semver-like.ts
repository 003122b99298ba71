// Ecosystems ordered by Semantic Versioning: npm (loose, as npm reads), Go (`v` prefix, pseudo-versions), crates.io and others.
import semver from 'semver';
import { compareGo, parseGo } from './go-semver.js';
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
 * Go's module versions (golang.org/x/mod/semver, in go-semver.ts). Pseudo-versions
 * (`v0.0.0-20240102150405-abcdef123456`) are pre-releases, so they sort before their release. OSV writes
 * Go versions without the `v`, so both spellings are read.
 */
const withV = (v: string) => (v.startsWith('v') ? v : `v${v}`);

export const goOrder: VersionOrder = {
  problem: (v) => (parseGo(withV(v)) === undefined ? 'not a Go module version (v1.2.3, v0.0.0-20240102150405-abcdef123456)' : undefined),
  compare: (a, b) => compareGo(withV(a), withV(b)),
};
