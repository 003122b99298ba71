// File locations in an image, written one way: absolute, `/`-separated, each once.
import { posix } from 'node:path';

/**
 * trivy writes root-relative paths (`node_modules/x/package.json`) where syft writes absolute ones;
 * both mean the same file in the image, so both become absolute.
 */
export function toImagePath(raw: string | undefined | null): string | undefined {
  const p = raw?.trim().replaceAll('\\', '/');
  if (!p) return undefined;
  return posix.normalize(p.startsWith('/') ? p : `/${p}`);
}

export function imagePaths(raws: Iterable<string | undefined | null>): string[] {
  const out = new Set<string>();
  for (const raw of raws) {
    const p = toImagePath(raw);
    if (p) out.add(p);
  }
  return [...out];
}
