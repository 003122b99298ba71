// Tar entry names made safe: relative, normalised, never escaping the image root.

export type SafePath = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Normalises a tar member name to `a/b/c` (no leading `./`, no trailing `/`).
 * Absolute names and `..` segments are refused rather than resolved: a layer that uses them is
 * hostile or broken, and resolving them could place a file where the real filesystem would not.
 */
export function safeEntryPath(raw: string): SafePath {
  if (raw.startsWith('/')) return { ok: false, reason: `absolute path ${JSON.stringify(raw)}` };
  const parts: string[] = [];
  for (const seg of raw.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') return { ok: false, reason: `path with .. ${JSON.stringify(raw)}` };
    parts.push(seg);
  }
  return { ok: true, path: parts.join('/') };
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** True when `path` is `dir` itself or lies under it (`dir` empty means the root). */
export function isUnder(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}
