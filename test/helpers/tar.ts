// A small tar writer for tests: ustar headers, PAX or GNU long names, links, and hand-made odd headers.

export interface TarFile {
  path: string;
  content?: string | Buffer;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  linkname?: string;
  mode?: number;
  /** Extra PAX records written before this member (e.g. a `size` that overrides the header). */
  pax?: Record<string, string>;
  /**
   * Modification time in seconds (default 0, the epoch): whole seconds that fit go in the header's octal field,
   * others (fractions, negative, huge) in a PAX `mtime` record.
   */
  mtime?: number;
}

export interface TarOptions {
  /** How names over 100 bytes are written; default PAX. */
  longNames?: 'pax' | 'gnu';
  /** Leave out the two zero blocks that end an archive. */
  noEndMarker?: boolean;
}

const TYPEFLAG = { file: '0', dir: '5', symlink: '2', hardlink: '1' } as const;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

export function tarHeader(fields: { name: string; size: number; type: string; linkname?: string; mode?: number; mtime?: number }): Buffer {
  const h = Buffer.alloc(512);
  h.write(fields.name, 0, 100, 'utf8');
  h.write(octal(fields.mode ?? 0o644, 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  h.write(octal(fields.size, 12), 124, 'latin1');
  h.write(octal(headerMtime(fields.mtime), 12), 136, 'latin1');
  h.write(fields.type, 156, 'latin1');
  h.write(fields.linkname ?? '', 157, 100, 'utf8');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

/** Whole seconds the 11 octal digits hold; anything else goes to PAX and the header says 0. */
function headerMtime(mtime: number | undefined): number {
  return mtime !== undefined && Number.isInteger(mtime) && mtime >= 0 && mtime < 8 ** 11 ? mtime : 0;
}

function padded(body: Buffer): Buffer[] {
  const pad = (512 - (body.length % 512)) % 512;
  return pad ? [body, Buffer.alloc(pad)] : [body];
}

export function paxRecords(records: Record<string, string>): Buffer {
  let out = '';
  for (const [k, v] of Object.entries(records)) {
    const rest = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(rest) + 1;
    while (String(len).length + Buffer.byteLength(rest) !== len) len = String(len).length + Buffer.byteLength(rest);
    out += `${len}${rest}`;
  }
  return Buffer.from(out, 'utf8');
}

function member(file: TarFile, opts: TarOptions): Buffer[] {
  const type = file.type ?? 'file';
  const body = type === 'file' ? Buffer.from(file.content ?? '') : Buffer.alloc(0);
  const name = type === 'dir' && !file.path.endsWith('/') ? `${file.path}/` : file.path;
  const out: Buffer[] = [];
  const pax: Record<string, string> = { ...file.pax };
  if (file.mtime !== undefined && headerMtime(file.mtime) !== file.mtime && pax.mtime === undefined) pax.mtime = String(file.mtime);
  let headerName = name;
  if (Buffer.byteLength(name) > 100) {
    headerName = name.slice(0, 99);
    if (opts.longNames === 'gnu') {
      const long = Buffer.from(`${name}\0`);
      out.push(tarHeader({ name: '././@LongLink', size: long.length, type: 'L' }), ...padded(long));
    } else pax.path = name;
  }
  if (Object.keys(pax).length > 0) {
    const records = paxRecords(pax);
    out.push(tarHeader({ name: `PaxHeaders/${headerName.slice(0, 80)}`, size: records.length, type: 'x' }), ...padded(records));
  }
  const header = { name: headerName, size: body.length, type: TYPEFLAG[type], mode: file.mode ?? (type === 'dir' ? 0o755 : 0o644), mtime: headerMtime(file.mtime) };
  out.push(tarHeader(file.linkname !== undefined ? { ...header, linkname: file.linkname } : header), ...padded(body));
  return out;
}

export function buildTar(files: TarFile[], opts: TarOptions = {}): Buffer {
  const parts = files.flatMap((f) => member(f, opts));
  if (!opts.noEndMarker) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
