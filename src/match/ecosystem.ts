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
};

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
