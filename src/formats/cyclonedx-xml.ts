// CycloneDX XML 1.2–1.7: the XML tree is turned into CycloneDX's JSON shape, then decoded like JSON.
import { InputError } from '../errors.js';
import { CYCLONEDX_SUPPORTED, decodeCycloneDx } from './cyclonedx-json.js';
import { isRecord, type DecodedSbom } from './decoder.js';
import { parseXml, xmlText } from './xml-text.js';

/** The spec version a CycloneDX namespace names (`http://cyclonedx.org/schema/bom/1.5` -> `1.5`). */
export function cycloneDxXmlVersion(namespaces: string[]): string | undefined {
  for (const ns of namespaces) {
    const v = /^https?:\/\/cyclonedx\.org\/schema\/bom\/(\d+\.\d+)$/.exec(ns.trim())?.[1];
    if (v) return v;
  }
  return undefined;
}

export function decodeCycloneDxXml(text: string, file: string, version: string): DecodedSbom {
  if (!CYCLONEDX_SUPPORTED.includes(version)) {
    throw new InputError(file, `CycloneDX XML ${version} is not supported (supported: ${CYCLONEDX_SUPPORTED.join(', ')})`);
  }
  const tree = parseXml(text, file);
  const bom = tree.bom;
  if (!isRecord(bom)) throw new InputError(file, 'not a valid CycloneDX XML document: no <bom> root element');
  return decodeCycloneDx(bomShape(bom, version), file, 'xml');
}

function bomShape(bom: Record<string, unknown>, version: string): Record<string, unknown> {
  const metadata = record(bom.metadata);
  const main = record(metadata.component);
  return {
    bomFormat: 'CycloneDX',
    specVersion: version,
    metadata: {
      ...(xmlText(metadata.timestamp) !== undefined ? { timestamp: xmlText(metadata.timestamp) } : {}),
      ...(metadata.component !== undefined ? { component: componentShape(list(metadata.component)[0] ?? main) } : {}),
    },
    components: list(record(bom.components).component).map(componentShape),
  };
}

function componentShape(raw: unknown): Record<string, unknown> {
  const c = record(raw);
  const out: Record<string, unknown> = {};
  for (const key of ['name', 'group', 'version', 'purl'] as const) {
    const v = xmlText(c[key]);
    if (v !== undefined) out[key] = v;
  }
  if (typeof c['@_type'] === 'string') out.type = c['@_type'];
  if (typeof c['@_bom-ref'] === 'string') out['bom-ref'] = c['@_bom-ref'];
  const properties = list(record(c.properties).property).map((p) => ({ name: record(p)['@_name'], value: xmlText(p) ?? '' }));
  if (properties.length > 0) out.properties = properties;
  const hashes = list(record(c.hashes).hash).map((h) => ({ alg: record(h)['@_alg'], content: xmlText(h) ?? '' }));
  if (hashes.length > 0) out.hashes = hashes;
  const children = list(record(c.components).component);
  if (children.length > 0) out.components = children.map(componentShape);
  return out;
}

function record(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v];
}
