// SPDX 2.2 / 2.3 tag-value: `Tag: value` lines (multi-line values inside <text>...</text>), turned into the
// SPDX JSON shape, then decoded like JSON. Each PackageName or FileName line opens the element the lines after it describe.
import { InputError } from '../errors.js';
import type { DecodedSbom } from './decoder.js';
import { decodeSpdx, SPDX_SUPPORTED, spdxVersionOf } from './spdx-json.js';

/** True when the text is tag-value: a `SPDXVersion:` line, spelled as the spec spells it. */
export function isSpdxTagValue(text: string): boolean {
  return /^\s*SPDXVersion:[ \t]*SPDX-/m.test(text.slice(0, 64 * 1024));
}

interface Tag {
  tag: string;
  value: string;
  line: number;
}

type Element = Record<string, unknown> & { SPDXID?: string };

export function decodeSpdxTagValue(text: string, file: string): DecodedSbom {
  const tags = readTags(text, file);
  const doc: Record<string, unknown> = {};
  const packages: Element[] = [];
  const files: Element[] = [];
  const relationships: Record<string, string>[] = [];
  let current: Element | undefined = doc;
  for (const { tag, value, line } of tags) {
    switch (tag) {
      case 'SPDXVersion': doc.spdxVersion = value; break;
      case 'DocumentName': doc.name = value; break;
      case 'Created': doc.creationInfo = { created: value }; break;
      case 'PackageName': packages.push((current = { name: value })); break;
      case 'FileName': files.push((current = { fileName: value })); break;
      // Snippets and extracted licences carry nothing read here; their lines must not land on the package before them.
      case 'SnippetSPDXID': case 'LicenseID': current = undefined; break;
      case 'SPDXID': if (current) current.SPDXID = value; break;
      case 'PackageVersion': if (current) current.versionInfo = value; break;
      case 'PackageSourceInfo': if (current) current.sourceInfo = value; break;
      case 'PackageChecksum': if (current) addChecksum(current, value); break;
      case 'ExternalRef': if (current) addExternalRef(current, value, file, line); break;
      case 'Relationship': relationships.push(relationship(value, file, line)); break;
      default: break;
    }
  }
  if (typeof doc.spdxVersion !== 'string') throw new InputError(file, 'SPDX tag-value document without an SPDXVersion line');
  const version = spdxVersionOf(doc.spdxVersion);
  if (!SPDX_SUPPORTED.includes(version)) {
    throw new InputError(file, `SPDX ${version} is not supported (supported: ${SPDX_SUPPORTED.join(', ')})`);
  }
  return decodeSpdx({ ...doc, packages, files, relationships }, file, 'tag-value');
}

/** `CATEGORY TYPE LOCATOR`, e.g. `PACKAGE-MANAGER purl pkg:npm/axios@1.14.1`. */
function addExternalRef(element: Element, value: string, file: string, line: number): void {
  const m = /^(\S+)\s+(\S+)\s+(\S+)/.exec(value);
  if (!m) throw new InputError(file, `ExternalRef needs a category, a type and a locator: ${JSON.stringify(value)}`, line, 'ExternalRef');
  const refs = (element.externalRefs as unknown[] | undefined) ?? [];
  refs.push({ referenceCategory: m[1], referenceType: m[2], referenceLocator: m[3] });
  element.externalRefs = refs;
}

/** `SHA256: 0cf0...`. */
function addChecksum(element: Element, value: string): void {
  const m = /^([\w-]+):\s*(\S+)/.exec(value);
  if (!m) return;
  const list = (element.checksums as unknown[] | undefined) ?? [];
  list.push({ algorithm: m[1], checksumValue: m[2] });
  element.checksums = list;
}

/** `SPDXRef-A CONTAINS SPDXRef-B`. */
function relationship(value: string, file: string, line: number): Record<string, string> {
  const m = /^(\S+)\s+(\S+)\s+(\S+)/.exec(value);
  if (!m) throw new InputError(file, `Relationship needs an element, a type and an element: ${JSON.stringify(value)}`, line, 'Relationship');
  return { spdxElementId: m[1] ?? '', relationshipType: m[2] ?? '', relatedSpdxElement: m[3] ?? '' };
}

function readTags(text: string, file: string): Tag[] {
  const lines = text.split(/\r?\n/);
  const tags: Tag[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const m = /^\s*([A-Za-z][\w-]*):[ \t]*(.*)$/.exec(raw);
    if (!m) throw new InputError(file, `not an SPDX tag-value line (expected "Tag: value"): ${JSON.stringify(raw.slice(0, 80))}`, i + 1);
    const start = i + 1;
    let value = m[2] ?? '';
    if (value.startsWith('<text>')) {
      value = value.slice('<text>'.length);
      while (!value.includes('</text>')) {
        i++;
        if (i >= lines.length) throw new InputError(file, `<text> opened here is never closed by </text>`, start);
        value += `\n${lines[i] ?? ''}`;
      }
      value = value.slice(0, value.indexOf('</text>'));
    }
    tags.push({ tag: m[1] ?? '', value: value.trim(), line: start });
  }
  return tags;
}
