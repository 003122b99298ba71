// What a cataloger is: which kept files it wants, and how it turns one file into packages.
import type { Limits } from '../limits.js';

export interface FoundPackage {
  ecosystem: 'npm' | 'pypi' | 'deb' | 'apk';
  name: string;
  version: string;
  purl?: string;
  /** Absolute path in the image of the file the package was read from. */
  path: string;
}

export interface CatalogResult {
  packages: FoundPackage[];
  notes: string[];
}

export interface Cataloger {
  readonly name: string;
  /** `path` is relative to the image root, `/`-separated, already normalised. */
  wants(path: string): boolean;
  maxBytes(limits: Limits): number;
  /** Never throws on bad content: a malformed file becomes a note. */
  catalog(path: string, content: Buffer, limits: Limits): CatalogResult;
  /**
   * For files over maxBytes: what can be told without reading them. Catalogers without it make the
   * platform unknown instead, since a padded file must not hide a package.
   */
  catalogUnread?(path: string, size: number): CatalogResult;
}

export function noteFor(path: string, cataloger: string, detail: string): string {
  return `${cataloger}: skipped /${path}: ${detail}`;
}

/** RFC 822-style `Key: value` paragraphs (dpkg, METADATA) with continuation lines folded in. */
export function parseHeaderParagraphs(text: string): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  for (const block of text.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of block.split('\n')) {
      if (/^[ \t]/.test(line) && last) fields.set(last, `${fields.get(last) ?? ''}\n${line.trim()}`);
      else {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        last = line.slice(0, colon).trim();
        if (!fields.has(last)) fields.set(last, line.slice(colon + 1).trim());
      }
    }
    if (fields.size > 0) out.push(fields);
  }
  return out;
}
