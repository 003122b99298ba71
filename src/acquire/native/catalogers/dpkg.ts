// Debian packages as dpkg-query lists them: the status database with dpkg's journal applied over it, and
// distroless images' one-file-per-package status.d.
//
// Rules, after dpkg's own reader (lib/dpkg/dbmodify.c, checked against dpkg-query 1.21 in
// test/acquire/native/catalogers/dpkg-journal.test.ts and the real builds of test/e2e/real-builds-deb.test.ts):
// - An interrupted dpkg (killed, out of space, a maintainer script that never returns) leaves its status changes in
//   `updates/<digits>` beside `status`; every reader applies them, in name order, over the status file: each
//   paragraph replaces the package it names. Names that are not all digits are ignored; digit names longer than 10
//   or of different lengths make dpkg refuse the database (the platform is unknown).
// - A record replaces the instance of its architecture when it is `Multi-Arch: same` (and any instance that is
//   not), otherwise every instance of its name. In the status file itself dpkg refuses such a replacement (two
//   instances of a name that cannot be co-installed); a same-arch Multi-Arch: same record replaces silently.
// - A package is there when its files are: every state but `not-installed` and `config-files` (a half-installed,
//   unpacked or half-configured package's files are on disk to be run). A state dpkg does not know makes it refuse.
import type { Cataloger, CatalogResult, FileLookup, FoundPackage } from './cataloger.js';
import { errorFor, noteFor, parseHeaderParagraphs } from './cataloger.js';

const STATUS = /^var\/lib\/dpkg\/(?:status|status\.d\/[^/]+|updates\/\d+)$/;
const ADMINDIR = 'var/lib/dpkg/';
const ON_DISK = new Set(['half-installed', 'unpacked', 'half-configured', 'triggers-awaited', 'triggers-pending', 'installed']);
const STATES = new Set([...ON_DISK, 'not-installed', 'config-files']);
/** dpkg's IMPORTANTMAXLEN: the longest journal file name it reads. */
const JOURNAL_NAME_MAX = 10;

interface Entry {
  name: string;
  arch: string;
  same: boolean;
  state: string;
  version: string;
  path: string;
}

type Db = Map<string, Entry[]>;

/**
 * One paragraph over the database, as dpkg's parser places a record (by name, and by arch for Multi-Arch: same).
 * In the status file itself, a record that would displace another instance of its name (not the same arch's
 * Multi-Arch: same one) is what dpkg refuses: the reason, or undefined.
 */
function place(db: Db, e: Entry, status: boolean): string | undefined {
  const all = db.get(e.name) ?? [];
  // A status-file record of a package not installed names no instance: it leaves an installed one in place.
  if (status && e.state === 'not-installed' && all.some((x) => x.state !== 'not-installed')) return undefined;
  const kept = all.filter((x) => e.same && x.same && x.arch !== e.arch);
  const displaced = all.filter((x) => !kept.includes(x) && !(e.same && x.same && x.arch === e.arch));
  if (status && e.state !== 'not-installed' && displaced.some((x) => x.state !== 'not-installed')) {
    return displaced.some((x) => x.same !== e.same) ? 'mixed non-coinstallable and coinstallable package instances' : 'multiple non-coinstallable package instances';
  }
  // A singleton over several installed instances is refused in the journal too.
  if (!e.same && all.filter((x) => x.state !== 'not-installed').length > 1) return 'a record not co-installable with the several installed instances of its name';
  db.set(e.name, [...kept, e]);
  return undefined;
}

/** A file's paragraphs into the database; errors for what dpkg refuses. */
function readInto(db: Db, path: string, text: string, out: CatalogResult, statusRequired: boolean, journal = false): void {
  for (const para of parseHeaderParagraphs(text)) {
    const name = para.get('Package');
    const status = para.get('Status');
    if (!name) {
      out.notes.push(noteFor(path, 'dpkg', 'a paragraph has no Package field'));
      continue;
    }
    // status.d files may omit Status (distroless writes only installed packages); the main database may not.
    if (status === undefined && statusRequired) continue;
    const state = status === undefined ? 'installed' : (status.split(/\s+/)[2] ?? '');
    if (!STATES.has(state)) {
      out.errors!.push(errorFor(path, 'dpkg', `package ${name}: Status ${JSON.stringify(status)} has a state dpkg does not know (dpkg-query refuses the database)`));
      continue;
    }
    const refused = place(db, { name, arch: para.get('Architecture') ?? '', same: para.get('Multi-Arch') === 'same', state, version: para.get('Version') ?? '', path: `/${path}` }, !journal);
    if (refused) out.errors!.push(errorFor(path, 'dpkg', `package ${name}: ${refused} (dpkg-query refuses the database)`));
  }
}

/** The journal files dpkg would apply, in its order, or the reason it refuses them. */
function journalOf(dir: string, lookup: FileLookup | undefined): { files: string[]; error?: string } {
  const names = (lookup?.list?.(dir) ?? []).filter((n) => /^\d+$/.test(n)).sort();
  const long = names.find((n) => n.length > JOURNAL_NAME_MAX);
  if (long) return { files: [], error: `journal file ${long}: a name over ${JOURNAL_NAME_MAX} digits (dpkg-query refuses the database)` };
  if (new Set(names.map((n) => n.length)).size > 1) return { files: [], error: `journal files with names of different lengths (${names.join(', ')}): dpkg-query refuses the database` };
  return { files: names.map((n) => `${dir}/${n}`) };
}

/** The status file at `path` (or none, ''), with its journal folder applied, as dpkg-query lists it. */
function catalogDatabase(admindir: string, path: string | undefined, content: Buffer | undefined, lookup: FileLookup | undefined): CatalogResult {
  const out: CatalogResult = { packages: [], notes: [], errors: [] };
  const db: Db = new Map();
  if (path !== undefined && content !== undefined) readInto(db, path, content.toString('utf8'), out, true);
  const journal = journalOf(`${admindir}updates`, lookup);
  if (journal.error) out.errors!.push(errorFor(`${admindir}updates`, 'dpkg', journal.error));
  for (const file of journal.files) {
    const kept = lookup?.(file);
    if (!kept || kept.unreadBytes !== undefined) {
      out.errors!.push(errorFor(file, 'dpkg', 'a journal file that was not read (dpkg applies it over the status file)'));
      continue;
    }
    readInto(db, file, kept.content.toString('utf8'), out, true, true);
  }
  for (const entries of db.values()) for (const e of entries) if (ON_DISK.has(e.state)) out.packages.push({ ecosystem: 'deb', name: e.name, version: e.version, path: e.path } satisfies FoundPackage);
  return out;
}

export const dpkgCataloger = {
  name: 'dpkg',
  wants: (path) => STATUS.test(path) && !path.endsWith('.md5sums'),
  maxBytes: (limits) => Math.max(limits.maxFileBytes, 64 * 1024 ** 2),
  catalog(path, content, _limits, lookup): CatalogResult {
    if (path.startsWith(`${ADMINDIR}updates/`)) {
      // Read with the status file beside it; alone (no status file), the first journal file reads them all.
      if (lookup?.(`${ADMINDIR}status`)) return { packages: [], notes: [] };
      const first = journalOf(`${ADMINDIR}updates`, lookup).files[0];
      return first === undefined || first === path ? catalogDatabase(ADMINDIR, undefined, undefined, lookup) : { packages: [], notes: [] };
    }
    if (path === `${ADMINDIR}status`) return catalogDatabase(ADMINDIR, path, content, lookup);
    const out: CatalogResult = { packages: [], notes: [], errors: [] };
    const db: Db = new Map();
    readInto(db, path, content.toString('utf8'), out, false);
    for (const entries of db.values()) for (const e of entries) if (ON_DISK.has(e.state)) out.packages.push({ ecosystem: 'deb', name: e.name, version: e.version, path: e.path });
    return out;
  },
} satisfies Cataloger;
