// Where Node looks for a bare `require(name)` besides the node_modules folders above the requiring file: its
// global folders (Module._initPaths), read from what the image config gives the process.
//  - every NODE_PATH entry (split on `:`, empty entries dropped, each resolved against the working directory, as
//    path.resolve does against the process's cwd);
//  - $HOME/.node_modules and $HOME/.node_libraries, HOME as the config's Env sets it, else as the runtime sets it
//    from the image's /etc/passwd (run-user.ts);
//  - <prefix>/lib/node, prefix the folder above the node binary's folder: /usr/local (the official images) and
//    /usr (distribution packages) both, since which one a given image's node lives in is not read here.
// A package folder directly inside one of them (`/opt/libs/axios/package.json`) is what `require('axios')`
// loads when no node_modules provides it (test/oracle/node-resolve.test.ts: NODE_PATH and HOME per case).
// Also where the Env puts bun's install cache (bunCacheFolders), which bun runs packages from as well.
import { posix } from 'node:path';
import { envOf, type ImageConfig } from './config.js';
import { runHome } from './run-user.js';

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

/**
 * The global folders Node searches in this image, as image paths without the leading `/` (`''` is the root).
 * `home` is the process's HOME (run-user.ts, from the image's /etc/passwd); by default the Env's, else /root for root.
 */
export function nodeSearchFolders({ config, env, workdir }: ImageProcess, home: string | undefined = runHome({ config } as ImageConfig, undefined).home): string[] {
  const folders: string[] = [];
  for (const entry of (env.get('NODE_PATH') ?? '').split(':')) if (entry) folders.push(posix.resolve(workdir, entry));
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
