// What a cataloger is: which kept files it wants, and how it turns one file into packages.
import type { KeptFile } from '../layered-files.js';
import type { Limits } from '../limits.js';

export interface FoundPackage {
  ecosystem: 'npm' | 'pypi' | 'deb' | 'apk' | 'go' | 'rpm' | 'maven';
  name: string;
  version: string;
  purl?: string;
  /** Absolute path in the image of the file the package was read from. */
  path: string;
  /** Only in a download cache (npm's _cacache): the build fetched it; not proof it is installed. */
  location?: 'download-cache';
  /** From npm's hidden lockfile: the tarball URL npm fetched, and its normalised integrity. */
  resolved?: string;
  integrity?: string[];
}

export interface CatalogResult {
  packages: FoundPackage[];
  notes: string[];
  /** A file that is there but cannot be read as its loader would: the platform is unknown. */
  errors?: string[];
}

/**
 * Other kept files of the same filesystem view, by path (a cataloger may need a file's siblings); `list` names the
 * kept files directly in a folder (dpkg reads every file of its journal folder); `gone` is set for the files later
 * layers deleted, of several layers at once (`final` then looks in the final tree).
 */
export type FileLookup = ((path: string) => KeptFile | undefined) & {
  list?: (dir: string) => string[];
  gone?: true;
  /** With `gone`: the final tree's files, for what describes the image rather than the deleted file (os-release). */
  final?: (path: string) => KeptFile | undefined;
};

/** What the image config tells a cataloger about where its runtime looks (node-path.ts), as image paths. */
export interface CatalogContext {
  /** Node's global folders: NODE_PATH entries, HOME's .node_modules and .node_libraries, <prefix>/lib/node. */
  nodeFolders: ReadonlySet<string>;
  /** Bun install caches the Env moved (BUN_INSTALL_CACHE_DIR, $BUN_INSTALL/install/cache). */
  bunCaches: readonly string[];
}

export interface Cataloger {
  readonly name: string;
  /** `path` is relative to the image root, `/`-separated, already normalised. */
  wants(path: string): boolean;
  maxBytes(limits: Limits): number;
  /**
   * Paths it wants whose symlink needs no check: the cataloger looks the path up through the image's links and
   * the target's own path is wanted (os-release, which only names the distribution), so nothing is hidden.
   */
  linkedPathsResolved?(path: string): boolean;
  /** Never throws on bad content: a malformed file becomes an error (or a note when its loader ignores it too). */
  catalog(path: string, content: Buffer, limits: Limits, lookup?: FileLookup, context?: CatalogContext): CatalogResult;
  /**
   * For files over maxBytes: what can be told without reading them. Catalogers without it make the
   * platform unknown instead, since a padded file must not hide a package.
   */
  catalogUnread?(path: string, size: number, context?: CatalogContext): CatalogResult;
}

/**
 * A cataloger that recognises its files by content, at any path (executables): every regular file's
 * body is streamed through a sink, which stops looking as soon as the first bytes say "not mine".
 */
export interface ContentCataloger {
  readonly name: string;
  /** Cheap, before any byte: whether a file of this size could be one of mine. */
  mayWant(size: number): boolean;
  open(path: string, size: number, limits: Limits): ContentSink;
}

export interface ContentSink {
  write(chunk: Buffer): void;
  /** True once no further byte can change the result (the sink may then be dropped early). */
  readonly settled: boolean;
  /** The result once the body ended; undefined when the file is not one of mine. */
  finish(): CatalogResult | undefined;
}

export function noteFor(path: string, cataloger: string, detail: string): string {
  return `${cataloger}: skipped /${path}: ${detail}`;
}

export function errorFor(path: string, cataloger: string, detail: string): string {
  return `${cataloger}: cannot read /${path}: ${detail}`;
}

// ignoreBOM: a leading BOM stays in the text, as Python's utf-8 codec leaves it; callers strip it where their loader does.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Strict UTF-8 as Python's `read_text(encoding='utf-8')` and Node's JSON loaders need; undefined when invalid. */
export function strictUtf8(content: Buffer): string | undefined {
  try {
    return UTF8.decode(content);
  } catch {
    return undefined;
  }
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
