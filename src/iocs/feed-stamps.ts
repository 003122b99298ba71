// When a feed file's stat can vouch for its bytes, as git's index does: the compiled IOC cache records each file's
// stat, taken before its bytes were read, and a later load that finds the same stat need not read it again.
import type { BigIntStats } from 'node:fs';

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

/** Whether a stat taken at or after `since` is old enough news: no write after it could leave its times unchanged. */
export const settled = (s: BigIntStats, since: bigint): boolean => s.ctimeNs < since - RACY_NS && s.mtimeNs < since - RACY_NS;

/**
 * Whether `now` (this load's stat) proves a file holds the bytes hashed when `stamp` was recorded by a load whose
 * stats began at `since`: every field equal, and the recorded times settled then, so no later write kept them.
 */
export const vouches = (now: BigIntStats, stamp: unknown, since: bigint): boolean => stamp === stampOf(now) && settled(now, since);
