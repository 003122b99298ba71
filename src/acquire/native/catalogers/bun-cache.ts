// Bun's global install cache (~/.bun/install/cache), which bun hard-links or copies node_modules from: one folder
// per package it fetched, named as bun names it (PackageManager's cachedNPMPackageFolderName and friends), checked
// against the real bun 1.1, 1.2 and 1.4 in test/oracle/bun-install-cache.test.ts:
//
//   <name>@<major.minor.patch>[-<pre>][+<build>][@@<registry host>[__<hash>]]@@@<cache version>[_patch_hash=<hex>]
//
// - a scoped name is a scope folder (`@acme/http@1.0.0@@@1/`); a capitalised name keeps its case;
// - bun writes a pre-release tag as 16 lower-case hex digits of its hash and build metadata as 16 upper-case
//   ones (`leaf@3.0.0-c0734e9369ab610d@@@1` for 3.0.0-beta.1, `util@0.1.5+BAA767C3E245FB17@@@1` for
//   0.1.5+build.7), so such a folder tells the version's major.minor.patch and which tags it has, not the tags;
// - a registry other than the default one adds `@@<host>` (bun 1.4 also a hash of the URL: `@@127.0.0.1__4a10…`);
// - a patched package is a second folder with `_patch_hash=<hex>` after the cache version;
// - a git dependency is `@G@<commit>/`, a GitHub one `@GH@…/` (from bun's source; the oracle runs offline), a
//   tarball URL `@T@<hash>@@@1/`: these name no package, so the package.json inside names it;
// - a cache the image's Env moves (BUN_INSTALL_CACHE_DIR, BUN_INSTALL) has the same folders (bunCacheLocationIn);
//   one bunfig.toml moves is found by the folders' `@@@<n>` marker (MARKED below).
// The `<name>/<version…>` symlinks bun also writes point at these folders and are not packages of their own.
import type { NpmLocation } from './npm.js';

const CACHE = /(?:^|\/)\.bun\/install\/cache\/((?:@[^/]+\/)?[^/]+)\/package\.json$/;
const NPM_FOLDER = /^((?:@[^/.][^/]*\/)?[^/.@][^/@]*)@(\d+\.\d+\.\d+)(?:-([^+@/]+))?(?:\+([^@/]+))?(?:@@[^/@]+)?(?:@@@\d+)?(?:_patch_hash=[0-9a-f]+)?$/;
const SOURCE_FOLDER = /^@(?:G|GH|T)@[^/]+$/;
const HASHED_PRE = /^[0-9a-f]{16}$/;
const HASHED_BUILD = /^[0-9A-F]{16}$/;

// Anywhere else, a folder that ends in bun's `@@@<cache version>` marker: bunfig.toml's `[install.cache] dir`
// (in the project's, $XDG_CONFIG_HOME's or HOME's .bunfig.toml), BUN_INSTALL_CACHE_DIR and BUN_INSTALL put the
// cache in any folder, and bun always names its package folders so (and its git and tarball ones `@G@`, `@GH@`,
// `@T@`, which no npm name can be): recognised without reading bunfig.toml or the Env (test/oracle/bun-isolated.test.ts moves the cache each way).
const MARKED = /(?:^|\/)((?:@[^/@]+\/)?[^/@][^/]*@@@\d+(?:_patch_hash=[0-9a-f]+)?|@(?:G|GH|T)@[^/]+)\/package\.json$/;

/** The package a package.json in Bun's cache is, as far as its folder names it; undefined when it is not one. */
export function bunCacheLocation(path: string): NpmLocation | undefined {
  const folder = CACHE.exec(path)?.[1] ?? MARKED.exec(path)?.[1];
  return folder === undefined ? undefined : folderLocation(folder);
}

const IN_CACHE = /^((?:@[^/]+\/)?[^/]+)\/package\.json$/;

/** The same for a cache the image's Env moves elsewhere (BUN_INSTALL_CACHE_DIR: node-path.ts's bunCacheFolders). */
export function bunCacheLocationIn(path: string, caches: readonly string[]): NpmLocation | undefined {
  for (const c of caches) {
    const folder = path.startsWith(`${c}/`) ? IN_CACHE.exec(path.slice(c.length + 1))?.[1] : undefined;
    const at = folder === undefined ? undefined : folderLocation(folder);
    if (at) return at;
  }
  return undefined;
}

function folderLocation(folder: string): NpmLocation | undefined {
  if (SOURCE_FOLDER.test(folder)) return { folder: '' };
  const m = NPM_FOLDER.exec(folder);
  if (!m) return undefined;
  const [, name, core, pre, build] = m as unknown as [string, string, string, string | undefined, string | undefined];
  const hashed = (pre !== undefined && HASHED_PRE.test(pre)) || (build !== undefined && HASHED_BUILD.test(build));
  const folderVersion = `${core}${pre !== undefined ? `-${pre}` : ''}${build !== undefined ? `+${build}` : ''}`;
  return hashed ? { folder: name, folderVersion, folderVersionHashed: { core, pre: pre !== undefined, build: build !== undefined } } : { folder: name, folderVersion };
}

/** Whether a package.json's version is one a folder whose tags bun hashed can hold: same major.minor.patch, same tags present. */
export function fitsHashedFolder(version: string, hashed: { core: string; pre: boolean; build: boolean }): boolean {
  const m = /^(\d+\.\d+\.\d+)(-[^+]+)?(\+.+)?$/.exec(version);
  return m !== null && m[1] === hashed.core && (m[2] !== undefined) === hashed.pre && (m[3] !== undefined) === hashed.build;
}
