// File indicators x a platform's file listing -> matches, and the indicators that could not be checked.
import type { Match } from '../model/finding.js';
import type { FileIndicator, Incident } from '../model/ioc.js';
import type { FileListing, FileRecord } from '../model/target.js';
import { compileFileGlob, matchesFileGlob, type FileGlob } from './file-glob.js';

export interface FileEntry {
  incident: Incident;
  indicator: FileIndicator;
  glob?: FileGlob;
  /** fileIndicatorKey: what a native read records as checked. */
  key: string;
}

export interface FileMatch {
  match: Match;
  entry: FileEntry;
  record: FileRecord;
}

/** One incident's file indicators that could not be checked on a platform, with why. */
export interface UncheckedFiles {
  incident: string;
  indicators: string[];
  why: string;
}

/** Names an indicator by content, so a reader can tell which ones a cached read looked for. */
export function fileIndicatorKey(f: FileIndicator): string {
  return JSON.stringify([f.path ?? '', f.sha256 ?? '', f.size ?? -1]);
}

/** How an indicator is named in a sentence: its glob, its hash, or both. */
export function describeFileIndicator(f: FileIndicator): string {
  const parts = [f.path, f.sha256 ? `sha256:${f.sha256}` : undefined, f.size !== undefined ? `${f.size} bytes` : undefined];
  return parts.filter((p) => p !== undefined).join(' ');
}

export function buildFileEntries(incidents: readonly Incident[]): FileEntry[] {
  return incidents.flatMap((incident) =>
    (incident.files ?? []).map((indicator) => ({
      incident,
      indicator,
      key: fileIndicatorKey(indicator),
      ...(indicator.path !== undefined ? { glob: compileFileGlob(indicator.path) } : {}),
    })),
  );
}

type Outcome = 'match' | 'no' | 'unchecked';

/** Path and size narrow; a hash decides. A record the SBOM gives no hash for cannot rule a hash indicator out. */
function test(e: FileEntry, r: FileRecord): Outcome {
  const f = e.indicator;
  if (e.glob !== undefined && !matchesFileGlob(e.glob, r.path)) return 'no';
  if (f.size !== undefined && r.size !== undefined && r.size !== f.size) return 'no';
  if (f.sha256 === undefined) return 'match';
  if (r.sha256 === undefined) return r.link !== undefined || e.glob !== undefined ? 'unchecked' : 'no';
  return r.sha256 === f.sha256 ? 'match' : 'no';
}

function toMatch(e: FileEntry, r: FileRecord): Match {
  const f = e.indicator;
  const byHash = f.sha256 !== undefined;
  const m: Match = {
    incident: e.incident.id,
    ecosystem: 'file',
    name: r.path,
    version: '',
    paths: [r.path],
    matchedBy: 'file',
    matchKind: byHash ? 'file-hash' : 'file-path',
    iocVersion: byHash ? `sha256:${f.sha256}` : (f.path ?? ''),
    inFinalFilesystem: r.deleted !== true,
  };
  if (r.layer !== undefined) m.layer = r.layer;
  if (r.sha256 !== undefined) m.sha256 = r.sha256;
  if (r.link !== undefined) m.detail = `a symlink to ${r.link}`;
  const reference = f.reference ?? e.incident.references[0];
  if (reference !== undefined) m.reference = reference;
  return m;
}

function noListing(listing: FileListing | undefined, e: FileEntry): string | undefined {
  if (listing === undefined) return 'the source lists no files';
  if (listing.kind === 'native' && !(listing.checked ?? []).includes(e.key)) return 'the read that produced this result did not look for it';
  // An SBOM that hashes none of its files cannot rule out an indicator known only by hash.
  if (listing.kind === 'sbom' && e.glob === undefined && !listing.records.some((r) => r.sha256 !== undefined)) return 'the SBOM gives no SHA-256 for its files';
  return undefined;
}

/**
 * Every (file, indicator) hit; a file deleted in a lower layer is dropped where the final filesystem still
 * has a match at the same path (an unchanged file rewritten by a later layer).
 */
export function matchFiles(listing: FileListing | undefined, entries: readonly FileEntry[]): { matches: FileMatch[]; unchecked: UncheckedFiles[] } {
  const matches: FileMatch[] = [];
  const unchecked = new Map<string, UncheckedFiles>();
  const skip = (e: FileEntry, why: string) => {
    const u = unchecked.get(e.incident.id) ?? { incident: e.incident.id, indicators: [], why };
    const name = describeFileIndicator(e.indicator);
    if (!u.indicators.includes(name)) u.indicators.push(name);
    unchecked.set(e.incident.id, u);
  };
  for (const e of entries) {
    const missing = noListing(listing, e);
    if (missing !== undefined) {
      skip(e, missing);
      continue;
    }
    const hits: FileMatch[] = [];
    for (const r of listing!.records) {
      const outcome = test(e, r);
      if (outcome === 'match') hits.push({ match: toMatch(e, r), entry: e, record: r });
      else if (outcome === 'unchecked') skip(e, `${r.path} matches its path but ${r.link !== undefined ? `is a symlink to ${r.link}, whose content was not hashed` : 'the SBOM gives no SHA-256 for it'}`);
    }
    const present = new Set(hits.filter((h) => h.match.inFinalFilesystem).map((h) => h.record.path));
    matches.push(...hits.filter((h) => h.match.inFinalFilesystem || !present.has(h.record.path)));
  }
  return { matches, unchecked: [...unchecked.values()] };
}
