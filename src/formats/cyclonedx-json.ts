// CycloneDX 1.2–1.7 JSON (and XML, turned into the same shape first): every component at any depth, with syft's and trivy's location properties.
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import type { Package } from '../model/package.js';
import { asDigest, asTimestamp, describedImage, hashName, isRecord, parseWith, type DecodedSbom, type Identified, type SbomDecoder } from './decoder.js';
import { imagePaths, sbomFileRecord } from './locations.js';
import type { FileRecord } from '../model/target.js';
import { parsePurl, toPackage } from './purl.js';
import { syftTypeEcosystem } from './syft-json.js';

/** 1.2 brought purl and nested components; 1.0 and 1.1 predate the JSON format. */
export const CYCLONEDX_SUPPORTED = ['1.2', '1.3', '1.4', '1.5', '1.6', '1.7'];

const Property = lazySchema(() =>
  z.looseObject({ name: z.string().optional(), value: z.string().optional() }),
);

interface Component {
  type?: string | undefined;
  name?: string | undefined;
  group?: string | undefined;
  version?: string | undefined;
  purl?: string | undefined;
  hashes?: { alg?: string | undefined; content?: string | undefined }[] | undefined;
  properties?: z.infer<typeof Property>[] | undefined;
  components?: Component[] | undefined;
}

// Recursive: cyclonedx-npm's bare layout nests bundled dependencies inside their parent.
const Component: z.ZodType<Component> = lazySchema(() =>
  z.lazy(() =>
    z.looseObject({
      type: z.string().optional(),
      name: z.string().optional(),
      group: z.string().optional(),
      version: z.string().optional(),
      purl: z.string().optional(),
      hashes: z.array(z.looseObject({ alg: z.string().optional(), content: z.string().optional() })).optional(),
      properties: z.array(Property).optional(),
      components: z.array(Component).optional(),
    }),
  ),
);

export const CycloneDxDocument = lazySchema(() =>
  z.looseObject({
    bomFormat: z.literal('CycloneDX'),
    specVersion: z.string(),
    metadata: z
      .looseObject({
        timestamp: z.string().optional(),
        component: z
          .looseObject({
            name: z.string().optional(),
            version: z.string().optional(),
            purl: z.string().optional(),
            hashes: z.array(z.looseObject({ alg: z.string().optional(), content: z.string().optional() })).optional(),
          })
          .optional(),
      })
      .optional(),
    components: z.array(Component).optional(),
  }),
);

function identify(doc: unknown): Identified | undefined {
  if (!isRecord(doc) || doc.bomFormat !== 'CycloneDX') return undefined;
  const version = typeof doc.specVersion === 'string' ? doc.specVersion : 'unknown';
  const supported = CYCLONEDX_SUPPORTED.includes(version);
  return {
    format: `cyclonedx-json-${version}`,
    supported,
    ...(supported ? {} : { detail: `CycloneDX specVersion ${version} is not supported (supported: ${CYCLONEDX_SUPPORTED.join(', ')})` }),
  };
}

function decode(raw: unknown, file: string): DecodedSbom {
  return decodeCycloneDx(raw, file, 'json');
}

/** Decodes a document in CycloneDX's JSON shape; `syntax` names the text it came from (`json`, `xml`). */
export function decodeCycloneDx(raw: unknown, file: string, syntax: string): DecodedSbom {
  const doc = parseWith(CycloneDxDocument, raw, file, 'CycloneDX document');
  const packages: Package[] = [];
  const files: FileRecord[] = [];
  const visit = (list: Component[] | undefined): void => {
    for (const c of list ?? []) {
      // A container is the image, not a package in it (sbom-hunt lists several images this way); a file is a file.
      if (c.type === 'file') {
        const r = sbomFileRecord(c.name, (c.hashes ?? []).map((h) => ({ alg: h.alg, value: h.content })));
        if (r) files.push(r);
      } else if (c.type !== 'container') packages.push(componentPackage(c));
      visit(c.components);
    }
  };
  visit(doc.components);
  const out: DecodedSbom = { format: `cyclonedx-${syntax}-${doc.specVersion}`, packages };
  if (files.length > 0) out.files = files;
  const created = asTimestamp(doc.metadata?.timestamp);
  if (created) out.created = created;
  const main = doc.metadata?.component;
  const hashes = (main?.hashes ?? []).map((h) => hashName(h.alg ?? '', h.content ?? '')).filter((h): h is string => h !== undefined);
  const purl = parsePurl(main?.purl);
  const digest = asDigest(main?.version) ?? asDigest(purl?.ecosystem === 'oci' ? purl.version : undefined);
  const subject = main && describedImage({ name: main.name, version: main.version, digest, purl: main.purl, hashes });
  if (subject) out.subject = subject;
  return out;
}

function componentPackage(c: Component): Package {
  const prop = (name: string) => c.properties?.find((p) => p.name === name)?.value;
  const syftType = prop('syft:package:type');
  const pkg = toPackage({
    purl: c.purl,
    name: fallbackName(c),
    version: c.version,
    ecosystem: syftType ? syftTypeEcosystem(syftType) : prop('sbom-hunt:ecosystem'),
    paths: componentPaths(c),
  });
  // What sbom-hunt's own output keeps, so an inventory it wrote reads back whole.
  const layer = prop('sbom-hunt:layer');
  if (layer) pkg.layer = layer;
  if (prop('sbom-hunt:deleted') === 'true') pkg.deleted = true;
  if (prop('sbom-hunt:location-kind') === 'download-cache') pkg.location = 'download-cache';
  return pkg;
}

/** Without a purl the group is part of the name: npm scopes carry their `@`, maven groups join with `:`. */
function fallbackName(c: Component): string | undefined {
  if (!c.group || !c.name) return c.name;
  return c.group.startsWith('@') ? `${c.group}/${c.name}` : `${c.group}:${c.name}`;
}

/** syft: `syft:location:N:path`; sbom-hunt: `sbom-hunt:location:N:path`; trivy: `aquasecurity:trivy:FilePath`. */
function componentPaths(c: Component): string[] {
  const raw = (c.properties ?? [])
    .filter((p) => p.name && (/^(?:syft|sbom-hunt):location:\d+:path$/.test(p.name) || p.name === 'aquasecurity:trivy:FilePath'))
    .map((p) => p.value);
  return imagePaths(raw);
}

export const cyclonedxJson = { name: 'cyclonedx-json', identify, decode } satisfies SbomDecoder;
