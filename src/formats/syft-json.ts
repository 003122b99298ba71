// syft's own JSON, schema 1.x to 16.x (and its golden files, which carry no schema key).
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { normalizeEcosystem } from '../match/ecosystem.js';
import { asDigest, describedImage, isRecord, parseWith, type DecodedSbom, type Identified, type SbomDecoder } from './decoder.js';
import { imagePaths, sbomFileRecord } from './locations.js';
import { toPackage } from './purl.js';

const NEWEST_MAJOR = 16;

export const SyftLocation = lazySchema(() =>
  z.looseObject({
    path: z.string().optional(),
    realPath: z.string().optional(),
    accessPath: z.string().optional(),
  }),
);
export type SyftLocation = z.infer<typeof SyftLocation>;

/** An artifact as syft writes it; grype's matches carry the same shape. */
export const SyftArtifact = lazySchema(() =>
  z.looseObject({
    id: z.string().optional(),
    name: z.string().optional(),
    version: z.string().optional(),
    type: z.string().optional(),
    language: z.string().optional(),
    purl: z.string().optional(),
    locations: z.array(SyftLocation).nullish(),
  }),
);

// Schema 1.x keeps the image under source.target; schema 13+ uses source.name and source.metadata.
const ImageInfo = lazySchema(() =>
  z.looseObject({
    userInput: z.string().optional(),
    manifestDigest: z.string().optional(),
    imageID: z.string().optional(),
    // syft lists the image's layers by their diff IDs (the uncompressed layer digests), bottom first.
    layers: z.array(z.looseObject({ digest: z.string().optional() })).nullish(),
  }),
);

/** syft's file catalog (`files`): every file it looked at, with digests when it was asked for them. */
const SyftFile = lazySchema(() =>
  z.looseObject({
    location: z.looseObject({ path: z.string().optional(), layerID: z.string().optional() }).optional(),
    metadata: z.looseObject({ size: z.number().optional(), type: z.string().optional() }).nullish(),
    digests: z.array(z.looseObject({ algorithm: z.string().optional(), value: z.string().optional() })).nullish(),
  }),
);

export const SyftDocument = lazySchema(() =>
  z.looseObject({
    artifacts: z.array(SyftArtifact),
    files: z.array(SyftFile).nullish(),
    schema: z.looseObject({ version: z.string().optional() }).optional(),
    source: z
      .looseObject({ name: z.string().optional(), version: z.string().optional(), target: z.unknown().optional(), metadata: z.unknown().optional() })
      .optional(),
  }),
);

// syft package types that are not ecosystem names themselves.
const SYFT_TYPES: Record<string, string> = {
  'go-module': 'go',
  'java-archive': 'maven',
  'jenkins-plugin': 'maven',
  'rust-crate': 'cargo',
  'dotnet': 'nuget',
  'php-composer': 'composer',
  'python': 'pypi',
};

/** Ecosystem from a syft (or grype) artifact type, for artifacts without a usable purl. */
export function syftTypeEcosystem(type: string | undefined): string {
  // Own keys only: a type of `__proto__` or `constructor` must not pick up Object.prototype's members.
  return type ? (Object.hasOwn(SYFT_TYPES, type) ? SYFT_TYPES[type]! : normalizeEcosystem(type)) : '';
}

export function syftLocationPaths(locations: SyftLocation[] | null | undefined): string[] {
  return imagePaths((locations ?? []).flatMap((l) => [l.path, l.realPath, l.accessPath]));
}

function identify(doc: unknown): Identified | undefined {
  if (!isRecord(doc) || !Array.isArray(doc.artifacts)) return undefined;
  const schema = isRecord(doc.schema) ? doc.schema : undefined;
  const descriptor = isRecord(doc.descriptor) ? doc.descriptor : undefined;
  const url = typeof schema?.url === 'string' ? schema.url : '';
  if (descriptor?.name !== 'syft' && !url.includes('syft') && !('artifactRelationships' in doc)) return undefined;
  const version = typeof schema?.version === 'string' ? schema.version : undefined;
  const major = version ? Number.parseInt(version, 10) : undefined;
  if (major === undefined || (major >= 1 && major <= NEWEST_MAJOR)) return { format: 'syft-json', supported: true };
  return {
    format: `syft-json-${version}`,
    supported: false,
    detail: `syft JSON schema ${version} is not supported (supported: 1.x to ${NEWEST_MAJOR}.x)`,
  };
}

function decode(raw: unknown, file: string): DecodedSbom {
  const doc = parseWith(SyftDocument, raw, file, 'syft JSON document');
  const packages = doc.artifacts.map((a) =>
    toPackage({
      purl: a.purl,
      name: a.name,
      version: a.version,
      ecosystem: syftTypeEcosystem(a.type) || a.language,
      paths: syftLocationPaths(a.locations),
    }),
  );
  const out: DecodedSbom = { format: 'syft-json', packages };
  const files = (doc.files ?? []).flatMap((f) => {
    // Directories and other non-regular entries hold no content an indicator could name.
    if (f.metadata?.type !== undefined && f.metadata.type !== 'RegularFile' && f.metadata.type !== 'SymbolicLink') return [];
    const r = sbomFileRecord(f.location?.path, (f.digests ?? []).map((d) => ({ alg: d.algorithm, value: d.value })), { size: f.metadata?.size, layer: f.location?.layerID });
    return r ? [r] : [];
  });
  if (files.length > 0) out.files = files;
  const subject = imageSubject(doc.source?.name, doc.source?.metadata ?? doc.source?.target, doc.source?.version);
  if (subject) out.subject = subject;
  const image = imageFacts(doc.source?.metadata ?? doc.source?.target);
  if (image) out.image = image;
  return out;
}

/** Shared with grype, whose `source.target` is the same image description. */
export function imageSubject(name: string | undefined, info: unknown, version?: string): DecodedSbom['subject'] | undefined {
  const parsed = ImageInfo.safeParse(info);
  const image = parsed.success ? parsed.data : undefined;
  const subjectName = name || image?.userInput || (typeof info === 'string' ? info : undefined);
  const digest = asDigest(image?.manifestDigest);
  // syft's image ID is the config digest: a hash of the image, not the digest a registry or kubelet names.
  const hashes = asDigest(image?.imageID) ? [image?.imageID as string] : [];
  return describedImage({ name: subjectName, version, digest, hashes });
}

/** The layers and config digest syft recorded of an image source; undefined when it recorded no layers. */
function imageFacts(info: unknown): DecodedSbom['image'] | undefined {
  const parsed = ImageInfo.safeParse(info);
  const layers = parsed.success ? (parsed.data.layers ?? []).map((l) => asDigest(l.digest)).filter((d): d is string => d !== undefined) : [];
  if (!parsed.success || layers.length === 0) return undefined;
  const config = asDigest(parsed.data.imageID);
  return { ...(config ? { config } : {}), layers: [], diffIds: layers };
}

export const syftJson = { name: 'syft-json', identify, decode } satisfies SbomDecoder;
