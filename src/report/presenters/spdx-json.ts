// `-f spdx-json`: the inventory as SPDX 2.3 JSON. Each image and platform is a CONTAINER package the document
// describes, CONTAINing its packages; paths go in sourceInfo (as syft writes them), layer and deletion in annotations.
import type { InventoryPackage } from '../../model/finding.js';
import type { Report } from '../../model/report.js';
import { inventoryEntries, reportUuid, type InventoryEntry } from './inventory.js';
import type { Presenter } from './presenter.js';

type Json = Record<string, unknown>;

/** SPDXIDs allow letters, digits, `.` and `-` only. */
function spdxId(...parts: string[]): string {
  return `SPDXRef-${parts.join('-').replace(/[^A-Za-z0-9.-]+/g, '-')}`;
}

function purlRef(purl: string | undefined): Json[] {
  return purl ? [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }] : [];
}

function annotations(report: Report, facts: [string, string | undefined][]): Json[] {
  return facts
    .filter((f): f is [string, string] => f[1] !== undefined && f[1] !== '')
    .map(([key, value]) => ({ annotationDate: report.generatedAt, annotationType: 'OTHER', annotator: `Tool: ${report.tool.name}-${report.tool.version}`, comment: `sbom-hunt:${key}=${value}` }));
}

function packageOf(report: Report, e: InventoryEntry, p: InventoryPackage, k: number): Json {
  const notes = annotations(report, [['ecosystem', p.ecosystem], ['layer', p.layer], ['deleted', p.deleted ? 'true' : undefined], ['location-kind', p.location], ['evidence', e.evidence]]);
  return {
    SPDXID: spdxId(e.id, 'pkg', String(k + 1)),
    name: p.name,
    ...(p.version ? { versionInfo: p.version } : {}),
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    ...(p.paths.length > 0 ? { sourceInfo: `acquired package info from sbom-hunt inventory: ${p.paths.join(', ')}` } : {}),
    ...(p.purl ? { externalRefs: purlRef(p.purl) } : {}),
    ...(notes.length > 0 ? { annotations: notes } : {}),
  };
}

function imagePackage(report: Report, e: InventoryEntry): Json {
  const notes = annotations(report, [['ref', e.image.ref], ['platform', e.platform.platform], ['evidence', e.evidence]]);
  return {
    SPDXID: spdxId(e.id),
    name: e.name,
    ...(e.digest ? { versionInfo: e.digest } : {}),
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    primaryPackagePurpose: 'CONTAINER',
    ...(e.image.describes?.purl ? { externalRefs: purlRef(e.image.describes.purl) } : {}),
    annotations: notes,
  };
}

export const spdxJsonPresenter: Presenter = (report, out) => {
  const entries = inventoryEntries(report);
  const packages: Json[] = [];
  const relationships: Json[] = [];
  for (const e of entries) {
    packages.push(imagePackage(report, e));
    relationships.push({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: spdxId(e.id) });
    e.packages.forEach((p, k) => {
      packages.push(packageOf(report, e, p, k));
      relationships.push({ spdxElementId: spdxId(e.id), relationshipType: 'CONTAINS', relatedSpdxElement: spdxId(e.id, 'pkg', String(k + 1)) });
    });
  }
  const doc = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: entries.length === 1 ? entries[0]!.name : `${report.tool.name} inventory`,
    documentNamespace: `urn:uuid:${reportUuid(report, 'spdx')}`,
    creationInfo: { created: report.generatedAt, creators: [`Tool: ${report.tool.name}-${report.tool.version}`] },
    documentDescribes: entries.map((e) => spdxId(e.id)),
    packages,
    relationships,
  };
  out.write(JSON.stringify(doc, null, 2) + '\n');
};
