// Where Node looks for a bare `require(name)` besides the node_modules folders above the requiring file: its
// global folders (Module._initPaths), read from what the image config gives the process.
//  - every NODE_PATH entry (split on `:`, empty entries dropped, each resolved against the working directory, as
//    path.resolve does against the process's cwd);
//  - $HOME/.node_modules and $HOME/.node_libraries, HOME as the config's Env sets it, or /root for a process
//    that runs as root (the runtime sets HOME from the user's passwd entry when the image sets none);
//  - <prefix>/lib/node, prefix the folder above the node binary's folder: /usr/local (the official images) and
//    /usr (distribution packages) both, since which one a given image's node lives in is not read here.
// A package folder directly inside one of them (`/opt/libs/axios/package.json`) is what `require('axios')`
// loads when no node_modules provides it (test/oracle/node-resolve.test.ts: NODE_PATH and HOME per case).
// Also where the Env puts bun's install cache (bunCacheFolders), which bun runs packages from as well.
import { posix } from 'node:path';
import type { ImageConfig } from './config.js';

/** The last assignment of each variable in the config's Env (`KEY=value`), as the runtime applies them. */
function envOf(config: Record<string, unknown> | undefined): Map<string, string> {
  const env = new Map<string, string>();
  const list = config?.Env;
  if (!Array.isArray(list)) return env;
  for (const e of list) {
    if (typeof e !== 'string') continue;
    const eq = e.indexOf('=');
    if (eq > 0) env.set(e.slice(0, eq), e.slice(eq + 1));
  }
  return env;
}

/** `User` as the runtime reads it: empty, `root`, `0`, with or without a group. */
function runsAsRoot(user: unknown): boolean {
  if (user === undefined || user === null || user === '') return true;
  if (typeof user !== 'string') return false;
  const name = user.split(':')[0];
  return name === 'root' || name === '0';
}

/** What the image config gives the process, its Env parsed once for every question below. */
export interface ImageProcess {
  config: Record<string, unknown> | undefined;
  env: Map<string, string>;
  workdir: string;
}

export function imageProcess(image: ImageConfig): ImageProcess {
  const config = (image.config ?? undefined) as Record<string, unknown> | undefined;
  const workdir = typeof config?.WorkingDir === 'string' && config.WorkingDir.startsWith('/') ? config.WorkingDir : '/';
  return { config, env: envOf(config), workdir };
}

/** The global folders Node searches in this image, as image paths without the leading `/` (`''` is the root). */
export function nodeSearchFolders({ config, env, workdir }: ImageProcess): string[] {
  const folders: string[] = [];
  for (const entry of (env.get('NODE_PATH') ?? '').split(':')) if (entry) folders.push(posix.resolve(workdir, entry));
  const home = env.get('HOME') ?? (runsAsRoot(config?.User) ? '/root' : undefined);
  if (home) folders.push(posix.resolve(workdir, home, '.node_modules'), posix.resolve(workdir, home, '.node_libraries'));
  folders.push('/usr/local/lib/node', '/usr/lib/node');
  return [...new Set(folders.map((f) => f.slice(1)))];
}

/**
 * Where bun keeps its install cache when the config's Env moves it, as `bun pm cache` answers (bun 1.4):
 * BUN_INSTALL_CACHE_DIR (a relative one against the working directory), else $BUN_INSTALL/install/cache. The
 * defaults, $XDG_CACHE_HOME/.bun/install/cache and $HOME/.bun/install/cache, are found by their path anywhere.
 * Image paths without the leading `/`.
 */
export function bunCacheFolders({ env, workdir }: ImageProcess): string[] {
  const dir = env.get('BUN_INSTALL_CACHE_DIR');
  if (dir) return [posix.resolve(workdir, dir).slice(1)];
  const install = env.get('BUN_INSTALL');
  return install ? [posix.resolve(workdir, install, 'install', 'cache').slice(1)] : [];
}
