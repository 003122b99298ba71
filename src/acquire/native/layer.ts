// One layer, streamed once: digest checked on the stored bytes, decompressed, its tar members
// passed to the layered file view. Nothing is written to disk and only wanted files are held.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Descriptor, ImageStore } from '../../model/oci.js';
import { catalogerFor } from './catalogers/index.js';
import { createDecompressor, sniffCompression, compressionFromMediaType, type Compression } from './decompress.js';
import { hasherFor, parseDigest } from './digest.js';
import type { LayeredFiles } from './layered-files.js';
import { LimitError, type Limits } from './limits.js';
import { basename, dirname, safeEntryPath } from './paths.js';
import { TarParser, type TarEntry, type TarHandler } from './tar.js';

export interface LayerContext {
  store: ImageStore;
  limits: Limits;
  files: LayeredFiles;
  note: (text: string) => void;
  signal?: AbortSignal;
}

/** Reads the layer into `ctx.files` (between beginLayer and endLayer). Throws with the layer digest named. */
export async function readLayer(desc: Descriptor, ctx: LayerContext): Promise<void> {
  try {
    await streamLayer(desc, ctx);
  } catch (err) {
    const msg = (err as Error).message;
    throw new Error(msg.includes(desc.digest) ? msg : `layer ${desc.digest}: ${msg}`, { cause: err });
  }
}

async function streamLayer(desc: Descriptor, ctx: LayerContext): Promise<void> {
  const hash = hasherFor(desc.digest);
  const counted = { bytes: 0 };
  const source = await ctx.store.openBlob(desc);
  const chunks = storedBytes(source, desc, hash, counted)[Symbol.asyncIterator]();
  const head = await peek(chunks);
  const compression: Compression = sniffCompression(Buffer.concat(head)) ?? compressionFromMediaType(desc.mediaType);
  const parser = new TarParser(entryHandler(desc.digest, ctx));
  const decompressor = createDecompressor(compression);
  const input = Readable.from(replay(head, chunks), { objectMode: false });
  const sink = tarSink(parser, ctx.limits);
  const opts = ctx.signal ? { signal: ctx.signal } : {};
  if (decompressor) await pipeline(input, decompressor, sink, opts);
  else await pipeline(input, sink, opts);
  const actual = hash.digest('hex');
  if (actual !== parseDigest(desc.digest).hex) {
    throw new Error(`layer ${desc.digest}: digest mismatch (stored bytes hash to ${parseDigest(desc.digest).algorithm}:${actual})`);
  }
  if (counted.bytes !== desc.size) throw new Error(`layer ${desc.digest}: size ${counted.bytes} differs from descriptor size ${desc.size}`);
}

/** The stored bytes, hashed as they pass; a store that sends more than the descriptor's size is cut off. */
async function* storedBytes(source: Readable, desc: Descriptor, hash: ReturnType<typeof hasherFor>, counted: { bytes: number }) {
  for await (const chunk of source as AsyncIterable<Buffer>) {
    counted.bytes += chunk.length;
    if (counted.bytes > desc.size) {
      source.destroy();
      throw new Error(`layer ${desc.digest}: more bytes than the descriptor size ${desc.size}`);
    }
    hash.update(chunk);
    yield chunk;
  }
}

async function peek(chunks: AsyncIterator<Buffer>): Promise<Buffer[]> {
  const head: Buffer[] = [];
  let have = 0;
  while (have < 4) {
    const next = await chunks.next();
    if (next.done) break;
    head.push(next.value);
    have += next.value.length;
  }
  return head;
}

async function* replay(head: Buffer[], rest: AsyncIterator<Buffer>) {
  yield* head;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
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
  return {
    onEntry(entry: TarEntry): boolean {
      const safe = safeEntryPath(entry.name);
      if (!safe.ok) {
        ctx.note(`layer ${layer}: skipped unsafe entry, ${safe.reason}`);
        return false;
      }
      const path = safe.path;
      const base = basename(path);
      if (base.startsWith('.wh.')) {
        if (base === '.wh..wh..opq') files.opaque(dirname(path));
        else if (!base.startsWith('.wh..wh.')) files.whiteout(joinPath(dirname(path), base.slice(4)));
        return false;
      }
      if (path === '') return false;
      files.occupy(path, entry.type === 'directory');
      if (entry.type !== 'file' && entry.type !== 'hardlink') return false;
      const cataloger = catalogerFor(path);
      if (!cataloger) return false;
      if (entry.type === 'hardlink') return keepHardLink(files, path, entry.linkname);
      const max = cataloger.maxBytes(limits);
      if (entry.size > max) {
        ctx.note(`layer ${layer}: skipped /${path}: ${entry.size} bytes is over the ${max}-byte file limit`);
        return false;
      }
      keeping = path;
      return true;
    },
    onBody(_entry: TarEntry, body: Buffer): void {
      files.keep(keeping, body);
    },
  };
}

function keepHardLink(files: LayeredFiles, path: string, linkname: string): boolean {
  const target = safeEntryPath(linkname);
  const content = target.ok ? files.lookup(target.path) : undefined;
  if (content) files.keep(path, content);
  return false;
}

function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
