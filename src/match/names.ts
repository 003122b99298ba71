// Package names written one canonical way per ecosystem, so an SBOM's spelling meets an IOC's.

/**
 * Lower-case, returning the same string when nothing changes: names in SBOMs are almost always
 * lower-case already, and reusing the string keeps its cached hash for the map lookup that follows.
 */
function lower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return s.toLowerCase();
  }
  return s;
}

/** PEP 503: runs of `-`, `_` and `.` are one separator, and case does not matter. */
function normalizePypi(name: string): string {
  const n = lower(name);
  return /[_.]|--/.test(n) ? n.replace(/[-_.]+/g, '-') : n;
}

/**
 * The key a package name is compared under. `ecosystem` must already be canonical
 * (normalizeEcosystem). Never strips or shortens a name: `@types/axios` stays distinct from `axios`.
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  const n = name.length > 0 && (name.charCodeAt(0) <= 32 || name.charCodeAt(name.length - 1) <= 32) ? name.trim() : name;
  switch (ecosystem) {
    case 'npm':
      // npm names are lower-case since 2017; older mixed-case names and scopes compare lower-cased.
      return lower(n);
    case 'pypi':
      return normalizePypi(n);
    case 'maven':
      // purls write `group/artifact`, SBOM tools and advisories `group:artifact`.
      return n.includes('/') ? n.replace('/', ':') : n;
    case 'deb':
    case 'apk':
    case 'rpm':
      return lower(n);
    default:
      // Go module paths are case-sensitive (the proxy escapes capitals), and unknown ecosystems are left alone.
      return n;
  }
}
