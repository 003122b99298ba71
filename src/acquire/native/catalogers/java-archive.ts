// Java archives (jar, war, ear and the plugin variants) at any path: every META-INF/maven/**/pom.properties
// (a shaded jar carries one per bundled library), else MANIFEST.MF, and the archives nested inside
// (WEB-INF/lib, BOOT-INF/lib, an ear's modules), each package with the path of the archive that holds it.
import { purlString } from '../../../formats/purl-lib.js';
import type { Limits } from '../limits.js';
import { zipDirectory, zipEntryData, type ZipEntry } from '../zip.js';
import type { Cataloger, CatalogResult, FoundPackage } from './cataloger.js';
import { noteFor, parseHeaderParagraphs } from './cataloger.js';

const ARCHIVE = /\.(?:jar|war|ear|jpi|hpi|rar|sar|nar|par|kar)$/i;
const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
/** Nesting as deep as real packaging goes (ear > war > jar > shaded jar), and no deeper. */
const MAX_DEPTH = 4;
/** Small text entries: pom.properties and MANIFEST.MF are a few hundred bytes. */
const MAX_TEXT = 1024 * 1024;

export function mavenPurl(group: string | undefined, artifact: string, version: string): string | undefined {
  try {
    return purlString('maven', group || undefined, artifact, version || undefined, undefined);
  } catch {
    return undefined;
  }
}

/** Java .properties: `key=value` or `key: value`, `#`/`!` comments (line continuations are not used by Maven). */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!.trim());
  }
  return out;
}

interface Walk {
  limits: Limits;
  packages: FoundPackage[];
  notes: string[];
  errors: string[];
  /** Bytes of nested archives inflated so far, against maxJavaArchiveBytes. */
  inflated: number;
}

function text(zip: Buffer, e: ZipEntry): string {
  return zipEntryData(zip, e, MAX_TEXT).toString('utf8');
}

function fromManifest(zip: Buffer, entry: ZipEntry | undefined, where: string): FoundPackage | undefined {
  if (!entry) return undefined;
  const main = parseHeaderParagraphs(text(zip, entry))[0];
  const version = main?.get('Implementation-Version') ?? main?.get('Bundle-Version') ?? main?.get('Specification-Version');
  const file = where.slice(where.lastIndexOf('/') + 1).replace(ARCHIVE, '');
  const fromName = /^(.+?)-(\d[^-]*(?:-.*)?)$/.exec(file);
  const artifact = fromName?.[1] ?? file;
  const v = version ?? fromName?.[2] ?? '';
  const group = main?.get('Implementation-Vendor-Id') ?? main?.get('Bundle-SymbolicName')?.split(';')[0]?.replace(new RegExp(`\\.${artifact}$`), '');
  if (!artifact) return undefined;
  const name = group ? `${group}:${artifact}` : artifact;
  return { ecosystem: 'maven', name, version: v, purl: mavenPurl(group, artifact, v), path: where };
}

function walkArchive(zip: Buffer, where: string, depth: number, w: Walk): void {
  const entries = zipDirectory(zip);
  let found = 0;
  for (const e of entries) {
    if (!POM_PROPERTIES.test(e.name)) continue;
    const props = parseProperties(text(zip, e));
    const group = props.get('groupId');
    const artifact = props.get('artifactId');
    if (!group || !artifact) {
      w.notes.push(`java-archive: ${where}!/${e.name}: no groupId or artifactId`);
      continue;
    }
    const version = props.get('version') ?? '';
    w.packages.push({ ecosystem: 'maven', name: `${group}:${artifact}`, version, purl: mavenPurl(group, artifact, version), path: where });
    found++;
  }
  if (found === 0) {
    const pkg = fromManifest(zip, entries.find((e) => e.name === 'META-INF/MANIFEST.MF'), where);
    if (pkg) w.packages.push(pkg);
  }
  for (const e of entries) {
    if (!ARCHIVE.test(e.name) || e.name.endsWith('/')) continue;
    const inner = `${where}!/${e.name}`;
    if (depth + 1 > MAX_DEPTH) {
      w.errors.push(`java-archive: ${inner}: nested deeper than ${MAX_DEPTH} archives; not read`);
      continue;
    }
    try {
      const budget = w.limits.maxJavaArchiveBytes - w.inflated;
      const data = zipEntryData(zip, e, budget);
      if (e.method !== 0) w.inflated += data.length;
      walkArchive(data, inner, depth + 1, w);
    } catch (err) {
      w.errors.push(`java-archive: ${inner}: ${(err as Error).message}`);
    }
  }
}

export const javaArchiveCataloger = {
  name: 'java-archive',
  wants: (path) => ARCHIVE.test(path),
  maxBytes: (limits) => limits.maxJavaArchiveBytes,
  catalog(path, content, limits): CatalogResult {
    const w: Walk = { limits, packages: [], notes: [], errors: [], inflated: 0 };
    try {
      walkArchive(content, `/${path}`, 0, w);
    } catch (err) {
      // A .jar the JVM could not open either holds no class it loads; one we misread might: unknown.
      w.errors.push(noteFor(path, 'java-archive', (err as Error).message));
    }
    return { packages: w.packages, notes: w.notes, errors: w.errors };
  },
  catalogUnread(path, size): CatalogResult {
    return { packages: [], notes: [], errors: [noteFor(path, 'java-archive', `${size} bytes is over maxJavaArchiveBytes; not read`)] };
  },
} satisfies Cataloger;
