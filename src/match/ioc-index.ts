// The IOC set as lookup tables: a package costs one map lookup however many IOCs are loaded.
import type { Incident, IocPackage, IocSet, TimeWindow } from '../model/ioc.js';
import type { Match } from '../model/finding.js';
import { lookupEcosystem } from './ecosystem.js';
import { buildFileEntries, type FileEntry } from './match-files.js';
import { buildImageEntries, type ImageEntry } from './match-images.js';
import { normalizePackageName } from './names.js';
import { compileRange, normalizeVersion, type CompiledRange } from './versions.js';

export interface IocEntry {
  readonly incident: Incident;
  readonly ioc: IocPackage;
  /** Exact versions, normalised for the ecosystem. */
  readonly versions: ReadonlySet<string>;
  /** Exact versions as written, for equality in the ecosystem's order (`1.0` = `1.0.0` in PEP 440). */
  readonly versionList: readonly string[];
  /** Ranges as written and compiled; a range that does not compile never matches (the loader refuses those). */
  readonly ranges: readonly { text: string; range: CompiledRange | undefined }[];
  /** versionHit's answers so far, by package version (null: no hit); filled as packages are matched. */
  hits?: Map<string, Readonly<Pick<Match, 'matchedBy' | 'matchKind' | 'iocVersion'>> | null>;
  /** The advisory to name in a reason: an id found in the package reference, else the incident's. */
  readonly label: string;
}

/**
 * An entry whose versions, ranges and label are made when first read, by a lookup that found its name: nearly every
 * entry of a large feed is never looked at by a scan. Building them up front was most of a 200,000-entry index's
 * 1.2 s (semver Range objects 0.3 s, a Set per entry 0.26 s).
 */
class LazyEntry implements IocEntry {
  hits?: Map<string, Readonly<Pick<Match, 'matchedBy' | 'matchKind' | 'iocVersion'>> | null>;
  private madeVersions: ReadonlySet<string> | undefined;
  private madeList: readonly string[] | undefined;
  private madeRanges: readonly { text: string; range: CompiledRange | undefined }[] | undefined;
  private madeLabel: string | undefined;

  constructor(
    readonly incident: Incident,
    readonly ioc: IocPackage,
  ) {}

  get versions(): ReadonlySet<string> {
    return (this.madeVersions ??= new Set(this.ioc.versions.map((v) => normalizeVersion(this.ioc.ecosystem, v))));
  }

  get versionList(): readonly string[] {
    return (this.madeList ??= this.ioc.versions.map((v) => v.trim()));
  }

  get ranges(): readonly { text: string; range: CompiledRange | undefined }[] {
    return (this.madeRanges ??= this.ioc.ranges.map((text) => {
      const range = compileRange(this.ioc.ecosystem, text);
      return { text, range: typeof range === 'string' ? undefined : range };
    }));
  }

  get label(): string {
    return (this.madeLabel ??= advisoryLabel(this.ioc, this.incident));
  }
}

export interface IndexedWindow {
  /** Incident id, or the window's source (`--window`) for a window from the command line. */
  incident: string;
  window: TimeWindow;
}

export interface IocIndex {
  /** ecosystem -> normalised name -> entries. Two plain lookups; no key string is built per package. */
  byEcosystem: Map<string, Map<string, IocEntry[]>>;
  /** For an ecosystem with many names: a compact table of their hashes, asked before the large map (see NameFilter). */
  nameFilters: Map<string, NameFilter>;
  /**
   * An ecosystem as a package spells it -> what lookupEntries needs for it (its names, its filter, how to hash), or
   * null when the index holds none of its names: one lookup per package instead of four (measured: a 200,000-entry
   * feed's per-package lookup 77 -> 44 ns; the ecosystem's canonical form, its map, its filter and whether it
   * lower-cases were each a lookup). Filled as spellings are met, at most LOOKUP_SPELLINGS of them.
   */
  lookups: Map<string, EcosystemLookup | null>;
  /**
   * Name as the IOC wrote it and as normalised -> entries; only for packages whose SBOM gave no ecosystem, so made
   * at its first read (a getter): a 200,000-entry feed's second map of every name cost 0.2 s to build.
   */
  readonly byName: Map<string, IocEntry[]>;
  /** Normalised tarball integrity (`sha512-<hex>`) -> the entries whose IOC lists it. */
  byIntegrity: Map<string, IocEntry[]>;
  windows: IndexedWindow[];
  /** Every incident's file indicators, globs compiled. */
  files: FileEntry[];
  /** Every incident's image indicators, refs parsed. */
  images: ImageEntry[];
  incidents: Incident[];
  /** Number of (package, version or range) IOC entries indexed. */
  size: number;
  /** Number of distinct (ecosystem, name) keys. */
  keys: number;
}

const ADVISORY_ID = /\b(GHSA(?:-[0-9a-z]{4}){3}|MAL-\d{4}-\d+|CVE-\d{4}-\d+|OSV-\d{4}-\d+|PYSEC-\d{4}-\d+|GHSA-[0-9a-z-]+)\b/i;

/** Names per ecosystem above which a NameFilter is built: below it, the map is small enough to stay in cache. */
const FILTER_FROM = 4096;

/**
 * A blocked Bloom filter of names: a package name no IOC lists, nearly every name of an image, is answered from
 * one 64-byte block of a table small enough to stay in the core's cache (180,000 npm names: 512 KiB), instead of
 * a probe into a map of 200,000 strings scattered over the heap (measured: about 3x the per-package cost of a
 * 10-entry feed; the open-addressed 4 MiB table this replaces, 2x). It may say "maybe" for a name it does not
 * hold (about 0.5 %): the map answers then. It never says "no" for a name it holds.
 */
/** The two lanes as one word, avalanched (murmur3's finaliser). */
function mix(a: number, b: number): number {
  let h = a ^ Math.imul(b, 0x85ebca6b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h;
}

export class NameFilter {
  private readonly table: Int32Array;
  private readonly mask: number;

  constructor(names: Iterable<string>, size: number) {
    // 16 words of 32 bits per block; at least 16 bits per name, so 3 bits per name leave few false "maybe"s.
    let blocks = 64;
    while (blocks * 512 < size * 16) blocks *= 2;
    this.table = new Int32Array(blocks * 16);
    this.mask = blocks - 1;
    for (const name of names) this.add(NameFilter.hash(name));
  }

  /**
   * FNV-1a over the UTF-16 code units in two lanes (even and odd positions, so each multiply waits on half as
   * many before it), then mixed: the table's block and bits come from one well-spread word.
   */
  static hash(s: string): number {
    let a = 0x811c9dc5;
    let b = 0x9747b28c ^ s.length;
    const n = s.length;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      a = Math.imul(a ^ s.charCodeAt(i), 0x01000193);
      b = Math.imul(b ^ s.charCodeAt(i + 1), 0x01000193);
    }
    if (i < n) a = Math.imul(a ^ s.charCodeAt(i), 0x01000193);
    return mix(a, b);
  }

  /**
   * hash(normalizePackageName(ecosystem, name)) for an ecosystem whose names compare lower-cased (npm, deb, apk,
   * rpm), in one pass over an ASCII name without building the lower-cased string; undefined when the name needs
   * more than that (a character above ASCII, surrounding white space): the caller normalises it first then.
   */
  static lowerHash(s: string): number | undefined {
    const n = s.length;
    if (n === 0 || s.charCodeAt(0) <= 32 || s.charCodeAt(n - 1) <= 32) return undefined;
    let a = 0x811c9dc5;
    let b = 0x9747b28c ^ n;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      let c = s.charCodeAt(i);
      let d = s.charCodeAt(i + 1);
      if ((c | d) > 127) return undefined;
      if (c >= 65 && c <= 90) c += 32;
      if (d >= 65 && d <= 90) d += 32;
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ d, 0x01000193);
    }
    if (i < n) {
      let c = s.charCodeAt(i);
      if (c > 127) return undefined;
      if (c >= 65 && c <= 90) c += 32;
      a = Math.imul(a ^ c, 0x01000193);
    }
    return mix(a, b);
  }

  /** Three bits of one 64-byte block, from one multiply of the mixed hash. */
  private add(h: number): void {
    const at = (h & this.mask) << 4;
    const g = Math.imul(h ^ (h >>> 13), 0x9e3779b1);
    for (const bit of [g & 511, (g >>> 9) & 511, (g >>> 18) & 511]) this.table[at + (bit >>> 5)]! |= 1 << (bit & 31);
  }

  /** Whether the name, already normalised, may be one it holds. */
  mayHold(name: string): boolean {
    return this.mayHoldHash(NameFilter.hash(name));
  }

  mayHoldHash(h: number): boolean {
    const t = this.table;
    const at = (h & this.mask) << 4;
    const g = Math.imul(h ^ (h >>> 13), 0x9e3779b1);
    let bit = g & 511;
    if ((t[at + (bit >>> 5)]! & (1 << (bit & 31))) === 0) return false;
    bit = (g >>> 9) & 511;
    if ((t[at + (bit >>> 5)]! & (1 << (bit & 31))) === 0) return false;
    bit = (g >>> 18) & 511;
    return (t[at + (bit >>> 5)]! & (1 << (bit & 31))) !== 0;
  }

}

/** Ecosystems whose names normalizePackageName only lower-cases (and trims): NameFilter.lowerHash answers for them. */
const LOWER_CASED = new Set(['npm', 'deb', 'apk', 'rpm']);

/** One ecosystem of the index as lookupEntries reads it. */
export interface EcosystemLookup {
  /** The canonical ecosystem (names are normalised for it). */
  readonly ecosystem: string;
  readonly names: Map<string, IocEntry[]>;
  readonly filter: NameFilter | undefined;
  /** Its names only lower-case: NameFilter.lowerHash can hash a name as written. */
  readonly lowerCased: boolean;
}

/** Spellings of ecosystems remembered per index; past it each further one is resolved per package (never wrong, slower). */
const LOOKUP_SPELLINGS = 256;

function ecosystemLookup(index: IocIndex, ecosystem: string): EcosystemLookup | null {
  const known = index.lookups.get(ecosystem);
  if (known !== undefined) return known;
  const eco = lookupEcosystem(index.byEcosystem, ecosystem);
  const names = index.byEcosystem.get(eco);
  const made = names === undefined ? null : { ecosystem: eco, names, filter: names.size >= FILTER_FROM ? index.nameFilters.get(eco) : undefined, lowerCased: LOWER_CASED.has(eco) };
  if (index.lookups.size < LOOKUP_SPELLINGS) index.lookups.set(ecosystem, made);
  return made;
}

/** The IOC entries for a package, by its canonical ecosystem and name as written. */
export function lookupEntries(index: IocIndex, ecosystem: string, name: string): IocEntry[] | undefined {
  const e = ecosystemLookup(index, ecosystem);
  if (e === null) return undefined;
  const filter = e.filter;
  if (filter === undefined) return e.names.get(normalizePackageName(e.ecosystem, name));
  // The filter first, hashing the name as it is lower-cased: the string is only built for a "maybe".
  const h = e.lowerCased ? NameFilter.lowerHash(name) : undefined;
  if (h !== undefined) return filter.mayHoldHash(h) ? e.names.get(normalizePackageName(e.ecosystem, name)) : undefined;
  const key = normalizePackageName(e.ecosystem, name);
  return filter.mayHold(key) ? e.names.get(key) : undefined;
}

function advisoryLabel(ioc: IocPackage, incident: Incident): string {
  const fromRef = ioc.reference ? ADVISORY_ID.exec(ioc.reference)?.[1] : undefined;
  return fromRef ?? incident.aliases[0] ?? incident.id;
}

function push<K>(map: Map<K, IocEntry[]>, key: K, entry: IocEntry): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

/** Builds the lookup tables once per scan; `extraWindows` are the `--window` flags. */
export function buildIocIndex(set: IocSet, extraWindows: TimeWindow[] = []): IocIndex {
  const byEcosystem = new Map<string, Map<string, IocEntry[]>>();
  const byIntegrity = new Map<string, IocEntry[]>();
  /** Every entry in feed order, for byName. */
  const all: IocEntry[] = [];
  let size = 0;
  for (const incident of set.incidents) {
    for (const ioc of incident.packages) {
      const entry = new LazyEntry(incident, ioc);
      all.push(entry);
      let names = byEcosystem.get(ioc.ecosystem);
      if (!names) byEcosystem.set(ioc.ecosystem, (names = new Map()));
      push(names, normalizePackageName(ioc.ecosystem, ioc.name), entry);
      if (ioc.integrity !== undefined) for (const hash of ioc.integrity) push(byIntegrity, hash, entry);
      size += Math.max(1, ioc.versions.length + ioc.ranges.length);
    }
  }
  const windows: IndexedWindow[] = [
    ...set.incidents.flatMap((i) => i.windows.map((window) => ({ incident: i.id, window }))),
    ...extraWindows.map((window) => ({ incident: window.source, window })),
  ];
  const keys = [...byEcosystem.values()].reduce((n, m) => n + m.size, 0);
  const nameFilters = new Map<string, NameFilter>();
  for (const [eco, names] of byEcosystem) if (names.size >= FILTER_FROM) nameFilters.set(eco, new NameFilter(names.keys(), names.size));
  let byName: Map<string, IocEntry[]> | undefined;
  return {
    byEcosystem,
    nameFilters,
    lookups: new Map(),
    get byName() {
      return (byName ??= namesOf(all));
    },
    byIntegrity,
    windows,
    files: buildFileEntries(set.incidents),
    images: buildImageEntries(set.incidents),
    incidents: set.incidents,
    size,
    keys,
  };
}

/** byName: each entry under its name as the IOC wrote it (trimmed) and, when that differs, as normalised; entries in feed order. */
function namesOf(all: readonly IocEntry[]): Map<string, IocEntry[]> {
  const byName = new Map<string, IocEntry[]>();
  for (const entry of all) {
    const written = entry.ioc.name.trim();
    const name = normalizePackageName(entry.ioc.ecosystem, entry.ioc.name);
    push(byName, written, entry);
    if (name !== written) push(byName, name, entry);
  }
  return byName;
}
