// A bare argument that names a path is read by what it holds, as syft does: an OCI layout folder, a docker or OCI
// archive, an SBOM file, a folder of SBOMs, or a source tree / root filesystem.
import type { Dirent } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { wanted } from '../acquire/directory.js';
import { indexTarFile } from '../acquire/native/tar-index.js';
import { looksLikeSbomFile } from './sbom-files.js';

/** The scheme a path is read with, or why it cannot be read at all. */
export type Sniffed = { scheme: 'oci-dir' | 'oci-archive' | 'docker-archive' | 'sbom' | 'dir' } | { error: string };

/** Entries looked at before a folder with no package file and no SBOM is taken for a source tree anyway. */
const MAX_ENTRIES = 50_000;

export async function sniffPath(p: string): Promise<Sniffed> {
  const info = await stat(p).catch(() => undefined);
  if (!info) return { error: 'no such file or directory' };
  if (info.isDirectory()) return sniffFolder(p);
  if (!info.isFile()) return { error: 'not a file or folder' };
  return sniffFile(p);
}

/** A tarball by its ustar header (docker save writes ustar), then what it holds; anything else is offered as an SBOM. */
export async function sniffFile(p: string): Promise<Sniffed> {
  const head = Buffer.alloc(512);
  const fh = await open(p, 'r');
  let n: number;
  try {
    n = (await fh.read(head, 0, 512, 0)).bytesRead;
  } finally {
    await fh.close();
  }
  if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return { error: 'a gzip-compressed file: decompress it first (gunzip), then name the tarball' };
  const ustar = n >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar';
  if (!ustar) return { scheme: 'sbom' };
  const members = await indexTarFile(p).catch((err: Error) => err);
  if (members instanceof Error) return { error: `a tar archive that cannot be read: ${members.message}` };
  if (members.has('manifest.json')) return { scheme: 'docker-archive' };
  if (members.has('index.json') && members.has('oci-layout')) return { scheme: 'oci-archive' };
  return { error: 'a tar archive, but neither a `docker save` tarball (manifest.json) nor an OCI layout (oci-layout, index.json)' };
}

/**
 * An OCI layout by its marker; else a source tree as soon as one file is one `dir:` reads (a lockfile, installed
 * package metadata); else a folder of SBOMs when it holds any; else a tree (which then reports what it lacks).
 */
async function sniffFolder(dir: string): Promise<Sniffed> {
  if ((await stat(path.join(dir, 'oci-layout')).catch(() => undefined))?.isFile()) return { scheme: 'oci-dir' };
  let sboms = 0;
  let seen = 0;
  // Breadth first: a checkout's lockfile is at its top, found before its node_modules is walked.
  const queue = [''];
  while (queue.length > 0 && seen < MAX_ENTRIES) {
    const rel = queue.shift()!;
    let entries: Dirent[];
    try {
      entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      seen++;
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== '.git') queue.push(child);
      } else if (e.isFile()) {
        if (wanted(child)) return { scheme: 'dir' };
        if (looksLikeSbomFile(e.name)) sboms++;
      }
    }
  }
  return { scheme: sboms > 0 ? 'sbom' : 'dir' };
}
