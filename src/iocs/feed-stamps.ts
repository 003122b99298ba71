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
