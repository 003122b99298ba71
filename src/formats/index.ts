// Stage 3: SBOM document text -> packages. Sniff the syntax (JSON, XML, YAML, SPDX tag-value) and the format, then decode.
import { InputError } from '../errors.js';
import { cycloneDxXmlVersion, decodeCycloneDxXml } from './cyclonedx-xml.js';
import type { DecodedSbom } from './decoder.js';
import { DEFAULT_PIECES, NOT_SPLIT, parseJsonPieces } from './json-pieces.js';
import { checkJsonDepth, MAX_JSON_DEPTH, parseJsonValues } from './json-text.js';
import { withDeclaredIdentities } from './purl.js';
import { DECODERS, identifySbom, sniffSbomFormat } from './sniff.js';
import { decodeSpdx } from './spdx-json.js';
import { decodeSpdxRdf } from './spdx-rdf.js';
import { decodeSpdxTagValue, isSpdxTagValue } from './spdx-tag-value.js';
import { checkXmlText, xmlRoot } from './xml-text.js';
import { isYamlSbom, parseYaml } from './yaml-text.js';

export type { DecodedSbom, Identified, SbomDecoder } from './decoder.js';
export { readAttestations, unwrapPredicate, type Attestation } from './in-toto.js';
export { parsePurl } from './purl.js';
export { DECODERS, sniffSbomFormat };

const KNOWN = 'SPDX JSON/YAML/tag-value/RDF-XML, SPDX 3 JSON-LD, CycloneDX JSON/XML, syft JSON, grype JSON, in-toto/DSSE attestation';

/**
 * Decodes one SBOM file. Throws InputError naming the file when it is empty, not JSON or cut short,
 * in no format known here, in a format known but not read (named), or at a version not supported.
 */
export function decodeSbom(text: string, file: string): DecodedSbom {
  const sbom = decodeSbomText(text, file);
  return { ...sbom, packages: withDeclaredIdentities(sbom.packages) };
}

function decodeSbomText(text: string, file: string): DecodedSbom {
  const body = text.replace(/^\uFEFF/, '');
  const start = body.trimStart()[0];
  if (start === '<') return decodeXmlSbom(body, file);
  if (start !== '{' && start !== '[') {
    if (isSpdxTagValue(body)) return decodeSpdxTagValue(body, file);
    if (isYamlSbom(body)) return decodeYamlSbom(body, file);
  }
  const values = parseJsonValues(body, file);
  // Several values in one file only make sense as a stream of attestations; the in-toto sniff checks that.
  return decodeJsonDoc(values.length === 1 ? values[0] : values, file);
}

/**
 * decodeSbom of the file's bytes decoded as UTF-8, for a large JSON document without making its text: the bytes
 * are parsed in pieces (json-pieces.ts), which give JSON.parse's own value or decline, and then the document is
 * decoded exactly as from its text. Anything the pieces decline (not one JSON container, not JSON at all, another
 * syntax) is decoded from the text, so every error and its line are the text path's.
 */
export function decodeSbomBytes(bytes: Buffer, file: string): DecodedSbom {
  let from = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (bytes[from] === 0x20 || bytes[from] === 0x0a || bytes[from] === 0x0d || bytes[from] === 0x09) from++;
  const parsed = bytes.length - from > DEFAULT_PIECES.pieceBytes && (bytes[from] === 0x7b || bytes[from] === 0x5b) ? parseJsonPieces(bytes, from) : NOT_SPLIT;
  if (parsed === NOT_SPLIT) return decodeSbom(bytes.toString('utf8'), file);
  // The text's nesting bounds the value's, so only a text nested past the limit needs the walk over the value.
  if (parsed.maxDepth > MAX_JSON_DEPTH) checkJsonDepth(parsed.value, file);
  const sbom = decodeJsonDoc(parsed.value, file);
  return { ...sbom, packages: withDeclaredIdentities(sbom.packages) };
}

/** A parsed JSON document (or a stream of them, as an array) identified and decoded. */
function decodeJsonDoc(doc: unknown, file: string): DecodedSbom {
  const found = identifySbom(doc);
  if (!found) throw new InputError(file, `not an SBOM format I know (looked for ${KNOWN})`);
  if (!found.id.supported) throw new InputError(file, found.id.detail ?? `${found.id.format} is not supported`);
  try {
    return found.decoder.decode(doc, file);
  } catch (err) {
    // A document nested past the stack (inside a string predicate, say) is bad input, never a crash text.
    if (err instanceof RangeError) throw new InputError(file, `${found.id.format}: the document nests too deeply to read`);
    throw err;
  }
}

/** CycloneDX XML and SPDX RDF/XML are read; other XML is not an SBOM format known here. */
function decodeXmlSbom(text: string, file: string): DecodedSbom {
  checkXmlText(text, file);
  const root = xmlRoot(text);
  if (!root) throw new InputError(file, 'XML without a root element: not an SBOM format I know');
  const local = root.name.replace(/^[^:]*:/, '');
  const cdx = cycloneDxXmlVersion(root.namespaces);
  if (local === 'bom' && cdx) return decodeCycloneDxXml(text, file, cdx);
  if (local === 'bom' && root.namespaces.some((ns) => /cyclonedx\.org/.test(ns))) {
    throw new InputError(file, `CycloneDX XML with namespace ${root.namespaces.join(' ')}: no spec version named, not read`);
  }
  if (local === 'RDF' && /spdx\.org\/rdf\/terms/.test(text.slice(0, 64 * 1024))) return decodeSpdxRdf(text, file);
  throw new InputError(file, `XML with root element <${root.name}> is not an SBOM format I know (looked for ${KNOWN})`);
}

/** SPDX YAML (the SPDX JSON model in YAML syntax). CycloneDX has no YAML form; one is named and refused. */
function decodeYamlSbom(text: string, file: string): DecodedSbom {
  const doc = parseYaml(text, file);
  const found = identifySbom(doc);
  if (found?.decoder.name !== 'spdx-json') {
    throw new InputError(file, `${found ? `${found.id.format.replace('-json', '')} in YAML` : 'YAML'} is not an SBOM format I know (looked for ${KNOWN})`);
  }
  const id = found.id;
  if (!id.supported) throw new InputError(file, id.detail ?? `${id.format} is not supported`);
  return decodeSpdx(doc, file, 'yaml');
}
