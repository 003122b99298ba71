// The native image reader: root manifest or index -> every image platform -> packages, through an ImageStore.
import type { Descriptor, ImageStore } from '../../model/oci.js';
import type { FileIndicator } from '../../model/ioc.js';
import type { AcquiredImage } from '../../model/target.js';
import { compileFileProbe } from './file-probe.js';
import { verifyBytes } from './digest.js';
import { LimitError, resolveLimits, type Limits } from './limits.js';
import { artifactReason, isIndexType, parseManifest, platformString, type ImageIndex } from './manifest.js';
import { attachIndexProvenance } from './index-provenance.js';
import { fetchManifest, newPlatform, readManifestInto, readPlatformAt, type ReadContext } from './platform.js';

export interface ReadImageOptions {
  ref: string;
  limits?: Partial<Limits>;
  signal?: AbortSignal;
  /** Only this platform of an index, e.g. `linux/amd64`. */
  platform?: string;
  /** File indicators to look for in every layer (files that could match are recorded and hashed). */
  fileIndicators?: readonly FileIndicator[];
}

export async function readImage(store: ImageStore, opts: ReadImageOptions): Promise<AcquiredImage> {
  const image: AcquiredImage = { ref: opts.ref, platforms: [], errors: [] };
  const probe = compileFileProbe(opts.fileIndicators ?? []);
  const ctx: ReadContext = { store, limits: resolveLimits(opts.limits), budget: { manifests: 1 }, ...(opts.signal ? { signal: opts.signal } : {}), ...(probe ? { probe } : {}) };
  try {
    const root = await store.getRootManifest();
    image.digest = root.digest;
    if (root.bytes.length > ctx.limits.maxManifestBytes) throw new LimitError('maxManifestBytes', `root manifest is ${root.bytes.length} bytes`);
    verifyBytes(root.bytes, root.digest, 'manifest');
    const parsed = parseManifest(root);
    if (parsed.kind === 'manifest') {
      const artifact = artifactReason(parsed.manifest);
      if (artifact) throw new Error(`not a container image: ${artifact}`);
      const platform = newPlatform(undefined, root.digest);
      try {
        await readManifestInto(parsed.manifest, platform, ctx);
      } catch (err) {
        platform.errors.push((err as Error).message);
      }
      image.platforms.push(platform);
    } else {
      await readIndex(parsed.index, root.digest, opts.platform, ctx, image);
    }
  } catch (err) {
    image.errors.push(`${store.label}: ${(err as Error).message}`);
  }
  return image;
}

/**
 * Every entry is fetched and judged by its content (see artifactReason): what a runtime on some platform
 * would pull is read, and whatever is not read is listed in `image.skipped` with why.
 */
async function readIndex(index: ImageIndex, digest: string, want: string | undefined, ctx: ReadContext, image: AcquiredImage): Promise<void> {
  const entries: Descriptor[] = [];
  await collectPlatforms(index, 0, new Set([digest]), ctx, entries, image.errors);
  const skipped = (image.skipped = [] as NonNullable<AcquiredImage['skipped']>);
  const skip = (desc: Descriptor, reason: string, platform = platformString(desc.platform)) =>
    skipped.push({ digest: desc.digest, reason, ...(platform ? { platform } : {}) });
  // As containerd matches: an entry without a platform is a candidate, judged by its config's platform once read.
  const chosen = want ? entries.filter((d) => d.platform === undefined || samePlatform(platformString(d.platform), want)) : entries;
  if (want) for (const d of entries) if (!chosen.includes(d)) skip(d, `not the requested platform ${want}`);
  // Attestation manifests carry no filesystem but may carry SLSA provenance: build times for the platforms.
  const attestations: Descriptor[] = want ? entries.filter((d) => !chosen.includes(d) && d.platform?.os === 'unknown') : [];
  for (const desc of chosen) {
    if (image.platforms.length >= ctx.limits.maxPlatforms) {
      image.errors.push(new LimitError('maxPlatforms', `more than ${ctx.limits.maxPlatforms} platforms`).message);
      break;
    }
    const outcome = await readPlatformAt(desc, ctx);
    if ('skipped' in outcome) {
      skip(desc, outcome.skipped);
      if (outcome.skipped.startsWith('attestation manifest')) attestations.push(desc);
    } else if (want && outcome.platform.platform !== undefined && !samePlatform(outcome.platform.platform, want)) {
      skip(desc, `its config says ${outcome.platform.platform}, not the requested platform ${want}`, outcome.platform.platform);
    } else image.platforms.push(outcome.platform);
  }
  if (attestations.length > 0) await attachIndexProvenance(attestations, image, ctx);
  if (image.platforms.length === 0 && image.errors.length === 0) {
    const has = entries.map((d) => platformString(d.platform) ?? '?').join(', ') || 'no entries';
    image.errors.push(`${ctx.store.label}: ${want ? `no platform ${want} in the index (it has ${has})` : 'the index lists no image platforms'}`);
  }
}

/**
 * Flattens nested indexes into the manifests they list. A nested index that cannot be read is an
 * image-level error (its platforms are unknown), not silence.
 */
async function collectPlatforms(index: ImageIndex, depth: number, seen: Set<string>, ctx: ReadContext, out: Descriptor[], errors: string[]): Promise<void> {
  for (const desc of index.manifests as Descriptor[]) {
    if (!isIndexType(desc.mediaType)) {
      out.push(desc);
      continue;
    }
    try {
      if (seen.has(desc.digest)) throw new Error(`index ${desc.digest} contains itself (loop)`);
      if (depth + 1 > ctx.limits.maxIndexDepth) throw new LimitError('maxIndexDepth', `indexes nested deeper than ${ctx.limits.maxIndexDepth}`);
      const child = await fetchManifest(ctx, desc.digest);
      if (child.kind !== 'index') throw new Error(`${desc.digest} is a manifest where an index was expected`);
      await collectPlatforms(child.index, depth + 1, new Set([...seen, desc.digest]), ctx, out, errors);
    } catch (err) {
      errors.push(`${ctx.store.label}: ${(err as Error).message}`);
    }
  }
}

function samePlatform(a: string | undefined, b: string): boolean {
  const norm = (s: string) => s.replace(/^linux\/arm64\/v8$/, 'linux/arm64');
  return a !== undefined && norm(a) === norm(b);
}
