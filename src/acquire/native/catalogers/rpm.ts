// RPM packages: the SQLite rpmdb of current distributions (Fedora 33+, RHEL/UBI 9, Amazon Linux 2023,
// Rocky/Alma 9), each Packages row a header blob. Older formats are recognised and make the platform
// unknown, since their packages are not read (docs/limits.md).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { purlString } from '../../../formats/purl-lib.js';
import { loadSqlite } from '../../cache/sqlite.js';
import { readRpmHeader, type RpmHeader } from '../rpm-header.js';
import type { Cataloger, CatalogResult, FoundPackage } from './cataloger.js';
import { noteFor } from './cataloger.js';

// Fedora 36+ keeps the database in /usr/lib/sysimage/rpm, with /var/lib/rpm a symlink to it.
const DIR = '(?:var/lib/rpm|usr/lib/sysimage/rpm)';
const SQLITE = new RegExp(`^${DIR}/rpmdb\\.sqlite$`);
const WAL = new RegExp(`^${DIR}/rpmdb\\.sqlite-wal$`);
const LEGACY = new RegExp(`^${DIR}/(Packages|Packages\\.db)$`);
/** Rows read from one database: far above any distribution's package count. */
const MAX_ROWS = 200_000;

export function rpmVersion(h: RpmHeader): string {
  const vr = h.release ? `${h.version ?? ''}-${h.release}` : (h.version ?? '');
  return h.epoch !== undefined ? `${h.epoch}:${vr}` : vr;
}

function rpmPurl(h: RpmHeader): string | undefined {
  try {
    const qualifiers: Record<string, string> = {};
    if (h.arch) qualifiers.arch = h.arch;
    if (h.epoch !== undefined) qualifiers.epoch = String(h.epoch);
    const vr = h.release ? `${h.version ?? ''}-${h.release}` : h.version;
    return purlString('rpm', undefined, h.name ?? '', vr || undefined, Object.keys(qualifiers).length ? qualifiers : undefined);
  } catch {
    return undefined;
  }
}

/** node:sqlite opens files only: the database goes to a private temporary folder, opened immutable (no WAL, no locks). */
function readBlobs(content: Buffer): { blobs: Buffer[]; more: boolean } {
  const dir = mkdtempSync(join(tmpdir(), 'sbom-hunt-rpmdb-'));
  try {
    const file = join(dir, 'rpmdb.sqlite');
    writeFileSync(file, content, { mode: 0o600 });
    const url = pathToFileURL(file);
    url.search = 'immutable=1';
    const db = new (loadSqlite().DatabaseSync)(url, { readOnly: true });
    try {
      const rows = db.prepare(`SELECT blob FROM Packages ORDER BY hnum LIMIT ${MAX_ROWS + 1}`).all() as { blob: unknown }[];
      const blobs = rows.slice(0, MAX_ROWS).map((r) => (r.blob instanceof Uint8Array ? Buffer.from(r.blob) : Buffer.alloc(0)));
      return { blobs, more: rows.length > MAX_ROWS };
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function catalogSqlite(path: string, content: Buffer): CatalogResult {
  let read: { blobs: Buffer[]; more: boolean };
  try {
    read = readBlobs(content);
  } catch (err) {
    return { packages: [], notes: [], errors: [noteFor(path, 'rpm', `not a readable rpmdb: ${(err as Error).message}`)] };
  }
  const packages: FoundPackage[] = [];
  const errors: string[] = [];
  if (read.more) errors.push(noteFor(path, 'rpm', `more than ${MAX_ROWS} packages; the rest are not read`));
  read.blobs.forEach((blob, i) => {
    const h = readRpmHeader(blob);
    if (typeof h === 'string' || !h.name) errors.push(noteFor(path, 'rpm', `package row ${i + 1}: ${typeof h === 'string' ? h : 'no NAME tag'}`));
    else packages.push({ ecosystem: 'rpm', name: h.name, version: rpmVersion(h), purl: rpmPurl(h), path: `/${path}` });
  });
  return { packages, notes: [], errors };
}

/** Unread databases: what they are, and that their packages are unknown. */
function catalogUnread(path: string, size: number): CatalogResult {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (WAL.test(path)) {
    // rpm checkpoints on close; a write-ahead log with content holds changes the main file lacks.
    if (size === 0) return { packages: [], notes: [] };
    return { packages: [], notes: [], errors: [noteFor(path, 'rpm', `a ${size}-byte write-ahead log not checkpointed into rpmdb.sqlite; packages in it are not read`)] };
  }
  if (SQLITE.test(path)) return { packages: [], notes: [], errors: [noteFor(path, 'rpm', `${size} bytes is over the rpmdb limit; not read`)] };
  const format = base === 'Packages' ? 'a BerkeleyDB rpmdb (RHEL/CentOS 8 and older, Amazon Linux 2)' : 'an ndb rpmdb (SUSE)';
  return { packages: [], notes: [], errors: [noteFor(path, 'rpm', `${format}, a format this reader does not read; its packages are unknown`)] };
}

export const rpmCataloger = {
  name: 'rpm',
  wants: (path) => SQLITE.test(path) || WAL.test(path) || LEGACY.test(path),
  // Only the SQLite database is read; the other files are judged by name and size alone (catalogUnread).
  maxBytes: (limits) => Math.max(limits.maxFileBytes, 256 * 1024 ** 2),
  catalog(path, content): CatalogResult {
    if (!SQLITE.test(path)) return catalogUnread(path, content.length);
    return catalogSqlite(path, content);
  },
  catalogUnread,
} satisfies Cataloger;
