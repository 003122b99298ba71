// Package names written one canonical way per ecosystem, so an SBOM's spelling meets an IOC's.

/** PEP 503: runs of `-`, `_` and `.` are one separator, and case does not matter. */
function normalizePypi(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * The key a package name is compared under. `ecosystem` must already be canonical
 * (normalizeEcosystem). Never strips or shortens a name: `@types/axios` stays distinct from `axios`.
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  const n = name.trim();
  switch (ecosystem) {
    case 'npm':
      // npm names are lower-case since 2017; older mixed-case names and scopes compare lower-cased.
      return n.toLowerCase();
    case 'pypi':
      return normalizePypi(n);
    case 'maven':
      // purls write `group/artifact`, SBOM tools and advisories `group:artifact`.
      return n.replace('/', ':');
    case 'deb':
    case 'apk':
    case 'rpm':
      return n.toLowerCase();
    default:
      // Go module paths are case-sensitive (the proxy escapes capitals), and unknown ecosystems are left alone.
      return n;
  }
}
