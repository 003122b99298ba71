// Sigstore bundles attached to an image the cosign v3 way: a manifest whose `subject` is the image and whose
// artifactType is the bundle media type, listed by the OCI 1.1 referrers API or, on registries without it
// (distribution 2.8), by the referrers tag `sha256-<hex>`.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.js';
import type { ReferrerDescriptor } from '../../adapters/oci/schema.js';
import { ReferrersIndex } from '../../adapters/oci/schema.js';

type Repo = { registry: string; repository: string };

/** The registry reads this needs; the OCI adapter's RegistryClient provides them. */
export interface ReferrerSource {
  getManifest(repo: Repo, reference: string, call?: Call): Promise<{ bytes: Buffer }>;
  openBlob(repo: Repo, digest: string, call?: Call): Promise<Readable>;
  /** Undefined when the registry has no referrers API. */
  listReferrers?(repo: Repo, digest: string, call?: Call): Promise<ReferrerDescriptor[] | undefined>;
}

/** One image's deadline, so its registry reads are cancelled at the socket when it fires. */
export interface Call {
  signal?: AbortSignal | undefined;
}

/** `application/vnd.dev.sigstore.bundle.v0.3+json`, and the `+json;version=0.3` spelling of older writers. */
export const isBundleMediaType = (t: string | undefined): boolean => !!t && /^application\/vnd\.dev\.sigstore\.bundle(\.v0\.\d+)?\+json\b/.test(t);

const SBOM_PREDICATE = /^https:\/\/(cyclonedx\.org\/bom|spdx\.dev\/Document|syft\.dev\/bom)/;
const PREDICATE_ANNOTATION = 'dev.sigstore.bundle.predicateType';

const BundleManifest = lazySchema(() =>
  z.looseObject({
    artifactType: z.string().optional(),
    subject: z.looseObject({ digest: z.string() }).optional(),
    layers: z.array(z.looseObject({ mediaType: z.string(), digest: z.string().regex(/^sha256:[0-9a-f]{64}$/), size: z.number().int().nonnegative() })),
  }),
);

export interface FoundBundle {
  /** The bundle JSON, as stored. */
  text: string;
  /** The referring manifest's digest, for evidence. */
  manifest: string;
}

export interface ReferrerLookup {
  via: 'referrers API' | 'referrers tag';
  bundles: FoundBundle[];
  /** Why referrers that looked like SBOM bundles were not used (subject mismatch, bad digest...). */
  skipped: string[];
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export async function readBlob(source: ReferrerSource, repo: Repo, digest: string, max: number, call: Call = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of await source.openBlob(repo, digest, call)) {
    size += (chunk as Buffer).length;
    if (size > max) throw new Error(`blob ${digest} is larger than ${max} bytes`);
    chunks.push(chunk as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  if (sha256(bytes) !== digest) throw new Error(`blob ${digest} arrived with digest ${sha256(bytes)}`);
  return bytes;
}

/**
 * The referrers of the image: through the API when the registry has it, else the referrers tag; a string says
 * why none. An API that fails (not merely absent) still leaves the tag to try: some registries answer 400.
 */
async function listed(source: ReferrerSource, repo: Repo, digest: string, call: Call): Promise<{ via: ReferrerLookup['via']; list: ReferrerDescriptor[] } | string> {
  let apiError = '';
  try {
    const api = source.listReferrers ? await source.listReferrers(repo, digest, call) : undefined;
    if (api) return { via: 'referrers API', list: api };
  } catch (err) {
    apiError = `cannot list referrers: ${err instanceof Error ? err.message : String(err)}; `;
  }
  const tag = digest.replace(':', '-');
  try {
    const index = ReferrersIndex.parse(JSON.parse((await source.getManifest(repo, tag, call)).bytes.toString('utf8')));
    return { via: 'referrers tag', list: index.manifests ?? [] };
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    if (/: not found\b/.test(text)) return apiError ? `${apiError}no ${tag} tag` : `no referrers (no referrers API, no ${tag} tag)`;
    return `${apiError}cannot read the referrers tag ${tag}: ${text}`;
  }
}

/** A referrer worth fetching: a Sigstore bundle whose annotated predicate, when given, is an SBOM. */
function mayBeSbomBundle(d: ReferrerDescriptor): boolean {
  if (!isBundleMediaType(d.artifactType)) return false;
  const predicate = d.annotations?.[PREDICATE_ANNOTATION];
  return predicate === undefined || SBOM_PREDICATE.test(predicate);
}

/** One referring manifest -> its bundle, after checking the manifest digest, its subject and the blob. */
async function readBundle(source: ReferrerSource, repo: Repo, image: string, d: ReferrerDescriptor, max: number, call: Call): Promise<FoundBundle | string> {
  const bytes = (await source.getManifest(repo, d.digest, call)).bytes;
  if (sha256(bytes) !== d.digest) return `referrer ${d.digest} arrived with digest ${sha256(bytes)}`;
  const m = BundleManifest.safeParse(JSON.parse(bytes.toString('utf8')));
  if (!m.success) return `referrer ${d.digest} is not a bundle manifest`;
  // The index is only a listing anyone with push rights can edit: the manifest itself must name the image.
  if (m.data.subject?.digest !== image) return `referrer ${d.digest} has subject ${m.data.subject?.digest ?? '(none)'}, not ${image}`;
  const layer = m.data.layers.find((l) => isBundleMediaType(l.mediaType));
  if (!layer) return `referrer ${d.digest} holds no bundle layer`;
  if (layer.size > max) return `referrer ${d.digest}: bundle of ${layer.size} bytes is over the ${max}-byte limit`;
  return { text: (await readBlob(source, repo, layer.digest, max, call)).toString('utf8'), manifest: d.digest };
}

/** The Sigstore bundles attached to `image`; a string when there is nowhere to look. Per-referrer failures are kept in `skipped`. */
export async function findReferrerBundles(source: ReferrerSource, repo: Repo, image: string, max: number, call: Call = {}): Promise<ReferrerLookup | string> {
  const found = await listed(source, repo, image, call);
  if (typeof found === 'string') return found;
  const out: ReferrerLookup = { via: found.via, bundles: [], skipped: [] };
  for (const d of found.list.filter(mayBeSbomBundle)) {
    try {
      const r = await readBundle(source, repo, image, d, max, call);
      if (typeof r === 'string') out.skipped.push(r);
      else out.bundles.push(r);
    } catch (err) {
      out.skipped.push(`referrer ${d.digest}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}
