// One image platform: its manifest, config and layers, read into an AcquiredPlatform.
import type { Descriptor, ImageStore } from '../../model/oci.js';
import type { AcquiredPlatform } from '../../model/target.js';
import { createdTime, parseImageConfig, type ImageConfig } from './config.js';
import { verifyBytes } from './digest.js';
import { LayeredFiles } from './layered-files.js';
import { readLayer } from './layer.js';
import { LimitError, type Limits } from './limits.js';
import { artifactReason, parseManifest, platformString, type ImageManifest } from './manifest.js';
import { catalogFiles, type CatalogSink } from './packages.js';
import { bunCacheFolders, imageProcess, nodeSearchFolders } from './node-path.js';
import type { FileProbe } from './file-probe.js';
import { fileListing } from './file-listing.js';
import { catalogPythonPathZips } from './python-zips.js';
import { PASSWD_PATH, runHome } from './run-user.js';
import { NATIVE_READER } from './reader-version.js';

export interface ReadContext {
  store: ImageStore;
  limits: Limits;
  signal?: AbortSignal;
  /** Manifests and indexes fetched so far for this image. */
  budget: { manifests: number };
  /** The scan's file indicators, when it has any. */
  probe?: FileProbe;
}

export type PlatformOutcome = { platform: AcquiredPlatform } | { skipped: string };

const MAX_NOTES = 50;

export async function fetchManifest(ctx: ReadContext, digest: string) {
  if (++ctx.budget.manifests > ctx.limits.maxManifests) throw new LimitError('maxManifests', `more than ${ctx.limits.maxManifests} manifests`);
  const fetched = await ctx.store.getManifest(digest);
  if (fetched.bytes.length > ctx.limits.maxManifestBytes) throw new LimitError('maxManifestBytes', `manifest ${digest} is ${fetched.bytes.length} bytes`);
  verifyBytes(fetched.bytes, digest, 'manifest');
  return parseManifest(fetched);
}

/** Reads the platform a descriptor points at; an artifact is skipped, any failure lands in `errors`. */
export async function readPlatformAt(desc: Descriptor, ctx: ReadContext): Promise<PlatformOutcome> {
  const platform = newPlatform(platformString(desc.platform), desc.digest);
  try {
    const parsed = await fetchManifest(ctx, desc.digest);
    if (parsed.kind !== 'manifest') throw new Error(`manifest ${desc.digest} is an index where an image manifest was expected`);
    const artifact = artifactReason(parsed.manifest);
    if (artifact) return { skipped: artifact };
    await readManifestInto(parsed.manifest, platform, ctx);
  } catch (err) {
    platform.errors.push((err as Error).message);
  }
  return { platform };
}

export function newPlatform(platform: string | undefined, digest: string): AcquiredPlatform {
  const p: AcquiredPlatform = { digest, packages: [], errors: [], notes: [], evidence: { kind: 'native', reader: NATIVE_READER } };
  if (platform) p.platform = platform;
  return p;
}

/** Config and layers of an image manifest; stops at the first bad layer, keeping what earlier layers showed. */
export async function readManifestInto(manifest: ImageManifest, platform: AcquiredPlatform, ctx: ReadContext): Promise<void> {
  const { limits } = ctx;
  platform.evidence = { kind: 'native', reader: NATIVE_READER, detail: `read by sbom-hunt from ${ctx.store.label}` };
  const config = await readConfig(manifest.config, ctx);
  platform.created = createdTime(config);
  // Known before any layer is read: image indicators (digests, a compromised base's layers) need only these.
  platform.image = { config: manifest.config.digest, layers: manifest.layers.map((l) => l.digest), diffIds: config.rootfs?.diff_ids ?? [] };
  platform.platform ??= platformString({ os: config.os ?? undefined, architecture: config.architecture ?? undefined, variant: config.variant ?? undefined });
  if (manifest.layers.length > limits.maxLayers) throw new LimitError('maxLayers', `${manifest.layers.length} layers`);
  const files = new LayeredFiles();
  const note = capped(platform.notes, 'further notes omitted');
  const error = capped(platform.errors, 'further errors omitted');
  try {
    for (const layer of manifest.layers) {
      files.beginLayer(layer.digest);
      try {
        await readLayer(layer, { store: ctx.store, limits, files, note, error, ...(ctx.signal ? { signal: ctx.signal } : {}), ...(ctx.probe ? { probe: ctx.probe } : {}) });
      } finally {
        // What a failed layer showed still counts as evidence; the error already makes the platform unknown.
        files.endLayer();
      }
    }
  } finally {
    await catalogInto(platform, files, config, manifest, ctx, { note, error });
  }
}

/**
 * The packages of the layers read: the zips on Python's path first (they may need their layers read again), HOME
 * from the final /etc/passwd, then every kept file's cataloger.
 */
async function catalogInto(platform: AcquiredPlatform, files: LayeredFiles, config: ImageConfig, manifest: ImageManifest, ctx: ReadContext, sink: CatalogSink): Promise<void> {
  const { limits } = ctx;
  const final = files.final();
  const zipsOnPath = await catalogPythonPathZips(files, config, manifest.layers, { store: ctx.store, limits, ...(ctx.signal ? { signal: ctx.signal } : {}) }, sink.error).catch((err: unknown) => {
    sink.error(`python: the zips on sys.path were not read: ${(err as Error).message}`);
    return [];
  });
  const home = runHome(config, final.find((f) => f.path === PASSWD_PATH && f.link === undefined && f.unreadBytes === undefined)?.content);
  if (home.note) sink.note(home.note);
  const proc = imageProcess(config);
  platform.packages = catalogFiles(final, files.removed, limits, sink, files.layerTimes, files.linkHistory, nodeSearchFolders(proc, home.home), bunCacheFolders(proc), zipsOnPath);
  if (ctx.probe) platform.files = fileListing(final, files.removed, ctx.probe, files.layerTimes);
}

/** A hostile layer can produce a million notes or errors; the report needs the first few and a count. */
function capped(list: string[], more: string): (text: string) => void {
  let n = 0;
  return (text) => {
    if (++n <= MAX_NOTES) list.push(text);
    else if (n === MAX_NOTES + 1) list.push(more);
  };
}

async function readConfig(desc: Descriptor, ctx: ReadContext): Promise<ImageConfig> {
  const max = ctx.limits.maxManifestBytes;
  if (desc.size > max) throw new LimitError('maxManifestBytes', `config ${desc.digest} is ${desc.size} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of (await ctx.store.openBlob(desc)) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new LimitError('maxManifestBytes', `config ${desc.digest} is over ${max} bytes`);
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  verifyBytes(bytes, desc.digest, 'config');
  return parseImageConfig(bytes, desc.digest);
}
