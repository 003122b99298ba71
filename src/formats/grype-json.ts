// grype JSON: the packages grype matched (one per artifact), and grype's own matches for corroboration.
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import type { Package } from '../model/package.js';
import { asTimestamp, isRecord, parseWith, type DecodedSbom, type Identified, type SbomDecoder } from './decoder.js';
import { toPackage } from './purl.js';
import { imageSubject, SyftArtifact, syftLocationPaths, syftTypeEcosystem } from './syft-json.js';

const GrypeArtifact = SyftArtifact;
type GrypeArtifact = z.infer<typeof GrypeArtifact>;

export const GrypeDocument = lazySchema(() =>
  z.looseObject({
    matches: z.array(z.looseObject({ vulnerability: z.looseObject({ id: z.string() }), artifact: GrypeArtifact })),
    source: z.looseObject({ target: z.unknown().optional() }).optional(),
    descriptor: z.looseObject({ timestamp: z.string().optional() }).optional(),
  }),
);

function identify(doc: unknown): Identified | undefined {
  if (!isRecord(doc) || !Array.isArray(doc.matches)) return undefined;
  const descriptor = isRecord(doc.descriptor) ? doc.descriptor : undefined;
  if (descriptor?.name !== 'grype' && !('source' in doc)) return undefined;
  // grype's JSON carries no schema version of its own: every release is read the same way.
  return { format: 'grype-json', supported: true };
}

function decode(raw: unknown, file: string): DecodedSbom {
  const doc = parseWith(GrypeDocument, raw, file, 'grype JSON document');
  // One match per (vulnerability, package): an artifact recurs once per vulnerability it has.
  const byKey = new Map<string, Package>();
  const grypeMatches: NonNullable<DecodedSbom['grypeMatches']> = [];
  for (const m of doc.matches) {
    const key = artifactKey(m.artifact);
    let pkg = byKey.get(key);
    if (!pkg) {
      pkg = artifactPackage(m.artifact);
      byKey.set(key, pkg);
    }
    grypeMatches.push({ id: m.vulnerability.id, package: pkg.name, version: pkg.version });
  }
  const out: DecodedSbom = { format: 'grype-json', packages: [...byKey.values()], grypeMatches };
  const created = asTimestamp(doc.descriptor?.timestamp);
  if (created) out.created = created;
  const subject = imageSubject(undefined, doc.source?.target);
  if (subject) out.subject = subject;
  return out;
}

/** Older grype (0.61) writes no artifact id; the purl, then name, version and locations stand in. */
function artifactKey(a: GrypeArtifact): string {
  if (a.id) return `id:${a.id}`;
  if (a.purl) return `purl:${a.purl}`;
  return JSON.stringify([a.type, a.name, a.version, syftLocationPaths(a.locations)]);
}

function artifactPackage(a: GrypeArtifact): Package {
  return toPackage({
    purl: a.purl,
    name: a.name,
    version: a.version,
    ecosystem: syftTypeEcosystem(a.type) || a.language,
    paths: syftLocationPaths(a.locations),
  });
}

export const grypeJson = { name: 'grype-json', identify, decode } satisfies SbomDecoder;
