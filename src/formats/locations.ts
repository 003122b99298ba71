// File locations in an image, written one way: absolute, `/`-separated, each once.
import { posix } from 'node:path';
import type { FileRecord } from '../model/target.js';

const SLASH = 47;

/**
 * trivy writes root-relative paths (`node_modules/x/package.json`) where syft writes absolute ones;
 * both mean the same file in the image, so both become absolute.
 */
export function toImagePath(raw: string | undefined | null): string | undefined {
  const p = raw?.trim();
  if (!p) return undefined;
  // Already clean (absolute, no empty, `.` or `..` segment, no backslash), as nearly every path syft writes: normalize
  // would hand back the same string, and a fleet has hundreds of thousands of them.
  if (p.charCodeAt(0) === SLASH && !p.includes('//') && !p.includes('/.') && !p.includes('\\')) return p;
  const q = p.replaceAll('\\', '/');
  return posix.normalize(q.startsWith('/') ? q : `/${q}`);
}

export function imagePaths(raws: Iterable<string | undefined | null>): string[] {
  const out = new Set<string>();
  for (const raw of raws) {
    const p = toImagePath(raw);
    if (p) out.add(p);
  }
  return [...out];
}

/**
 * One file an SBOM lists (SPDX `files`, syft `files`, a CycloneDX `file` component): its path and the
 * SHA-256 among its hashes, for file indicators. Hashes come as `{algorithm, value}` in any spelling.
 */
export function sbomFileRecord(
  rawPath: string | undefined,
  hashes: readonly { alg?: string | undefined; value?: string | undefined }[],
  extra: { size?: number | undefined; layer?: string | undefined } = {},
): FileRecord | undefined {
  const path = toImagePath(rawPath);
  if (!path) return undefined;
  const r: FileRecord = { path };
  const sha = hashes.find((h) => (h.alg ?? '').toLowerCase().replace(/[^a-z0-9]/g, '') === 'sha256' && /^[0-9a-f]{64}$/i.test(h.value?.trim() ?? ''));
  if (sha?.value) r.sha256 = sha.value.trim().toLowerCase();
  if (extra.size !== undefined && Number.isSafeInteger(extra.size) && extra.size >= 0) r.size = extra.size;
  if (extra.layer) r.layer = extra.layer;
  return r;
}
