// SPDX 3.0 JSON-LD (compact form, spdx-context.jsonld): packages from the @graph, their locations from the
// files they `contains`, the subject from the document's root element (through an Sbom element when there is one).
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { asDigest, asTimestamp, describedImage, hashName, isRecord, parseWith, type DecodedSbom, type Identified, type SbomDecoder } from './decoder.js';
import { imagePaths } from './locations.js';
import { parsePurl, toPackage } from './purl.js';
import { sourceInfoPaths } from './spdx-json.js';

const SUPPORTED = ['3.0'];

const Element = lazySchema(() =>
  z.looseObject({
    type: z.string().optional(),
    '@type': z.string().optional(),
    spdxId: z.string().optional(),
    '@id': z.string().optional(),
    name: z.string().optional(),
  }),
);
type Element = z.infer<typeof Element>;

export const Spdx3Document = lazySchema(() =>
  z.looseObject({ '@graph': z.array(Element) }),
);

function identify(doc: unknown): Identified | undefined {
  if (!isRecord(doc) || doc['@context'] === undefined || typeof doc.spdxVersion === 'string') return undefined;
  const version = /spdx\.org\/rdf\/(\d+\.\d+)/.exec(JSON.stringify(doc['@context']))?.[1];
  if (!version) return undefined;
  const supported = SUPPORTED.includes(version);
  return {
    format: `spdx-jsonld-${version}`,
    supported,
    ...(supported ? {} : { detail: `SPDX ${version} JSON-LD is not supported (supported: ${SUPPORTED.join(', ')})` }),
  };
}

/** `software_Package`, `software:Package` and `Package` are one type. */
function typeOf(e: Element): string {
  return (e.type ?? e['@type'] ?? '').replace(/^software[_:]/, '');
}

function idOf(e: Element): string | undefined {
  return e.spdxId ?? e['@id'];
}

/** A property in the compact form (`software_packageVersion`) or without its namespace prefix. */
function prop(e: Element, name: string): unknown {
  return e[`software_${name}`] ?? e[`software:${name}`] ?? e[name];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function strings(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

function decode(raw: unknown, file: string): DecodedSbom {
  const doc = parseWith(Spdx3Document, raw, file, 'SPDX 3 document');
  const graph = doc['@graph'];
  const byId = new Map<string, Element>();
  for (const e of graph) if (idOf(e)) byId.set(idOf(e) as string, e);
  const contains = containedFiles(graph, byId);
  const packages = graph.filter((e) => typeOf(e) === 'Package').map((p) => toPackage({
    purl: purlOf(p),
    name: p.name,
    version: str(prop(p, 'packageVersion')),
    paths: packagePaths(p, contains),
  }));
  const out: DecodedSbom = { format: identify(raw)?.format ?? 'spdx-jsonld', packages };
  const created = asTimestamp(createdOf(graph));
  if (created) out.created = created;
  const subject = describedSubject(graph, byId);
  if (subject) out.subject = subject;
  return out;
}

function purlOf(p: Element): string | undefined {
  const direct = str(prop(p, 'packageUrl'));
  if (direct) return direct;
  const ids = Array.isArray(p.externalIdentifier) ? p.externalIdentifier : [];
  const ref = ids.find((x): x is Record<string, unknown> => isRecord(x) && x.externalIdentifierType === 'packageUrl');
  return str(ref?.identifier);
}

function packagePaths(p: Element, contains: Map<string, string[]>): string[] {
  const fromSource = sourceInfoPaths(str(prop(p, 'sourceInfo')));
  if (fromSource.length > 0) return fromSource;
  const id = idOf(p);
  return imagePaths(id ? (contains.get(id) ?? []) : []);
}

/** Package id -> names of the files it `contains`. */
function containedFiles(graph: Element[], byId: Map<string, Element>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of graph) {
    if (typeOf(r) !== 'Relationship' || r.relationshipType !== 'contains') continue;
    const from = str(r.from);
    if (!from) continue;
    for (const to of strings(r.to)) {
      const target = byId.get(to);
      if (!target || typeOf(target) !== 'File' || !target.name) continue;
      out.set(from, [...(out.get(from) ?? []), target.name]);
    }
  }
  return out;
}

function createdOf(graph: Element[]): string | undefined {
  const info = graph.find((e) => typeOf(e) === 'CreationInfo');
  if (info) return str(info.created);
  const docInfo = graph.find((e) => typeOf(e) === 'SpdxDocument')?.creationInfo;
  return isRecord(docInfo) ? str(docInfo.created) : undefined;
}

/** SpdxDocument.rootElement, through an Sbom's own rootElement, to the package it describes. */
function describedSubject(graph: Element[], byId: Map<string, Element>): DecodedSbom['subject'] | undefined {
  const document = graph.find((e) => typeOf(e) === 'SpdxDocument');
  let roots = strings(document?.rootElement).map((id) => byId.get(id)).filter((e): e is Element => e !== undefined);
  const sbom = roots.find((e) => typeOf(e) === 'Sbom') ?? graph.find((e) => typeOf(e) === 'Sbom');
  if (sbom) roots = strings(sbom.rootElement).map((id) => byId.get(id)).filter((e): e is Element => e !== undefined);
  const described = roots.find((e) => typeOf(e) === 'Package');
  const name = described?.name ?? document?.name;
  const purlText = described ? purlOf(described) : undefined;
  const purl = parsePurl(purlText);
  const version = described ? str(prop(described, 'packageVersion')) : undefined;
  const digest = asDigest(purl?.ecosystem === 'oci' ? purl.version : undefined) ?? asDigest(version);
  const hashes = (Array.isArray(described?.verifiedUsing) ? described.verifiedUsing : [])
    .filter(isRecord)
    .map((h) => hashName(str(h.algorithm) ?? '', str(h.hashValue) ?? ''))
    .filter((h): h is string => h !== undefined);
  return describedImage({ name, version, digest, purl: purlText, hashes });
}

export const spdx3JsonLd = { name: 'spdx-jsonld', identify, decode } satisfies SbomDecoder;
