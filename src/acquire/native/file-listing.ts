// Recorded files -> the platform's file listing: every path a program sees a recorded file by (symlinked
// folders and symlinks to it resolved), and what a later layer deleted, marked as such.
import type { FileListing, FileRecord } from '../../model/target.js';
import type { FileProbe } from './file-probe.js';
import { fileTimeOf } from './file-times.js';
import type { KeptFile, LayerTimes } from './layered-files.js';
import { basename } from './paths.js';
import { linkAliases, visiblePaths } from './symlinks.js';

function recordOf(file: KeptFile, at: string, deleted: boolean, layers: ReadonlyMap<string, LayerTimes>): FileRecord {
  const r: FileRecord = { path: `/${at}`, layer: file.layer };
  if (file.facts?.size !== undefined) r.size = file.facts.size;
  if (file.facts?.sha256 !== undefined) r.sha256 = file.facts.sha256;
  if (deleted) r.deleted = true;
  const written = fileTimeOf(file, layers);
  if (written) r.written = written;
  return r;
}

/**
 * A symlink whose own name an indicator could match is a record too, with its target's facts when the target
 * was recorded: a program that opens it reads the target.
 */
function linkRecords(final: readonly KeptFile[], probe: FileProbe, byPath: Map<string, KeptFile>, aliases: ReturnType<typeof linkAliases>, layers: ReadonlyMap<string, LayerTimes>): FileRecord[] {
  const out: FileRecord[] = [];
  for (const link of final) {
    if (link.link === undefined || probe.want(basename(link.path), undefined) === undefined) continue;
    const real = aliases.realpath(link.path);
    const target = real !== undefined ? byPath.get(real) : undefined;
    for (const at of visiblePaths(link.path, aliases)) {
      const r: FileRecord = { path: `/${at}`, layer: link.layer, link: link.link };
      if (target?.facts?.size !== undefined) r.size = target.facts.size;
      if (target?.facts?.sha256 !== undefined) r.sha256 = target.facts.sha256;
      // What a program opening the link reads was written when its target was.
      const written = target ? fileTimeOf(target, layers) : undefined;
      if (written) r.written = written;
      out.push(r);
    }
  }
  return out;
}

export function fileListing(final: readonly KeptFile[], removed: readonly KeptFile[], probe: FileProbe, layers: ReadonlyMap<string, LayerTimes> = new Map()): FileListing {
  const records: FileRecord[] = [];
  const aliases = linkAliases(final);
  const byPath = new Map(final.filter((f) => f.facts !== undefined && f.link === undefined).map((f) => [f.path, f]));
  for (const file of byPath.values()) for (const at of visiblePaths(file.path, aliases)) records.push(recordOf(file, at, false, layers));
  // A symlink to a recorded file is among that file's visible paths already; the others are listed here.
  const seen = new Set(records.map((r) => r.path));
  records.push(...linkRecords(final, probe, byPath, aliases, layers).filter((r) => !seen.has(r.path)));
  for (const file of removed) if (file.facts !== undefined && file.link === undefined) records.push(recordOf(file, file.path, true, layers));
  return { kind: 'native', records, checked: probe.keys };
}
