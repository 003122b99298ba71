// Ecosystem names: read case-insensitively and by their common spellings, written one canonical way.

import { editDistance } from '../edit-distance.js';

const ALIASES: Record<string, string> = {
  npm: 'npm',
  node: 'npm',
  javascript: 'npm',
  pypi: 'pypi',
  python: 'pypi',
  pip: 'pypi',
  maven: 'maven',
  java: 'maven',
  go: 'go',
  golang: 'go',
  deb: 'deb',
  debian: 'deb',
  ubuntu: 'deb',
  dpkg: 'deb',
  apk: 'apk',
  alpine: 'apk',
  wolfi: 'apk',
  chainguard: 'apk',
  rpm: 'rpm',
  redhat: 'rpm',
  // OSV's distro ecosystems, written with spaces and a release after the colon (`Red Hat:enterprise_linux:9`).
  'red hat': 'rpm',
  'rocky linux': 'rpm',
  almalinux: 'rpm',
  suse: 'rpm',
  opensuse: 'rpm',
  fedora: 'rpm',
  centos: 'rpm',
  rubygems: 'gem',
  gem: 'gem',
  ruby: 'gem',
  'crates.io': 'cargo',
  cargo: 'cargo',
  nuget: 'nuget',
  packagist: 'composer',
  composer: 'composer',
  // More of OSV's distributions, by the package manager they ship.
  mageia: 'rpm',
  openeuler: 'rpm',
  'photon os': 'rpm',
  'azure linux': 'rpm',
  minimos: 'apk',
  hex: 'hex',
  pub: 'pub',
  swifturl: 'swift',
  swift: 'swift',
  bitnami: 'bitnami',
  hackage: 'hackage',
  cran: 'cran',
  conan: 'conan',
  cocoapods: 'cocoapods',
  conda: 'conda',
  julia: 'julia',
  'github actions': 'github-actions',
  'github-actions': 'github-actions',
};

/**
 * OSV ecosystems that name no package any image or SBOM lists (kernel trees, Android builds, fuzzed
 * repositories, git commits): their records are read, these entries passed over with a note.
 */
export const NON_PACKAGE_ECOSYSTEMS = new Set(['linux', 'android', 'oss-fuzz', 'git', 'ghc', 'uvi', 'gsd', 'vscode', 'echo']);

/** Canonical ecosystems an IOC may name. */
export const KNOWN_ECOSYSTEMS: ReadonlySet<string> = new Set(Object.values(ALIASES));


/**
 * Why an IOC's ecosystem is refused (`unknown ecosystem "nmp": did you mean npm?`), or undefined. A
 * misspelt ecosystem would otherwise be indexed under a key no package ever has: a silent no-match.
 */
export function ecosystemProblem(raw: string): string | undefined {
  const canonical = normalizeEcosystem(raw);
  if (KNOWN_ECOSYSTEMS.has(canonical) || NON_PACKAGE_ECOSYSTEMS.has(canonical)) return undefined;
  const base = raw.trim().toLowerCase().split(':')[0] ?? '';
  const near = Object.keys(ALIASES)
    .map((k) => ({ k, d: editDistance(base, k) }))
    .filter((x) => x.d <= Math.max(1, Math.floor(x.k.length / 3)))
    .sort((x, y) => x.d - y.d)[0];
  const hint = near ? `: did you mean ${near.k === ALIASES[near.k] ? near.k : `${near.k} (${ALIASES[near.k]})`}?` : '';
  return `unknown ecosystem ${JSON.stringify(raw.trim())}${hint} (known: ${[...KNOWN_ECOSYSTEMS].sort().join(', ')})`;
}

/**
 * Canonical ecosystem for a name as written in an IOC file, OSV record, purl type or SBOM.
 * OSV qualifies distro ecosystems (`Debian:12`, `Alpine:v3.19`): the part before `:` decides.
 */
export function normalizeEcosystem(raw: string | undefined | null): string {
  if (!raw) return '';
  // Most calls hand over a canonical name already (decoders write them): answered without building strings.
  if (KNOWN_ECOSYSTEMS.has(raw)) return raw;
  const base = raw.trim().toLowerCase().split(':')[0] ?? '';
  // Own keys only: `__proto__` or `constructor` from a document must stay a string, not Object.prototype's member.
  return Object.hasOwn(ALIASES, base) ? ALIASES[base]! : base;
}

/**
 * The ecosystem a package is looked up under, given the ecosystems an index holds: as written when the index
 * holds it, else normalised (decoders hand over canonical names; a stray `PyPI` must still not become a silent
 * miss). Shared by lookupEntries and the decode workers' package filter (package-filter.ts), so both agree.
 */
export function lookupEcosystem(held: ReadonlyMap<string, unknown>, ecosystem: string): string {
  return held.has(ecosystem) ? ecosystem : normalizeEcosystem(ecosystem);
}
