// One layer, streamed once: digest checked on the stored bytes, decompressed, its tar members
// passed to the layered file view. Nothing is written to disk and only wanted files are held.
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Descriptor, ImageStore } from '../../model/oci.js';
import { catalogerFor, CONTENT_CATALOGERS, type CatalogResult, type ContentSink } from './catalogers/index.js';
import { createDecompressor, sniffCompression, compressionFromMediaType, type Compression } from './decompress.js';
import { hasherFor, parseDigest } from './digest.js';
import { BodyHasher, sha256Of, type FileFacts, type FileProbe, type ProbeWant } from './file-probe.js';
import type { LayeredFiles, ZipAt } from './layered-files.js';
import { PASSWD_PATH } from './run-user.js';
import { ZIP_END_BYTES, ZipTail } from './zip.js';
import { LimitError, type Limits } from './limits.js';
import { basename, dirname, runtimeEntryPath } from './paths.js';
import { TarParser, type TarBodyStream, type TarEntry, type TarHandler } from './tar.js';

export interface LayerContext {
  store: ImageStore;
  limits: Limits;
  files: LayeredFiles;
  note: (text: string) => void;
  /** A problem that makes the platform unknown without stopping the layer. */
  error: (text: string) => void;
  signal?: AbortSignal;
  /** The scan's file indicators: which regular files to record and hash. */
  probe?: FileProbe;
}

/** Reads the layer into `ctx.files` (between beginLayer and endLayer). Throws with the layer digest named. */
export async function readLayer(desc: Descriptor, ctx: LayerContext): Promise<void> {
  await streamNamed(desc, ctx, entryHandler(desc.digest, ctx));
}

/**
 * The bodies of some members of a layer read before (by their ordinal among its tar entries, ZipAt.member),
 * the layer streamed again whole: its digest is checked again, so a store that answers other bytes the second
 * time fails here instead of handing over content the first reading did not see.
 */
export async function readLayerMembers(desc: Descriptor, members: ReadonlySet<number>, ctx: Pick<LayerContext, 'store' | 'limits' | 'signal'>): Promise<Map<number, Buffer>> {
  const bodies = new Map<number, Buffer>();
  let member = -1;
  const handler: TarHandler = {
    onEntry: () => members.has(++member),
    onBody: (_entry, body) => void bodies.set(member, body),
  };
  await streamNamed(desc, ctx, handler);
  return bodies;
}

async function streamNamed(desc: Descriptor, ctx: Pick<LayerContext, 'store' | 'limits' | 'signal'>, handler: TarHandler): Promise<void> {
  try {
    await streamLayer(desc, ctx, handler);
  } catch (err) {
    const msg = (err as Error).message;
    throw new Error(msg.includes(desc.digest) ? msg : `layer ${desc.digest}: ${msg}`, { cause: err });
  }
}

async function streamLayer(desc: Descriptor, ctx: Pick<LayerContext, 'store' | 'limits' | 'signal'>, handler: TarHandler): Promise<void> {
  const source = await ctx.store.openBlob(desc);
  const { tap, check, ended } = digestTap(desc);
  const { head, stream } = await peekHead(source).catch((err: unknown) => {
    source.destroy();
    throw err;
  });
  const compression: Compression = sniffCompression(head) ?? compressionFromMediaType(desc.mediaType);
  let decompressor: Transform | undefined;
  try {
    decompressor = createDecompressor(compression);
  } catch (err) {
    stream.destroy();
    throw err;
  }
  const sink = tarSink(new TarParser(handler), ctx.limits);
  const opts = ctx.signal ? { signal: ctx.signal } : {};
  // pipeline destroys every stream on failure, so an abandoned layer never keeps its file or socket open.
  try {
    if (decompressor) await pipeline(stream, tap, decompressor, sink, opts);
    else await pipeline(stream, tap, sink, opts);
  } catch (err) {
    // Bytes that are not what the digest names often fail to parse first: report the cause, not the symptom.
    if (ended()) check();
    throw err;
  }
  check();
}

/** Hashes the stored bytes as they pass; a store that sends more than the descriptor's size is cut off. */
function digestTap(desc: Descriptor): { tap: Transform; check: () => void; ended: () => boolean } {
  const hash = hasherFor(desc.digest);
  let bytes = 0;
  let flushed = false;
  const tap = new Transform({
    flush(cb) {
      flushed = true;
      cb();
    },
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (bytes > desc.size) return cb(new Error(`more bytes than the descriptor size ${desc.size}`));
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  const check = () => {
    const { algorithm, hex } = parseDigest(desc.digest);
    const actual = hash.digest('hex');
    if (actual !== hex) throw new Error(`digest mismatch (stored bytes hash to ${algorithm}:${actual})`);
    if (bytes !== desc.size) throw new Error(`size ${bytes} differs from descriptor size ${desc.size}`);
  };
  return { tap, check, ended: () => flushed };
}

/**
 * The first bytes (at least 4 when there are), pushed back so the pipeline still sees and hashes them.
 * A blob that ends while peeking is handed on as a new stream, since an ended stream takes no unshift.
 */
function peekHead(source: Readable): Promise<{ head: Buffer; stream: Readable }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let have = 0;
    const done = (err?: Error) => {
      source.off('readable', onReadable).off('end', onEnd).off('error', onError);
      if (err) return reject(err);
      const head = Buffer.concat(parts);
      if (have >= 4) source.unshift(head);
      resolve({ head, stream: have >= 4 ? source : Readable.from([head], { objectMode: false }) });
    };
    const onReadable = () => {
      // Stop at 4 bytes: a source that can produce synchronously would otherwise be drained into memory here.
      for (let chunk = source.read() as Buffer | null; chunk; chunk = have >= 4 ? null : (source.read() as Buffer | null)) {
        parts.push(Buffer.from(chunk));
        have += chunk.length;
      }
      if (have >= 4) done();
    };
    const onEnd = () => done();
    const onError = (err: Error) => done(err);
    source.on('readable', onReadable).on('end', onEnd).on('error', onError);
  });
}

function tarSink(parser: TarParser, limits: Limits): Writable {
  let bytes = 0;
  return new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _enc, cb) {
      try {
        bytes += chunk.length;
        if (bytes > limits.maxLayerBytes) throw new LimitError('maxLayerBytes', `more than ${limits.maxLayerBytes} decompressed bytes`);
        // Past the end-of-archive marker the rest is padding; it still flows so the digest covers it.
        if (!parser.done) parser.write(chunk);
        if (parser.entries > limits.maxEntriesPerLayer) throw new LimitError('maxEntriesPerLayer', `more than ${limits.maxEntriesPerLayer} tar entries`);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    final(cb) {
      try {
        parser.end();
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
  });
}

function entryHandler(layer: string, ctx: LayerContext): TarHandler {
  const { files, limits } = ctx;
  let keeping = '';
  let keepingWant: ProbeWant;
  // Every onEntry call, as readLayerMembers counts them: where a body not held now can be found again.
  let member = -1;
  return {
    onEntry(entry: TarEntry): boolean | TarBodyStream {
      member += 1;
      // Every member counts towards the layer's times (a layer of one time says nothing about when it was written).
      if (entry.type !== 'global') files.member(entry.mtime);
      const named = runtimeEntryPath(entry.name);
      // containerd places `..` and absolute names under the root (paths.ts); the file is in the image.
      if (named.climbs) ctx.note(`layer ${layer}: member ${JSON.stringify(entry.name)} climbs above the root with ..: containerd places it at /${named.path}, docker refuses the layer (breakout)`);
      if (named.path === '') return false;
      // Placed as the runtime places it: through the symlinks its parent folders already are.
      const path = files.place(named.path);
      if (path === undefined) {
        ctx.error(`layer ${layer}: /${named.path} lies below a symlink loop; container runtimes fail to extract it (ELOOP)`);
        return false;
      }
      if (entry.type === 'unsupported') {
        // containerd and moby stop at a type they do not extract ("unhandled tar header type"): the layer is refused.
        ctx.error(`layer ${layer}: /${path} has tar type ${JSON.stringify(entry.typeflag)}, which container runtimes refuse to extract`);
        return false;
      }
      const base = basename(path);
      if (base.startsWith('.wh.')) {
        if (base === '.wh..wh..opq') files.opaque(dirname(path));
        else if (!base.startsWith('.wh..wh.')) files.whiteout(joinPath(dirname(path), base.slice(4)));
        return false;
      }
      if (path === '') return false;
      files.occupy(path, entry.type === 'directory');
      if (entry.type !== 'file' && entry.type !== 'hardlink' && entry.type !== 'symlink') return false;
      if (entry.type === 'symlink') files.symlink(path, entry.linkname);
      const want = entry.type === 'symlink' || !ctx.probe ? undefined : ctx.probe.want(base, entry.type === 'file' ? entry.size : linkedFacts(files, entry.linkname)?.size);
      const cataloger = catalogerFor(path);
      // The runtime's own reading: HOME for a user the Env gives none (run-user.ts).
      if (!cataloger && path === PASSWD_PATH && entry.type === 'file' && entry.size <= limits.maxFileBytes) {
        keeping = path;
        keepingWant = want;
        return true;
      }
      if (!cataloger) {
        if (entry.type === 'hardlink') linkFound(files, path, entry.linkname, want, (why) => ctx.error(`layer ${layer}: hard link /${path} ${why}`));
        return entry.type === 'file' ? contentStream(files, path, { layer, member, size: entry.size }, limits, want) : false;
      }
      if (entry.type === 'symlink' && cataloger.linkedPathsResolved?.(path)) return false;
      if (entry.type === 'symlink') return checkSymlink(files, path, entry.linkname, (why) => ctx.error(`layer ${layer}: symlink /${path} ${why}`));
      if (entry.type === 'hardlink') return keepHardLink(files, path, entry.linkname, want, (why) => ctx.error(`layer ${layer}: hard link /${path} ${why}`));
      const max = cataloger.maxBytes(limits);
      if (entry.size > max) {
        const unread = (facts?: FileFacts) => {
          if (cataloger.catalogUnread) files.keep(path, Buffer.alloc(0), entry.size, facts);
          else {
            ctx.error(new LimitError('maxFileBytes', `layer ${layer}: /${path} is ${entry.size} bytes, over ${max}; not read`).message);
            if (facts) files.keepRecord(path, facts);
          }
        };
        if (want === 'hash') return hashingStream(entry.size, unread);
        unread(want === 'record' ? { size: entry.size } : undefined);
        return false;
      }
      keeping = path;
      keepingWant = want;
      return true;
    },
    onBody(_entry: TarEntry, body: Buffer): void {
      files.keep(keeping, body, undefined, factsOf(body, keepingWant));
    },
  };
}

/** Size, and the hash when an indicator needs it, of a body held whole. */
function factsOf(body: Buffer, want: ProbeWant): FileFacts | undefined {
  if (want === undefined) return undefined;
  return want === 'hash' ? { size: body.length, sha256: sha256Of(body) } : { size: body.length };
}

/** A body hashed as it streams, its facts handed to `done` at its end. */
function hashingStream(size: number, done: (facts: FileFacts) => void): TarBodyStream {
  const hasher = new BodyHasher();
  return { write: (chunk) => hasher.write(chunk), end: () => done({ size, sha256: hasher.digest() }) };
}

/** The facts recorded for a hard link's target, when it was recorded. */
function linkedFacts(files: LayeredFiles, linkname: string): FileFacts | undefined {
  const real = files.resolve(runtimeEntryPath(linkname).path);
  return real !== undefined ? files.lookupKept(real)?.facts : undefined;
}

/**
 * The content catalogers that may want a file of this size, fanned out over its body (and hashed when an
 * indicator needs it). Every file that could be a zip is watched for an end record too: one of any name is on
 * Python's path when a .pth file or PYTHONPATH names it, which is known only once every layer is read, so its
 * place is kept (ZipAt) for python-zips.ts to read it again if so.
 */
function contentStream(files: LayeredFiles, path: string, at: ZipAt, limits: Limits, want: ProbeWant): TarBodyStream | false {
  const { size } = at;
  const sinks: ContentSink[] = [];
  for (const c of CONTENT_CATALOGERS) if (c.mayWant(size)) sinks.push(c.open(path, size, limits));
  const tail = size >= ZIP_END_BYTES ? new ZipTail(size) : undefined;
  if (sinks.length === 0 && want !== 'hash' && !tail) {
    if (want === 'record') files.keepRecord(path, { size });
    return false;
  }
  const hasher = want === 'hash' ? new BodyHasher() : undefined;
  return {
    write(chunk) {
      hasher?.write(chunk);
      tail?.write(chunk);
      for (const s of sinks) if (!s.settled) s.write(chunk);
    },
    end() {
      const facts: FileFacts | undefined = want === undefined ? undefined : { size, ...(hasher ? { sha256: hasher.digest() } : {}) };
      let found: CatalogResult | undefined;
      for (const s of sinks) found ??= s.finish();
      const zip = tail?.hasEndRecord() ? at : undefined;
      if (found || zip) files.keepFound(path, found, facts, zip);
      else if (facts) files.keepRecord(path, facts);
    },
  };
}

/**
 * A hard link at an uncataloged path: the same content at another name. A content cataloger's packages are
 * listed at the link's path too; what the file indicators need is copied from the target, and a target that
 * was not hashed where the link's name needs a hash leaves the platform unknown.
 */
function linkFound(files: LayeredFiles, path: string, linkname: string, want: ProbeWant, error: (why: string) => void): void {
  const target = runtimeEntryPath(linkname).path;
  const real = files.resolve(target);
  const kept = real !== undefined ? files.lookupKept(real) : undefined;
  if (real !== undefined && kept) files.retimeLinked(real);
  const facts = want === undefined ? undefined : kept?.facts ?? (kept?.content.length ? factsOf(kept.content, want) : undefined);
  if (want === 'hash' && facts?.sha256 === undefined) error(`points at /${target}, whose content was not hashed; a file indicator could match it`);
  if (kept?.found || kept?.zip) {
    const found = kept.found;
    files.keepFound(path, found && { ...found, packages: found.packages.map((p) => ({ ...p, path: `/${path}` })) }, facts, kept.zip);
  } else if (kept && ZipTail.of(kept.content)) {
    // A cataloger held the target (an .egg, a .jar): the same bytes, which Python's path may name by this name.
    files.keep(path, kept.content, undefined, facts);
  } else if (want !== undefined) files.keepRecord(path, facts ?? {});
}

/**
 * A hard link shares its target's content, which was kept only if a cataloger wanted the target's
 * path: a package.json linked to `x/data` cannot be read here, so the platform is unknown, not clean.
 */
function keepHardLink(files: LayeredFiles, path: string, linkname: string, want: ProbeWant, error: (why: string) => void): boolean {
  const target = { path: runtimeEntryPath(linkname).path };
  // The runtime opens the target through the symlinks already applied (fs.RootPath on the link name).
  const real = files.resolve(target.path);
  const content = real !== undefined ? files.lookup(real) : undefined;
  if (content) {
    files.keep(path, content, undefined, factsOf(content, want));
    files.retimeLinked(real as string);
  } else error(`points at /${target.path}, which was not read; its content is unknown`);
  return false;
}

/**
 * A symlink at a cataloged path is never followed; a package.json linked to `x/data` would otherwise hide
 * its package. Its target is read anyway when a cataloger wants the target's path and it came earlier
 * (the package is then counted there); any other target makes the platform unknown.
 */
function checkSymlink(files: LayeredFiles, path: string, linkname: string, error: (why: string) => void): boolean {
  const target = resolveLink(linkname.startsWith('/') ? '' : dirname(path), linkname);
  if (target === undefined || !files.lookup(target)) error(`points at ${JSON.stringify(linkname)}, which was not read; its content is unknown`);
  return false;
}

/** `dir` + a link target, `..` resolved; undefined when it climbs above the root (intermediate symlinks are not resolved). */
function resolveLink(dir: string, linkname: string): string | undefined {
  const parts = dir === '' ? [] : dir.split('/');
  for (const seg of linkname.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg !== '..') parts.push(seg);
    else if (parts.pop() === undefined) return undefined;
  }
  return parts.join('/');
}

function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
