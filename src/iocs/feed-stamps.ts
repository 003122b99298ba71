// When a feed file's stat can vouch for its bytes, as git's index does: the compiled IOC cache records each file's
// stat, taken before its bytes were read, and a later load that finds the same stat need not read it again.
import { statfsSync, type BigIntStats } from 'node:fs';

/**
 * How far before a load's first stat a file's ctime and mtime must lie for that stat to vouch for the bytes read
 * after it. A write lands in the file's ctime (the kernel sets it; no user can), but only to the clock's
 * granularity: a file written, stat'ed, read and written again within one tick keeps every stat field. Ticks
 * are a jiffy on most Linux file systems, 2 s on FAT, and a file server's clock may run a little behind ours;
 * a file that recent is read and hashed instead (once: see readCompiled's refresh).
 */
export const RACY_NS = 3_000_000_000n;

/** Wall-clock nanoseconds, taken before a load's first stat: earlier than every stat it covers, never later. */
export const clockNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

/** Device, inode, size, mtime and ctime in nanoseconds: a file replaced, rewritten or touched shows in one of them. */
export const stampOf = (s: BigIntStats): string => `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;

/** The later of a stat's ctime and mtime, in nanoseconds. */
export const newestNs = (s: BigIntStats): bigint => (s.ctimeNs > s.mtimeNs ? s.ctimeNs : s.mtimeNs);

/** Whether a stat taken at or after `since`, its newest time `newest`, is old enough news: no write after it could leave its times unchanged. */
export const settled = (newest: bigint, since: bigint): boolean => newest < since - RACY_NS;

/**
 * Whether a file's stat now (`stamp`, its newest time `newest`) proves it holds the bytes hashed when `recorded`
 * was stamped by a load whose stats began at `since`: every field equal, and its times settled then, so no later
 * write kept them.
 */
export const vouches = (stamp: string, newest: bigint, recorded: unknown, since: bigint): boolean => stamp === recorded && settled(newest, since);

/**
 * Linux file systems whose folders' times move with every entry added, removed or renamed, as POSIX asks and a
 * recorded walk relies on: ext2-4, XFS, Btrfs, tmpfs, overlayfs (a container's root), ZFS, F2FS, and the read-only
 * SquashFS and ISO 9660. A network or FUSE file system may cache a folder's attributes, or not keep them: git
 * leaves its untracked cache, which relies on the same, off by default for that. Anywhere else the folder is walked.
 */
const FOLDER_TIMES_HOLD = new Set([0xef53, 0x58465342, 0x9123683e, 0x01021994, 0x794c7630, 0x2fc12fc1, 0xf2f52010, 0x73717368, 0x9660]);

/**
 * Whether a recorded walk of `top` may be taken on its folders' stats: on one of those file systems, every folder
 * on the same device as `top` (a folder with something else mounted on it is on that file system instead).
 */
export function folderTimesHold(top: string, stats: readonly ({ stamp: string } | undefined)[]): boolean {
  if (process.platform !== 'linux') return false;
  let type: number;
  try {
    type = Number(statfsSync(top).type);
  } catch {
    return false;
  }
  if (!FOLDER_TIMES_HOLD.has(type)) return false;
  const first = stats[0]?.stamp;
  if (first === undefined) return false;
  const dev = first.slice(0, first.indexOf(':') + 1);
  return stats.every((s) => s !== undefined && s.stamp.startsWith(dev));
}
