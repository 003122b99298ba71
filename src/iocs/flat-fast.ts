// The guide's flat list read without zod when every entry is plainly valid: zod's walk, copy and refinements cost
// about as much as the YAML parse on a 20,000-entry feed. Same rules as FlatIocFile in schema.ts, written out for
// the common shapes only; anything else (an OSV-events range, an explicitly undefined field, a value zod would
// refuse) gives undefined, and the caller asks zod, which gives the same answer and the error with its line.
// test/iocs/flat-fast.test.ts holds it to zod on generated and mutated entries: equal output, key order included.
import { ecosystemProblem, normalizeEcosystem } from '../match/ecosystem.js';
import { normalizeIntegrity } from '../match/integrity.js';
import { compileRange, versionProblem } from '../match/versions.js';
import { WindowSpec, type FlatEntry, type FlatIocFile } from './schema.js';
import { parseIsoTime } from './window.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `nonEmpty` of schema.ts: a string, trimmed, not empty; undefined when it is not one. */
function text(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

/** An own field's value; `absent` when the key is not there (an own key holding undefined is left to zod). */
const ABSENT = Symbol('absent');
function field(o: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : ABSENT;
}

function texts(v: unknown, each: (s: string) => string | undefined = (s) => s): string[] | undefined {
  if (v === ABSENT) return [];
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const e of v) {
    const t = text(e);
    const r = t === undefined ? undefined : each(t);
    if (r === undefined) return undefined;
    out.push(r);
  }
  return out;
}

/** One entry as `FlatEntry.parse` returns it, or undefined when zod must decide. */
export function fastFlatEntry(v: unknown): FlatEntry | undefined {
  if (!isObject(v)) return undefined;
  const name = text(field(v, 'name'));
  const ecoText = text(field(v, 'ecosystem'));
  if (name === undefined || ecoText === undefined || ecosystemProblem(ecoText) !== undefined) return undefined;
  const ecosystem = normalizeEcosystem(ecoText);
  const rawVersion = field(v, 'version');
  const version = rawVersion === ABSENT ? undefined : text(rawVersion);
  if (rawVersion !== ABSENT && version === undefined) return undefined;
  const listed = texts(field(v, 'versions'));
  const ranges = texts(field(v, 'ranges'));
  const integrityRaw = field(v, 'integrity');
  const integrity: string[][] = [];
  if (integrityRaw !== ABSENT) {
    if (!Array.isArray(integrityRaw)) return undefined;
    for (const e of integrityRaw) {
      const t = text(e);
      const n = t === undefined ? undefined : normalizeIntegrity(t);
      if (n === undefined) return undefined;
      integrity.push(n);
    }
  }
  const anyRaw = field(v, 'anyVersion');
  if (listed === undefined || ranges === undefined || (anyRaw !== ABSENT && typeof anyRaw !== 'boolean')) return undefined;
  const anyVersion = anyRaw === true;
  const versions = version !== undefined ? [version, ...listed] : listed;
  // checkVersionsAndRanges of schema.ts.
  if (!anyVersion && versions.length === 0 && ranges.length === 0 && integrity.length === 0) return undefined;
  for (const x of versions) if (versionProblem(ecosystem, x) !== undefined) return undefined;
  for (const r of ranges) if (typeof compileRange(ecosystem, r) === 'string') return undefined;
  const out: FlatEntry = { name, ecosystem, versions, ranges, anyVersion, integrity };
  const disclosedRaw = field(v, 'disclosed');
  if (disclosedRaw !== ABSENT) {
    const disclosed = text(disclosedRaw);
    if (disclosed === undefined || parseIsoTime(disclosed) === undefined) return undefined;
    out.disclosed = disclosed;
  }
  const referenceRaw = field(v, 'reference');
  if (referenceRaw !== ABSENT) {
    const reference = text(referenceRaw);
    if (reference === undefined) return undefined;
    out.reference = reference;
  }
  const notes = field(v, 'notes');
  if (notes !== ABSENT) {
    if (typeof notes !== 'string') return undefined;
    out.notes = notes;
  }
  return out;
}

/** The whole file as `FlatIocFile.parse` returns it, or undefined when zod must decide (and explain). */
export function fastFlatFile(v: unknown): FlatIocFile | undefined {
  if (!isObject(v)) return undefined;
  const packages = field(v, 'packages');
  if (!Array.isArray(packages) || packages.length === 0) return undefined;
  const out: Partial<FlatIocFile> = {};
  const window = field(v, 'window');
  if (window !== ABSENT) {
    // One value per file: zod's own answer is cheap here.
    const w = WindowSpec.safeParse(window);
    if (!w.success || window === undefined) return undefined;
    out.window = w.data;
  }
  const entries: FlatEntry[] = [];
  for (const p of packages) {
    const e = fastFlatEntry(p);
    if (e === undefined) return undefined;
    entries.push(e);
  }
  out.packages = entries;
  return out as FlatIocFile;
}
