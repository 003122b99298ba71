// The project's test image builder: a JS description -> an OCI layout directory or a docker save tarball,
// with the blobs and manifests returned so that the same image can be pushed to a test registry.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { buildTar, type TarFile } from './tar.js';

export type LayerCompression = 'gzip' | 'none' | 'zstd';

/** A file in a layer. `whiteout`: delete `path` from lower layers; `opaque`: hide lower content of directory `path`. */
export interface FileSpec extends TarFile {
  whiteout?: boolean;
  opaque?: boolean;
}

export interface LayerSpec {
  files: FileSpec[];
  compression?: LayerCompression;
  /** Store bytes that do not hash to the layer's digest (valid archive, other content). */
  corrupt?: boolean;
  longNames?: 'pax' | 'gnu';
  /** Override the media type written in the manifest (to test sniffing). */
  mediaType?: string;
  /** Stored bytes used as they are, instead of the files (to test broken layers). */
  raw?: Buffer;
}

export interface PlatformSpec {
  os?: string;
  architecture?: string;
  variant?: string;
  /** Config `created`; null leaves it out. Default: a fixed 2026 time. */
  created?: string | null;
  labels?: Record<string, string>;
  /** More fields of the config's `config` (Env, WorkingDir, User). */
  process?: Record<string, unknown>;
  layers: LayerSpec[];
  /** Extra fields on this platform's index entry (annotations, artifactType) and in its manifest. */
  entry?: Record<string, unknown>;
  manifest?: Record<string, unknown>;
}

export interface ImageSpec {
  /** Written as the `org.opencontainers.image.ref.name` annotation in index.json. */
  ref?: string;
  platforms: PlatformSpec[];
  /** Write an index even for one platform (always with several). */
  index?: boolean;
  /**
   * Add a BuildKit attestation manifest for every platform. A function gives the in-toto statement
   * for a platform's manifest digest (undefined: that platform gets no attestation).
   */
  attestations?: boolean | ((subject: string, p: PlatformSpec) => unknown);
  /** Add two OCI artifacts to the index: one with artifactType on its descriptor, one only in its manifest. */
  artifacts?: boolean;
  mediaTypes?: 'oci' | 'docker';
}

export interface BuiltManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

export interface BuiltImage {
  ref?: string;
  /** Root descriptor: the index, or the manifest of a single-platform image. */
  digest: string;
  mediaType: string;
  size: number;
  platforms: { platform: string; digest: string; configDigest: string; layerDigests: string[] }[];
}

export interface BuiltLayout {
  dir: string;
  /** Root digest of the first image (an index when it has one). */
  indexDigest: string;
  images: BuiltImage[];
  /** Every manifest and index, children before parents (push order). */
  manifests: BuiltManifest[];
  /** Every blob by digest: configs, layers, manifests, indexes (corrupt layers hold their wrong bytes). */
  blobs: Map<string, Buffer>;
}

export const MT = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

const LAYER_MT: Record<'oci' | 'docker', Record<LayerCompression, string>> = {
  oci: {
    gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
    none: 'application/vnd.oci.image.layer.v1.tar',
    zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  },
  docker: {
    gzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    none: 'application/vnd.docker.image.rootfs.diff.tar',
    zstd: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
  },
};

export const DEFAULT_CREATED = '2026-03-30T12:00:00Z';

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function zstdAvailable(): boolean {
  return typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function';
}

export function compress(tar: Buffer, c: LayerCompression): Buffer {
  if (c === 'gzip') return zlib.gzipSync(tar);
  if (c === 'zstd') return (zlib as unknown as { zstdCompressSync: (b: Buffer) => Buffer }).zstdCompressSync(tar);
  return tar;
}

/** Whiteouts and opaque markers become the `.wh.` files that image layers use. */
export function layerTar(layer: LayerSpec): Buffer {
  const files = layer.files.map((f): TarFile => {
    const slash = f.path.replace(/\/$/, '').lastIndexOf('/');
    const dir = slash < 0 ? '' : f.path.slice(0, slash + 1);
    if (f.whiteout) return { path: `${dir}.wh.${f.path.replace(/\/$/, '').slice(slash + 1)}`, content: '' };
    if (f.opaque) return { path: `${f.path.replace(/\/$/, '')}/.wh..wh..opq`, content: '' };
    return f;
  });
  return buildTar(files, layer.longNames ? { longNames: layer.longNames } : {});
}

interface Blobs {
  blobs: Map<string, Buffer>;
  manifests: BuiltManifest[];
}

function addJson(out: Blobs, value: unknown, mediaType?: string): { digest: string; size: number; bytes: Buffer } {
  const bytes = Buffer.from(JSON.stringify(value));
  const digest = sha256(bytes);
  out.blobs.set(digest, bytes);
  if (mediaType) out.manifests.push({ digest, mediaType, bytes });
  return { digest, size: bytes.length, bytes };
}

function platformOf(p: PlatformSpec): { os: string; architecture: string; variant?: string } {
  return { os: p.os ?? 'linux', architecture: p.architecture ?? 'amd64', ...(p.variant ? { variant: p.variant } : {}) };
}

export function imageConfig(p: PlatformSpec, diffIds: string[]): Record<string, unknown> {
  return {
    ...(p.created === null ? {} : { created: p.created ?? DEFAULT_CREATED }),
    ...platformOf(p),
    config: { Labels: p.labels ?? {}, ...p.process },
    rootfs: { type: 'layers', diff_ids: diffIds },
  };
}

function buildLayer(out: Blobs, layer: LayerSpec, kind: 'oci' | 'docker') {
  const compression = layer.compression ?? 'gzip';
  const tar = layerTar(layer);
  const stored = layer.raw ?? compress(tar, compression);
  const digest = sha256(stored);
  const bytes = layer.corrupt ? compress(layerTar({ ...layer, files: [...layer.files, { path: 'tampered', content: 'x' }] }), compression) : stored;
  out.blobs.set(digest, bytes);
  // A corrupt layer keeps its size honest so that only the digest tells the difference.
  return { mediaType: layer.mediaType ?? LAYER_MT[kind][compression], digest, size: bytes.length, diffId: sha256(tar) };
}

function buildPlatform(out: Blobs, p: PlatformSpec, kind: 'oci' | 'docker') {
  const layers = p.layers.map((l) => buildLayer(out, l, kind));
  const config = addJson(out, imageConfig(p, layers.map((l) => l.diffId)));
  const configMt = kind === 'oci' ? MT.ociConfig : MT.dockerConfig;
  const mediaType = kind === 'oci' ? MT.ociManifest : MT.dockerManifest;
  const manifest = addJson(
    out,
    {
      schemaVersion: 2,
      mediaType,
      ...p.manifest,
      config: { mediaType: configMt, digest: config.digest, size: config.size },
      layers: layers.map(({ mediaType: mt, digest, size }) => ({ mediaType: mt, digest, size })),
    },
    mediaType,
  );
  const platform = platformOf(p);
  const built = { platform: Object.values(platform).join('/'), digest: manifest.digest, configDigest: config.digest, layerDigests: layers.map((l) => l.digest) };
  return { descriptor: { mediaType, digest: manifest.digest, size: manifest.size, platform, ...p.entry }, built };
}

/** A BuildKit attestation manifest: an image config type on purpose, so only the index entry tells it apart. */
function attestationFor(out: Blobs, subject: string, body?: unknown) {
  // The default is what `docker buildx build` writes with no flags: a provenance attestation, no SBOM.
  const provenance = {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://slsa.dev/provenance/v0.2',
    subject: [{ name: 'image', digest: { sha256: subject.replace(/^sha256:/, '') } }],
    predicate: { builder: { id: '' }, buildType: 'https://mobyproject.org/buildkit@v1' },
  };
  const statement = Buffer.from(JSON.stringify(body ?? provenance));
  const layerDigest = sha256(statement);
  out.blobs.set(layerDigest, statement);
  const config = addJson(out, { architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [layerDigest] } });
  const predicateType = (body as { predicateType?: string } | undefined)?.predicateType ?? provenance.predicateType;
  const layer = { mediaType: 'application/vnd.in-toto+json', digest: layerDigest, size: statement.length, annotations: { 'in-toto.io/predicate-type': predicateType } };
  const m = addJson(out, { schemaVersion: 2, mediaType: MT.ociManifest, config: { mediaType: MT.ociConfig, digest: config.digest, size: config.size }, layers: [layer] }, MT.ociManifest);
  return {
    mediaType: MT.ociManifest,
    digest: m.digest,
    size: m.size,
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: { 'vnd.docker.reference.digest': subject, 'vnd.docker.reference.type': 'attestation-manifest' },
  };
}

function artifactsFor(out: Blobs) {
  const empty = addJson(out, {});
  const emptyDesc = { mediaType: 'application/vnd.oci.empty.v1+json', digest: empty.digest, size: empty.size };
  const withType = addJson(out, { schemaVersion: 2, mediaType: MT.ociManifest, artifactType: 'application/vnd.example.sbom', config: emptyDesc, layers: [emptyDesc] }, MT.ociManifest);
  const configOnly = addJson(out, { schemaVersion: 2, mediaType: MT.ociManifest, config: { ...emptyDesc, mediaType: 'application/vnd.cncf.helm.config.v1+json' }, layers: [emptyDesc] }, MT.ociManifest);
  return [
    { mediaType: MT.ociManifest, digest: withType.digest, size: withType.size, artifactType: 'application/vnd.example.sbom' },
    { mediaType: MT.ociManifest, digest: configOnly.digest, size: configOnly.size, platform: { os: 'linux', architecture: 'amd64' } },
  ];
}

function buildImage(out: Blobs, spec: ImageSpec): BuiltImage & { descriptor: Record<string, unknown> } {
  const kind = spec.mediaTypes ?? 'oci';
  const platforms = spec.platforms.map((p) => buildPlatform(out, p, kind));
  const only = platforms[0];
  const annotations = spec.ref ? { annotations: { 'org.opencontainers.image.ref.name': spec.ref } } : {};
  const ref = spec.ref ? { ref: spec.ref } : {};
  if (only && platforms.length === 1 && !spec.index && !spec.attestations && !spec.artifacts) {
    const { mediaType, digest, size } = only.descriptor;
    return { ...ref, digest, mediaType, size, platforms: [only.built], descriptor: { mediaType, digest, size, ...annotations } };
  }
  const entries: Record<string, unknown>[] = [];
  for (const [i, p] of platforms.entries()) {
    entries.push(p.descriptor);
    const body = typeof spec.attestations === 'function' ? spec.attestations(p.descriptor.digest, spec.platforms[i]!) : undefined;
    if (spec.attestations === true || body !== undefined) entries.push(attestationFor(out, p.descriptor.digest, body));
  }
  if (spec.artifacts) entries.push(...artifactsFor(out));
  const mediaType = kind === 'oci' ? MT.ociIndex : MT.dockerList;
  const index = addJson(out, { schemaVersion: 2, mediaType, manifests: entries }, mediaType);
  const built = { ...ref, digest: index.digest, mediaType, size: index.size, platforms: platforms.map((p) => p.built) };
  return { ...built, descriptor: { mediaType, digest: index.digest, size: index.size, ...annotations } };
}

/** Writes an OCI image layout holding one or more images (one index.json entry each). */
export async function buildImageLayout(dir: string, spec: ImageSpec | ImageSpec[]): Promise<BuiltLayout> {
  const out: Blobs = { blobs: new Map(), manifests: [] };
  const images = (Array.isArray(spec) ? spec : [spec]).map((s) => buildImage(out, s));
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const [digest, bytes] of out.blobs) await writeFile(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: images.map((i) => i.descriptor) }));
  const plain = images.map(({ descriptor: _d, ...rest }) => rest);
  return { dir, indexDigest: plain[0]?.digest ?? '', images: plain, manifests: out.manifests, blobs: out.blobs };
}

export interface DockerArchiveSpec extends PlatformSpec {
  repoTags?: string[];
}

/**
 * Writes a `docker save` tarball. `classic`: manifest.json, `<id>.json`, `<id>/layer.tar` (a repeated
 * layer becomes a symlink, as docker writes it); `oci`: the OCI layout newer docker writes, plus manifest.json.
 */
export async function buildDockerArchive(file: string, images: DockerArchiveSpec[], format: 'classic' | 'oci' = 'classic'): Promise<{ file: string; diffIds: string[][] }> {
  const members: TarFile[] = [];
  const manifest: { Config: string; RepoTags: string[] | null; Layers: string[] }[] = [];
  const index: Record<string, unknown>[] = [];
  const written = new Map<string, string>();
  const diffIds: string[][] = [];
  for (const img of images) {
    const tars = img.layers.map((l) => layerTar(l));
    const ids = tars.map(sha256);
    diffIds.push(ids);
    const config = Buffer.from(JSON.stringify(imageConfig(img, ids)));
    const layerPaths = tars.map((tar, i) => {
      const id = ids[i] as string;
      const path = format === 'oci' ? `blobs/sha256/${id.slice(7)}` : `${sha256(Buffer.from(`${manifest.length}/${i}/${id}`)).slice(7)}/layer.tar`;
      const first = written.get(id);
      const stored = img.layers[i]?.corrupt ? layerTar({ files: [...(img.layers[i]?.files ?? []), { path: 'tampered', content: 'x' }] }) : tar;
      if (first === undefined) members.push({ path, content: stored });
      else if (first !== path) members.push({ path, type: 'symlink', linkname: `../${first}` });
      if (first === undefined) written.set(id, path);
      return path;
    });
    const configPath = format === 'oci' ? `blobs/sha256/${sha256(config).slice(7)}` : `${sha256(config).slice(7)}.json`;
    members.push({ path: configPath, content: config });
    manifest.push({ Config: configPath, RepoTags: img.repoTags ?? null, Layers: layerPaths });
    if (format === 'oci') index.push(ociManifestMember(members, config, tars, img.repoTags?.[0]));
  }
  members.push({ path: 'manifest.json', content: JSON.stringify(manifest) });
  if (format === 'oci') {
    members.push({ path: 'oci-layout', content: JSON.stringify({ imageLayoutVersion: '1.0.0' }) });
    members.push({ path: 'index.json', content: JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: index }) });
  }
  await writeFile(file, buildTar(members));
  return { file, diffIds };
}

function ociManifestMember(members: TarFile[], config: Buffer, tars: Buffer[], tag: string | undefined): Record<string, unknown> {
  const m = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.ociManifest,
      config: { mediaType: MT.ociConfig, digest: sha256(config), size: config.length },
      layers: tars.map((t) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(t), size: t.length })),
    }),
  );
  members.push({ path: `blobs/sha256/${sha256(m).slice(7)}`, content: m });
  const annotations = tag ? { 'io.containerd.image.name': `docker.io/library/${tag}`, 'org.opencontainers.image.ref.name': tag.split(':')[1] ?? 'latest' } : {};
  return { mediaType: MT.ociManifest, digest: sha256(m), size: m.length, annotations };
}

/** A package folder under `root` (e.g. `app/node_modules`): package.json plus a nested file that is not a package. */
export function npmPackageFiles(root: string, name: string, version: string): FileSpec[] {
  const dir = `${root.replace(/\/$/, '')}/${name}`;
  return [
    { path: `${dir}/package.json`, content: JSON.stringify({ name, version, main: 'index.js' }) },
    { path: `${dir}/index.js`, content: `module.exports = ${JSON.stringify(name)};\n` },
    { path: `${dir}/lib/package.json`, content: JSON.stringify({ name: `${name}-internal`, version: '0.0.0-internal' }) },
  ];
}

export function dpkgStatus(pkgs: { name: string; version: string; status?: string }[]): string {
  return pkgs
    .map((p) => `Package: ${p.name}\nStatus: ${p.status ?? 'install ok installed'}\nPriority: optional\nVersion: ${p.version}\nDescription: ${p.name}\n multi-line description\n`)
    .join('\n');
}

export function apkInstalled(pkgs: { name: string; version: string }[]): string {
  return pkgs.map((p) => `C:Q1abc=\nP:${p.name}\nV:${p.version}\nA:x86_64\nT:${p.name} package\n`).join('\n');
}

export function pythonDistInfo(name: string, version: string, sitePackages = 'usr/lib/python3.12/site-packages'): FileSpec {
  const folder = `${name.replace(/-/g, '_')}-${version}.dist-info`;
  return { path: `${sitePackages}/${folder}/METADATA`, content: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\nSummary: test\n\nLong description\nName: not-this\n` };
}

/** A zip as yarn berry writes its cache: deflated entries under `node_modules/<name>/`. */
export function zipFiles(files: { path: string; content: string | Buffer; store?: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const raw = Buffer.from(f.content);
    const data = f.store ? raw : zlib.deflateRawSync(raw);
    const name = Buffer.from(f.path);
    const crc = zlib.crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(f.store ? 0 : 8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(f.store ? 0 : 8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A yarn berry cache zip for one package, at `<project>/.yarn/cache/<name>-npm-<version>-<hash>.zip`. */
export function yarnCacheZip(project: string, name: string, version: string): FileSpec {
  const file = `${name.replace('/', '-')}-npm-${version}-0123456789-abcdef.zip`;
  const content = zipFiles([
    { path: `node_modules/${name}/`, content: '', store: true },
    { path: `node_modules/${name}/package.json`, content: JSON.stringify({ name, version }) },
    { path: `node_modules/${name}/lib/package.json`, content: JSON.stringify({ name: 'inner', version: '0.0.0' }) },
    { path: `node_modules/${name}/index.js`, content: 'module.exports = 1;\n'.repeat(50) },
  ]);
  return { path: `${project}/.yarn/cache/${file}`, content };
}
