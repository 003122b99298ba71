// BuildKit's provenance attestations inside an image index (`docker buildx build --provenance`): an
// attestation manifest beside each platform, whose in-toto layers include an SLSA provenance statement.
// Nothing signs them; their bytes are trusted through the digests that chain them to the index, so their
// times are labelled "signature not verified" and rank below the config's own `created`.
import type { Descriptor } from '../../model/oci.js';
import type { AcquiredImage } from '../../model/target.js';
import { withSources } from '../../match/build-time.js';
import { provenanceTimes, SLSA_PREDICATE } from '../provenance.js';
import { verifyBytes } from './digest.js';
import { fetchManifest, type ReadContext } from './platform.js';

const IN_TOTO = /^application\/vnd\.in-toto(?:\.[^+]*)?\+json$/;
const PREDICATE_KEY = 'in-toto.io/predicate-type';
/** A provenance statement in `mode=max` lists every build step; a few MiB is plenty, more is not read. */
const MAX_STATEMENT_BYTES = 8 * 1024 * 1024;

async function readSmallBlob(desc: Descriptor, ctx: ReadContext): Promise<Buffer> {
  if (desc.size > MAX_STATEMENT_BYTES) throw new Error(`statement ${desc.digest} is ${desc.size} bytes, more than ${MAX_STATEMENT_BYTES}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of await ctx.store.openBlob(desc)) {
    size += (chunk as Buffer).length;
    if (size > MAX_STATEMENT_BYTES) throw new Error(`statement ${desc.digest} is larger than ${MAX_STATEMENT_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  verifyBytes(bytes, desc.digest, 'blob');
  return bytes;
}

/**
 * Adds the build times of every SLSA provenance statement found in the index's attestation manifests to
 * the platform the statement names as its subject (by digest, not by the entry's annotations). A statement
 * that cannot be read is a note: the time source is absent, the platform's packages are unaffected.
 */
export async function attachIndexProvenance(attestations: readonly Descriptor[], image: AcquiredImage, ctx: ReadContext): Promise<void> {
  const byDigest = new Map(image.platforms.filter((p) => p.digest).map((p) => [p.digest!, p]));
  if (byDigest.size === 0) return;
  for (const att of attestations) {
    let layers: Descriptor[];
    try {
      const parsed = await fetchManifest(ctx, att.digest);
      if (parsed.kind !== 'manifest') continue;
      layers = (parsed.manifest.layers as Descriptor[]).filter((l) => IN_TOTO.test(l.mediaType) && SLSA_PREDICATE.test(l.annotations?.[PREDICATE_KEY] ?? ''));
    } catch (err) {
      image.platforms[0]!.notes.push(`provenance: attestation manifest ${att.digest} not read: ${(err as Error).message}`);
      continue;
    }
    for (const layer of layers) {
      let statement: unknown;
      try {
        statement = JSON.parse((await readSmallBlob(layer, ctx)).toString('utf8'));
      } catch (err) {
        image.platforms[0]!.notes.push(`provenance: statement ${layer.digest} not read: ${(err as Error).message}`);
        continue;
      }
      for (const [digest, platform] of byDigest) {
        const read = provenanceTimes(statement, digest, { verified: false, via: `BuildKit attestation ${att.digest}` });
        if (read.sources.length > 0) platform.created = withSources(platform.created, read.sources);
      }
    }
  }
}
