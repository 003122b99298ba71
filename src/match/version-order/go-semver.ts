// Go's module versions as golang.org/x/mod/semver reads them: `v` then MAJOR[.MINOR[.PATCH]] with no leading
// zeros, then a pre-release (dot-separated, numeric parts without leading zeros) and build metadata only after a
// full MAJOR.MINOR.PATCH. `v1` and `v1.2` are short for `v1.0.0` and `v1.2.0`. Numbers have no size limit.

export interface GoVersion {
  major: string;
  minor: string;
  patch: string;
  /** With its leading `-`, or ''. */
  prerelease: string;
  /** With its leading `+`, or ''. */
  build: string;
}

const NUM = /^(0|[1-9][0-9]*)/;
const IDENT = /^[0-9A-Za-z-]+$/;

/** The parts of `v` (with its `v`), or undefined where golang.org/x/mod/semver.IsValid is false. */
export function parseGo(v: string): GoVersion | undefined {
  if (!v.startsWith('v')) return undefined;
  let rest = v.slice(1);
  const num = () => {
    const m = NUM.exec(rest);
    if (!m) return undefined;
    rest = rest.slice(m[1]!.length);
    return m[1]!;
  };
  const major = num();
  if (major === undefined) return undefined;
  if (rest === '') return { major, minor: '0', patch: '0', prerelease: '', build: '' };
  if (rest[0] !== '.') return undefined;
  rest = rest.slice(1);
  const minor = num();
  if (minor === undefined) return undefined;
  if (rest === '') return { major, minor, patch: '0', prerelease: '', build: '' };
  if (rest[0] !== '.') return undefined;
  rest = rest.slice(1);
  const patch = num();
  if (patch === undefined) return undefined;
  let prerelease = '';
  let build = '';
  const plus = rest.indexOf('+');
  if (rest.startsWith('-')) {
    prerelease = plus < 0 ? rest : rest.slice(0, plus);
    rest = plus < 0 ? '' : rest.slice(plus);
    const ids = prerelease.slice(1).split('.');
    if (ids.some((id) => !IDENT.test(id) || (/^[0-9]+$/.test(id) && id.length > 1 && id[0] === '0'))) return undefined;
  }
  if (rest.startsWith('+')) {
    build = rest;
    rest = '';
    if (build.slice(1).split('.').some((id) => !IDENT.test(id))) return undefined;
  }
  return rest === '' ? { major, minor, patch, prerelease, build } : undefined;
}

/**
 * The version the go command writes for `v` (golang.org/x/mod/module.CanonicalVersion): short forms filled in,
 * build metadata dropped except `+incompatible`. Undefined when `v` is not a valid version.
 */
export function canonicalGo(v: string): string | undefined {
  const p = parseGo(v);
  if (!p) return undefined;
  return `v${p.major}.${p.minor}.${p.patch}${p.prerelease}${p.build === '+incompatible' ? '+incompatible' : ''}`;
}

function compareNumbers(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const [x, y] = [a.slice(1).split('.'), b.slice(1).split('.')];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [p, q] = [x[i]!, y[i]!];
    if (p === q) continue;
    const [pn, qn] = [/^[0-9]+$/.test(p), /^[0-9]+$/.test(q)];
    if (pn && qn) return compareNumbers(p, q);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

/** golang.org/x/mod/semver.Compare: build metadata orders nothing; an invalid version is below every valid one. */
export function compareGo(a: string, b: string): number {
  const [x, y] = [parseGo(a), parseGo(b)];
  if (!x || !y) return x === y ? 0 : !x ? -1 : 1;
  return compareNumbers(x.major, y.major) || compareNumbers(x.minor, y.minor) || compareNumbers(x.patch, y.patch) || comparePrerelease(x.prerelease, y.prerelease);
}

/**
 * Why the go command refuses `v` for the module `path` (golang.org/x/mod/module.CheckPathMajor), or undefined:
 * a path ending in /vN (N >= 2) takes only vN versions, gopkg.in/pkg.vN[-unstable] only vN, any other path v0 or v1
 * (or a +incompatible version of a module without a go.mod).
 */
export function majorProblem(path: string, v: string): string | undefined {
  const p = parseGo(v);
  if (!p) return undefined;
  const major = `v${p.major}`;
  const gopkg = /^gopkg\.in\/.*\.(v[0-9]+)(?:-unstable)?$/.exec(path);
  if (gopkg) {
    // go.mod's reader allows a pseudo-version of gopkg.in's v1 (commits before its first tag); -unstable gets no pass.
    if (gopkg[1] === 'v1' && v.startsWith('v0.0.0-')) return undefined;
    return major === gopkg[1] ? undefined : `should be ${gopkg[1]}, not ${major}`;
  }
  const suffix = /\/(v[0-9]+)$/.exec(path)?.[1];
  if (suffix !== undefined && suffix !== 'v0' && suffix !== 'v1') return major === suffix ? undefined : `should be ${suffix}, not ${major}`;
  if (major === 'v0' || major === 'v1' || p.build === '+incompatible') return undefined;
  return `should be v0 or v1, not ${major}`;
}
