// The cache file's layout: tables, indexes, the version that marks it as ours, and the zod gate for stored JSON.
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.js';
import { EVIDENCE_KINDS, ReportCreatedTime, ReportTimeSource } from '../../model/report-parts.js';

/**
 * 2: packages keep every field of the model (`extra`: lockfile resolved URL, integrity, dependency path, the
 * identity a disagreeing purl gives), the name a resolved tarball carries (`fetched_key`) and integrity hashes
 * (`package_hashes`) are indexed, so a warm scan and a cache hunt match what a cold scan matches.
 */
export const SCHEMA_VERSION = 2;

/** The package row layout an entry was written with; entries of another layout are read again (StoredBody.rows). */
export const PACKAGE_ROWS = 2;
/** `PRAGMA application_id` for sbom-hunt caches ("SBHC"): how a foreign SQLite file is told apart. */
export const APPLICATION_ID = 0x53424843;

/** What schema 2 adds beside the two package columns: the index of fetched names and the table of integrity hashes. */
const PACKAGES_2_DDL = `
CREATE INDEX IF NOT EXISTS packages_by_fetched ON packages (fetched_key) WHERE fetched_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS package_hashes (
  image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  package INTEGER NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS package_hashes_by_hash ON package_hashes (hash);
`;

/** A schema 1 cache becomes schema 2 in place: its entries stay (push times too) and are read again when asked for. */
export const MIGRATE_1_TO_2 = `
ALTER TABLE packages ADD COLUMN extra TEXT;
ALTER TABLE packages ADD COLUMN fetched_key TEXT;
${PACKAGES_2_DDL}`;

export const DDL = `
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS images (
  id INTEGER PRIMARY KEY,
  digest TEXT NOT NULL,
  method TEXT NOT NULL,
  strength TEXT NOT NULL,
  verifier TEXT NOT NULL DEFAULT '',
  ref TEXT NOT NULL,
  stored_at INTEGER NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (digest, method, strength, verifier)
);
CREATE INDEX IF NOT EXISTS images_by_digest ON images (digest);
CREATE INDEX IF NOT EXISTS images_by_age ON images (stored_at);
CREATE TABLE IF NOT EXISTS packages (
  image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  platform INTEGER NOT NULL,
  ecosystem TEXT NOT NULL,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  version TEXT NOT NULL,
  purl TEXT,
  paths TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  layer TEXT,
  extra TEXT,
  fetched_key TEXT
);
CREATE INDEX IF NOT EXISTS packages_by_name ON packages (ecosystem, name_key);
CREATE INDEX IF NOT EXISTS packages_by_image ON packages (image_id, platform);
${PACKAGES_2_DDL}`;

/**
 * Registry push times per repository and digest: they do not change for a digest, so a warm sweep asks no
 * vendor API again. Created on first use too, so a cache written before the table existed gains it.
 */
export const PUSH_TIMES_DDL = `
CREATE TABLE IF NOT EXISTS push_times (
  registry TEXT NOT NULL,
  repository TEXT NOT NULL,
  digest TEXT NOT NULL,
  stored_at INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (registry, repository, digest)
);
`;

/** A stored answer: the push times found, each about the digest it names (the index or one platform). */
export const StoredPushes = lazySchema(() =>
  z.array(
    z.object({
      digest: z.string(),
      source: ReportTimeSource,
    }),
  ),
);
export type StoredPushes = z.infer<typeof StoredPushes>;

const Evidence = lazySchema(() =>
  z.object({
    kind: z.enum(EVIDENCE_KINDS),
    verified: z.boolean().optional(),
    detail: z.string().optional(),
    format: z.string().optional(),
    reader: z.string().optional(),
  }),
);

/** The build time and every source it was decided from, as the report writes it (entries written before sources existed have none). */
const StoredCreated = ReportCreatedTime;

/** Everything about a platform but its packages (those live in the indexed table). */
export const StoredPlatform = lazySchema(() =>
  z.object({
    platform: z.string().optional(),
    digest: z.string().optional(),
    created: StoredCreated.optional(),
    evidence: Evidence.optional(),
    notes: z.array(z.string()),
    /** How many packages the platform holds: a hunt answers from the index without counting rows. */
    packageCount: z.number().int().nonnegative().optional(),
    /** The files file indicators are matched against (native: those that could match the indicators it looked for). */
    files: z
      .object({
        kind: z.enum(['native', 'sbom']),
        records: z.array(
          z.object({
            path: z.string(),
            size: z.number().int().nonnegative().optional(),
            sha256: z.string().optional(),
            layer: z.string().optional(),
            deleted: z.boolean().optional(),
            link: z.string().optional(),
          }),
        ),
        checked: z.array(z.string()).optional(),
      })
      .optional(),
    /** The manifest's layers and the config's digest and diff_ids: image indicators answered from the cache. */
    image: z.object({ config: z.string().optional(), layers: z.array(z.string()), diffIds: z.array(z.string()) }).optional(),
  }),
);
export type StoredPlatform = z.infer<typeof StoredPlatform>;

export const StoredBody = lazySchema(() =>
  z.object({
    platforms: z.array(StoredPlatform),
    /** PACKAGE_ROWS of the writer; absent before schema 2, whose rows dropped lockfile fields. */
    rows: z.number().int().optional(),
    skipped: z.array(z.object({ digest: z.string(), platform: z.string().optional(), reason: z.string() })).optional(),
  }),
);
export type StoredBody = z.infer<typeof StoredBody>;

export const ImageRow = lazySchema(() =>
  z.object({
    id: z.number(),
    digest: z.string(),
    method: z.string(),
    strength: z.enum(['unverified', 'scanned', 'verified']),
    verifier: z.string(),
    ref: z.string(),
    stored_at: z.number(),
    body: z.string(),
  }),
);
export type ImageRow = z.infer<typeof ImageRow>;

export const PackageRow = lazySchema(() =>
  z.object({
    platform: z.number(),
    ecosystem: z.string(),
    name: z.string(),
    version: z.string(),
    purl: z.string().nullable(),
    paths: z.string(),
    deleted: z.number(),
    layer: z.string().nullable(),
    extra: z.string().nullable(),
  }),
);
export type PackageRow = z.infer<typeof PackageRow>;

/** The hunt's lookup: one IOC key, every cached package row with it, through packages_by_name. */
export const HUNT_PACKAGES_SQL = `
SELECT rowid, image_id, platform, ecosystem, name, version, purl, paths, deleted, layer, extra
FROM packages WHERE ecosystem = ? AND name_key = ?`;

/** Lockfile entries whose resolved tarball is the named npm package, whatever they call themselves. */
export const HUNT_FETCHED_SQL = `
SELECT rowid, image_id, platform, ecosystem, name, version, purl, paths, deleted, layer, extra
FROM packages WHERE fetched_key = ?`;

/** Entries whose integrity is this hash. */
export const HUNT_HASH_SQL = `
SELECT p.rowid, p.image_id, p.platform, p.ecosystem, p.name, p.version, p.purl, p.paths, p.deleted, p.layer, p.extra
FROM package_hashes h JOIN packages p ON p.rowid = h.package WHERE h.hash = ?`;

export const HuntRow = lazySchema(() =>
  PackageRow.extend({ image_id: z.number(), rowid: z.number() }),
);
export type HuntRow = z.infer<typeof HuntRow>;

/** Packages are looked up by (ecosystem, normalised name): this statement must use packages_by_name. */
export const FIND_PACKAGES_SQL = `
SELECT i.digest, i.ref, i.method, i.strength, p.platform, p.ecosystem, p.name, p.version
FROM packages p JOIN images i ON i.id = p.image_id
WHERE p.ecosystem = ? AND p.name_key = ?`;
