// Acquire the SBOM that `docker buildx build --sbom=true` stores inside the image's own index: beside
// each platform manifest, an attestation manifest whose layers are plain (unsigned) in-toto statements.
// Nothing signs them, so they are trusted only through the digests that chain them to the index we read.
import { sbomFacts } from '../../formats/decoder.js';
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.js';
import { decodeSbom } from '../../formats/index.js';
import type { Descriptor, FetchedManifest, ImageStore } from '../../model/oci.js';
import type { AcquiredPlatform, AcquireOutcome, Target } from '../../model/target.js';
import { notApplicable, notMine, type Acquirer } from '../acquirer.js';
import { createdTime, parseImageConfig } from '../native/config.js';
import { attachIndexProvenance } from '../native/index-provenance.js';
import { resolveLimits } from '../native/limits.js';

export interface BuildkitAcquireOptions {
  /** Opens the target's content; undefined means "not a target I can open". */
  openStore: (target: Target, signal?: AbortSignal) => Promise<ImageStore | undefined>;
  maxBlobBytes?: number;
}

const IN_TOTO_LAYER = 'application/vnd.in-toto+json';
const PREDICATE_KEY = 'in-toto.io/predicate-type';
const SBOM_PREDICATE = /^https:\/\/(spdx\.dev\/Document|cyclonedx\.org\/bom)/;
const REF_TYPE = 'vnd.docker.reference.type';
const REF_DIGEST = 'vnd.docker.reference.digest';
const DEFAULT_MAX_BLOB = 64 * 1024 * 1024;
// A config is small; a larger one is not something to buffer just for its `created` field.
const MAX_CONFIG = 4 * 1024 * 1024;

const DigestStr = lazySchema(() =>
  z.string().regex(/^sha256:[0-9a-f]{64}$/),
);
const Desc = lazySchema(() =>
  z.looseObject({
    mediaType: z.string(),
    digest: DigestStr,
    size: z.number().int().nonnegative(),
    platform: z.looseObject({ os: z.string().optional(), architecture: z.string().optional(), variant: z.string().optional() }).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
);
const Index = lazySchema(() =>
  z.looseObject({ manifests: z.array(Desc) }),
);
const Manifest = lazySchema(() =>
  z.looseObject({ config: Desc, layers: z.array(Desc) }),
);
const Subjects = lazySchema(() =>
  z.looseObject({ subject: z.array(z.looseObject({ digest: z.record(z.string(), z.string()).optional() })).nullish() }),
);

type Entry = z.infer<typeof Desc>;

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Manifest bytes are only trusted once they hash to the digest they were asked for or served as. */
function checked(m: FetchedManifest, expected: string): Buffer {
  const actual = sha256(m.bytes);
  if (actual !== expected) throw new Error(`manifest ${expected} arrived with digest ${actual}`);
  return m.bytes;
}

async function readBlob(store: ImageStore, desc: Descriptor, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of await store.openBlob(desc)) {
    size += (chunk as Buffer).length;
    if (size > max) throw new Error(`blob ${desc.digest} is larger than ${max} bytes`);
    chunks.push(chunk as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  const actual = sha256(bytes);
  if (actual !== desc.digest) throw new Error(`blob ${desc.digest} arrived with digest ${actual}`);
  return bytes;
}

function isAttestation(e: Entry): boolean {
  return e.annotations?.[REF_TYPE] === 'attestation-manifest';
}

function sbomLayer(layers: Entry[]): Entry | undefined {
  return layers.find((l) => l.mediaType === IN_TOTO_LAYER && SBOM_PREDICATE.test(l.annotations?.[PREDICATE_KEY] ?? ''));
}

function platformName(e: Entry): string | undefined {
  const p = e.platform;
  if (!p?.os || !p.architecture) return undefined;
  return [p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join('/');
}

/** The attestation manifest's SBOM layer, or undefined when it holds only provenance and the like. */
async function attestationSbom(store: ImageStore, att: Entry): Promise<Entry | undefined> {
  const manifest = Manifest.parse(JSON.parse(checked(await store.getManifest(att.digest), att.digest).toString('utf8')));
  return sbomLayer(manifest.layers);
}

/** The build time, from the platform's own config: the attestation does not carry it. */
async function platformCreated(store: ImageStore, entry: Entry) {
  const manifest = Manifest.parse(JSON.parse(checked(await store.getManifest(entry.digest), entry.digest).toString('utf8')));
  return createdTime(parseImageConfig(await readBlob(store, manifest.config, MAX_CONFIG), manifest.config.digest));
}

interface Found {
  entry: Entry;
  layer?: Entry;
}

/** Reads one platform's SBOM; every failure is an error on that platform, so it stays unknown. */
async function readPlatform(store: ImageStore, found: Found, indexDigest: string, max: number): Promise<AcquiredPlatform> {
  const { entry, layer } = found;
  const name = platformName(entry);
  const base: AcquiredPlatform = { ...(name ? { platform: name } : {}), digest: entry.digest, packages: [], errors: [], notes: [] };
  if (!layer) return { ...base, errors: ['no SBOM attestation for this platform'] };
  const label = `${store.label}@${layer.digest}`;
  try {
    const text = (await readBlob(store, layer, max)).toString('utf8');
    // The layer digest proves the bytes; the subject proves they describe this platform and not a sibling.
    const subjects = Subjects.parse(JSON.parse(text)).subject ?? [];
    if (!subjects.some((s) => `sha256:${s.digest?.sha256 ?? ''}` === entry.digest)) {
      return { ...base, errors: [`buildkit: SBOM attestation ${layer.digest} does not name ${entry.digest} as its subject`] };
    }
    const sbom = decodeSbom(text, label);
    const created = await platformCreated(store, entry).catch((err: unknown) => {
      base.notes.push(`build time unknown: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
    return {
      ...base,
      packages: sbom.packages,
      ...sbomFacts(sbom),
      ...(created ? { created } : {}),
      evidence: {
        kind: 'buildkit-attestation',
        verified: true,
        format: sbom.format,
        detail: `unsigned BuildKit SBOM attestation, trusted through the digest of index ${indexDigest} it came in`,
      },
    };
  } catch (err) {
    return { ...base, errors: [`buildkit: ${label}: ${err instanceof Error ? err.message : String(err)}`] };
  }
}

/** Pairs each platform entry with its attestation's SBOM layer; undefined when no attestation has one. */
async function pairPlatforms(store: ImageStore, entries: Entry[]): Promise<Found[] | undefined> {
  const layers = new Map<string, Entry>();
  for (const att of entries.filter(isAttestation)) {
    const subject = att.annotations?.[REF_DIGEST];
    // An unreadable attestation manifest counts as absent: the platform then gets an error, not a pass.
    const layer = subject ? await attestationSbom(store, att).catch(() => undefined) : undefined;
    if (subject && layer) layers.set(subject, layer);
  }
  if (layers.size === 0) return undefined;
  return entries.filter((e) => !isAttestation(e)).map((entry) => ({ entry, ...(layers.has(entry.digest) ? { layer: layers.get(entry.digest)! } : {}) }));
}

export function createBuildkitAcquirer(opts: BuildkitAcquireOptions): Acquirer {
  const max = opts.maxBlobBytes ?? DEFAULT_MAX_BLOB;
  return {
    name: 'buildkit',
    async acquire(target, ctx): Promise<AcquireOutcome> {
      let store: ImageStore | undefined;
      let found: Found[] | undefined;
      let indexDigest: string;
      let manifests: Entry[] = [];
      try {
        store = await opts.openStore(target, ctx.signal);
        if (!store) return notApplicable(`cannot open ${target.kind} targets`);
        const root = await store.getRootManifest();
        indexDigest = target.kind === 'registry' && target.digest ? target.digest : root.digest;
        const parsed = Index.safeParse(JSON.parse(checked(root, indexDigest).toString('utf8')));
        if (parsed.success) {
          manifests = parsed.data.manifests;
          found = await pairPlatforms(store, manifests);
        }
      } catch (err) {
        // Anything the other links can also see (a missing image, a bad index) is theirs to report.
        return notMine(`no BuildKit SBOM attestation (${err instanceof Error ? err.message : String(err)})`);
      }
      if (!found) return notMine('no BuildKit SBOM attestation');
      const platforms: AcquiredPlatform[] = [];
      for (const f of found) platforms.push(await readPlatform(store, f, indexDigest, max));
      const image = { ref: target.ref, digest: indexDigest, platforms, errors: [] };
      // The same attestation manifests may carry SLSA provenance: build times beside the config's.
      const attestations = manifests.filter(isAttestation);
      await attachIndexProvenance(attestations, image, { store, limits: resolveLimits({}), budget: { manifests: 1 }, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      return { ok: true, image };
    },
  };
}
