// `docker save` tarballs as an ImageStore: the OCI layout newer docker writes inside, or the
// classic manifest.json (Config, RepoTags, Layers) turned into an image manifest of our own.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { isDigest, sha256Digest } from '../acquire/native/digest.js';
import { MEDIA, type ImageIndex } from '../acquire/native/manifest.js';
import { indexTarFile, type TarMember } from '../acquire/native/tar-index.js';
import { InputError } from '../errors.js';
import type { Descriptor, FetchedManifest, ImageStore } from '../model/oci.js';
import type { Target } from '../model/target.js';
import { CONTAINERD_NAME, entryNames, layoutStore, readLayoutIndex, type LayoutFiles } from './oci-dir.js';
import { memoByFile } from './file-memo.js';
import { nameMatches, splitPathSpec } from './path-spec.js';
import type { Source } from './source.js';
import { SCHEME_TEXT } from './schemes.js';

const ArchiveManifest = lazySchema(() =>
  z.array(
    z.object({ Config: z.string(), RepoTags: z.array(z.string()).nullish(), Layers: z.array(z.string()) }).loose(),
  ),
);
type ArchiveEntry = z.infer<typeof ArchiveManifest>[number];
const ConfigRootfs = lazySchema(() =>
  z.object({ rootfs: z.object({ diff_ids: z.array(z.string()) }).loose().nullish() }).loose(),
);

const MAX_JSON_BYTES = 16 * 1024 ** 2;
const UNCOMPRESSED_LAYER = 'application/vnd.docker.image.rootfs.diff.tar';

export function tarFiles(file: string, members: Map<string, TarMember>): LayoutFiles {
  const member = (rel: string) => {
    const m = members.get(rel);
    if (!m) throw new Error(`${rel} is not in the archive`);
    return m;
  };
  return {
    label: file,
    has: async (rel) => members.has(rel),
    size: async (rel) => member(rel).size,
    async read(rel, maxBytes) {
      const m = member(rel);
      if (m.size > maxBytes) throw new Error(`${rel} is ${m.size} bytes, over ${maxBytes}`);
      const fh = await open(file, 'r');
      try {
        const buf = Buffer.alloc(m.size);
        await fh.read(buf, 0, m.size, m.offset);
        return buf;
      } finally {
        await fh.close();
      }
    },
    async open(rel) {
      const m = member(rel);
      if (m.size === 0) return Readable.from([]);
      return createReadStream(file, { start: m.offset, end: m.offset + m.size - 1, highWaterMark: 256 * 1024 });
    },
  };
}

async function archiveEntries(files: LayoutFiles): Promise<ArchiveEntry[]> {
  let json: unknown;
  try {
    json = JSON.parse((await files.read('manifest.json', MAX_JSON_BYTES)).toString('utf8'));
  } catch (err) {
    throw new InputError(`${files.label}:manifest.json`, (err as Error).message);
  }
  const parsed = ArchiveManifest.safeParse(json);
  if (!parsed.success) throw new InputError(`${files.label}:manifest.json`, z.prettifyError(parsed.error));
  return parsed.data;
}

/** `ref` is a RepoTag, or `<file>#<n>` for the n-th image (untagged images have no other name). */
function selectArchiveEntry(entries: ArchiveEntry[], file: string, ref: string | undefined): ArchiveEntry {
  const byIndex = ref && ref.startsWith(`${file}#`) ? entries[Number(ref.slice(file.length + 1))] : undefined;
  const found = byIndex ?? (ref ? entries.find((e) => e.RepoTags?.includes(ref)) : undefined) ?? (entries.length === 1 ? entries[0] : undefined);
  if (!found) throw new Error(`${file}: no image ${ref ?? ''} among ${entries.length} (${entries.flatMap((e) => e.RepoTags ?? []).join(', ')})`);
  return found;
}

/** Layer digests: from `blobs/sha256/<hex>` paths, else the config's diff_ids (classic layer.tar files are uncompressed). */
async function classicStore(files: LayoutFiles, entry: ArchiveEntry): Promise<ImageStore> {
  const configBytes = await files.read(entry.Config, MAX_JSON_BYTES);
  const diffIds = ConfigRootfs.safeParse(JSON.parse(configBytes.toString('utf8'))).data?.rootfs?.diff_ids ?? [];
  const paths = new Map<string, string>();
  const config: Descriptor = { mediaType: MEDIA.dockerConfig, digest: sha256Digest(configBytes), size: configBytes.length };
  paths.set(config.digest, entry.Config);
  const layers: Descriptor[] = [];
  for (const [i, path] of entry.Layers.entries()) {
    const fromPath = /^blobs\/(sha256)\/([a-f0-9]{64})$/.exec(path);
    const digest = fromPath ? `${fromPath[1]}:${fromPath[2]}` : diffIds[i];
    if (!digest || !isDigest(digest)) throw new Error(`${files.label}: no digest for layer ${path}`);
    layers.push({ mediaType: UNCOMPRESSED_LAYER, digest, size: await files.size(path) });
    paths.set(digest, path);
  }
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.dockerManifest, config, layers }));
  const root: FetchedManifest = { bytes, mediaType: MEDIA.dockerManifest, digest: sha256Digest(bytes) };
  return {
    label: files.label,
    getRootManifest: async () => root,
    async getManifest(digest) {
      if (digest !== root.digest) throw new Error(`manifest ${digest} is not in the archive`);
      return root;
    },
    async openBlob(desc) {
      const path = paths.get(desc.digest);
      if (!path) throw new Error(`blob ${desc.digest} is not in the archive`);
      return files.open(path);
    },
  };
}

/** The archive's member table is built once while the file is unchanged: every image of the archive opens it. */
async function archiveFiles(file: string): Promise<LayoutFiles> {
  try {
    return tarFiles(file, await memoByFile('docker-archive members', file, () => indexTarFile(file)));
  } catch (err) {
    throw new InputError(file, `not a readable docker archive: ${(err as Error).message}`);
  }
}

/** An ImageStore over one image of a `docker save` tarball; `ref` picks among several (see selectArchiveEntry). */
export async function openDockerArchive(file: string, opts: { ref?: string } = {}): Promise<ImageStore> {
  const files = await archiveFiles(file);
  if ((await files.has('index.json')) && (await files.has('oci-layout'))) {
    const select = opts.ref && !opts.ref.startsWith(`${file}#`) ? { ref: opts.ref } : {};
    const index = opts.ref?.startsWith(`${file}#`) ? Number(opts.ref.slice(file.length + 1)) : undefined;
    const layoutIndex = () => memoByFile('docker-archive index', file, () => readLayoutIndex(files));
    return index !== undefined ? nthLayoutImage(files, index, layoutIndex) : layoutStore(files, select, layoutIndex);
  }
  return classicStore(files, selectArchiveEntry(await memoByFile('docker-archive manifest', file, () => archiveEntries(files)), file, opts.ref));
}

async function nthLayoutImage(files: LayoutFiles, n: number, index: () => Promise<ImageIndex>): Promise<ImageStore> {
  const entry = (await index()).manifests[n];
  if (!entry) throw new Error(`${files.label}: no image #${n}`);
  return layoutStore(files, { digest: entry.digest }, index);
}

/** An image of an archive, and every name it goes by (for `docker-archive:FILE:NAME`). */
interface ArchiveImage {
  target: Target;
  names: string[];
}

async function archiveImages(file: string): Promise<{ images: ArchiveImage[]; layout: boolean }> {
  const files = await archiveFiles(file);
  if (!(await files.has('manifest.json')) && (await files.has('index.json'))) {
    // An OCI layout tarball without docker's manifest.json: its index names the images.
    const index = await memoByFile('docker-archive index', file, () => readLayoutIndex(files));
    const images = index.manifests.map((d, i) => ({ target: { kind: 'docker-archive', ref: d.annotations?.[CONTAINERD_NAME] ?? `${file}#${i}`, path: file } satisfies Target, names: entryNames(d) }));
    return { images, layout: true };
  }
  const entries = await memoByFile('docker-archive manifest', file, () => archiveEntries(files));
  const images = entries.map((e, i) => ({ target: { kind: 'docker-archive', ref: e.RepoTags?.[0] ?? `${file}#${i}`, path: file } satisfies Target, names: e.RepoTags ?? [] }));
  return { images, layout: false };
}

/** One target per image in the archive, named by its first tag, or `<file>#<n>` when untagged; `select` keeps the ones it names. */
export async function inventoryDockerArchive(file: string, select?: string): Promise<Target[]> {
  const { images } = await archiveImages(file);
  if (select === undefined) return images.map((i) => i.target);
  const picked = images.filter((i) => i.names.some((n) => nameMatches(n, select)) || i.target.ref === select);
  if (picked.length === 0) throw new Error(`no image named ${select} (it has ${images.flatMap((i) => i.names).join(', ') || 'only untagged images'})`);
  return picked.map((i) => i.target);
}

/** `oci-archive:FILE`: a tarball of an OCI image layout (skopeo copy oci-archive:, buildx --output type=oci). */
export async function inventoryOciArchive(file: string, select?: string): Promise<Target[]> {
  const { layout } = await archiveImages(file);
  if (!layout) throw new Error('not an OCI layout archive (no index.json; a `docker save` tarball is read with docker-archive:)');
  return inventoryDockerArchive(file, select);
}

function archiveSource(scheme: 'docker-archive' | 'oci-archive', list: (file: string, select?: string) => Promise<Target[]>) {
  return {
    scheme,
    describe: SCHEME_TEXT[scheme],
    async inventory(spec: string) {
      try {
        const { path, select } = await splitPathSpec(spec);
        return { targets: await list(path, select), errors: [], inputErrors: [] };
      } catch (err) {
        return { targets: [], errors: [], inputErrors: [`${scheme}:${spec}: ${(err as Error).message}`] };
      }
    },
  } satisfies Source;
}

/** `docker-archive:<file>[:<name>]`: every image in a `docker save` tarball, or the one named. */
export const dockerArchiveSource = archiveSource('docker-archive', inventoryDockerArchive);
export const ociArchiveSource = archiveSource('oci-archive', inventoryOciArchive);
