// The contract each ecosystem's version ordering meets.

export interface VersionOrder {
  /** Why a version is not one this ecosystem can order, or undefined when it is. */
  problem(version: string): string | undefined;
  /** Negative, zero or positive, as the ecosystem's own tool orders them; both versions are valid. */
  compare(a: string, b: string): number;
}

/** -1, 0 or 1. */
export const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);
