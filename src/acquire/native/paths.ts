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

/** A member name as container runtimes place it: `path` relative to the root (`''` is the root itself). */
export interface RuntimePath {
  path: string;
  /** The name began with `/`. */
  absolute: boolean;
  /** A `..` reached above the root and was held there. */
  climbs: boolean;
}

/**
 * Where containerd's archive.Apply puts a member (and how it opens a hard link's target): Go's
 * filepath.Clean on the name, lexically, before any symlink is looked at (`a/../x` is `x` even when `a` is
 * a symlink), then fs.RootPath, which joins the result to the root and holds every `..` there: `/etc/x`,
 * `./etc/x`, `../../etc/x` and `a/../../etc/x` all land at `etc/x`. Symlinks along the folders are
 * resolved afterwards, by the caller (LayeredFiles.place). moby refuses a layer whose `..` climbs above
 * the root (a breakout error); containerd, which Kubernetes runs, extracts it, so the file is in the image.
 */
export function runtimeEntryPath(raw: string): RuntimePath {
  const parts: string[] = [];
  let climbs = false;
  for (const seg of raw.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg !== '..') parts.push(seg);
    else if (parts.length > 0) parts.pop();
    else climbs = true;
  }
  return { path: parts.join('/'), absolute: raw.startsWith('/'), climbs };
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
