// SPDX 2.2 / 2.3 JSON: every package, with its locations from syft's sourceInfo or trivy's CONTAINS'd files.
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import type { Package } from '../model/package.js';
import { asDigest, asTimestamp, describedImage, hashName, isRecord, parseWith, type DecodedSbom, type Identified, type SbomDecoder } from './decoder.js';
import { imagePaths, sbomFileRecord, toImagePath } from './locations.js';
import { parsePurl, toPackage } from './purl.js';

export const SPDX_SUPPORTED = ['2.2', '2.3'];

const SpdxExternalRef = lazySchema(() =>
  z.looseObject({
    referenceCategory: z.string().optional(),
    referenceType: z.string().optional(),
    referenceLocator: z.string().optional(),
  }),
);

const SpdxPackage = lazySchema(() =>
  z.looseObject({
    SPDXID: z.string().optional(),
    name: z.string().optional(),
    versionInfo: z.string().optional(),
    sourceInfo: z.string().optional(),
    annotations: z.array(z.looseObject({ comment: z.string().optional() })).optional(),
    checksums: z.array(z.looseObject({ algorithm: z.string().optional(), checksumValue: z.string().optional() })).optional(),
    hasFiles: z.array(z.string()).optional(),
    externalRefs: z.array(SpdxExternalRef).optional(),
  }),
);
type SpdxPackage = z.infer<typeof SpdxPackage>;

export const SpdxDocument = lazySchema(() =>
  z.looseObject({
    spdxVersion: z.string(),
    name: z.string().optional(),
    // Tern writes creators as a string; only `created` is read here.
    creationInfo: z.looseObject({ created: z.string().optional() }).optional(),
    documentDescribes: z.array(z.string()).optional(),
    packages: z.array(SpdxPackage).optional(),
    files: z
      .array(
        z.looseObject({
          SPDXID: z.string().optional(),
          fileName: z.string().optional(),
          comment: z.string().optional(),
          checksums: z.array(z.looseObject({ algorithm: z.string().optional(), checksumValue: z.string().optional() })).optional(),
        }),
      )
      .optional(),
    relationships: z
      .array(
        z.looseObject({
          spdxElementId: z.string().optional(),
          relationshipType: z.string().optional(),
          relatedSpdxElement: z.string().optional(),
        }),
      )
      .optional(),
  }),
);
type SpdxDocument = z.infer<typeof SpdxDocument>;

function identify(doc: unknown): Identified | undefined {
  if (!isRecord(doc) || typeof doc.spdxVersion !== 'string') return undefined;
  return versioned(spdxVersionOf(doc.spdxVersion), 'json');
}

/** `SPDX-2.3` -> `2.3`; anything else as written. */
export function spdxVersionOf(raw: string): string {
  return /^SPDX-(\d+\.\d+)$/.exec(raw.trim())?.[1] ?? raw;
}

/** `syntax` names the text the document came from: `json`, `yaml`, `tag-value`. */
export function versioned(version: string, syntax: string): Identified {
  const supported = SPDX_SUPPORTED.includes(version);
  return {
    format: `spdx-${syntax}-${version}`,
    supported,
    ...(supported ? {} : { detail: `SPDX ${version} is not supported (supported: ${SPDX_SUPPORTED.join(', ')})` }),
  };
}

function decode(raw: unknown, file: string): DecodedSbom {
  return decodeSpdx(raw, file, 'json');
}

/** Decodes a document in SPDX 2's JSON shape, from whichever text it was read. */
export function decodeSpdx(raw: unknown, file: string, syntax: string): DecodedSbom {
  const doc = parseWith(SpdxDocument, raw, file, 'SPDX document');
  const filesOf = containedFiles(doc);
  const packages = (doc.packages ?? []).map((p) => ownAnnotations(p, toPackage({
    purl: purlOf(p),
    name: p.name,
    version: p.versionInfo,
    ecosystem: annotation(p, 'ecosystem'),
    paths: packagePaths(p, filesOf),
  })));
  const out: DecodedSbom = { format: `spdx-${syntax}-${spdxVersionOf(doc.spdxVersion)}`, packages };
  const created = asTimestamp(doc.creationInfo?.created);
  if (created) out.created = created;
  const subject = describedSubject(doc);
  if (subject) out.subject = subject;
  const files = (doc.files ?? []).flatMap((f) => {
    const layer = /^layerID: (sha256:[0-9a-f]{64})$/.exec(f.comment ?? '')?.[1];
    const r = sbomFileRecord(f.fileName, (f.checksums ?? []).map((c) => ({ alg: c.algorithm, value: c.checksumValue })), { layer });
    return r ? [r] : [];
  });
  if (files.length > 0) out.files = files;
  return out;
}

/** `sbom-hunt:KEY=VALUE` annotations: what sbom-hunt's own output keeps beyond SPDX's fields. */
function annotation(p: SpdxPackage, key: string): string | undefined {
  const prefix = `sbom-hunt:${key}=`;
  return p.annotations?.find((a) => a.comment?.startsWith(prefix))?.comment?.slice(prefix.length);
}

function ownAnnotations(p: SpdxPackage, pkg: Package): Package {
  const layer = annotation(p, 'layer');
  if (layer) pkg.layer = layer;
  if (annotation(p, 'deleted') === 'true') pkg.deleted = true;
  if (annotation(p, 'location-kind') === 'download-cache') pkg.location = 'download-cache';
  return pkg;
}

/** Both spellings: the 2.2 spec says PACKAGE_MANAGER, 2.3 says PACKAGE-MANAGER, trivy mixes them. */
function purlOf(p: SpdxPackage): string | undefined {
  const ref = p.externalRefs?.find(
    (r) => r.referenceType === 'purl' && (!r.referenceCategory || /^PACKAGE[-_]MANAGER$/i.test(r.referenceCategory)),
  );
  return ref?.referenceLocator;
}

/** SPDXID of a package -> file names it CONTAINS or lists in hasFiles (trivy's way of saying where a package.json is). */
function containedFiles(doc: SpdxDocument): Map<string, string[]> {
  const names = new Map<string, string>();
  for (const f of doc.files ?? []) if (f.SPDXID && f.fileName) names.set(f.SPDXID, f.fileName);
  const out = new Map<string, string[]>();
  const add = (owner: string, fileId: string) => {
    const name = names.get(fileId);
    if (!name) return;
    const list = out.get(owner);
    if (list) list.push(name);
    else out.set(owner, [name]);
  };
  for (const r of doc.relationships ?? []) {
    if (r.relationshipType === 'CONTAINS' && r.spdxElementId && r.relatedSpdxElement) add(r.spdxElementId, r.relatedSpdxElement);
  }
  for (const p of doc.packages ?? []) for (const id of p.hasFiles ?? []) if (p.SPDXID) add(p.SPDXID, id);
  return out;
}

/**
 * syft names the manifest it read in sourceInfo; when it does, that is the package's location.
 * Otherwise the files the package CONTAINS stand in (trivy). syft also CONTAINS every file an apk owns,
 * which would bury the one location that matters, hence the order.
 */
function packagePaths(p: SpdxPackage, filesOf: Map<string, string[]>): string[] {
  const fromSource = sourceInfoPaths(p.sourceInfo);
  if (fromSource.length > 0) return fromSource;
  return imagePaths(p.SPDXID ? (filesOf.get(p.SPDXID) ?? []) : []);
}

/** "acquired package info from installed node module manifest file: /a/package.json, /b/package.json" */
export function sourceInfoPaths(sourceInfo: string | undefined): string[] {
  const list = /^acquired package info from [^:]*:\s*(.+)$/.exec(sourceInfo ?? '')?.[1];
  if (!list) return [];
  // One manifest, as syft names for nearly every package: no list to split.
  if (!list.includes(',')) {
    const only = list.startsWith('/') ? toImagePath(list) : undefined;
    return only === undefined ? [] : [only];
  }
  return imagePaths(list.split(/,\s+(?=\/)/).filter((s) => s.startsWith('/')));
}

function describedSubject(doc: SpdxDocument): DecodedSbom['subject'] | undefined {
  const ids = new Set(doc.documentDescribes ?? []);
  for (const r of doc.relationships ?? []) {
    if (r.relationshipType === 'DESCRIBES' && r.spdxElementId === 'SPDXRef-DOCUMENT' && r.relatedSpdxElement) ids.add(r.relatedSpdxElement);
  }
  const described = (doc.packages ?? []).find((p) => p.SPDXID && ids.has(p.SPDXID));
  const name = described?.name || doc.name;
  const purlText = described ? purlOf(described) : undefined;
  const purl = parsePurl(purlText);
  const digest = asDigest(purl?.ecosystem === 'oci' ? purl.version : undefined) ?? asDigest(described?.versionInfo) ?? asDigest(described?.name);
  const hashes = (described?.checksums ?? []).map((c) => hashName(c.algorithm ?? '', c.checksumValue ?? '')).filter((h): h is string => h !== undefined);
  return describedImage({ name, version: described?.versionInfo, digest, purl: purlText, hashes });
}

export const spdxJson = { name: 'spdx-json', identify, decode } satisfies SbomDecoder;
