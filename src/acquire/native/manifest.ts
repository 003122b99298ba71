// Manifests and indexes, OCI and Docker v2 schema 2: identified by media type or by shape, then validated.
import { z } from 'zod';
import type { Descriptor, FetchedManifest } from '../../model/oci.js';

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

const INDEX_TYPES = new Set<string>([MEDIA.ociIndex, MEDIA.dockerList]);
const MANIFEST_TYPES = new Set<string>([MEDIA.ociManifest, MEDIA.dockerManifest]);
const IMAGE_CONFIG_TYPES = new Set<string>([MEDIA.ociConfig, MEDIA.dockerConfig]);

export const OciDescriptor = z
  .object({
    mediaType: z.string(),
    digest: z.string(),
    size: z.number().int().nonnegative(),
    platform: z
      .object({ os: z.string().optional(), architecture: z.string().optional(), variant: z.string().optional() })
      .loose()
      .optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    artifactType: z.string().optional(),
  })
  .loose();

export const ImageIndex = z
  .object({ schemaVersion: z.literal(2), mediaType: z.string().optional(), manifests: z.array(OciDescriptor) })
  .loose();
export type ImageIndex = z.infer<typeof ImageIndex>;

export const ImageManifest = z
  .object({
    schemaVersion: z.literal(2),
    mediaType: z.string().optional(),
    artifactType: z.string().optional(),
    config: OciDescriptor,
    layers: z.array(OciDescriptor),
  })
  .loose();
export type ImageManifest = z.infer<typeof ImageManifest>;

export type ParsedManifest = { kind: 'index'; index: ImageIndex } | { kind: 'manifest'; manifest: ImageManifest };

export function isIndexType(mediaType: string | undefined): boolean {
  return INDEX_TYPES.has(mediaType ?? '');
}

export function isManifestType(mediaType: string | undefined): boolean {
  return MANIFEST_TYPES.has(mediaType ?? '');
}

/**
 * Decides index or manifest: the document's own `mediaType` (covered by the digest) first, then the
 * served type, then the shape, since registries and layouts often serve a generic type.
 */
export function parseManifest(fetched: FetchedManifest): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(fetched.bytes.toString('utf8'));
  } catch {
    throw new Error(`manifest ${fetched.digest} is not JSON`);
  }
  if (typeof json !== 'object' || json === null) throw new Error(`manifest ${fetched.digest} is not a JSON object`);
  const doc = json as Record<string, unknown>;
  if (doc.schemaVersion === 1) throw new Error(`manifest ${fetched.digest}: Docker schema 1 is not supported`);
  const own = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const declared = [own, fetched.mediaType].find((t) => isIndexType(t) || isManifestType(t));
  const kind = declared ? (isIndexType(declared) ? 'index' : 'manifest') : shapeOf(doc);
  if (!kind) throw new Error(`manifest ${fetched.digest}: unknown document type ${own ?? fetched.mediaType}`);
  const schema = kind === 'index' ? ImageIndex : ImageManifest;
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`${kind} ${fetched.digest} is malformed: ${z.prettifyError(parsed.error)}`);
  return kind === 'index'
    ? { kind, index: parsed.data as ImageIndex }
    : { kind, manifest: parsed.data as ImageManifest };
}

function shapeOf(doc: Record<string, unknown>): 'index' | 'manifest' | undefined {
  if (Array.isArray(doc.manifests)) return 'index';
  if (doc.config && Array.isArray(doc.layers)) return 'manifest';
  return undefined;
}

/** Why an index entry is not an image platform, or undefined when it is one. */
export function notAPlatform(desc: Descriptor): string | undefined {
  if (desc.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') return 'attestation manifest';
  if (desc.platform?.os === 'unknown' && desc.platform.architecture === 'unknown') return 'platform unknown/unknown';
  if (desc.artifactType) return `artifact ${desc.artifactType}`;
  // Any other entry may be an image in a form we cannot read (schema 1, a new type): it is fetched,
  // and then either read, told apart as an artifact, or left unknown, but never silently dropped.
  return undefined;
}

/** Why a fetched manifest is an artifact rather than a container image, or undefined. */
export function artifactReason(manifest: ImageManifest): string | undefined {
  if (manifest.artifactType) return `artifact ${manifest.artifactType}`;
  if (!IMAGE_CONFIG_TYPES.has(manifest.config.mediaType)) return `config media type ${manifest.config.mediaType}`;
  return undefined;
}

export function platformString(p: { os?: string; architecture?: string; variant?: string } | undefined): string | undefined {
  if (!p?.os || !p.architecture) return undefined;
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}
