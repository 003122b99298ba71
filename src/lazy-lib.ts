// A dependency loaded the first time it is needed, not at start-up: building some packages' modules costs
// milliseconds every run does not need (packageurl-js makes an Intl.Collator, ~7 ms; yaml builds its whole tree).
import { createRequire } from 'node:module';

/**
 * `bundled` is `() => require('<name>')` written at the call site: in the bundle (scripts/bundle.mjs) esbuild turns
 * that literal require into its bundled copy, run on first call. Unbundled (tests, tsc's output) an ES module has
 * no `require`, and Node's own loader finds `name`.
 */
export function lazyLib<T>(name: string, bundled: () => unknown): () => T {
  let lib: T | undefined;
  return () => (lib ??= (typeof require === 'function' ? bundled() : createRequire(import.meta.url)(name)) as T);
}
