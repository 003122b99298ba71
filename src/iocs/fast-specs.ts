// IOC files read without zod when every record is plainly valid: zod's walk, copy and refinements cost about as
// much as the YAML parse on a 20,000-entry feed. Same rules as FlatIocFile and IocFileV1 in schema.ts, written out
// for the common shapes only; anything else (an OSV-events range, an explicitly undefined field, a value zod would
// refuse) gives undefined, and the caller asks zod, which gives the same answer and the error with its line. File
// and image indicators and windows, a few per incident, are still checked by their zod schemas here.
// test/iocs/fast-specs.test.ts holds it to zod on generated and mutated records: equal output, key order included.
import { ecosystemProblem, normalizeEcosystem } from '../match/ecosystem.js';
import { normalizeIntegrity } from '../match/integrity.js';
import { compileRange, versionProblem } from '../match/versions.js';
import { FileIndicatorSpec, ImageIndicatorSpec, IOC_API_VERSION, WindowSpec, type FlatEntry, type FlatIocFile, type IncidentSpec, type IocPackageSpec } from './schema.js';
import type * as z from 'zod';
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

/** A list of `nonEmpty` texts, each mapped by `each` (undefined: zod must decide); ABSENT is the default []. */
function texts<T = string>(v: unknown, each: (s: string) => T | undefined = (s) => s as T): T[] | undefined {
  if (v === ABSENT) return [];
  if (!Array.isArray(v)) return undefined;
  const out: T[] = [];
  for (const e of v) {
    const t = text(e);
    const r = t === undefined ? undefined : each(t);
    if (r === undefined) return undefined;
    out.push(r);
  }
  return out;
}

/** The integrity list of schema.ts (`integrity`, each normalised), or undefined. */
const integrities = (v: unknown): string[][] | undefined => texts(v, normalizeIntegrity);

/** An optional `nonEmpty` field: ABSENT, the trimmed text, or undefined when zod must decide. */
function optionalText(v: unknown): string | typeof ABSENT | undefined {
  return v === ABSENT ? ABSENT : text(v);
}

/** An optional `isoTime` field. */
function optionalTime(v: unknown): string | typeof ABSENT | undefined {
  const t = optionalText(v);
  return t === ABSENT || (t !== undefined && parseIsoTime(t) !== undefined) ? t : undefined;
}

interface PackageCore {
  ecosystem: string;
  name: string;
  versions: string[];
  ranges: string[];
  anyVersion: boolean;
  integrity: string[][];
}

/** The fields both package forms share, checked as checkVersionsAndRanges checks them; `first` leads the versions. */
function packageCore(v: Record<string, unknown>, first: string | undefined): PackageCore | undefined {
  const name = text(field(v, 'name'));
  const ecoText = text(field(v, 'ecosystem'));
  if (name === undefined || ecoText === undefined || ecosystemProblem(ecoText) !== undefined) return undefined;
  const ecosystem = normalizeEcosystem(ecoText);
  const listed = texts(field(v, 'versions'));
  const ranges = texts(field(v, 'ranges'));
  const integrity = integrities(field(v, 'integrity'));
  const anyRaw = field(v, 'anyVersion');
  if (listed === undefined || ranges === undefined || integrity === undefined || (anyRaw !== ABSENT && typeof anyRaw !== 'boolean')) return undefined;
  const anyVersion = anyRaw === true;
  const versions = first !== undefined ? [first, ...listed] : listed;
  if (!anyVersion && versions.length === 0 && ranges.length === 0 && integrity.length === 0) return undefined;
  for (const x of versions) if (versionProblem(ecosystem, x) !== undefined) return undefined;
  for (const r of ranges) if (typeof compileRange(ecosystem, r) === 'string') return undefined;
  return { ecosystem, name, versions, ranges, anyVersion, integrity };
}

/** One entry as `FlatEntry.parse` returns it, or undefined when zod must decide. */
export function fastFlatEntry(v: unknown): FlatEntry | undefined {
  if (!isObject(v)) return undefined;
  const version = optionalText(field(v, 'version'));
  const disclosed = optionalTime(field(v, 'disclosed'));
  const reference = optionalText(field(v, 'reference'));
  const notes = field(v, 'notes');
  if (version === undefined || disclosed === undefined || reference === undefined || (notes !== ABSENT && typeof notes !== 'string')) return undefined;
  const core = packageCore(v, version === ABSENT ? undefined : version);
  if (core === undefined) return undefined;
  const out: FlatEntry = { name: core.name, ecosystem: core.ecosystem, versions: core.versions, ranges: core.ranges, anyVersion: core.anyVersion, integrity: core.integrity };
  if (disclosed !== ABSENT) out.disclosed = disclosed;
  if (reference !== ABSENT) out.reference = reference;
  if (notes !== ABSENT) out.notes = notes as string;
  return out;
}

const PACKAGE_KEYS = new Set(['ecosystem', 'name', 'versions', 'ranges', 'anyVersion', 'integrity', 'reference', 'notes']);
const INCIDENT_KEYS = new Set(['id', 'title', 'references', 'aliases', 'disclosed', 'window', 'windows', 'indicators', 'notes', 'packages', 'files', 'images']);
const INCIDENT_ID = /^[A-Za-z0-9._:-]+$/;

/** Strict objects of schema.ts: a key they do not know is zod's error to report. */
const onlyKeys = (v: Record<string, unknown>, keys: ReadonlySet<string>): boolean => Object.keys(v).every((k) => keys.has(k));

/** One package as `IocPackageSpec.parse` returns it. */
export function fastIocPackage(v: unknown): IocPackageSpec | undefined {
  if (!isObject(v) || !onlyKeys(v, PACKAGE_KEYS)) return undefined;
  const reference = optionalText(field(v, 'reference'));
  const notes = field(v, 'notes');
  if (reference === undefined || (notes !== ABSENT && typeof notes !== 'string')) return undefined;
  const core = packageCore(v, undefined);
  if (core === undefined) return undefined;
  const out: IocPackageSpec = core;
  if (reference !== ABSENT) out.reference = reference;
  if (notes !== ABSENT) out.notes = notes as string;
  return out;
}

/** A list checked element by element with a zod schema (a few per incident), or undefined. */
function listBy<T>(v: unknown, schema: z.ZodType<T>): T[] | undefined {
  if (v === ABSENT) return [];
  if (!Array.isArray(v)) return undefined;
  const out: T[] = [];
  for (const e of v) {
    const r = schema.safeParse(e);
    if (!r.success) return undefined;
    out.push(r.data);
  }
  return out;
}

/** One incident as `IncidentSpec.parse` returns it. */
export function fastIncident(v: unknown): IncidentSpec | undefined {
  if (!isObject(v) || !onlyKeys(v, INCIDENT_KEYS)) return undefined;
  const id = text(field(v, 'id'));
  const title = optionalText(field(v, 'title'));
  const references = texts(field(v, 'references'));
  const aliases = texts(field(v, 'aliases'));
  const disclosed = optionalTime(field(v, 'disclosed'));
  const indicators = texts(field(v, 'indicators'));
  const notes = field(v, 'notes');
  if (id === undefined || !INCIDENT_ID.test(id) || title === undefined || references === undefined || aliases === undefined || disclosed === undefined) return undefined;
  if (indicators === undefined || (notes !== ABSENT && typeof notes !== 'string')) return undefined;
  const windowRaw = field(v, 'window');
  let window: IncidentSpec['window'];
  if (windowRaw !== ABSENT) {
    const w = WindowSpec.safeParse(windowRaw);
    if (!w.success || windowRaw === undefined) return undefined;
    window = w.data;
  }
  const windows = listBy(field(v, 'windows'), WindowSpec);
  const files = listBy(field(v, 'files'), FileIndicatorSpec);
  const images = listBy(field(v, 'images'), ImageIndicatorSpec);
  const packagesRaw = field(v, 'packages');
  if (windows === undefined || files === undefined || images === undefined || (packagesRaw !== ABSENT && !Array.isArray(packagesRaw))) return undefined;
  const packages: IocPackageSpec[] = [];
  for (const p of packagesRaw === ABSENT ? [] : (packagesRaw as unknown[])) {
    const spec = fastIocPackage(p);
    if (spec === undefined) return undefined;
    packages.push(spec);
  }
  if (packages.length + files.length + images.length === 0) return undefined;
  // Shape order, as zod writes its output.
  const out: Partial<IncidentSpec> = { id };
  if (title !== ABSENT) out.title = title;
  out.references = references;
  out.aliases = aliases;
  if (disclosed !== ABSENT) out.disclosed = disclosed;
  if (window !== undefined) out.window = window;
  out.windows = windows;
  out.indicators = indicators;
  if (notes !== ABSENT) out.notes = notes as string;
  out.packages = packages;
  out.files = files;
  out.images = images;
  return out as IncidentSpec;
}

/** The raw incidents of a file whose top level IocFileV1 accepts (its keys, its apiVersion, a non-empty list), else undefined. */
export function fastV1Incidents(v: unknown): unknown[] | undefined {
  if (!isObject(v) || !onlyKeys(v, new Set(['apiVersion', 'incidents'])) || field(v, 'apiVersion') !== IOC_API_VERSION) return undefined;
  const incidents = field(v, 'incidents');
  return Array.isArray(incidents) && incidents.length > 0 ? incidents : undefined;
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
