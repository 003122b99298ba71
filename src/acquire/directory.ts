// Acquire from a directory (a checkout before the image is built, or an unpacked root filesystem): lockfiles and installed packages.
import type { Dirent } from 'node:fs';
import { constants } from 'node:fs';
import { closeSync, fstatSync, openSync, readFileSync, realpathSync } from 'node:fs';
import { lstat, open, readdir, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { Package } from '../model/package.js';
import type { FileIndicator } from '../model/ioc.js';
import type { AcquiredPlatform, FileListing, FileRecord } from '../model/target.js';
import type { Acquirer } from './acquirer.js';
import { notApplicable } from './acquirer.js';
import { lockfileParserFor } from './lockfiles/index.js';
import { parseToml } from './lockfiles/toml.js';
import { catalogerFor } from './native/catalogers/index.js';
import { BodyHasher, compileFileProbe, type FileProbe } from './native/file-probe.js';
import { DEFAULT_LIMITS } from './native/limits.js';

/** Folders never worth reading for packages: git's object store, and bundlers' caches that hold copies, not installs. */
const SKIPPED_DIRS = ['.git', 'node_modules/.cache'];
/** What file indicators never need: git's object store holds no file by its path (the checkout beside it does). */
const SKIPPED_FOR_FILES = ['.git'];
/** Large monorepo lockfiles run to tens of megabytes; beyond this a file is reported, not read. */
const MAX_LOCKFILE_BYTES = 128 * 1024 ** 2;
const MAX_FILES = 2_000_000;

function errorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (err instanceof Error ? err.message : String(err));
}

interface Walk {
  /** Paths relative to the root, `/`-separated. */
  files: string[];
  /** Files (and symlinks) whose names a file indicator could match, `/`-separated, relative to the root. */
  candidates: string[];
  /** Symlinks (relative path) to folders inside the tree (their real path, relative), for file indicators. */
  dirLinks: { link: string; real: string }[];
  notes: string[];
  errors: string[];
}

function under(list: readonly string[], rel: string): boolean {
  return list.some((d) => rel === d || rel.endsWith(`/${d}`));
}

/** A folder below one skipped for packages (a bundler's cache) is still walked for file indicators. */
function inSkipped(rel: string): boolean {
  const parts = rel.split('/');
  for (let i = 1; i <= parts.length; i++) if (under(SKIPPED_DIRS, parts.slice(0, i).join('/'))) return true;
  return false;
}

/** Symlinks are never followed: the target is read where it lives, or, outside the tree, not at all. */
async function noteSymlink(root: string, rel: string, walk: Walk): Promise<void> {
  const full = path.join(root, rel);
  const target = path.resolve(path.dirname(full), await readlink(full).catch(() => ''));
  const inside = target === root || target.startsWith(`${root}${path.sep}`);
  if (!inside) walk.notes.push(`directory: skipped /${rel}: a symlink out of the scanned tree`);
}

/** A symlink to a folder inside the tree: a program opens the files below it by the link's path too. */
async function noteDirLink(root: string, rel: string, walk: Walk): Promise<void> {
  const real = await realpath(path.join(root, rel)).catch(() => undefined);
  if (real === undefined || (real !== root && !real.startsWith(`${root}${path.sep}`))) return;
  if (!(await stat(real).catch(() => undefined))?.isDirectory()) return;
  walk.dirLinks.push({ link: rel, real: path.relative(root, real).split(path.sep).join('/') });
}

/** Rounds of aliasing through symlinked folders (a link inside a linked folder is one more round). */
const ALIAS_ROUNDS = 4;

/**
 * Every record also at the paths a symlinked folder inside the tree gives it (`lib/site-packages -> ../pylib`
 * puts `/pylib/litellm_init.pth` at `/lib/site-packages/litellm_init.pth` too), so a glob on the path a
 * program opens matches. Bounded: a link to an ancestor adds a prefix per round, never an endless list.
 */
function withAliases(records: FileRecord[], links: readonly { link: string; real: string }[]): FileRecord[] {
  if (links.length === 0) return records;
  const byPath = new Map(records.map((r) => [r.path, r]));
  let frontier = records;
  for (let round = 0; round < ALIAS_ROUNDS && frontier.length > 0 && byPath.size <= MAX_FILES; round++) {
    const next: FileRecord[] = [];
    for (const r of frontier) {
      for (const { link, real } of links) {
        const prefix = real === '' ? '/' : `/${real}/`;
        if (!r.path.startsWith(prefix)) continue;
        const alias = `/${link}/${r.path.slice(prefix.length)}`;
        if (byPath.has(alias)) continue;
        const record = { ...r, path: alias };
        byPath.set(alias, record);
        next.push(record);
      }
    }
    frontier = next;
  }
  return [...byPath.values()];
}

/** Depth-first with an explicit stack, so a deep tree cannot overflow the call stack. */
export async function walkTree(root: string, probe?: FileProbe): Promise<Walk> {
  const walk: Walk = { files: [], candidates: [], dirLinks: [], notes: [], errors: [] };
  const stack = [''];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = await readdir(path.join(root, dir), { withFileTypes: true });
    } catch (err) {
      walk.errors.push(`directory: cannot read /${dir}: ${errorText(err)}`);
      continue;
    }
    for (const e of entries) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isSymbolicLink()) {
        await noteSymlink(root, rel, walk);
        if (probe?.want(e.name, undefined) !== undefined) walk.candidates.push(rel);
        if (probe) await noteDirLink(root, rel, walk);
      } else if (e.isDirectory()) {
        if (probe ? !under(SKIPPED_FOR_FILES, rel) : !under(SKIPPED_DIRS, rel)) stack.push(rel);
      } else if (e.isFile()) {
        if (wanted(rel) && !inSkipped(rel)) walk.files.push(rel);
        if (probe?.want(e.name, undefined) !== undefined) walk.candidates.push(rel);
      }
    }
    if (walk.files.length + walk.candidates.length > MAX_FILES) {
      walk.errors.push(`directory: more than ${MAX_FILES} package files; the rest were not read`);
      break;
    }
  }
  walk.files.sort();
  walk.candidates.sort();
  return walk;
}

/** Would `dir:` read this file (a lockfile or an installed package's metadata)? `rel` is `/`-separated. */
export function wanted(rel: string): boolean {
  return lockfileFor(rel) !== undefined || catalogerFor(rel) !== undefined;
}

/**
 * A lockfile that came inside an installed package (node_modules, site-packages, vendor) was never used to install
 * anything, so it would report packages that are not there; npm-shrinkwrap.json is the exception, npm honours it.
 */
function lockfileFor(rel: string) {
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  if (/(?:^|\/)(?:node_modules|site-packages|dist-packages)\//.test(rel) && base !== 'npm-shrinkwrap.json') return undefined;
  // Dependencies' own lockfiles and go.mod files in a module cache, cargo's registry or a vendor folder were not
  // used to build this project (they list what those dependencies were developed with).
  if (/(?:^|\/)(?:vendor|pkg\/mod|\.cargo\/registry|\.cargo\/git)\//.test(rel)) return undefined;
  return lockfileParserFor(base, rel);
}

interface Collected {
  packages: Package[];
  lockfiles: string[];
  installed: number;
  notes: string[];
  errors: string[];
}

/**
 * The walk saw a regular file, but the tree may change under it: O_NOFOLLOW makes a file swapped for a
 * symlink since then fail to open rather than be read from wherever it points. Too large gives the size.
 */
async function readNoFollow(full: string, max: number): Promise<Buffer | number> {
  const handle = await open(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' });
    const { size } = info;
    return size > max ? size : await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** A manifest only refines the chains, so a missing or broken one is no error: the lockfile alone still counts. */
async function readManifest(full: string): Promise<unknown> {
  try {
    const content = await readNoFollow(full, DEFAULT_LIMITS.maxFileBytes);
    if (typeof content === 'number') return undefined;
    const text = content.toString('utf8');
    return full.endsWith('.toml') ? parseToml(text, full) : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A file a lockfile includes (`-r base.txt`), by its `/`-prefixed path in the tree: never through a
 * symlink out of the tree, never larger than a lockfile may be.
 */
function readInTree(root: string, file: string, max: number): string {
  return readBytesInTree(root, file, max).toString('utf8');
}

/** The bytes of a file in the tree, by the same rules as readInTree (a tarball a lockfile locks by its hash). */
function readBytesInTree(root: string, file: string, max: number): Buffer {
  const full = path.join(root, path.posix.normalize(`/${file}`));
  const real = realpathSync(full);
  if (real !== root && !real.startsWith(`${root}${path.sep}`)) throw Object.assign(new Error('a symlink out of the scanned tree'), { code: 'outside the tree' });
  // Non-blocking, then a regular file only: an included FIFO or device would otherwise hang the scan.
  const fd = openSync(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' });
    const { size } = info;
    if (size > max) throw Object.assign(new Error('too large'), { code: `${size} bytes, more than ${max}` });
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function readOne(root: string, rel: string, out: Collected, shownRoot: string): Promise<void> {
  const parser = lockfileFor(rel);
  const cataloger = parser ? undefined : catalogerFor(rel);
  const max = parser ? MAX_LOCKFILE_BYTES : (cataloger?.maxBytes(DEFAULT_LIMITS) ?? 0);
  const shown = path.join(shownRoot, rel);
  const content = await readNoFollow(path.join(root, rel), max);
  if (typeof content === 'number') {
    out.errors.push(`${shown}: ${content} bytes, more than the ${max} read from one file`);
    return;
  }
  if (parser) {
    const manifest = parser.manifest ? await readManifest(path.join(root, path.dirname(rel), parser.manifest)) : undefined;
    const parsed = parser.parse(content.toString('utf8'), `/${rel}`, { manifest, readFile: (file) => readInTree(root, file, max), readBytes: (file) => readBytesInTree(root, file, max) });
    out.packages.push(...parsed.packages);
    out.notes.push(...parsed.notes);
    out.errors.push(...(parsed.errors ?? []).map((e) => `${path.join(shownRoot, '/')}${e.slice(1)}`));
    out.lockfiles.push(`/${rel}`);
  } else if (cataloger) {
    const found = cataloger.catalog(rel, content, DEFAULT_LIMITS);
    for (const p of found.packages) {
      out.packages.push({ ecosystem: p.ecosystem, name: p.name, version: p.version, ...(p.purl ? { purl: p.purl } : {}), ...(p.location ? { location: p.location } : {}), paths: [p.path] });
    }
    out.installed += found.packages.length;
    out.notes.push(...found.notes);
    out.errors.push(...(found.errors ?? []));
  }
}

/**
 * Every lockfile and installed-package file under root; one bad file is an error of its own and the rest go on.
 * Messages name files under `shownRoot`, the path as the user wrote it, rather than its resolved form.
 */
export async function collectDirectory(
  root: string,
  signal?: AbortSignal,
  shownRoot = root,
  indicators: readonly FileIndicator[] = [],
): Promise<Collected & { files: number; inputErrors: string[]; listing?: FileListing }> {
  const probe = compileFileProbe(indicators);
  const walk = await walkTree(root, probe);
  const out: Collected = { packages: [], lockfiles: [], installed: 0, notes: walk.notes, errors: walk.errors };
  // A lockfile the user's tree holds that does not parse is bad input (exit 2), not only an unknown.
  const inputErrors: string[] = [];
  for (const rel of walk.files) {
    signal?.throwIfAborted();
    try {
      await readOne(root, rel, out, shownRoot);
    } catch (err) {
      // The parser names the file relative to the tree; the report names it as the user can find it.
      if (err instanceof InputError) {
        const msg = new InputError(path.join(shownRoot, err.file), err.detail, err.line, err.field).message;
        out.errors.push(msg);
        inputErrors.push(msg);
      } else out.errors.push(`${path.join(shownRoot, rel)}: ${errorText(err)}`);
    }
  }
  const listing = probe ? await fileListing(root, walk, probe, out, shownRoot, signal) : undefined;
  return { ...out, packages: distinctPackages(out.packages), files: walk.files.length, inputErrors, ...(listing ? { listing } : {}) };
}

/** SHA-256 of a regular file, read without following a symlink swapped in since the walk. */
async function hashFile(full: string): Promise<string> {
  // O_NONBLOCK: a file swapped for a FIFO since the walk must not hang the scan; it is refused below.
  const handle = await open(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    if (!(await handle.stat()).isFile()) throw Object.assign(new Error('no longer a regular file'), { code: 'no longer a regular file' });
    const hasher = new BodyHasher();
    for await (const chunk of handle.createReadStream({ autoClose: false })) hasher.write(chunk as Buffer);
    return hasher.digest();
  } finally {
    await handle.close();
  }
}

/**
 * The files file indicators are matched against: every file of the tree whose name one could match, with
 * its size and, where an indicator needs it, its SHA-256. A symlink is listed under its own path with the
 * target it names; its size and hash are its target's when that is a regular file inside the tree. A file
 * that cannot be read is an error (the tree was not fully checked), never a silent miss.
 */
async function fileListing(root: string, walk: Walk, probe: FileProbe, out: Collected, shownRoot: string, signal?: AbortSignal): Promise<FileListing> {
  const records: FileRecord[] = [];
  for (const rel of walk.candidates) {
    signal?.throwIfAborted();
    const full = path.join(root, rel);
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    try {
      const own = await lstat(full);
      const record: FileRecord = { path: `/${rel}` };
      let body = full;
      if (own.isSymbolicLink()) {
        record.link = await readlink(full);
        const real = await realpath(full).catch(() => undefined);
        const inside = real !== undefined && (real === root || real.startsWith(`${root}${path.sep}`));
        const target = inside ? await stat(real) : undefined;
        if (!target?.isFile()) {
          records.push(record);
          continue;
        }
        body = real!;
        record.size = target.size;
      } else if (own.isFile()) record.size = own.size;
      else continue;
      const want = probe.want(name, record.size);
      if (want === undefined) continue;
      if (want === 'hash') record.sha256 = await hashFile(body);
      records.push(record);
    } catch (err) {
      out.errors.push(`${path.join(shownRoot, rel)}: cannot be checked for file indicators: ${errorText(err)}`);
    }
  }
  return { kind: 'native', records: withAliases(records, walk.dirLinks), checked: probe.keys };
}

/** A file that another includes (`-r base.txt`) is also read on its own: its packages count once. */
function distinctPackages(packages: Package[]): Package[] {
  const seen = new Set<string>();
  return packages.filter((p) => {
    const key = JSON.stringify([p.ecosystem, p.name, p.version, p.paths]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A monorepo can hold hundreds of lockfiles; the evidence line names a few and counts the rest. */
function evidenceDetail(dir: string, found: Collected): string {
  const shown = found.lockfiles.slice(0, 5).join(', ');
  const more = found.lockfiles.length > 5 ? ` and ${found.lockfiles.length - 5} more` : '';
  const lockfiles = found.lockfiles.length > 0 ? ` (${shown}${more})` : '';
  return `${dir}: ${found.lockfiles.length} lockfile(s)${lockfiles}, ${found.installed} installed package(s)`;
}

export const directoryAcquirer = {
  name: 'directory',
  async acquire(target, ctx) {
    if (target.kind !== 'directory') return notApplicable('not a directory');
    // The user named this folder, so a symlink to it is followed; inside it, none are.
    const root = await realpath(path.resolve(target.path)).catch(() => '');
    const info = root ? await stat(root).catch(() => undefined) : undefined;
    if (!info?.isDirectory()) {
      const msg = `${target.path}: not a directory`;
      ctx.inputErrors.push(msg);
      return { ok: true, image: { ref: target.ref, platforms: [], errors: [msg] } };
    }
    const found = await collectDirectory(root, ctx.signal, target.path, ctx.fileIndicators);
    ctx.inputErrors.push(...found.inputErrors);
    const platform: AcquiredPlatform = {
      packages: found.packages,
      evidence: { kind: found.lockfiles.length > 0 ? 'lockfile' : 'native', detail: evidenceDetail(target.path, found) },
      errors: found.errors,
      notes: found.notes,
      ...(found.listing ? { files: found.listing } : {}),
    };
    return { ok: true, image: { ref: target.ref, platforms: [platform], errors: [] } };
  },
} satisfies Acquirer;
