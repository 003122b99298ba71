// packageurl-js, loaded the first time a purl needs it: building its module makes an Intl.Collator (about 7 ms of
// ICU start-up), which a scan of SBOMs whose purls are all plain (src/formats/purl.ts plainPurl) never needs.
import { createRequire } from 'node:module';
import type * as Lib from 'packageurl-js';

let lib: typeof Lib | undefined;

/**
 * The library. In the bundle (scripts/bundle.mjs) the `require` below is esbuild's: the bundled copy, run on
 * first call. Unbundled (tests, tsc's output), an ES module has no `require` and Node's own loads it.
 */
function load(): typeof Lib {
  if (typeof require === 'function') return require('packageurl-js') as typeof Lib;
  return createRequire(import.meta.url)('packageurl-js') as typeof Lib;
}

export function purlLib(): typeof Lib {
  return (lib ??= load());
}

/** `new PackageURL(...).toString()`, the purl the native catalogers write. */
export function purlString(type: string, namespace: string | undefined, name: string, version: string | undefined, qualifiers?: Record<string, string>): string {
  return new (purlLib().PackageURL)(type, namespace, name, version, qualifiers, undefined).toString();
}
