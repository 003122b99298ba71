// The yaml package, loaded the first time a YAML text is read: a scan of JSON SBOMs against a compiled IOC set
// never needs it, and building its modules was part of every start-up (see src/formats/purl-lib.ts for the how).
import { createRequire } from 'node:module';
import type * as Lib from 'yaml';

let lib: typeof Lib | undefined;

/** The bundled copy through esbuild's `require` in the bundle; Node's own loader when unbundled (tests, tsc's output). */
function load(): typeof Lib {
  if (typeof require === 'function') return require('yaml') as typeof Lib;
  return createRequire(import.meta.url)('yaml') as typeof Lib;
}

export function yamlLib(): typeof Lib {
  return (lib ??= load());
}
