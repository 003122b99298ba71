// Loads the bundled CLI (dist/sbom-hunt.cjs) with V8's code cache taken after a run, not before it. Node's own compile
// cache keeps only what V8 compiles when a file loads (each function's body is compiled on its first call, later):
// a 5-file scan still compiled most of what it ran, every run. V8 serialises every function compiled so far when
// asked once the command is done, and the next run starts with all of them compiled: that scan went from 131 to 97 ms
// (median of 40 paired runs, `node -e 0` 27 ms).
//
// V8 checks the cache against the source only by its length (a same-length source with other code was served the
// old code), so the file is stamped with the bundle's size, mtime and inode and Node's version and arch, and carries
// a checksum of its own; V8 refuses data made with other flags, and then it is made again. A cache is
// code: it is read only from a directory and a file that are the user's own and that no one else may write, and
// anything wrong with it (absent, refused, unreadable, a read-only home) costs the run its speed, never its answer.
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export interface Launched<T> {
  exports: T;
  /** How the code cache served this run: `off` (disabled or unsafe directory), `made` (none yet), `used`, `refused` (by V8). */
  cache: 'off' | 'made' | 'used' | 'refused';
  /**
   * Writes the cache when this run had none, V8 refused it, or it was made by other commands than this one (then it
   * is rewritten with what they compiled and what this one did); true when written. Call once the command is done.
   */
  save(): boolean;
}

/** `$XDG_CACHE_HOME/sbom-hunt/compile` (or ~/.cache/...); undefined when turned off. */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['SBOM_HUNT_COMPILE_CACHE'] === '0' || env['NODE_DISABLE_COMPILE_CACHE'] === '1') return undefined;
  const xdg = env['XDG_CACHE_HOME'] && path.isAbsolute(env['XDG_CACHE_HOME']) ? env['XDG_CACHE_HOME'] : path.join(homedir(), '.cache');
  return path.join(xdg, 'sbom-hunt', 'compile');
}

/** Only the user may write it: owned by this uid, no group or other write bit. Windows has no uids: its ACLs decide. */
function ownedAndPrivate(st: Stats): boolean {
  if (typeof process.getuid !== 'function') return true;
  return st.uid === process.getuid() && (st.mode & 0o022) === 0;
}

/** A cheap, stable name for one install's bundle path (several checkouts share the directory). */
function nameOf(bundle: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bundle.length; i++) h = Math.imul(h ^ bundle.charCodeAt(i), 0x01000193) >>> 0;
  return `cli-${h.toString(16).padStart(8, '0')}.v8`;
}

/** The cache's first line: what the data was made from. */
function stampOf(st: Stats): string {
  return `sbom-hunt-v8 1 ${process.version} ${process.arch} ${st.size} ${st.mtimeMs} ${st.ino}\n`;
}

/** At most this many commands are remembered; past it, a new one no longer rewrites the cache. */
const MAX_COMMANDS = 24;

/**
 * A checksum of the data (FNV-1a over its 32-bit words, then its tail bytes): V8 itself takes damaged data as valid
 * when its header is intact (seen on Node 24: bytes overwritten after the first 40 were "not rejected"). 1.2 MB in
 * well under a millisecond; node:zlib's crc32 would cost loading zlib (~2 ms).
 */
export function checksum(data: Buffer): string {
  const aligned = data.byteOffset % 4 === 0 ? data : Buffer.from(data);
  const words = new Int32Array(aligned.buffer, aligned.byteOffset, aligned.length >>> 2);
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i]!, 0x01000193);
  for (let i = words.length * 4; i < aligned.length; i++) h = Math.imul(h ^ aligned[i]!, 0x01000193);
  return `${(h >>> 0).toString(16).padStart(8, '0')}-${data.length.toString(16)}`;
}

interface CacheFile {
  /** The commands whose runs the data covers (each run's data holds what the runs before it compiled, and its own). */
  commands: string[];
  data: Buffer;
}

/** The cached data when the file is the user's own and was made from this very bundle; else undefined. */
function readCache(file: string, stamp: string): CacheFile | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    if (!ownedAndPrivate(fstatSync(fd))) return undefined;
    const bytes = readFileSync(fd);
    const head = Buffer.byteLength(stamp);
    if (bytes.length <= head || bytes.subarray(0, head).toString('latin1') !== stamp) return undefined;
    const eol = bytes.indexOf(0x0a, head);
    if (eol < 0) return undefined;
    const [sum, ...commands] = bytes.subarray(head, eol).toString('latin1').split(' ').filter(Boolean);
    const data = bytes.subarray(eol + 1);
    return sum === checksum(data) ? { commands, data } : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The command a run is (`scan`, `--version`...): the first argument when it looks like one, else `-`. */
function commandOf(argv: readonly string[]): string {
  const first = argv[2] ?? '';
  return /^-{0,2}[a-z][a-z-]{0,30}$/.test(first) ? first : '-';
}

/** The directory, made private if it is new; undefined when it is not safe to read code from. */
function usableDir(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return ownedAndPrivate(statSync(dir)) && ownedAndPrivate(statSync(path.dirname(dir))) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the CommonJS bundle at `bundle` and returns its exports; `argv` names the command (its runs share a cache). */
export function launch<T>(bundle: string, argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): Launched<T> {
  // Read and stamped through one descriptor: a bundle replaced between a stat and a read (an upgrade while a run
  // starts) would stamp the new file's size and inode on the old file's code, which V8 would then serve for it.
  const fd = openSync(bundle, 'r');
  let source: string;
  let st: Stats;
  try {
    st = fstatSync(fd);
    source = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  const cacheDir = compileCacheDir(env);
  const dir = cacheDir === undefined ? undefined : usableDir(cacheDir);
  const file = dir === undefined ? undefined : path.join(dir, nameOf(bundle));
  const stamp = stampOf(st);
  const cached = file === undefined ? undefined : readCache(file, stamp);
  const cachedData = cached?.data;
  const command = commandOf(argv);
  // Strict, as the ES modules it was bundled from are.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {'use strict';${source}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
    // The bundle's own import() calls (all resolved inside it) and any left to Node go to Node's loader.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} as T };
  (script.runInThisContext() as (...a: unknown[]) => void).call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
  const cache: Launched<T>['cache'] = file === undefined ? 'off' : cachedData === undefined ? 'made' : script.cachedDataRejected ? 'refused' : 'used';
  let saved = false;
  return {
    exports: module.exports,
    cache,
    save() {
      if (saved || file === undefined) return false;
      const known = cache === 'used' ? cached!.commands : [];
      if (known.includes(command) || (cache === 'used' && known.length >= MAX_COMMANDS)) return false;
      saved = true;
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        const data = script.createCachedData();
        // Padded with spaces so that the data starts 8-byte aligned (checksum reads it as 32-bit words in place).
        let head = `${stamp}${checksum(data)} ${[...known, command].join(' ')}`;
        head += `${' '.repeat((8 - ((Buffer.byteLength(head, 'latin1') + 1) % 8)) % 8)}\n`;
        writeFileSync(tmp, Buffer.concat([Buffer.from(head, 'latin1'), data]), { mode: 0o600 });
        renameSync(tmp, file);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** The CLI bundled beside this launcher (dist/launch.js and dist/sbom-hunt.cjs). */
export function launchBundled<T>(argv: readonly string[] = process.argv): Launched<T> {
  return launch<T>(fileURLToPath(new URL('./sbom-hunt.cjs', import.meta.url)), argv);
}
