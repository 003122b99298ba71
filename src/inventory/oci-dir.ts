// OCI image layout directories (oci-layout, index.json, blobs/<alg>/<hex>): an ImageStore, and the images they hold.
import { constants } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { parseDigest } from '../acquire/native/digest.js';
import { ImageIndex, OciDescriptor } from '../acquire/native/manifest.js';
import { InputError } from '../errors.js';
import type { Descriptor, FetchedManifest, ImageStore } from '../model/oci.js';
import type { Target } from '../model/target.js';
import { memoByFile } from './file-memo.js';
import { nameMatches, splitPathSpec } from './path-spec.js';
import type { Source } from './source.js';
import { SCHEME_TEXT } from './schemes.js';

export const REF_NAME = 'org.opencontainers.image.ref.name';
export const CONTAINERD_NAME = 'io.containerd.image.name';
const MAX_METADATA_BYTES = 16 * 1024 ** 2;
const TAG_ONLY = /^[\w][\w.-]{0,127}$/;

const OciLayoutFile = lazySchema(() =>
  z.object({ imageLayoutVersion: z.string() }).loose(),
);

/** Files of a layout, wherever they are stored: a directory, or members of a docker save tarball. */
export interface LayoutFiles {
  readonly label: string;
  has(rel: string): Promise<boolean>;
  size(rel: string): Promise<number>;
  read(rel: string, maxBytes: number): Promise<Buffer>;
  open(rel: string): Promise<Readable>;
}

export interface ImageSelector {
  ref?: string;
  digest?: string;
}

/**
 * A layout file opened non-blocking and checked to be a regular file before a byte is read: a blob that is
 * a FIFO or a device (a hostile layout) would otherwise block a read forever, past every timeout.
 */
async function openRegular(dir: string, rel: string): Promise<FileHandle> {
  const handle = await open(join(dir, rel), constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!(await handle.stat()).isFile()) throw new Error(`${rel} is not a regular file`);
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

export function directoryFiles(dir: string): LayoutFiles {
  return {
    label: dir,
    has: async (rel) => (await stat(join(dir, rel)).catch(() => undefined))?.isFile() ?? false,
    size: async (rel) => (await stat(join(dir, rel))).size,
    async read(rel, maxBytes) {
      const handle = await openRegular(dir, rel);
      try {
        const { size } = await handle.stat();
        if (size > maxBytes) throw new Error(`${rel} is ${size} bytes, over ${maxBytes}`);
        return await handle.readFile();
      } finally {
        await handle.close();
      }
    },
    open: async (rel) => (await openRegular(dir, rel)).createReadStream({ highWaterMark: 256 * 1024 }),
  };
}

export function blobPath(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `blobs/${algorithm}/${hex}`;
}

export async function readLayoutIndex(files: LayoutFiles): Promise<ImageIndex> {
  const layout = OciLayoutFile.safeParse(await readJson(files, 'oci-layout'));
  if (!layout.success) throw new InputError(`${files.label}/oci-layout`, 'not an OCI layout marker');
  const index = ImageIndex.safeParse(await readJson(files, 'index.json'));
  if (!index.success) throw new InputError(`${files.label}/index.json`, z.prettifyError(index.error));
  return index.data;
}

async function readJson(files: LayoutFiles, rel: string): Promise<unknown> {
  try {
    return JSON.parse((await files.read(rel, MAX_METADATA_BYTES)).toString('utf8'));
  } catch (err) {
    throw new InputError(`${files.label}/${rel}`, (err as Error).message);
  }
}

/** The index.json entry for a selector: by digest, by ref name, or the only entry. */
export function selectEntry(index: ImageIndex, select: ImageSelector, label: string): Descriptor {
  const entries = index.manifests as Descriptor[];
  const found = select.digest
    ? entries.find((d) => d.digest === select.digest)
    : select.ref
      ? (entries.find((d) => fullNameMatches(d, select.ref as string)) ?? entries.find((d) => tagMatches(d, select.ref as string)))
      : entries.length === 1
        ? entries[0]
        : undefined;
  if (found) return found;
  const names = entries.map((d) => d.annotations?.[REF_NAME] ?? d.digest).join(', ');
  const wanted = select.digest ?? select.ref;
  throw new Error(wanted ? `${label}: no image ${wanted} (it has ${names || 'none'})` : `${label}: ${entries.length} images, name one (${names})`);
}

function fullNameMatches(desc: Descriptor, ref: string): boolean {
  const names = [desc.annotations?.[REF_NAME], desc.annotations?.[CONTAINERD_NAME]];
  return names.some((n) => n !== undefined && (n === ref || n.endsWith(`/${ref}`)));
}

/** The spec lets ref.name be just a tag (`3.19`): then `alpine:3.19` matches it, as a last resort. */
function tagMatches(desc: Descriptor, ref: string): boolean {
  const n = desc.annotations?.[REF_NAME];
  return n !== undefined && !n.includes(':') && ref.endsWith(`:${n}`);
}

/** `index` reads the layout's index (default: from `files`); callers that open many images of one layout memoise it. */
export async function layoutStore(files: LayoutFiles, select: ImageSelector = {}, index = () => readLayoutIndex(files)): Promise<ImageStore> {
  const blob = (digest: string) => files.read(blobPath(digest), MAX_METADATA_BYTES);
  return {
    label: files.label,
    async getRootManifest(): Promise<FetchedManifest> {
      const entry = selectEntry(await index(), select, files.label);
      return { bytes: await blob(entry.digest), mediaType: entry.mediaType, digest: entry.digest };
    },
    async getManifest(digest: string): Promise<FetchedManifest> {
      // The layout does not record a child's media type; the reader tells by the document itself.
      return { bytes: await blob(digest), mediaType: 'application/json', digest };
    },
    async openBlob(desc: Descriptor): Promise<Readable> {
      return files.open(blobPath(desc.digest));
    },
  };
}

/** The layout's index, parsed once while index.json is unchanged (every image of the layout opens it). */
export function ociDirIndex(dir: string): Promise<ImageIndex> {
  return memoByFile('oci-dir index', join(dir, 'index.json'), () => readLayoutIndex(directoryFiles(dir)));
}

export async function openOciDir(dir: string, select: ImageSelector = {}): Promise<ImageStore> {
  return layoutStore(directoryFiles(dir), select, () => ociDirIndex(dir));
}

/** One target per index.json entry, named by its ref annotation where it has one; `select` keeps the entries it names. */
export async function inventoryOciDir(dir: string, select?: string): Promise<Target[]> {
  const index = await ociDirIndex(dir);
  const entries = select === undefined ? index.manifests : index.manifests.filter((d) => entryNames(d).some((n) => nameMatches(n, select)));
  if (entries.length === 0) throw new Error(`no image named ${select} (it has ${index.manifests.map((d) => d.annotations?.[REF_NAME] ?? d.digest).join(', ') || 'none'})`);
  return entries.map((d) => {
    const parsed = OciDescriptor.parse(d);
    const name = parsed.annotations?.[REF_NAME];
    // skopeo and buildx write only the tag in ref.name; a bare `latest` would name nothing in a report.
    const named = name && TAG_ONLY.test(name) ? `${dir}:${name}` : name;
    const ref = named ?? parsed.annotations?.[CONTAINERD_NAME] ?? `${dir}@${parsed.digest}`;
    return { kind: 'oci-layout', ref, path: dir, digest: parsed.digest } satisfies Target;
  });
}

export function entryNames(d: { annotations?: Record<string, string> | undefined }): string[] {
  return [d.annotations?.[REF_NAME], d.annotations?.[CONTAINERD_NAME]].filter((n): n is string => n !== undefined);
}

/** `oci-dir:<path>[:<name>]`: every image in an OCI layout directory, or the ones named (skopeo's and syft's form). */
export const ociDirSource = {
  scheme: 'oci-dir',
  describe: SCHEME_TEXT['oci-dir'],
  async inventory(spec: string) {
    try {
      const { path, select } = await splitPathSpec(spec);
      return { targets: await inventoryOciDir(path, select), errors: [], inputErrors: [] };
    } catch (err) {
      return { targets: [], errors: [], inputErrors: [`oci-dir:${spec}: ${(err as Error).message}`] };
    }
  },
} satisfies Source;
