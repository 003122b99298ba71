// A file's derived form (a layout's parsed index, an archive's member table) built once while the file is unchanged:
// a scan of N images in one layout or tarball then reads it once, not N times.
import { stat } from 'node:fs/promises';

/** Few files are open at once in one scan; old entries go first. */
const MAX_ENTRIES = 8;
const memo = new Map<string, { stamp: string; value: Promise<unknown> }>();

/**
 * `build()`'s promise for `file`, reused while the file's identity and size and times are the same. A failure is not
 * kept (the next call tries again); a file that cannot be stat'ed is never memoised.
 */
export async function memoByFile<T>(kind: string, file: string, build: () => Promise<T>): Promise<T> {
  const s = await stat(file, { bigint: true }).catch(() => undefined);
  if (!s) return build();
  const stamp = `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  const key = `${kind}\u0000${file}`;
  const hit = memo.get(key);
  if (hit?.stamp === stamp) {
    memo.delete(key);
    memo.set(key, hit);
    return hit.value as Promise<T>;
  }
  const value = build();
  memo.set(key, { stamp, value });
  value.catch(() => {
    if (memo.get(key)?.value === value) memo.delete(key);
  });
  while (memo.size > MAX_ENTRIES) memo.delete(memo.keys().next().value as string);
  return value;
}
