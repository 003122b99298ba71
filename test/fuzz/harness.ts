// Shared fuzz settings: run counts from FUZZ_RUNS, replay from FUZZ_SEED/FUZZ_PATH, and the error kinds a decoder may throw.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { InputError, ToolError, UsageError } from '../../src/errors.js';
import { LimitError } from '../../src/acquire/native/limits.js';

/** Cases per property: small in `npm test`, FUZZ_RUNS in the long run (`npm run fuzz`). */
export function runs(quick: number): number {
  const env = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(env) && env > 0 ? env : quick;
}

/** Long runs get more time per test than vitest's default. */
export const FUZZ_TIMEOUT = process.env.FUZZ_RUNS ? 3_600_000 : 60_000;

/** Runs a property; the seed and path are printed so a failure can be replayed with FUZZ_SEED and FUZZ_PATH. */
export function check<T>(name: string, prop: fc.IProperty<T> | fc.IAsyncProperty<T>, quick: number): void | Promise<void> {
  // Under CI a landing must not depend on the cases a run happened to draw: a fixed seed there, a fresh one elsewhere.
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.CI && !process.env.FUZZ_RUNS ? 1 : Date.now() ^ (Math.random() * 0x7fffffff);
  const params: fc.Parameters<T> = { numRuns: runs(quick), seed, endOnFailure: !!process.env.FUZZ_RUNS };
  if (process.env.FUZZ_PATH) params.path = process.env.FUZZ_PATH;
  const report = (out: fc.RunDetails<T>) => {
    if (process.env.FUZZ_RUNS) console.log(`fuzz ${name}: ${out.numRuns} cases, seed ${seed}`);
    if (out.failed) {
      console.error(`fuzz ${name} FAILED: replay with FUZZ_SEED=${out.seed} FUZZ_PATH=${out.counterexamplePath ?? ''}`);
      throw new Error(fc.defaultReportMessage(out) ?? `fuzz ${name} failed`);
    }
  };
  const out = fc.check(prop as fc.IProperty<T>, params);
  if (out instanceof Promise) return out.then(report);
  report(out);
}

/** The project's own typed errors: anything else (TypeError, RangeError, ReferenceError...) escaping is a bug. */
export function isTypedError(err: unknown): boolean {
  return err instanceof InputError || err instanceof UsageError || err instanceof ToolError || err instanceof LimitError;
}

/** Native reader internals throw plain `Error`s with a message; a built-in error subclass means a bug. */
export function isPlainError(err: unknown): boolean {
  return err instanceof Error && (Object.getPrototypeOf(err) === Error.prototype || isTypedError(err));
}

/** Calls `f`; returns its value, or the error when it is an allowed kind; rethrows anything else. */
export function allowing<R>(f: () => R, allowed: (err: unknown) => boolean): { ok: true; value: R } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: f() };
  } catch (err) {
    if (allowed(err)) return { ok: false, error: err };
    throw err;
  }
}

export const ROOT = join(import.meta.dirname, '..', '..');
export const REAL_WORLD = join(ROOT, '..', 'shared', 'real-world');

/** Every file under a folder (recursive), optionally filtered by name. */
export function filesUnder(dir: string, keep: (name: string) => boolean = () => true): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, keep));
    else if (keep(name)) out.push(path);
  }
  return out;
}

export interface Sample {
  path: string;
  bytes: Buffer;
}

/** Samples print as their path in counterexamples, not as a byte dump. */
export function loadSamples(paths: string[]): Sample[] {
  return paths.map((path) => sample(path, readFileSync(path)));
}

export function sample(path: string, bytes: Buffer): Sample {
  return { path, bytes, [fc.toStringMethod]: () => JSON.stringify(path.replace(`${ROOT}/`, '')) } as Sample;
}
