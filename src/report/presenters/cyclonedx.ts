// `-f cyclonedx`: the inventory as CycloneDX 1.6 JSON. One image with one platform is the BOM's subject; several
// are container components, each holding its packages. Paths, layer, deletion and evidence ride in properties.
import type { InventoryPackage } from '../../model/finding.js';
import { inventoryEntries, reportUuid, type InventoryEntry } from './inventory.js';
import type { Presenter } from './presenter.js';

type Json = Record<string, unknown>;

function property(name: string, value: string): Json {
  return { name, value };
}

function packageComponent(p: InventoryPackage, ref: string, evidence: string): Json {
  const properties = [
    ...(p.ecosystem ? [property('sbom-hunt:ecosystem', p.ecosystem)] : []),
    ...p.paths.map((path, n) => property(`sbom-hunt:location:${n}:path`, path)),
    ...(p.layer ? [property('sbom-hunt:layer', p.layer)] : []),
    ...(p.deleted ? [property('sbom-hunt:deleted', 'true')] : []),
    ...(p.location ? [property('sbom-hunt:location-kind', p.location)] : []),
    ...(evidence ? [property('sbom-hunt:evidence', evidence)] : []),
  ];
  return {
    type: 'library',
    'bom-ref': ref,
    name: p.name,
    ...(p.version ? { version: p.version } : {}),
    ...(p.purl ? { purl: p.purl } : {}),
    ...(properties.length > 0 ? { properties } : {}),
  };
}

function packagesOf(e: InventoryEntry): Json[] {
  return e.packages.map((p, k) => packageComponent(p, `${e.id}:pkg-${k + 1}`, e.evidence));
}

function imageComponent(e: InventoryEntry, withPackages: boolean): Json {
  const properties = [
    property('sbom-hunt:ref', e.image.ref),
    ...(e.platform.platform ? [property('sbom-hunt:platform', e.platform.platform)] : []),
    ...(e.evidence ? [property('sbom-hunt:evidence', e.evidence)] : []),
  ];
  const packages = withPackages ? packagesOf(e) : [];
  return {
    type: 'container',
    'bom-ref': e.id,
    name: e.name,
    ...(e.digest ? { version: e.digest } : {}),
    ...(e.image.describes?.purl ? { purl: e.image.describes.purl } : {}),
    properties,
    ...(packages.length > 0 ? { components: packages } : {}),
  };
}

export const cyclonedxPresenter: Presenter = (report, out) => {
  const entries = inventoryEntries(report);
  const single = entries.length === 1 ? entries[0] : undefined;
  const bom = {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${reportUuid(report, 'cyclonedx')}`,
    version: 1,
    metadata: {
      timestamp: report.generatedAt,
      tools: { components: [{ type: 'application', name: report.tool.name, version: report.tool.version }] },
      ...(single ? { component: imageComponent(single, false) } : {}),
    },
    components: single ? packagesOf(single) : entries.map((e) => imageComponent(e, true)),
  };
  out.write(JSON.stringify(bom, null, 2) + '\n');
};
