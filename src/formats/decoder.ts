// The contract every SBOM decoder meets: identify cheaply, then decode; plus the zod gate they share.
import type * as z from 'zod';
import { InputError } from '../errors.js';
import { conforms } from './conforms.js';
import type { Package } from '../model/package.js';
import type { AcquiredPlatform, DescribedImage, FileRecord, ImageFacts } from '../model/target.js';

export interface DecodedSbom {
  /** e.g. `spdx-json-2.3`, `cyclonedx-json-1.7`, `syft-json`, `grype-json`, `in-toto/cyclonedx-json-1.5`. */
  format: string;
  /** One entry per package the document lists (not merged); paths are locations in the image. */
  packages: Package[];
  /**
   * Set when a decode worker sent only the packages the verdict reads (match/package-filter.ts): how many the
   * document listed. The report's package count is this one.
   */
  packageTotal?: number;
  /** Document creation timestamp when present. */
  created?: string;
  /** What the SBOM describes: image name, version, digest, purl and hashes, each when known. */
  subject?: DescribedImage;
  attestation?: { predicateType: string; envelopes: number; signatures: number; payloadType?: string; bundle?: boolean };
  /** The image's layers and config digest, when the document records them (syft's image source). */
  image?: ImageFacts;
  /** The files the document lists (SPDX `files`, syft `files`, CycloneDX `file` components), when it lists any. */
  files?: FileRecord[];
  /** grype's own matches, kept for corroboration. */
  grypeMatches?: { id: string; package: string; version: string }[];
}

/** What a sniff found: the format with its version, and whether this decoder reads that version. */
export interface Identified {
  format: string;
  supported: boolean;
  /** Why the version is not supported, or which versions are. */
  detail?: string;
}

export interface SbomDecoder {
  readonly name: string;
  /** Cheap: looks at a few top-level keys only. `undefined` means "not mine". */
  identify(doc: unknown): Identified | undefined;
  decode(doc: unknown, file: string): DecodedSbom;
}

/** Validates outside input; the first issue becomes an InputError naming the file and the field. */
export function parseWith<S extends z.ZodType>(schema: S, doc: unknown, file: string, what: string): z.output<S> {
  // A document that already has the schema's shape is its own output (conforms.ts): zod only when it may not.
  if (conforms(schema, doc)) return doc as z.output<S>;
  const result = schema.safeParse(doc);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : undefined;
  throw new InputError(file, `not a valid ${what}: ${issue?.message ?? 'schema mismatch'}`, undefined, field);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A digest as OCI writes it, or undefined for anything else (tags, `sha256:redacted`). */
export function asDigest(v: string | undefined): string | undefined {
  return v && /^sha256:[0-9a-f]{64}$/.test(v) ? v : undefined;
}

/** `SHA-256` / `SHA256` / `sha256` -> `sha256`: one spelling for every format's algorithm names. */
export function hashName(alg: string, value: string): string | undefined {
  const a = alg.toLowerCase().replace(/[^a-z0-9]/g, '');
  const v = value.trim().toLowerCase();
  return a && /^[0-9a-f]+$/.test(v) ? `${a}:${v}` : undefined;
}

/** Drops empty fields; undefined when nothing is left. */
export function describedImage(d: DescribedImage): DescribedImage | undefined {
  const out: DescribedImage = {};
  for (const key of ['name', 'version', 'digest', 'purl'] as const) if (d[key]) out[key] = d[key];
  // syft writes the digest as the container component's version: said once is enough.
  if (out.version !== undefined && out.version === out.digest) delete out.version;
  if (d.hashes && d.hashes.length > 0) out.hashes = [...new Set(d.hashes)];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A timestamp worth keeping: golden files redact theirs to placeholders like `timestamp:redacted`. */
export function asTimestamp(v: string | undefined): string | undefined {
  return v && !Number.isNaN(Date.parse(v)) ? v : undefined;
}

/**
 * What an SBOM says beyond packages: its file listing (absent when it lists no files, so file indicators are
 * unchecked) and the image's layers (absent when it does not record them, so a base image cannot be recognised).
 */
export function sbomFacts(sbom: DecodedSbom): Pick<AcquiredPlatform, 'files' | 'image'> {
  return {
    ...(sbom.files && sbom.files.length > 0 ? { files: { kind: 'sbom' as const, records: sbom.files } } : {}),
    ...(sbom.image ? { image: sbom.image } : {}),
  };
}
