// A streaming tar reader: ustar, PAX extended headers (path, linkpath, size) and GNU long names.
// It is fed chunks and never holds more than one header plus the bodies its handler asks for.

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'directory' | 'other';

export interface TarEntry {
  /** The member name as written, before any normalisation. */
  name: string;
  type: TarEntryType;
  size: number;
  linkname: string;
  mode: number;
}

export interface TarHandler {
  /** Called for each member; return true to receive its body through `onBody`. */
  onEntry(entry: TarEntry): boolean;
  onBody(entry: TarEntry, body: Buffer): void;
}

const BLOCK = 512;
// Metadata bodies (PAX records, GNU long names) are tiny in honest archives.
export const MAX_META_BYTES = 1024 * 1024;
const TYPES: Record<string, TarEntryType> = { '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink', '5': 'directory' };

export class TarParser {
  private state: 'header' | 'body' | 'done' = 'header';
  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  private remaining = 0;
  private padding = 0;
  private body: Buffer | undefined;
  private bodyFill = 0;
  private current: TarEntry | undefined;
  private meta: string | undefined;
  private pax: Record<string, string> = {};
  private globalPax: Record<string, string> = {};
  private zeroBlocks = 0;
  /** Members seen, metadata members excluded. */
  entries = 0;

  constructor(private readonly handler: TarHandler) {}

  get done(): boolean {
    return this.state === 'done';
  }

  write(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length && this.state !== 'done') {
      off = this.state === 'header' ? this.readHeader(chunk, off) : this.readBody(chunk, off);
    }
  }

  /** Call at the end of input: a member cut short is an error; a missing end-of-archive marker is not. */
  end(): void {
    if (this.state === 'done') return;
    if (this.headerFill > 0 || this.state === 'body') throw new Error('tar: archive is truncated');
  }

  private readHeader(chunk: Buffer, off: number): number {
    let block: Buffer;
    if (this.headerFill === 0 && chunk.length - off >= BLOCK) {
      block = chunk.subarray(off, off + BLOCK);
      off += BLOCK;
    } else {
      const n = Math.min(BLOCK - this.headerFill, chunk.length - off);
      chunk.copy(this.header, this.headerFill, off, off + n);
      this.headerFill += n;
      off += n;
      if (this.headerFill < BLOCK) return off;
      block = this.header;
      this.headerFill = 0;
    }
    this.onHeaderBlock(block);
    return off;
  }

  private readBody(chunk: Buffer, off: number): number {
    if (this.remaining > 0) {
      const n = Math.min(this.remaining, chunk.length - off);
      if (this.body) chunk.copy(this.body, this.bodyFill, off, off + n);
      this.bodyFill += n;
      this.remaining -= n;
      off += n;
      if (this.remaining === 0) this.finishBody();
    }
    if (this.remaining === 0) {
      const n = Math.min(this.padding, chunk.length - off);
      this.padding -= n;
      off += n;
      if (this.padding === 0) this.state = 'header';
    }
    return off;
  }

  private onHeaderBlock(block: Buffer): void {
    if (isZeroBlock(block)) {
      if (++this.zeroBlocks >= 2) this.state = 'done';
      return;
    }
    this.zeroBlocks = 0;
    verifyChecksum(block);
    const flag = String.fromCharCode(block[156] ?? 0);
    const attrs = { ...this.globalPax, ...this.pax };
    const isMeta = flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K';
    // PAX attributes describe the next real member, never the metadata members between.
    const size = !isMeta && attrs.size !== undefined ? parsePaxSize(attrs.size) : parseNumeric(block, 124, 12);
    this.body = undefined;
    this.bodyFill = 0;
    this.meta = undefined;
    this.current = undefined;
    if (isMeta) {
      if (size > MAX_META_BYTES) throw new Error(`tar: ${flag} metadata member of ${size} bytes`);
      this.meta = flag;
      this.body = Buffer.alloc(size);
    } else {
      this.current = headerEntry(block, flag, size, attrs);
      this.pax = {};
      this.entries++;
      if (this.handler.onEntry(this.current) && this.current.type === 'file') this.body = Buffer.allocUnsafe(size);
    }
    this.remaining = size;
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
    this.state = 'body';
    if (size === 0) this.finishBody();
    if (size === 0 && this.padding === 0) this.state = 'header';
  }

  private finishBody(): void {
    const body = this.body;
    this.body = undefined;
    if (this.meta !== undefined && body) {
      if (this.meta === 'x') Object.assign(this.pax, parsePax(body));
      else if (this.meta === 'g') Object.assign(this.globalPax, parsePax(body));
      else if (this.meta === 'L') this.pax.path = cString(body, 0, body.length);
      else this.pax.linkpath = cString(body, 0, body.length);
    } else if (this.current && body) {
      this.handler.onBody(this.current, body);
    }
  }
}

export function headerEntry(block: Buffer, flag: string, size: number, attrs: Record<string, string>): TarEntry {
  let name = cString(block, 0, 100);
  // Only POSIX ustar has a prefix field; old GNU headers keep other data at the same offset.
  if (block.toString('latin1', 257, 263) === 'ustar\0') {
    const prefix = cString(block, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  return {
    name: attrs.path ?? name,
    type: TYPES[flag] ?? 'other',
    size,
    linkname: attrs.linkpath ?? cString(block, 157, 100),
    mode: parseNumeric(block, 100, 8),
  };
}

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

export function verifyChecksum(block: Buffer): void {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] ?? 0);
  let stored: number | undefined;
  try {
    stored = parseNumeric(block, 148, 8);
  } catch {
    stored = undefined;
  }
  if (stored !== sum) throw new Error('tar: header checksum mismatch (not a tar archive, or corrupt)');
}

export function cString(buf: Buffer, off: number, len: number): string {
  const end = buf.indexOf(0, off);
  return buf.toString('utf8', off, end < 0 || end > off + len ? off + len : end);
}

/** Octal, or base-256 (high bit set) as GNU tar writes sizes above 8 GiB. */
export function parseNumeric(buf: Buffer, off: number, len: number): number {
  const first = buf[off] ?? 0;
  if (first & 0x80) {
    if (first === 0xff) throw new Error('tar: negative numeric field');
    let v = first & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + (buf[off + i] ?? 0);
    return v;
  }
  const text = buf.toString('latin1', off, off + len).replace(/^ +/, '').replace(/[\0 ].*$/s, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new Error(`tar: bad numeric field ${JSON.stringify(text)}`);
  return parseInt(text, 8);
}

export function parsePaxSize(text: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`tar: bad PAX size ${JSON.stringify(text)}`);
  return Number(text);
}

/** PAX records: `<len> <key>=<value>\n`, the length counting the whole record. */
export function parsePax(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < buf.length && buf[i] !== 0) {
    const sp = buf.indexOf(0x20, i);
    const len = sp < 0 ? NaN : Number(buf.toString('latin1', i, sp));
    if (!Number.isInteger(len) || len <= sp - i || i + len > buf.length) throw new Error('tar: malformed PAX record');
    const record = buf.toString('utf8', sp + 1, i + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    i += len;
  }
  return out;
}
