// Manifests and indexes, OCI and Docker v2 schema 2: identified by media type or by shape, then validated.
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.js';
import type { FetchedManifest } from '../../model/oci.js';

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

export const OciDescriptor = lazySchema(() =>
  z
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
    .loose(),
);

export const ImageIndex = lazySchema(() =>
  z
    .object({ schemaVersion: z.literal(2), mediaType: z.string().optional(), manifests: z.array(OciDescriptor) })
    .loose(),
);
export type ImageIndex = z.infer<typeof ImageIndex>;

export const ImageManifest = lazySchema(() =>
  z
    .object({
      schemaVersion: z.literal(2),
      mediaType: z.string().optional(),
      artifactType: z.string().optional(),
      config: OciDescriptor,
      layers: z.array(OciDescriptor),
    })
    .loose(),
);
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

// Layer media types a runtime unpacks (containerd `images.IsLayerType`, moby's rootfs diff types).
const RUNTIME_LAYER = /^application\/vnd\.(?:oci\.image\.layer(?:\.nondistributable)?\.v1\.tar(?:\+gzip|\+zstd)?|docker\.image\.rootfs\.(?:foreign\.)?diff\.tar(?:\.gzip)?)$/;
const IN_TOTO = /^application\/vnd\.in-toto(?:\.[^+]*)?\+json$/;

/**
 * Why a fetched manifest is not a container image, or undefined when a runtime would unpack it.
 * Decided by content alone: containerd's matcher looks at the index entry's platform only, so an entry
 * labelled as an attestation or carrying an artifactType is still pulled when its platform matches; what
 * it then unpacks are its tar layers. So a manifest with an image config or any runtime layer is read.
 */
export function artifactReason(manifest: ImageManifest): string | undefined {
  const layerTypes = manifest.layers.map((l) => l.mediaType);
  if (layerTypes.some((t) => RUNTIME_LAYER.test(t))) return undefined;
  // BuildKit's attestation manifests use an image config type; their layers are in-toto statements, no filesystem.
  if (layerTypes.length > 0 && layerTypes.every((t) => IN_TOTO.test(t))) return 'attestation manifest (only in-toto layers)';
  if (IMAGE_CONFIG_TYPES.has(manifest.config.mediaType)) return undefined;
  const types = [...new Set(layerTypes)].join(', ') || 'none';
  const what = manifest.artifactType ? `artifact ${manifest.artifactType}` : 'artifact';
  return `${what}: config ${manifest.config.mediaType}, no layer a runtime unpacks (layer types: ${types})`;
}

export function platformString(p: { os?: string; architecture?: string; variant?: string } | undefined): string | undefined {
  if (!p?.os || !p.architecture) return undefined;
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}
