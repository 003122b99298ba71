// The structure CycloneDX 1.6 and SPDX 2.3 JSON schemas require, written by hand from the specifications
// (the schema files themselves are not vendored): required fields, enums, patterns, and no unknown keys
// where the CycloneDX schema sets additionalProperties false.
import * as z from 'zod';

const COMPONENT_TYPES = ['application', 'framework', 'library', 'container', 'platform', 'operating-system', 'device', 'device-driver', 'firmware', 'file', 'machine-learning-model', 'data', 'cryptographic-asset'] as const;
const Property = z.strictObject({ name: z.string().min(1), value: z.string().optional() });

type Component = { type: string; 'bom-ref'?: string; name: string; version?: string; purl?: string; properties?: z.infer<typeof Property>[]; components?: Component[] };
const CdxComponent: z.ZodType<Component> = z.lazy(() =>
  z.strictObject({
    type: z.enum(COMPONENT_TYPES),
    'bom-ref': z.string().min(1).optional(),
    name: z.string(),
    version: z.string().optional(),
    purl: z.string().optional(),
    properties: z.array(Property).optional(),
    components: z.array(CdxComponent).optional(),
  }),
);

export const CycloneDx16 = z.strictObject({
  $schema: z.literal('http://cyclonedx.org/schema/bom-1.6.schema.json'),
  bomFormat: z.literal('CycloneDX'),
  specVersion: z.literal('1.6'),
  serialNumber: z.string().regex(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
  version: z.number().int().min(1),
  metadata: z.strictObject({
    timestamp: z.iso.datetime(),
    tools: z.strictObject({ components: z.array(CdxComponent) }),
    component: CdxComponent.optional(),
  }),
  components: z.array(CdxComponent),
});

/** bom-refs must be unique across the whole BOM. */
export function cycloneDxRefs(bom: z.infer<typeof CycloneDx16>): string[] {
  const refs: string[] = [];
  const walk = (cs: Component[] | undefined) => cs?.forEach((c) => (c['bom-ref'] && refs.push(c['bom-ref']), walk(c.components)));
  if (bom.metadata.component) walk([bom.metadata.component]);
  walk(bom.components);
  return refs;
}

const SpdxId = z.string().regex(/^SPDXRef-[A-Za-z0-9.-]+$/);
const ExternalRef = z.strictObject({ referenceCategory: z.enum(['SECURITY', 'PACKAGE-MANAGER', 'PERSISTENT-ID', 'OTHER']), referenceType: z.string(), referenceLocator: z.string() });
const Annotation = z.strictObject({ annotationDate: z.iso.datetime(), annotationType: z.enum(['REVIEW', 'OTHER']), annotator: z.string().regex(/^(Person|Organization|Tool): /), comment: z.string() });
const SpdxPackage = z.strictObject({
  SPDXID: SpdxId,
  name: z.string(),
  versionInfo: z.string().optional(),
  downloadLocation: z.string(),
  filesAnalyzed: z.boolean().optional(),
  sourceInfo: z.string().optional(),
  primaryPackagePurpose: z.enum(['APPLICATION', 'FRAMEWORK', 'LIBRARY', 'CONTAINER', 'OPERATING-SYSTEM', 'DEVICE', 'FIRMWARE', 'SOURCE', 'ARCHIVE', 'FILE', 'INSTALL', 'OTHER']).optional(),
  externalRefs: z.array(ExternalRef).optional(),
  annotations: z.array(Annotation).optional(),
});

export const Spdx23 = z.strictObject({
  spdxVersion: z.literal('SPDX-2.3'),
  dataLicense: z.literal('CC0-1.0'),
  SPDXID: z.literal('SPDXRef-DOCUMENT'),
  name: z.string(),
  documentNamespace: z.string().regex(/^[a-z][a-z0-9+.-]*:/, 'a URI'),
  creationInfo: z.strictObject({ created: z.iso.datetime(), creators: z.array(z.string().regex(/^(Person|Organization|Tool): /)).min(1) }),
  documentDescribes: z.array(SpdxId),
  packages: z.array(SpdxPackage),
  relationships: z.array(z.strictObject({ spdxElementId: SpdxId, relationshipType: z.enum(['DESCRIBES', 'CONTAINS']), relatedSpdxElement: SpdxId })),
});
