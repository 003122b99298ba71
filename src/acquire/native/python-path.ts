// Python's sys.path in an image, as far as it names zip archives: importlib.metadata lists the distributions at the
// root of every sys.path entry, and zipimport makes an entry that is a zip (of any name) or a folder inside one
// importable. Folders need no path: their metadata is read wherever it is. What puts a zip on sys.path:
//  - a line of a `.pth` file in a site folder, as site.addpackage reads it (3.11's and 3.13's line splitting both);
//    lines starting with `#` and blank lines skipped; `import ` / `import\t` lines run, not read (whatever they do
//    to sys.path is not seen here); the rest right-stripped and joined to the site folder (an absolute line stands
//    alone), `..` collapsed lexically (os.path.abspath), and added only when it exists (os.path.exists, through
//    symlinks): a zip file, never a folder inside one;
//  - each PYTHONPATH entry of the config's Env (split on `:`, an empty one is the working directory, a relative one
//    against it), with no existence check: `deps.zip/lib` is the folder `lib` inside `deps.zip`, as zipimport walks
//    up to the first component that exists and opens it as the archive;
//  - <prefix>/lib/pythonXY.zip (lib64 for a platlibdir of lib64, `t` for a free-threaded build), which getpath puts
//    on sys.path whenever it exists.
// Site folders are those of every Python the image may run, by path: `lib/pythonX.Y/site-packages` or
// `dist-packages` under any prefix (system, /usr/local, a venv, conda, a user site ~/.local whatever HOME is) and
// Debian's `lib/python3/dist-packages`. A `.pth` elsewhere is not read by Python, and neither is a zip that no
// entry names (the wheels in /usr/share/python-wheels, pip's cache): those are not installed.
import { posix } from 'node:path';
import { envOf, type ImageConfig } from './config.js';
import type { KeptFile } from './layered-files.js';
import { dirname } from './paths.js';
import { linkAliases, visiblePaths } from './symlinks.js';

const SITE_DIR = /(?:^|\/)lib(?:64)?\/python\d(?:\.\d+t?)?\/(?:site|dist)-packages$/;
const STDLIB_ZIP = /(?:^|\/)lib(?:64)?\/python\d+t?\.zip$/;

/** A `.pth` file site.py processes: directly inside a site folder (image path, no leading `/`). */
export const isSitePth = (path: string): boolean => path.endsWith('.pth') && SITE_DIR.test(dirname(path));

/**
 * The lines of a `.pth` file that name paths, as site.addpackage takes them in any Python: 3.11 reads the text with
 * universal newlines and keeps a BOM; 3.13 drops a UTF-8 BOM and splits as str.splitlines (\v, \f, \x1c-\x1e, \x85,
 * \u2028 and \u2029 end lines too). Both readings are taken, the safe side.
 */
export function pthLines(text: string): string[] {
  const out = new Set<string>();
  const readings = [text.split(/\r\n|\r|\n/), text.replace(/^\uFEFF/, '').split(/\r\n|[\n\v\f\r\x1c-\x1e\x85\u2028\u2029]/)];
  for (const lines of readings) {
    for (const line of lines) {
      if (line.startsWith('#') || line.trim() === '') continue;
      if (line.startsWith('import ') || line.startsWith('import\t')) continue;
      out.add(line.trimEnd());
    }
  }
  return [...out];
}

/** A zip on sys.path: the entry as Python holds it, the archive file, and the folder inside it (`''` its root). */
export interface PathZip {
  /** Image path of the sys.path entry, no leading `/`. */
  entry: string;
  /** Image path of the archive (the entry, or the part of it that is a file). */
  archive: string;
  file: KeptFile;
  sub: string;
  /** On the path only while the build ran: the zip, or the `.pth` line naming it, was deleted by a later layer. */
  deleted: boolean;
}

/** Image paths (no leading `/`) of PYTHONPATH's entries, made absolute against the working directory. */
export function pythonPathEntries(image: ImageConfig): string[] {
  const config = (image.config ?? undefined) as Record<string, unknown> | undefined;
  const value = envOf(config).get('PYTHONPATH');
  if (value === undefined || value === '') return [];
  const workdir = typeof config?.WorkingDir === 'string' && config.WorkingDir.startsWith('/') ? config.WorkingDir : '/';
  return value.split(':').map((p) => posix.resolve(workdir, p).slice(1));
}

/** The final filesystem's files that may be zips Python opens: held whole, too large to hold, or marked by ZipTail. */
const mayBeArchive = (f: KeptFile) => f.link === undefined && f.recordOnly === undefined && (f.found === undefined || f.zip !== undefined);

/** The entries the `.pth` lines of site folders name, each `.pth` at every path it is seen by. */
function pthEntries(pths: readonly KeptFile[], views: (path: string) => string[]): Set<string> {
  const out = new Set<string>();
  for (const pth of pths) {
    if (pth.link !== undefined || !pth.path.endsWith('.pth')) continue;
    for (const at of views(pth.path)) {
      if (!isSitePth(at)) continue;
      for (const line of pthLines(pth.content.toString('utf8'))) out.add(posix.resolve(`/${dirname(at)}`, line).slice(1));
    }
  }
  return out;
}

/**
 * Every zip on the image's sys.path (see the rules above); `.pth` files are read from `final` (they are kept).
 * What a later layer deleted counts too, as deleted: a zip on the path then (by any `.pth` line the image ever had,
 * at its own path; the safe side, since that line and that zip need not have been there at once), and a zip still
 * there that only a deleted `.pth` line named. `unmarked` is called with each entry that names no file known here
 * when some zips went unmarked (a hostile number of them): it may be one.
 */
export function pythonPathZips(final: readonly KeptFile[], image: ImageConfig, removed: readonly KeptFile[] = [], unmarked?: (entry: string) => void): PathZip[] {
  const aliases = linkAliases(final);
  const files = new Map(final.filter(mayBeArchive).map((f) => [f.path, f]));
  const fileAt = (p: string) => files.get(aliases.realpath(p) ?? '');
  const out = new Map<string, PathZip>();
  const add = (entry: string, archive: string, file: KeptFile, deleted: boolean) => {
    const sub = entry === archive ? '' : entry.slice(archive.length + 1);
    out.set(`${deleted}\0${entry}\0${archive}\0${file.layer}\0${file.zip?.member ?? ''}`, { entry, archive, file, sub, deleted });
  };
  const now = pthEntries(final, (p) => visiblePaths(p, aliases));
  const before = [...pthEntries(removed, (p) => [p])].filter((e) => !now.has(e));
  for (const [entries, deleted] of [[now, false], [before, true]] as const) {
    for (const entry of entries) {
      const file = fileAt(entry);
      if (file) add(entry, entry, file, deleted);
      else if (!deleted) unmarked?.(entry);
    }
  }
  const pythonPath = pythonPathEntries(image);
  for (const entry of pythonPath) {
    // zipimport: the longest leading part that exists is the archive, the rest a folder inside it.
    let archive = entry;
    for (; archive !== ''; archive = dirname(archive)) {
      const file = fileAt(archive);
      if (file) {
        add(entry, archive, file, false);
        break;
      }
    }
    if (archive === '') unmarked?.(entry);
  }
  for (const f of files.values()) if (STDLIB_ZIP.test(f.path)) add(f.path, f.path, f, false);
  const real = (entry: string) => aliases.realpath(entry) ?? entry;
  for (const d of deletedZips(removed, [...now, ...before], pythonPath, real)) add(d.entry, d.archive, d.file, true);
  return [...out.values()];
}

/**
 * Deleted zips named on the path, at their own paths or through symlinks still there (`real`): by a `.pth` line,
 * the stdlib zip rule, or a PYTHONPATH entry (the archive part of a folder inside one).
 */
function deletedZips(removed: readonly KeptFile[], named: readonly string[], pythonPath: readonly string[], real: (entry: string) => string) {
  const byReal = new Map<string, string[]>();
  for (const entry of named) byReal.set(real(entry), [...(byReal.get(real(entry)) ?? []), entry]);
  const out: { entry: string; archive: string; file: KeptFile }[] = [];
  for (const file of removed) {
    if (!mayBeArchive(file)) continue;
    if (STDLIB_ZIP.test(file.path)) out.push({ entry: file.path, archive: file.path, file });
    for (const entry of byReal.get(file.path) ?? []) out.push({ entry, archive: entry, file });
    for (const entry of pythonPath) {
      const r = real(entry);
      if (r === file.path || r.startsWith(`${file.path}/`)) out.push({ entry, archive: entry.slice(0, entry.length - (r.length - file.path.length)), file });
    }
  }
  return out;
}
