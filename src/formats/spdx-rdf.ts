// SPDX 2.2 / 2.3 RDF/XML: packages, files and relationships gathered from the RDF graph wherever they nest,
// turned into the SPDX JSON shape, then decoded like JSON.
import { InputError } from '../errors.js';
import { isRecord, type DecodedSbom } from './decoder.js';
import { decodeSpdx, SPDX_SUPPORTED, spdxVersionOf } from './spdx-json.js';
import { parseXml, xmlText } from './xml-text.js';

type Node = Record<string, unknown>;

function nodes(v: unknown): Node[] {
  return (Array.isArray(v) ? v : [v]).filter(isRecord);
}

/** `https://example.com/doc#SPDXRef-Package-x` -> `SPDXRef-Package-x`. */
function idOf(n: Node): string | undefined {
  const about = n['@_about'] ?? n['@_resource'];
  return typeof about === 'string' ? (about.split('#').pop() ?? about) : undefined;
}

/** The last word of an RDF resource (`...#referenceCategory_packageManager` -> `packageManager`). */
function term(n: Node | undefined, prefix: string): string | undefined {
  const r = n?.['@_resource'];
  if (typeof r !== 'string') return undefined;
  const word = r.split(/[#/]/).pop() ?? '';
  return word.startsWith(prefix) ? word.slice(prefix.length) : word;
}

/** The element a property points at: a nested element, or an rdf:resource reference. */
function targets(prop: unknown): string[] {
  return nodes(prop).flatMap((p) => {
    const nested = Object.entries(p).filter(([k, v]) => !k.startsWith('@_') && isRecord(v)).flatMap(([, v]) => nodes(v));
    const ids = nested.length > 0 ? nested.map(idOf) : [idOf(p)];
    return ids.filter((x): x is string => x !== undefined);
  });
}

function packageShape(n: Node): Node {
  const refs = nodes(n.externalRef).flatMap((r) => nodes(r.ExternalRef)).map((r) => ({
    referenceCategory: term(nodes(r.referenceCategory)[0], 'referenceCategory_') === 'packageManager' ? 'PACKAGE-MANAGER' : 'OTHER',
    referenceType: term(nodes(r.referenceType)[0], '') ?? xmlText(r.referenceType),
    referenceLocator: xmlText(r.referenceLocator),
  }));
  const checksums = nodes(n.checksum).flatMap((c) => nodes(c.Checksum)).map((c) => ({
    algorithm: term(nodes(c.algorithm)[0], 'checksumAlgorithm_')?.toUpperCase(),
    checksumValue: xmlText(c.checksumValue),
  }));
  return { SPDXID: idOf(n), name: xmlText(n.name), versionInfo: xmlText(n.versionInfo), sourceInfo: xmlText(n.sourceInfo), externalRefs: refs, checksums };
}

export function decodeSpdxRdf(text: string, file: string): DecodedSbom {
  const tree = parseXml(text, file);
  const doc = nodes(isRecord(tree.RDF) ? tree.RDF.SpdxDocument : undefined)[0];
  if (!doc) throw new InputError(file, 'SPDX RDF/XML without an SpdxDocument element');
  const version = spdxVersionOf(xmlText(doc.specVersion) ?? '');
  if (!SPDX_SUPPORTED.includes(version)) throw new InputError(file, `SPDX RDF/XML ${version || '(no specVersion)'} is not supported (supported: ${SPDX_SUPPORTED.join(', ')})`);
  const packages = new Map<string, Node>();
  const files: Node[] = [];
  const relationships: Node[] = [];
  // Every element, wherever the graph nests it; the depth is bounded by the XML parser's limit.
  const stack: Node[] = [tree];
  while (stack.length > 0) {
    const n = stack.pop()!;
    const children: Node[] = [];
    for (const [key, value] of Object.entries(n)) {
      if (key.startsWith('@_')) continue;
      for (const child of nodes(value)) {
        if (key === 'Package' && xmlText(child.name) !== undefined) packages.set(idOf(child) ?? `SPDXRef-pkg-${packages.size + 1}`, packageShape(child));
        if (key === 'File' && xmlText(child.fileName) !== undefined) files.push({ SPDXID: idOf(child), fileName: xmlText(child.fileName) });
        if (key === 'relationship') {
          for (const r of nodes(child.Relationship)) {
            const type = term(nodes(r.relationshipType)[0], 'relationshipType_');
            for (const to of targets(r.relatedSpdxElement)) relationships.push({ spdxElementId: idOf(n), relationshipType: type?.toUpperCase(), relatedSpdxElement: to });
          }
        }
        children.push(child);
      }
    }
    // Reversed, so the walk meets elements in document order.
    stack.push(...children.reverse());
  }
  const created = xmlText(nodes(nodes(doc.creationInfo)[0]?.CreationInfo)[0]?.created);
  return decodeSpdx({
    spdxVersion: `SPDX-${version}`,
    name: xmlText(doc.name),
    ...(created ? { creationInfo: { created } } : {}),
    documentDescribes: targets(doc.describesPackage),
    packages: [...packages.values()],
    files,
    relationships,
  }, file, 'rdf');
}
