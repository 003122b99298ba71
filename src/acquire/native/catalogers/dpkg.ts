// Debian packages as dpkg-query lists them: the status database with dpkg's journal applied over it, and
// distroless images' one-file-per-package status.d.
//
// Rules as dpkg-query 1.21 behaves, checked against it with --admindir (the generated databases of
// test/oracle/dpkg-journal.test.ts, and the real builds of test/e2e/real-builds-deb.test.ts and real-builds-debian.test.ts);
// how one file is parsed is dpkg-record.ts, each package's purl (architecture, source, os-release distribution) dpkg-purl.ts.
// - An interrupted dpkg (killed, out of space, a maintainer script that never returns) leaves its status changes in
//   `updates/<digits>` beside `status`; every reader applies them, in name order, over the status file. Names that
//   are not all digits are ignored; digit names longer than 10 or of different lengths make dpkg refuse the
//   database (the platform is unknown), as does any file it cannot parse.
// - In the status file a record takes the slot of its name and architecture. A record of a package not installed
//   (a selection) takes it silently; any other refuses the database when another instance of its name is
//   installed (config-files counts) unless both are Multi-Arch: same of different architectures.
// - In the journal a record over a single installed instance replaces it (a cross-grade), unless both are
//   Multi-Arch: same (then it takes its architecture's slot); over several it must be Multi-Arch: same.
// - A package is there when its files are: every state but `not-installed` and `config-files` (an unpacked or
//   half-configured package's files are on disk to be run), and half-installed only with its file list.
import type { Cataloger, CatalogResult, FileLookup, FoundPackage } from './cataloger.js';
import { errorFor, noteFor } from './cataloger.js';
import { type DpkgRecord, parseDpkgFile } from './dpkg-record.js';
import { debPurl, type Distro, distroOf } from './dpkg-purl.js';

const STATUS = /^var\/lib\/dpkg\/(?:status|status\.d\/[^/]+|updates\/\d+)$/;
const ADMINDIR = 'var/lib/dpkg/';
const FILE_LIST = /^var\/lib\/dpkg\/info\/[^/]+\.list$/;
/** Where the image names its distribution (etc/os-release is usually a link to usr/lib/os-release). */
const OS_RELEASE = /^(?:etc|usr\/lib)\/os-release$/;
const ON_DISK = new Set(['half-installed', 'unpacked', 'half-configured', 'triggers-awaited', 'triggers-pending', 'installed']);
/** dpkg's IMPORTANTMAXLEN: the longest journal file name it reads. */
const JOURNAL_NAME_MAX = 10;

type Entry = DpkgRecord & { path: string };
/** One name's instances by architecture, with the architectures of those installed (config-files counts). */
interface Instances {
  byArch: Map<string, Entry>;
  live: Set<string>;
  /** Of `live`, the ones not Multi-Arch: same. */
  liveSingletons: Set<string>;
}
type Db = Map<string, Instances>;

const installed = (e: Entry) => e.state !== 'not-installed';

function put(n: Instances, e: Entry): void {
  drop(n, e.arch);
  n.byArch.set(e.arch, e);
  if (installed(e)) n.live.add(e.arch);
  if (installed(e) && !e.same) n.liveSingletons.add(e.arch);
}

function drop(n: Instances, arch: string): void {
  n.byArch.delete(arch);
  n.live.delete(arch);
  n.liveSingletons.delete(arch);
}

/** One record over the database as dpkg places it (see the rules above): the reason it refuses, or undefined. */
function place(db: Db, e: Entry, journal: boolean): string | undefined {
  let n = db.get(e.name);
  if (!n) db.set(e.name, (n = { byArch: new Map(), live: new Set(), liveSingletons: new Set() }));
  if (!journal) {
    // Installed beside another installed instance: only Multi-Arch: same beside Multi-Arch: same.
    if (installed(e) && (e.same ? n.liveSingletons.size > 0 : n.live.size > 0)) {
      return e.same || n.live.size > n.liveSingletons.size ? 'mixed non-coinstallable and coinstallable package instances' : 'multiple non-coinstallable package instances';
    }
    put(n, e);
    return undefined;
  }
  if (n.live.size > 1 && !e.same) return 'a record not co-installable with the several installed instances of its name';
  const [only] = n.live.size === 1 ? n.live : [];
  // Over one installed instance a record replaces it (a cross-grade), unless both are Multi-Arch: same.
  if (only !== undefined && !(n.byArch.get(only)!.same && e.same)) drop(n, only);
  put(n, e);
  return undefined;
}

/**
 * A file's records into the database; false (with the error) where dpkg refuses it. A journal record's path is the
 * status file's: the database it belongs to (and so a package the journal named, once written into the status
 * file by the next dpkg, is the same package there, not a deleted one).
 */
function readInto(db: Db, path: string, text: string, out: CatalogResult, journal: boolean, statusD = false): boolean {
  const parsed = parseDpkgFile(text, statusD);
  if (parsed.error) {
    out.errors!.push(errorFor(path, 'dpkg', `${parsed.error} (dpkg-query refuses the database)`));
    return false;
  }
  for (const r of parsed.records) {
    const refused = place(db, { name: r.name, arch: r.arch, same: r.same, state: r.state, version: r.version, ...(r.source ? { source: r.source } : {}), path: journal ? `/${ADMINDIR}status` : `/${path}` }, journal);
    if (refused) {
      out.errors!.push(errorFor(path, 'dpkg', `line ${r.line}: package ${r.name}: ${refused} (dpkg-query refuses the database)`));
      return false;
    }
  }
  return true;
}

/**
 * The packages with files on disk. A half-installed one was either cut short before it unpacked anything (a fresh
 * install: dpkg has no file list for it) or is an upgrade whose old files, of the version the record still names,
 * stay (its file list is there): listed only with its file list.
 */
function listed(db: Db, out: CatalogResult, lookup: FileLookup | undefined, distro: Distro | undefined): CatalogResult {
  for (const n of db.values()) {
    for (const e of n.byArch.values()) {
      if (!ON_DISK.has(e.state)) continue;
      if (e.state === 'half-installed' && lookup && !lookup(`${ADMINDIR}info/${e.name}.list`) && !lookup(`${ADMINDIR}info/${e.name}:${e.arch}.list`)) {
        out.notes.push(noteFor(e.path.slice(1), 'dpkg', `package ${e.name} is half-installed with no file list (nothing of it was unpacked)`));
        continue;
      }
      const found: FoundPackage = { ecosystem: 'deb', name: e.name, version: e.version, path: e.path };
      const purl = debPurl(e, distro);
      if (purl) found.purl = purl;
      out.packages.push(found);
    }
  }
  return out;
}

type Journal = { files: string[]; error?: string };
/** Per view: every journal file of an image without a status file asks for the whole journal (a hostile one may hold many). */
const journals = new WeakMap<FileLookup, Map<string, Journal>>();

/** The journal files dpkg would apply, in its order, or the reason it refuses them. */
function journalOf(dir: string, lookup: FileLookup | undefined): Journal {
  if (!lookup) return { files: [] };
  const seen = journals.get(lookup) ?? new Map<string, Journal>();
  journals.set(lookup, seen);
  const known = seen.get(dir);
  if (known) return known;
  const journal = readJournal(dir, lookup);
  seen.set(dir, journal);
  return journal;
}

function readJournal(dir: string, lookup: FileLookup): Journal {
  const names = (lookup.list?.(dir) ?? []).filter((n) => /^\d+$/.test(n)).sort();
  const long = names.find((n) => n.length > JOURNAL_NAME_MAX);
  if (long) return { files: [], error: `journal file ${long}: a name over ${JOURNAL_NAME_MAX} digits (dpkg-query refuses the database)` };
  if (new Set(names.map((n) => n.length)).size > 1) return { files: [], error: `journal files with names of different lengths (${names.join(', ')}): dpkg-query refuses the database` };
  return { files: names.map((n) => `${dir}/${n}`) };
}

/** The status file at `path` (or none) with the journal files `files` applied, as dpkg-query lists them. */
function readDatabase(path: string | undefined, content: Buffer | undefined, files: string[], lookup: FileLookup | undefined): CatalogResult {
  const out: CatalogResult = { packages: [], notes: [], errors: [] };
  const db: Db = new Map();
  if (path !== undefined && content !== undefined && !readInto(db, path, content.toString('utf8'), out, false)) return out;
  for (const file of files) {
    const kept = lookup?.(file);
    if (!kept || kept.unreadBytes !== undefined) {
      out.errors!.push(errorFor(file, 'dpkg', 'a journal file that was not read (dpkg applies it over the status file)'));
      return out;
    }
    if (!readInto(db, file, kept.content.toString('utf8'), out, true)) return out;
  }
  return listed(db, out, lookup, distroOf(lookup));
}

/**
 * The status file at `path` (or none) with its journal folder applied. In what later layers deleted, a status file
 * is also read without the journal (a dpkg killed in a later layer left it unchanged beside a new journal): the
 * packages of that reading are added, its refusals not. (The deleted journal files are those of every layer, one
 * version a path; a dpkg that opens the database writes the journal into the status file and starts it again.)
 */
function catalogDatabase(admindir: string, path: string | undefined, content: Buffer | undefined, lookup: FileLookup | undefined): CatalogResult {
  const journal = journalOf(`${admindir}updates`, lookup);
  if (journal.error) return { packages: [], notes: [], errors: [errorFor(`${admindir}updates`, 'dpkg', journal.error)] };
  const out = readDatabase(path, content, journal.files, lookup);
  if (lookup?.gone && path !== undefined && journal.files.length > 0) out.packages.push(...readDatabase(path, content, [], lookup).packages);
  return out;
}

export const dpkgCataloger = {
  name: 'dpkg',
  wants: (path) => (STATUS.test(path) && !path.endsWith('.md5sums')) || OS_RELEASE.test(path),
  maxBytes: (limits) => Math.max(limits.maxFileBytes, 64 * 1024 ** 2),
  linkedPathsResolved: (path) => OS_RELEASE.test(path),
  catalog(path, content, _limits, lookup): CatalogResult {
    // Kept for the purls of the database beside it (distroOf), no packages of its own.
    if (OS_RELEASE.test(path)) return { packages: [], notes: [] };
    if (path.startsWith(`${ADMINDIR}updates/`)) {
      // Read with the status file beside it; alone (no status file), the first journal file reads them all.
      if (lookup?.(`${ADMINDIR}status`)) return { packages: [], notes: [] };
      const first = journalOf(`${ADMINDIR}updates`, lookup).files[0];
      return first === undefined || first === path ? catalogDatabase(ADMINDIR, undefined, undefined, lookup) : { packages: [], notes: [] };
    }
    if (path === `${ADMINDIR}status`) return catalogDatabase(ADMINDIR, path, content, lookup);
    // A status.d file stands alone (distroless): its records are installed unless they say otherwise.
    const out: CatalogResult = { packages: [], notes: [], errors: [] };
    const db: Db = new Map();
    return readInto(db, path, content.toString('utf8'), out, false, true) ? listed(db, out, undefined, distroOf(lookup)) : out;
  },
} satisfies Cataloger;

/**
 * dpkg's file lists (info/<name>.list, <name>:<arch>.list for Multi-Arch: same), kept unread: only whether one is
 * there matters (a half-installed package with none has nothing on disk).
 */
export const dpkgFileListCataloger = {
  name: 'dpkg-file-lists',
  wants: (path) => FILE_LIST.test(path),
  maxBytes: () => -1,
  catalog: () => ({ packages: [], notes: [] }),
  catalogUnread: () => ({ packages: [], notes: [] }),
} satisfies Cataloger;
