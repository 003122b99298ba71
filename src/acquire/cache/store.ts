// The SBOM cache: images keyed by digest and by how their SBOM was obtained, packages in an indexed inventory table.
import { statSync } from 'node:fs';
import { normalizeEcosystem } from '../../match/ecosystem.js';
import { normalizePackageName } from '../../match/names.js';
import { sameIdentity, tarballIdentity } from '../../match/tarball-url.js';
import type { Evidence, Package } from '../../model/package.js';
import type { AcquiredImage, AcquiredPlatform } from '../../model/target.js';
import { NATIVE_READER } from '../native/reader-version.js';
import { openCacheDatabase, rollbackQuietly, type OpenOptions } from './open.js';
import { FIND_PACKAGES_SQL, HUNT_FETCHED_SQL, HUNT_HASH_SQL, HUNT_PACKAGES_SQL, HuntRow, ImageRow, PACKAGE_ROWS, PackageRow, PUSH_TIMES_DDL, StoredBody, StoredPushes, type StoredPlatform } from './schema.js';
import type { Database } from './sqlite.js';
import { cacheableStrength, effectiveStrength, strengthRank, type CachePolicy, type Strength } from './strength.js';

export interface CacheEntryInput {
  digest: string;
  ref: string;
  platforms: AcquiredPlatform[];
  /** The key or identity a verified acquisition was checked against (the run's policy). */
  verifier?: string;
  skipped?: AcquiredImage['skipped'];
}

export interface CachedImage {
  image: AcquiredImage;
  method: string;
  strength: Strength;
  storedAt: Date;
}

export interface CacheStats {
  path: string;
  images: number;
  packages: number;
  bytes: number;
  oldest?: string;
  newest?: string;
  byMethod: Record<string, number>;
}

export interface PackageHit {
  digest: string;
  ref: string;
  method: string;
  strength: string;
  platform: number;
  ecosystem: string;
  name: string;
  version: string;
}

/** One cached image as a hunt sees it: its stored platforms, each with only the packages the hunt asked for. */
export interface HuntedImage {
  digest: string;
  ref: string;
  method: string;
  strength: Strength;
  storedAt: Date;
  platforms: { stored: StoredPlatform; hits: Package[]; packageCount: number }[];
  /** Set when the entry was written by another native reader version: a hunt cannot re-read it, so it is unknown. */
  stale?: string;
}

export class CacheStore {
  constructor(
    readonly path: string,
    private readonly db: Database,
  ) {}

  /** The strongest entry for a digest that the policy accepts, newest first among equals. */
  get(digest: string, policy: CachePolicy | Strength): CachedImage | undefined {
    const p: CachePolicy = typeof policy === 'string' ? { minStrength: policy } : policy;
    const rows = this.db.prepare('SELECT * FROM images WHERE digest = ?').all(digest).flatMap((r) => {
      const row = ImageRow.safeParse(r);
      const body = row.success ? StoredBody.safeParse(safeJson(row.data.body)) : undefined;
      // A row this version cannot read is a miss, not a crash; so is one another reader version wrote.
      if (!row.success || !body?.success || staleReader(body.data) !== undefined) return [];
      return [{ row: row.data, body: body.data, effective: effectiveStrength(row.data.strength, row.data.verifier, p) }];
    });
    const best = rows
      .filter((r) => strengthRank(r.effective) >= strengthRank(p.minStrength))
      .sort((a, b) => strengthRank(b.effective) - strengthRank(a.effective) || b.row.stored_at - a.row.stored_at)[0];
    if (!best) return undefined;
    const packages = this.packagesOf(best.row.id);
    const storedAt = new Date(best.row.stored_at);
    const platforms = best.body.platforms.map((sp, i): AcquiredPlatform => {
      const { evidence, packageCount: _count, ...rest } = sp;
      return { ...rest, packages: packages.get(i) ?? [], evidence: cachedEvidence(evidence, storedAt, best.effective), errors: [] };
    });
    const image: AcquiredImage = { ref: best.row.ref, digest, platforms, errors: [], ...(best.body.skipped ? { skipped: best.body.skipped } : {}) };
    return { image, method: best.row.method, strength: best.effective, storedAt };
  }

  private packagesOf(imageId: number): Map<number, Package[]> {
    const out = new Map<number, Package[]>();
    const rows = this.db.prepare('SELECT * FROM packages WHERE image_id = ? ORDER BY platform, rowid').all(imageId);
    for (const r of rows) {
      const row = PackageRow.parse(r);
      out.set(row.platform, [...(out.get(row.platform) ?? []), packageOf(row)]);
    }
    return out;
  }

  /**
   * Stores a complete, error-free acquisition; returns false (storing nothing) for anything else:
   * an unknown result must be asked again next time, never answered from the cache.
   */
  put(entry: CacheEntryInput): boolean {
    return this.putMany([entry]) === 1;
  }

  /** Stores several acquisitions in one transaction (one commit, not one per image); returns how many were stored. */
  putMany(entries: readonly CacheEntryInput[]): number {
    const kept = entries.flatMap((e) => {
      const strength = cacheableStrength(e);
      return strength ? [{ entry: e, strength }] : [];
    });
    if (kept.length === 0) return 0;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const { entry, strength } of kept) this.insertEntry(entry, strength);
      this.db.exec('COMMIT');
    } catch (err) {
      rollbackQuietly(this.db);
      throw err;
    }
    return kept.length;
  }

  private insertEntry(entry: CacheEntryInput, strength: Strength): void {
    const method = entry.platforms[0]!.evidence!.kind;
    const verifier = strength === 'verified' ? (entry.verifier ?? '') : '';
    this.db.prepare('DELETE FROM images WHERE digest = ? AND method = ? AND strength = ? AND verifier = ?').run(entry.digest, method, strength, verifier);
    const platforms = entry.platforms.map(({ packages, errors: _e, ...rest }) => ({ ...rest, packageCount: packages.length }));
    const body = JSON.stringify({ platforms, rows: PACKAGE_ROWS, ...(entry.skipped && entry.skipped.length > 0 ? { skipped: entry.skipped } : {}) });
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO images (digest, method, strength, verifier, ref, stored_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(entry.digest, method, strength, verifier, entry.ref, Date.now(), body);
    this.insertPackages(Number(lastInsertRowid), entry.platforms);
  }

  private insertPackages(imageId: number, platforms: AcquiredPlatform[]): void {
    const insert = this.db.prepare(
      'INSERT INTO packages (image_id, platform, ecosystem, name, name_key, version, purl, paths, deleted, layer, extra, fetched_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const hash = this.db.prepare('INSERT INTO package_hashes (image_id, package, hash) VALUES (?, ?, ?)');
    platforms.forEach((p, i) => {
      for (const pkg of p.packages) {
        const row = packageRow(pkg);
        const { lastInsertRowid } = insert.run(imageId, i, row.ecosystem, pkg.name, row.nameKey, pkg.version, pkg.purl ?? null, JSON.stringify(pkg.paths), locationBits(pkg), pkg.layer ?? null, row.extra, row.fetchedKey);
        for (const h of new Set(pkg.integrity ?? [])) hash.run(imageId, Number(lastInsertRowid), h);
      }
    });
  }

  /** Every cached image holding one of these packages, through the (ecosystem, name) index. */
  findImagesWithPackages(keys: readonly { ecosystem: string; name: string }[]): PackageHit[] {
    const stmt = this.db.prepare(FIND_PACKAGES_SQL);
    return keys.flatMap((k) => {
      const eco = normalizeEcosystem(k.ecosystem);
      return stmt.all(eco, normalizePackageName(eco, k.name)) as unknown as PackageHit[];
    });
  }

  /**
   * A hunt over the whole cache without re-reading it: every cached image (its strongest entry) with
   * only the packages named by `keys` (canonical ecosystem, normalised name), found through the index.
   */
  hunt(keys: readonly { ecosystem: string; nameKey: string }[], hashes: readonly string[] = []): HuntedImage[] {
    const best = new Map<string, { row: ImageRow; platforms: StoredPlatform[]; stale?: string }>();
    for (const r of this.db.prepare('SELECT * FROM images').all()) {
      const row = ImageRow.safeParse(r);
      const body = row.success ? StoredBody.safeParse(safeJson(row.data.body)) : undefined;
      if (!row.success || !body?.success) continue;
      const seen = best.get(row.data.digest);
      const rank = (x: ImageRow) => strengthRank(x.strength) * 1e15 + x.stored_at;
      const stale = staleReader(body.data);
      if (!seen || rank(row.data) > rank(seen.row)) best.set(row.data.digest, { row: row.data, platforms: body.data.platforms, ...(stale ? { stale } : {}) });
    }
    const hits = new Map<number, Map<number, Package[]>>();
    const taken = new Set<number>();
    const take = (rows: unknown[]) => {
      for (const r of rows) {
        const row = HuntRow.parse(r);
        // One row may be found by its name, by the tarball it fetches and by its integrity: listed once.
        if (taken.has(row.rowid)) continue;
        taken.add(row.rowid);
        const byPlatform = hits.get(row.image_id) ?? new Map<number, Package[]>();
        hits.set(row.image_id, byPlatform);
        byPlatform.set(row.platform, [...(byPlatform.get(row.platform) ?? []), packageOf(row)]);
      }
    };
    const byName = this.db.prepare(HUNT_PACKAGES_SQL);
    const byFetched = this.db.prepare(HUNT_FETCHED_SQL);
    for (const k of keys) {
      take(byName.all(k.ecosystem, k.nameKey));
      // A lockfile entry whose resolved URL is this npm package's tarball, whatever the entry calls itself.
      if (k.ecosystem === 'npm') take(byFetched.all(k.nameKey));
    }
    const byHash = this.db.prepare(HUNT_HASH_SQL);
    for (const h of new Set(hashes)) take(byHash.all(h));
    const count = this.db.prepare('SELECT count(*) AS n FROM packages WHERE image_id = ? AND platform = ?');
    return [...best.values()].map(({ row, platforms, stale }) => ({
      digest: row.digest,
      ref: row.ref,
      method: row.method,
      strength: row.strength,
      storedAt: new Date(row.stored_at),
      ...(stale ? { stale } : {}),
      platforms: platforms.map((p, i) => ({
        stored: p,
        hits: hits.get(row.id)?.get(i) ?? [],
        // Entries written before counts were stored are counted once through packages_by_image.
        packageCount: p.packageCount ?? Number((count.get(row.id, i) as { n: number }).n),
      })),
    }));
  }

  stats(): CacheStats {
    const count = (sql: string) => Number((this.db.prepare(sql).get() as { n: number }).n);
    const ages = this.db.prepare('SELECT min(stored_at) AS oldest, max(stored_at) AS newest FROM images').get() as { oldest: number | null; newest: number | null };
    const byMethod: Record<string, number> = {};
    for (const r of this.db.prepare('SELECT method, count(*) AS n FROM images GROUP BY method').all() as { method: string; n: number }[]) byMethod[r.method] = Number(r.n);
    return {
      path: this.path,
      images: count('SELECT count(*) AS n FROM images'),
      packages: count('SELECT count(*) AS n FROM packages'),
      bytes: fileBytes(this.path) + fileBytes(`${this.path}-wal`),
      ...(ages.oldest !== null ? { oldest: new Date(ages.oldest).toISOString() } : {}),
      ...(ages.newest !== null ? { newest: new Date(ages.newest).toISOString() } : {}),
      byMethod,
    };
  }

  /** Removes entries stored before `olderThan`; returns how many images went. */
  prune(olderThan: Date): number {
    this.pushTable();
    this.db.prepare('DELETE FROM push_times WHERE stored_at < ?').run(olderThan.getTime());
    return Number(this.db.prepare('DELETE FROM images WHERE stored_at < ?').run(olderThan.getTime()).changes);
  }

  clear(): number {
    this.pushTable();
    this.db.prepare('DELETE FROM push_times').run();
    return Number(this.db.prepare('DELETE FROM images').run().changes);
  }

  private pushReady = false;

  private pushTable(): void {
    if (this.pushReady) return;
    this.db.exec(PUSH_TIMES_DDL);
    this.pushReady = true;
  }

  /** The push times stored for a repository's digest; undefined when none were stored (or the row is unreadable). */
  getPushTimes(registry: string, repository: string, digest: string): StoredPushes | undefined {
    this.pushTable();
    const row = this.db.prepare('SELECT body FROM push_times WHERE registry = ? AND repository = ? AND digest = ?').get(registry, repository, digest) as { body?: unknown } | undefined;
    if (!row || typeof row.body !== 'string') return undefined;
    const parsed = StoredPushes.safeParse(safeJson(row.body));
    return parsed.success ? parsed.data : undefined;
  }

  /** Stores found push times; an answer with none is not stored, so the next run asks again. */
  putPushTimes(registry: string, repository: string, digest: string, pushes: StoredPushes): void {
    if (pushes.length === 0) return;
    this.pushTable();
    this.db
      .prepare('INSERT INTO push_times (registry, repository, digest, stored_at, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT (registry, repository, digest) DO UPDATE SET stored_at = excluded.stored_at, body = excluded.body')
      .run(registry, repository, digest, Date.now(), JSON.stringify(pushes));
  }

  close(): void {
    this.db.close();
  }
}

/** A stored platform's evidence as a cached answer: says it came from the cache, and what it was first. */
export function cachedEvidence(evidence: StoredPlatform['evidence'], storedAt: Date, strength: Strength): Evidence {
  return {
    kind: 'cache',
    detail: `cached ${evidence?.kind ?? 'result'} from ${storedAt.toISOString()}${evidence?.detail ? `: ${evidence.detail}` : ''}`,
    ...(evidence?.format ? { format: evidence.format } : {}),
    ...(evidence?.verified !== undefined ? { verified: strength === 'verified' } : {}),
    ...(evidence && evidence.kind !== 'cache' ? { cachedFrom: evidence.kind } : {}),
  };
}

/**
 * Why a stored entry cannot be trusted by this version: a native answer from another reader version
 * (entries from before versions were recorded have none). Other methods carry their tool's version in detail.
 */
export function staleReader(body: StoredBody): string | undefined {
  if (body.rows !== PACKAGE_ROWS) return `cached by an sbom-hunt whose cache kept fewer package fields (layout ${body.rows ?? 1}, now ${PACKAGE_ROWS}), so the entry must be read again`;
  const native = body.platforms.find((p) => p.evidence?.kind === 'native' && p.evidence.reader !== NATIVE_READER);
  if (!native) return undefined;
  return `cached by native reader ${native.evidence?.reader ?? 'of an unrecorded version'}; this sbom-hunt reads with ${NATIVE_READER}, so the entry must be read again`;
}

// The `deleted` column holds where the package was seen, as bits: 1 deleted by a later layer, 2 only in a download cache.
const DELETED = 1;
const DOWNLOAD_CACHE = 2;
const locationBits = (pkg: Package): number => (pkg.deleted ? DELETED : 0) | (pkg.location === 'download-cache' ? DOWNLOAD_CACHE : 0);

/**
 * A package as its row stores it: the indexed columns, and every other field of the model as JSON in `extra`
 * (taken by rest, so a field added to Package is kept without a change here).
 */
function packageRow(pkg: Package): { ecosystem: string; nameKey: string; extra: string | null; fetchedKey: string | null } {
  const { ecosystem: _e, name: _n, version: _v, purl: _p, paths: _paths, deleted: _d, location: _l, layer: _layer, ...rest } = pkg;
  const ecosystem = normalizeEcosystem(pkg.ecosystem);
  const fetched = pkg.resolved === undefined ? undefined : tarballIdentity(pkg.resolved);
  const fetchedKey = fetched && !sameIdentity(fetched, pkg) ? normalizePackageName('npm', fetched.name) : null;
  return { ecosystem, nameKey: normalizePackageName(ecosystem, pkg.name), extra: Object.keys(rest).length > 0 ? JSON.stringify(rest) : null, fetchedKey };
}

function packageOf(row: PackageRow): Package {
  const extra = row.extra === null ? {} : (JSON.parse(row.extra) as Partial<Package>);
  const pkg: Package = { ...extra, ecosystem: row.ecosystem, name: row.name, version: row.version, paths: JSON.parse(row.paths) as string[] };
  if (row.purl !== null) pkg.purl = row.purl;
  if (row.deleted & DELETED) pkg.deleted = true;
  if (row.deleted & DOWNLOAD_CACHE) pkg.location = 'download-cache';
  if (row.layer !== null) pkg.layer = row.layer;
  return pkg;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function fileBytes(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export function openCache(file: string, opts: OpenOptions = {}): CacheStore {
  return new CacheStore(file, openCacheDatabase(file, opts));
}
