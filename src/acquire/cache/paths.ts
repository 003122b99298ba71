// Where the cache lives: --cache-dir, else $XDG_CACHE_HOME/sbom-hunt, else ~/.cache/sbom-hunt; --no-cache turns it off.
import { homedir } from 'node:os';
import path from 'node:path';

export const CACHE_FILE = 'cache.db';

export interface CacheLocation {
  cacheDir?: string;
  /** commander's `--no-cache` sets `cache: false`. */
  cache?: boolean;
}

/** The cache file path, or undefined when caching is off. */
export function cachePath(loc: CacheLocation = {}, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (loc.cache === false) return undefined;
  if (loc.cacheDir) return path.resolve(loc.cacheDir, CACHE_FILE);
  // XDG says a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(homedir(), '.cache');
  return path.join(xdg, 'sbom-hunt', CACHE_FILE);
}
