// What the package-cache oracles (Deno's, Bun's, Yarn's and npm's caches, test/oracle/*-cache*.test.ts) share: the
// files a real tool wrote into a cache folder, placed where a Linux image keeps that cache, and read the way the
// native reader reads them: one file at a time by the cataloger its path selects, or as a whole image.
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type Cataloger, catalogerFor, type FoundPackage } from '../../src/acquire/native/catalogers/index.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/acquire/native/limits.js';
import { readImage } from '../../src/acquire/native/read-image.js';
import { openOciDir } from '../../src/inventory/oci-dir.js';
import { buildIocIndex } from '../../src/match/ioc-index.js';
import { judgeImage } from '../../src/match/verdict.js';
import { incident, ioc, iocSet } from '../match/helpers.js';
import type { AcquiredPlatform } from '../../src/model/target.js';
import { buildImageLayout, type FileSpec } from './image-builder.js';
import { type NpmRegistry, serveNpmRegistry } from './npm-registry.js';

export interface OracleRegistry {
  /** A fresh folder for the tool's caches and the images, removed after the tests (kept with KEEP_ORACLE=1). */
  work: string;
  registry: NpmRegistry;
}

/**
 * Called inside a describe: before its tests, a work folder named after `prefix` and a loopback registry serving
 * the folder `registryFolder` gives (it may fill one under the work folder: packNpmPackages); after them, the
 * registry closed and the work folder removed. The fields are set once the tests run.
 */
export function loopbackRegistry(prefix: string, registryFolder: (work: string) => Promise<string>): OracleRegistry {
  const oracle = {} as OracleRegistry;
  beforeAll(async () => {
    oracle.work = await mkdtemp(join(tmpdir(), prefix));
    oracle.registry = await serveNpmRegistry(await registryFolder(oracle.work));
  }, 120_000);
  afterAll(async () => {
    oracle.registry?.server.close();
    if (oracle.work && !process.env.KEEP_ORACLE) await rm(oracle.work, { recursive: true, force: true });
  });
  return oracle;
}

/** Every regular file under `dir` (symlinks left out: the caches' own links point at absolute host paths). */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(join(e.parentPath, e.name));
  return out.sort();
}

export interface CacheReading {
  packages: FoundPackage[];
  /** `path: cataloger: message` for every error and note a cataloger gave. */
  complaints: string[];
  /** The cataloger each read file went to, by image path. */
  readBy: Map<string, string>;
}

/**
 * Every file under `dir` catalogued as if it sat at `${imageDir}/<its path below dir>` (no leading slash), by
 * the cataloger `catalogerFor` picks for that path; a file over the cataloger's limit as the reader treats it
 * (catalogUnread, or unknown).
 */
export async function catalogCache(dir: string, imageDir: string, limits: Limits = DEFAULT_LIMITS): Promise<CacheReading> {
  const reading: CacheReading = { packages: [], complaints: [], readBy: new Map() };
  for (const file of await filesUnder(dir)) {
    const path = `${imageDir}/${relative(dir, file)}`;
    const cataloger: Cataloger | undefined = catalogerFor(path);
    if (!cataloger) continue;
    reading.readBy.set(path, cataloger.name);
    const content = await readFile(file);
    const over = content.length > cataloger.maxBytes(limits);
    const unread = () => cataloger.catalogUnread?.(path, content.length) ?? { packages: [], notes: [], errors: [`over ${cataloger.name}'s limit; not read`] };
    const result = over ? unread() : cataloger.catalog(path, content, limits);
    for (const m of [...(result.errors ?? []), ...result.notes]) reading.complaints.push(`${path}: ${m}`);
    reading.packages.push(...result.packages);
  }
  return reading;
}

/**
 * The verdict of a one-layer image holding the files under each `dir` at its image folder, for an IOC on
 * `name@version`; `process` adds to the config's `config` (Env, WorkingDir).
 */
export async function cacheImageVerdict(work: string, caches: { dir: string; imageDir: string }[], name: string, version: string, process: Record<string, unknown> = {}): Promise<ReturnType<typeof judgeImage>> {
  const files = [];
  for (const c of caches) for (const f of await filesUnder(c.dir)) files.push({ path: `${c.imageDir}/${relative(c.dir, f)}`, content: await readFile(f) });
  const built = await buildImageLayout(work, { platforms: [{ process, layers: [{ files }] }] });
  const image = await readImage(await openOciDir(built.dir), { ref: 'x' });
  return judgeImage(image, buildIocIndex(iocSet(incident('cache', [ioc('npm', name, [version])]))));
}

/**
 * The native reader's reading of a one-layer image whose filesystem is the folder `root` (a project a real tool
 * installed, with its caches, under a stand-in for the image's root): its regular files and symlinks, a link
 * whose absolute target lies inside `root` pointing at that image path; `process` adds to the config's `config`.
 */
export async function folderImagePlatform(work: string, root: string, process: Record<string, unknown> = {}): Promise<AcquiredPlatform> {
  const files: FileSpec[] = [];
  for (const e of await readdir(root, { withFileTypes: true, recursive: true })) {
    const host = join(e.parentPath, e.name);
    const path = relative(root, host);
    if (e.isFile()) files.push({ path, content: await readFile(host) });
    else if (e.isSymbolicLink()) {
      const target = await readlink(host);
      files.push({ path, type: 'symlink', linkname: target.startsWith(`${root}/`) ? `/${relative(root, target)}` : target });
    }
  }
  const built = await buildImageLayout(work, { platforms: [{ process, layers: [{ files }] }] });
  const image = await readImage(await openOciDir(built.dir), { ref: 'x' });
  return image.platforms[0]!;
}
