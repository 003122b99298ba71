// Yarn Plug'n'Play's runtime map (.pnp.cjs, or .pnp.data.json with pnpEnableInlining: false): the folders it maps a
// package name to that are not in Yarn's caches. Packages Yarn fetched (linkType HARD) run from the cache zips and
// .yarn/unplugged, read by yarn-zip.ts and npm.ts; the SOFT ones run from the project's own folders (`link:` and
// `portal:` dependencies, workspaces) which no node_modules names, so only this map says `require('x')` loads
// them. Each is listed under the name the map gives it, with the version of the package.json at its
// packageLocation (relative to the .pnp.cjs folder, as the runtime's basePath), except the top-level workspace.
// Checked against the runtime itself (node -r ./.pnp.cjs, the PnP API's locators) in test/oracle/yarn-pnp.test.ts.
import { posix } from 'node:path';
import * as z from 'zod';
import { lazySchema } from '../../../lazy-schema.js';
import type { Cataloger, CatalogResult, FileLookup, FoundPackage } from './cataloger.js';
import { errorFor, noteFor, strictUtf8 } from './cataloger.js';
import { catalogPackageJson } from './npm.js';

const PNP = /(?:^|\/)\.pnp\.(?:cjs|data\.json)$/;

// The part of Yarn's serialised state read here (its generator: pnp's generateSerializedState); the rest is ignored.
const PnpState = lazySchema(() =>
  z.object({
    packageRegistryData: z.array(z.tuple([z.string().nullable(), z.array(z.tuple([z.string().nullable(), z.object({ packageLocation: z.string(), linkType: z.string() }).passthrough()]))])),
  }),
);
type PnpState = z.infer<typeof PnpState>;

// Where the inlined state's string starts: `const RAW_RUNTIME_STATE =\n'` (Yarn 4), or
// `hydrateRuntimeState(JSON.parse('` in $$SETUP_STATE (Yarn 2 and 3).
const STATE_START = /const RAW_RUNTIME_STATE =\n'|hydrateRuntimeState\(JSON\.parse\('/;

/**
 * The JSON Yarn inlines into .pnp.cjs: a single-quoted JavaScript string whose escapes Yarn writes as `\\`, `\'`
 * and a `\` before each line break; undefined when the file inlines none.
 */
function inlinedState(text: string): string | undefined {
  const start = STATE_START.exec(text);
  if (!start) return undefined;
  let out = '';
  for (let i = start.index + start[0].length; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") return out;
    // A backslash before a line break continues the line (nothing is added), as JavaScript reads it.
    if (c === '\\') out += text[++i] === '\n' ? '' : (text[i] ?? '');
    else out += c;
  }
  return undefined;
}

function softPackages(path: string, state: PnpState, lookup: FileLookup | undefined, result: Required<CatalogResult>): FoundPackage[] {
  const base = posix.dirname(`/${path}`);
  const packages: FoundPackage[] = [];
  for (const [name, entries] of state.packageRegistryData) {
    for (const [reference, info] of entries) {
      if (name === null || info.linkType !== 'SOFT' || reference === 'workspace:.') continue;
      const at = posix.join(posix.resolve(base, info.packageLocation), 'package.json').slice(1);
      const file = lookup?.(at);
      // Nothing there: require('name') fails, nothing is loaded.
      if (!file) continue;
      if (file.unreadBytes !== undefined) {
        result.errors.push(errorFor(at, 'yarn-pnp', `${file.unreadBytes} bytes is over the limit; ${JSON.stringify(name)} is loaded from there`));
        continue;
      }
      const read = catalogPackageJson(at, file.content, { folder: name }, 'yarn-pnp');
      packages.push(...read.packages);
      result.notes.push(...read.notes);
      result.errors.push(...(read.errors ?? []));
    }
  }
  return packages;
}

export const yarnPnpCataloger = {
  name: 'yarn-pnp',
  wants: (path) => PNP.test(path),
  maxBytes: (limits) => limits.maxFileBytes,
  catalogUnread: (path, size) => ({ packages: [], notes: [], errors: [errorFor(path, 'yarn-pnp', `${size} bytes is over the limit maxFileBytes: the folders it maps package names to are not read`)] }),
  catalog(path, content, _limits, lookup): CatalogResult {
    const text = strictUtf8(content);
    if (text === undefined) return { packages: [], notes: [], errors: [errorFor(path, 'yarn-pnp', 'not UTF-8: the runtime cannot load it')] };
    const json = path.endsWith('.cjs') ? inlinedState(text) : text;
    // A .pnp.cjs that inlines no state reads .pnp.data.json beside it, catalogued on its own.
    if (json === undefined) return { packages: [], notes: path.endsWith('.cjs') ? [] : [noteFor(path, 'yarn-pnp', 'no state')] };
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      return { packages: [], notes: [], errors: [errorFor(path, 'yarn-pnp', 'its runtime state is not valid JSON: the runtime cannot load it')] };
    }
    const state = PnpState.safeParse(parsed);
    if (!state.success) return { packages: [], notes: [], errors: [errorFor(path, 'yarn-pnp', `packageRegistryData: ${state.error.issues[0]?.message ?? 'not the shape Yarn writes'}`)] };
    const result = { packages: [] as FoundPackage[], notes: [] as string[], errors: [] as string[] };
    result.packages = softPackages(path, state.data, lookup, result);
    return { packages: result.packages, notes: result.notes, ...(result.errors.length > 0 ? { errors: result.errors } : {}) };
  },
} satisfies Cataloger;
