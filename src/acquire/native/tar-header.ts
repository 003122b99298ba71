// One tar header block and one PAX record set, decoded exactly as Go's archive/tar decodes them
// (reader.go readHeader, format.go getFormat, strconv.go): containerd, moby and podman read layers with
// it, so a field it refuses makes the runtime refuse the layer, and a field it accepts means what it
// means there. Errors are plain `tar:` errors; the caller makes the platform unknown with the message.
import { isUtf8 } from 'node:buffer';

export const BLOCK = 512;

/** Go's ErrHeader: the runtime stops at this member and refuses the layer. */
export function headerError(why: string): Error {
  return new Error(`tar: invalid header (${why}); Go's archive/tar refuses it, so does the runtime`);
}

/**
 * Bytes to a string with no two byte strings alike: valid UTF-8 decodes as UTF-8, any other byte
 * becomes the lone surrogate U+DC00+byte (Python's surrogateescape). Names are bytes to the runtime;
 * decoding bad bytes to U+FFFD would make `a\xff` and `a\xfe` one path, and a whiteout of one delete both.
 */
export function decodeBytes(buf: Buffer, start = 0, end = buf.length): string {
  let ascii = true;
  for (let i = start; i < end; i++) if ((buf[i] as number) >= 0x80) ascii = false;
  if (ascii) return buf.toString('latin1', start, end);
  const part = buf.subarray(start, end);
  if (isUtf8(part)) return part.toString('utf8');
  let out = '';
  for (let i = 0; i < part.length; ) {
    const n = utf8SequenceLength(part, i);
    if (n > 0) {
      out += part.toString('utf8', i, i + n);
      i += n;
    } else out += String.fromCharCode(0xdc00 + (part[i++] as number));
  }
  return out;
}

/** The reverse of decodeBytes. */
export function encodeBytes(s: string): Buffer {
  const parts: Buffer[] = [];
  let run = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c >= 0xdc80 && c <= 0xdcff) {
      if (run) parts.push(Buffer.from(run, 'utf8'));
      run = '';
      parts.push(Buffer.from([c - 0xdc00]));
    } else run += ch;
  }
  if (run) parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

function utf8SequenceLength(b: Buffer, i: number): number {
  const c = b[i] as number;
  const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n <= 1 || i + n > b.length) return n === 1 ? 1 : 0;
  return isUtf8(b.subarray(i, i + n)) ? n : 0;
}

/** parseString: up to the first NUL. */
export function cString(buf: Buffer, off: number, len: number): string {
  const nul = buf.indexOf(0, off);
  return decodeBytes(buf, off, nul < 0 || nul > off + len ? off + len : nul);
}

/** A numeric field, or undefined when Go's parser sets ErrHeader. */
export function numericField(buf: Buffer, off: number, len: number): number | undefined {
  const first = buf[off] as number;
  return first & 0x80 ? base256(buf, off, len) : octalField(buf, off, len);
}

/** parseNumeric, throwing ErrHeader. */
export function parseNumeric(buf: Buffer, off: number, len: number): number {
  const v = numericField(buf, off, len);
  if (v === undefined) throw headerError(`numeric field at offset ${off}`);
  return v;
}

/**
 * parseOctal: spaces and NULs trimmed from both ends, then cut at the first NUL; what is left must be
 * all octal digits (strconv.ParseUint base 8: no sign, no inner space). Empty is 0.
 */
export function octalField(buf: Buffer, off: number, len: number): number | undefined {
  let s = off;
  let e = off + len;
  while (s < e && (buf[s] === 0x20 || buf[s] === 0)) s++;
  while (e > s && (buf[e - 1] === 0x20 || buf[e - 1] === 0)) e--;
  if (s === e) return 0;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i] as number;
    if (c === 0) break;
    if (c < 0x30 || c > 0x37) return undefined;
    v = v * 8 + (c - 0x30);
  }
  return v;
}

/** Base-256 (high bit set; bit 6 is the sign): two's complement, more than 63 bits is ErrHeader. */
function base256(buf: Buffer, off: number, len: number): number | undefined {
  const inv = (buf[off] as number) & 0x40 ? 0xff : 0;
  let x = 0n;
  for (let i = 0; i < len; i++) {
    let c = (buf[off + i] as number) ^ inv;
    if (i === 0) c &= 0x7f;
    if (x >> 56n > 0n) return undefined;
    x = (x << 8n) | BigInt(c);
  }
  if (x >> 63n > 0n) return undefined;
  return Number(inv ? -x - 1n : x);
}

/** strconv.ParseInt(s, 10, 64): optional sign, decimal digits, within int64. */
export function goParseInt(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  if (v > 0x7fffffffffffffffn || v < -0x8000000000000000n) return undefined;
  return Number(v);
}

export type Format = 'v7' | 'ustar' | 'gnu' | 'star';

/** getFormat: the checksum (unsigned or signed sum, the field counted as spaces) must match, then the magic. */
export function blockFormat(b: Buffer): Format | undefined {
  const stored = octalField(b, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : (b[i] as number);
    unsigned += c;
    signed += c >= 0x80 ? c - 256 : c;
  }
  if (stored === undefined || (stored !== unsigned && stored !== signed)) return undefined;
  const magic = b.toString('latin1', 257, 263);
  if (magic === 'ustar\0') return b.toString('latin1', 508, 512) === 'tar\0' ? 'star' : 'ustar';
  if (magic === 'ustar ' && b[263] === 0x20 && b[264] === 0) return 'gnu';
  return 'v7';
}

export interface RawHeader {
  format: Format;
  typeflag: string;
  name: string;
  linkname: string;
  size: number;
  mode: number;
  /** Modification time in whole seconds (the header's field; a PAX `mtime` replaces it). */
  mtime: number;
}

/**
 * readHeader: every numeric field Go parses must parse (size, mode, uid, gid, mtime; devmajor and devminor
 * past v7; atime and ctime for STAR) or the header is ErrHeader. The name gets the prefix field for
 * ustar/PAX (155 bytes) and STAR (131 bytes); GNU has none, unless its atime/ctime fields do not parse,
 * when Go takes the ustar prefix if it is ASCII.
 */
export function readHeader(b: Buffer): RawHeader {
  const format = blockFormat(b);
  if (!format) throw new Error('tar: header checksum mismatch (not a tar archive, or corrupt)');
  const fields: [number, number][] = [[124, 12], [100, 8], [108, 8], [116, 8], [136, 12]];
  if (format !== 'v7') fields.push([329, 8], [337, 8]);
  if (format === 'star') fields.push([476, 12], [488, 12]);
  for (const [off, len] of fields) if (numericField(b, off, len) === undefined) throw headerError(`numeric field at offset ${off}`);
  let name = cString(b, 0, 100);
  let prefix = '';
  if (format === 'ustar') prefix = cString(b, 345, 155);
  else if (format === 'star') prefix = cString(b, 345, 131);
  else if (format === 'gnu' && !gnuTimesParse(b)) {
    const p = cString(b, 345, 155);
    if (/^[\x01-\x7f]*$/.test(p)) prefix = p;
  }
  if (prefix) name = `${prefix}/${name}`;
  return {
    format,
    typeflag: String.fromCharCode(b[156] as number),
    name,
    linkname: cString(b, 157, 100),
    size: numericField(b, 124, 12) as number,
    mode: numericField(b, 100, 8) as number,
    mtime: numericField(b, 136, 12) as number,
  };
}

function gnuTimesParse(b: Buffer): boolean {
  return (b[345] === 0 || numericField(b, 345, 12) !== undefined) && (b[357] === 0 || numericField(b, 357, 12) !== undefined);
}

export function isZeroBlock(block: Buffer, off = 0): boolean {
  for (let i = off; i < off + BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

export interface PaxRecords {
  /** key -> raw value bytes; keys compared byte for byte (latin1). */
  values: Map<string, Buffer>;
}

const SPARSE_OFFSET = 'GNU.sparse.offset';
const SPARSE_NUMBYTES = 'GNU.sparse.numbytes';

/**
 * parsePAX: the whole body must be records `<len> <key>=<value>\n` (no padding, no NUL tail); a bad
 * record is ErrHeader. GNU sparse 0.0 offset/numbytes pairs must alternate and are joined into
 * GNU.sparse.map. A key repeated keeps its last value.
 */
export function parsePaxRecords(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const sparse: string[] = [];
  let i = 0;
  while (i < buf.length) {
    const sp = buf.indexOf(0x20, i);
    if (sp < 0) throw headerError('PAX record without a length');
    const n = goParseInt(buf.toString('latin1', i, sp));
    if (n === undefined || n < 5 || n > buf.length - i) throw headerError('PAX record length');
    const restLen = n - (sp - i + 1);
    if (restLen <= 0) throw headerError('PAX record length');
    const recEnd = sp + 1 + restLen - 1;
    if (buf[recEnd] !== 0x0a) throw headerError('PAX record not ended by a newline');
    const eq = buf.indexOf(0x3d, sp + 1);
    if (eq < 0 || eq >= recEnd) throw headerError('PAX record without =');
    const key = buf.toString('latin1', sp + 1, eq);
    const value = buf.subarray(eq + 1, recEnd);
    if (!validPaxRecord(key, value)) throw headerError(`PAX record ${JSON.stringify(key)}`);
    if (key === SPARSE_OFFSET || key === SPARSE_NUMBYTES) {
      const want = sparse.length % 2 === 0 ? SPARSE_OFFSET : SPARSE_NUMBYTES;
      if (key !== want || value.includes(0x2c)) throw headerError('GNU sparse 0.0 offset/numbytes out of order');
      sparse.push(value.toString('latin1'));
    } else out.set(key, value);
    i += n;
  }
  if (sparse.length > 0) out.set('GNU.sparse.map', Buffer.from(sparse.join(','), 'latin1'));
  return out;
}

function validPaxRecord(key: string, value: Buffer): boolean {
  if (key === '' || key.includes('=')) return false;
  if (key === 'path' || key === 'linkpath' || key === 'uname' || key === 'gname') return !value.includes(0);
  return !key.includes('\0');
}

/** parsePAXTime: `[+-]digits` seconds, optionally `.digits`. */
export function validPaxTime(s: string): boolean {
  return paxTimeMs(s) !== undefined;
}

/**
 * parsePAXTime as milliseconds since the epoch, rounded down as Go's Time.UnixMilli rounds: the fraction is
 * cut to nanoseconds and takes the sign of the seconds (`-1.5` is 1.5 s before the epoch). undefined when Go
 * refuses the value (ErrHeader).
 */
export function paxTimeMs(s: string): number | undefined {
  const dot = s.indexOf('.');
  const secsText = dot < 0 ? s : s.slice(0, dot);
  const secs = goParseInt(secsText);
  if (secs === undefined) return undefined;
  const frac = dot < 0 ? '' : s.slice(dot + 1);
  if (!/^[0-9]*$/.test(frac)) return undefined;
  const nanos = BigInt((frac + '000000000').slice(0, 9));
  const total = BigInt(secsText) * 1_000_000_000n + (secsText.startsWith('-') ? -nanos : nanos);
  return Number(floorDiv(total, 1_000_000n));
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}
