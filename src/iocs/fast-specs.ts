// IOC files read without zod when every record is plainly valid: zod's walk, copy and refinements cost about as
// much as the YAML parse on a 20,000-entry feed. Same rules as FlatIocFile and IocFileV1 in schema.ts, written out
// for the common shapes only; anything else (an OSV-events range, an explicitly undefined field, a value zod would
// refuse) gives undefined, and the caller asks zod, which gives the same answer and the error with its line. Windows,
// file and image indicators too: building their zod schemas cost every run ~5 ms of CPU before it read a record.
// test/iocs/fast-specs.test.ts holds it to zod on generated and mutated records: equal output, key order included.
import { ecosystemProblem, normalizeEcosystem } from '../match/ecosystem.js';
import { normalizeIntegrity } from '../match/integrity.js';
import { compileRange, versionProblem } from '../match/versions.js';
import { fileGlobProblem } from '../match/file-glob.js';
import { IOC_API_VERSION, type FileIndicatorSpec, type FlatEntry, type FlatIocFile, type ImageIndicatorSpec, type IncidentSpec, type IocPackageSpec, type WindowSpec } from './schema.js';
import { imageDigestOf, imageRefOf, sha256HexOf } from './indicator-values.js';
import { sizedArray } from '../sized-array.js';
import { parseIsoTime, readInterval } from './window.js';

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
  const out = sizedArray<T>(v.length);
  for (let i = 0; i < v.length; i++) {
    const t = text(v[i]);
    const r = t === undefined ? undefined : each(t);
    if (r === undefined) return undefined;
    out[i] = r;
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
const WINDOW_KEYS = new Set(['start', 'end']);
const FILE_KEYS = new Set(['path', 'sha256', 'size', 'reference', 'notes']);
const IMAGE_KEYS = new Set(['ref', 'digests', 'config', 'layers', 'reference', 'notes']);

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

/** A list checked element by element, or undefined. */
function listBy<T>(v: unknown, each: (e: unknown) => T | undefined): T[] | undefined {
  if (v === ABSENT) return [];
  if (!Array.isArray(v)) return undefined;
  const out = sizedArray<T>(v.length);
  for (let i = 0; i < v.length; i++) {
    const r = each(v[i]);
    if (r === undefined) return undefined;
    out[i] = r;
  }
  return out;
}

/** `WindowSpec.parse`: an ISO 8601 interval (trimmed), or `{start, end}` with start before end. */
export function fastWindow(v: unknown): WindowSpec | undefined {
  if (typeof v === 'string') {
    const t = text(v);
    return t !== undefined && typeof readInterval(t, '') !== 'string' ? t : undefined;
  }
  if (!isObject(v) || !onlyKeys(v, WINDOW_KEYS)) return undefined;
  const start = optionalTime(field(v, 'start'));
  const end = optionalTime(field(v, 'end'));
  if (start === undefined || end === undefined || start === ABSENT || end === ABSENT) return undefined;
  return parseIsoTime(start)! < parseIsoTime(end)! ? { start, end } : undefined;
}

/** `sha256Hex` of schema.ts. */
function sha256Hex(v: unknown): string | undefined {
  const t = text(v);
  return t === undefined ? undefined : sha256HexOf(t);
}

/** `digest` of schema.ts. */
function imageDigest(v: unknown): string | undefined {
  const t = text(v);
  return t === undefined ? undefined : imageDigestOf(t);
}

/** An optional field checked by `each`: ABSENT, the value, or undefined when zod must decide. */
function optionalBy<T>(v: unknown, each: (e: unknown) => T | undefined): T | typeof ABSENT | undefined {
  return v === ABSENT ? ABSENT : each(v);
}

/** `FileIndicatorSpec.parse`. */
export function fastFileIndicator(v: unknown): FileIndicatorSpec | undefined {
  if (!isObject(v) || !onlyKeys(v, FILE_KEYS)) return undefined;
  const path = optionalBy(field(v, 'path'), (e) => {
    const t = text(e);
    return t !== undefined && fileGlobProblem(t) === undefined ? t : undefined;
  });
  const sha256 = optionalBy(field(v, 'sha256'), sha256Hex);
  const size = field(v, 'size');
  const reference = optionalText(field(v, 'reference'));
  const notes = field(v, 'notes');
  if (path === undefined || sha256 === undefined || reference === undefined || (notes !== ABSENT && typeof notes !== 'string')) return undefined;
  if (size !== ABSENT && !(typeof size === 'number' && Number.isSafeInteger(size) && size >= 0)) return undefined;
  if (path === ABSENT && sha256 === ABSENT) return undefined;
  // Shape order, as zod writes its output.
  const out: FileIndicatorSpec = {};
  if (path !== ABSENT) out.path = path;
  if (sha256 !== ABSENT) out.sha256 = sha256;
  if (size !== ABSENT) out.size = size as number;
  if (reference !== ABSENT) out.reference = reference;
  if (notes !== ABSENT) out.notes = notes as string;
  return out;
}

/** `imageRef` of schema.ts. */
function imageRef(v: unknown): string | undefined {
  const t = text(v);
  if (t === undefined) return undefined;
  try {
    return imageRefOf(t);
  } catch {
    return undefined;
  }
}

/** `ImageIndicatorSpec.parse`. */
export function fastImageIndicator(v: unknown): ImageIndicatorSpec | undefined {
  if (!isObject(v) || !onlyKeys(v, IMAGE_KEYS)) return undefined;
  const ref = optionalBy(field(v, 'ref'), imageRef);
  const digests = listBy(field(v, 'digests'), imageDigest);
  const config = optionalBy(field(v, 'config'), imageDigest);
  const layers = listBy(field(v, 'layers'), imageDigest);
  const reference = optionalText(field(v, 'reference'));
  const notes = field(v, 'notes');
  if (ref === undefined || digests === undefined || config === undefined || layers === undefined || reference === undefined) return undefined;
  if (notes !== ABSENT && typeof notes !== 'string') return undefined;
  if (ref === ABSENT && digests.length === 0 && config === ABSENT && layers.length === 0) return undefined;
  const out: Partial<ImageIndicatorSpec> = {};
  if (ref !== ABSENT) out.ref = ref;
  out.digests = digests;
  if (config !== ABSENT) out.config = config;
  out.layers = layers;
  if (reference !== ABSENT) out.reference = reference;
  if (notes !== ABSENT) out.notes = notes as string;
  return out as ImageIndicatorSpec;
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
    window = fastWindow(windowRaw);
    if (window === undefined) return undefined;
  }
  const windows = listBy(field(v, 'windows'), fastWindow);
  const files = listBy(field(v, 'files'), fastFileIndicator);
  const images = listBy(field(v, 'images'), fastImageIndicator);
  const packagesRaw = field(v, 'packages');
  if (windows === undefined || files === undefined || images === undefined || (packagesRaw !== ABSENT && !Array.isArray(packagesRaw))) return undefined;
  const packages = listBy(packagesRaw, fastIocPackage);
  if (packages === undefined) return undefined;
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
    const w = fastWindow(window);
    if (w === undefined) return undefined;
    out.window = w;
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
