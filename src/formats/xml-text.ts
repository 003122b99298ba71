// XML text -> a plain object tree, with the same hostile-input limits as JSON: size, depth, and no DTD at all.
import type * as Fxp from 'fast-xml-parser';
import { lazyLib } from '../lazy-lib.js';
import { InputError } from '../errors.js';
import { MAX_JSON_DEPTH } from './json-text.js';

/** fast-xml-parser, loaded with the first XML document: a scan of JSON SBOMs does not build its modules. */
const fxp = lazyLib<typeof Fxp>('fast-xml-parser', () => require('fast-xml-parser'));

/** Larger than any SBOM a tool writes; an XML tree in memory is several times its text. */
export const MAX_XML_CHARS = 256 * 1024 ** 2;

/** Elements that repeat in the SBOM formats read here: always arrays, even with one member. */
const LISTS = new Set(['component', 'property', 'hash', 'tool', 'license', 'dependency', 'reference']);

/**
 * Size and DTD limits, checked on the text before anything parses it. A DOCTYPE is refused: no SBOM format
 * declares one, and it is where entity expansion (billion laughs) and external entities live.
 */
export function checkXmlText(text: string, file: string): void {
  if (text.length > MAX_XML_CHARS) throw new InputError(file, `XML larger than ${MAX_XML_CHARS / 1024 ** 2} MiB: not read`);
  const doctype = /<!DOCTYPE|<!ENTITY/i.exec(text);
  if (doctype) throw new InputError(file, 'XML with a DOCTYPE or entity declarations is not read (no SBOM format uses one)', lineAt(text, doctype.index));
}

/** Parses XML text. Only XML's built-in entities and character references are decoded; values stay strings (`1.10` is not `1.1`). */
export function parseXml(text: string, file: string): Record<string, unknown> {
  checkXmlText(text, file);
  const { XMLParser, XMLValidator } = fxp();
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new InputError(file, `not valid XML: ${valid.err.msg}`, valid.err.line);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    // No declared entities can exist (DOCTYPE refused above); the built-in ones are not an amplification.
    processEntities: { enabled: true, maxEntityCount: 0, maxTotalExpansions: Number.MAX_SAFE_INTEGER, maxExpandedLength: MAX_XML_CHARS },
    // Decodes character references (&#65;); without it they stay as written.
    htmlEntities: true,
    maxNestedTags: MAX_JSON_DEPTH,
    isArray: (name) => LISTS.has(name),
  });
  try {
    return parser.parse(text) as Record<string, unknown>;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof RangeError || /nested/i.test(message)) {
      throw new InputError(file, `XML nested more than ${MAX_JSON_DEPTH} levels deep: not an SBOM any tool writes, not read`);
    }
    throw new InputError(file, `not valid XML: ${message}`);
  }
}

/** The root element's name (prefix kept) and its namespace declarations, read from the text before parsing. */
export function xmlRoot(text: string): { name: string; namespaces: string[] } | undefined {
  const m = /^\s*(?:(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->)\s*)*<([A-Za-z_][\w:.-]*)([^>]*)>/.exec(text);
  if (!m) return undefined;
  const namespaces = [...(m[2] ?? '').matchAll(/xmlns(?::[\w.-]+)?\s*=\s*["']([^"']*)["']/g)].map((n) => n[1] ?? '');
  return { name: m[1] ?? '', namespaces };
}

/** The text of an element: a bare string, or `#text` beside attributes. */
export function xmlText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const t = (v as Record<string, unknown>)['#text'];
    return typeof t === 'string' ? t : t === undefined ? '' : String(t);
  }
  return undefined;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
