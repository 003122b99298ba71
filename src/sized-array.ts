// Arrays made at the length they will hold. One grown by push keeps room for 17 items from its first push: for the
// millions of one- and two-item lists of a 200,000-record IOC feed, that room was a third of what the garbage
// collector copied out of the young generation, and of the memory the loaded set kept.

/** Longer than this, `new Array(n)` would give V8's slow dictionary elements; such an array grows by push instead. */
export const SIZED_MAX = 1024;

/** An array for `n` items written in order from index 0 (holey until filled, which never costs a lookup here). */
export function sizedArray<T>(n: number): T[] {
  return n <= SIZED_MAX ? new Array<T>(n) : [];
}
