// Version equality and ranges in each ecosystem's own order (version-order/), exact text where there is none.
import semver from 'semver';
import { versionOrder } from './version-order/index.js';

/** Already canonical: skips semver.parse, which costs a microsecond on the hot path of every key hit. */
const PLAIN_SEMVER = /^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)$/;
const RANGE_OPTIONS = { loose: true, includePrerelease: true } as const;

/**
 * The form a version is looked up in. npm: `v1.14.1`, `=1.14.1` and `1.14.1+build.5` are all
 * `1.14.1` (build metadata carries no precedence in semver). Elsewhere only surrounding space goes;
 * equal versions written differently (`1.0` and `1.0.0` in PEP 440, `0:1.0` and `1.0` in Debian) are
 * found by versionsEqual.
 */
export function normalizeVersion(ecosystem: string, version: string): string {
  const v = version.trim();
  if (ecosystem !== 'npm' || PLAIN_SEMVER.test(v)) return v;
  return semver.parse(v, { loose: true })?.version ?? v;
}

/** Why a version cannot be ordered in this ecosystem; undefined when it can, or when the ecosystem has no order. */
export function versionProblem(ecosystem: string, version: string): string | undefined {
  const problem = versionOrder(ecosystem)?.problem(version.trim());
  return problem === undefined ? undefined : `${JSON.stringify(version)} is ${problem.startsWith('not ') ? problem : `not usable: ${problem}`} (${ecosystem})`;
}

/** Equal in the ecosystem's order (PEP 440 `1.0` = `1.0.0`); text equality where there is no order or a side is not valid. */
export function versionsEqual(ecosystem: string, a: string, b: string): boolean {
  if (a === b) return true;
  const order = versionOrder(ecosystem);
  if (!order || order.problem(a) !== undefined || order.problem(b) !== undefined) return false;
  return order.compare(a, b) === 0;
}

type Op = '<' | '<=' | '>' | '>=' | '=' | '!=';

/** A range compiled once when the index is built: `contains` takes a normalised version. */
export interface CompiledRange {
  text: string;
  contains(version: string): boolean;
}

const COMPARATOR = /^(<=|>=|!=|==|<|>|=)?\s*([^\s,<>=!|]+)$/;

/** `>=1.82.7 <1.82.9 || =2.0`: alternatives of comparators, each one `OP VERSION`, joined by space or comma. */
function parseComparators(text: string): { op: Op; version: string }[][] | string {
  const alternatives = text.split('||').map((a) => a.trim());
  const out: { op: Op; version: string }[][] = [];
  for (const alt of alternatives) {
    if (alt === '') return 'an empty alternative around ||';
    const tokens = alt.replace(/(<=|>=|!=|==|<|>|=)\s+/g, '$1').split(/[\s,]+/).filter((t) => t !== '');
    const comparators: { op: Op; version: string }[] = [];
    for (const t of tokens) {
      const m = COMPARATOR.exec(t);
      if (!m) return `not a comparator: ${JSON.stringify(t)} (write OP VERSION, OP one of < <= > >= = !=)`;
      const op = (m[1] === '==' ? '=' : (m[1] ?? '=')) as Op;
      comparators.push({ op, version: m[2]! });
    }
    out.push(comparators);
  }
  return out;
}

function holds(op: Op, c: number): boolean {
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
  }
}

/**
 * A range in the ecosystem's own order, or the reason it cannot be compared. npm takes the semver
 * package's range syntax (`^1.2.0`, `1.x`, `>=2.0.0 <2.3.0`), pre-releases included. Every other
 * ecosystem with an order takes comparators (`>=1.82.7 <1.82.9`, `>=1.0,<2.0`, `<=2:1.2-3 || =3.0`),
 * compared by plain ordering as OSV does (a pre-release inside the bounds is inside).
 */
export function compileRange(ecosystem: string, text: string): CompiledRange | string {
  if (ecosystem === 'npm') {
    try {
      const range = new semver.Range(text, RANGE_OPTIONS);
      return { text, contains: (v) => semver.valid(v) !== null && semver.satisfies(v, range, RANGE_OPTIONS) };
    } catch {
      return `not a valid npm semver range: ${JSON.stringify(text)}`;
    }
  }
  const order = versionOrder(ecosystem);
  if (!order) return `versions of ${ecosystem || 'packages without an ecosystem'} cannot be ordered by sbom-hunt: list exact versions`;
  const parsed = parseComparators(text);
  if (typeof parsed === 'string') return `${parsed} in range ${JSON.stringify(text)}`;
  for (const c of parsed.flat()) {
    const problem = order.problem(c.version);
    if (problem !== undefined) return `range ${JSON.stringify(text)}: ${JSON.stringify(c.version)} is ${problem.startsWith('not ') ? problem : `not usable: ${problem}`}`;
  }
  return {
    text,
    contains: (v) => order.problem(v) === undefined && parsed.some((alt) => alt.every((c) => holds(c.op, order.compare(v, c.version)))),
  };
}

/** Whether a normalised version falls in a compiled range; a version the ecosystem cannot order never does. */
export function versionInRange(normalized: string, range: CompiledRange): boolean {
  return range.contains(normalized);
}
