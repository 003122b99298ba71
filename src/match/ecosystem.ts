// Ecosystem names: read case-insensitively and by their common spellings, written one canonical way.

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

/** Optimal-string-alignment distance: a swapped pair of letters (`nmp`) counts as one edit. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

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
  const base = raw.trim().toLowerCase().split(':')[0] ?? '';
  // Own keys only: `__proto__` or `constructor` from a document must stay a string, not Object.prototype's member.
  return Object.hasOwn(ALIASES, base) ? ALIASES[base]! : base;
}
