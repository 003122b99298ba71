// Random tar streams for differential tests: every header form Go's archive/tar knows (v7, ustar, GNU,
// STAR; PAX local and global; GNU long names and links; the three GNU sparse formats; base-256 and
// space/NUL padded numbers), with the odd and the broken mixed in. Seeded: a case repeats from its seed.
import { paxRecords } from './tar.js';
import { seeded } from './random.js';

export type Rand = () => number;

export interface Gen {
  r: Rand;
  /** Chance that a field is written in a form Go refuses. */
  badRate: number;
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

export function gen(seed: number, badRate = 0): Gen {
  const r = seeded(seed);
  return {
    r,
    badRate,
    int: (n) => Math.floor(r() * n),
    pick: (xs) => xs[Math.floor(r() * xs.length)] as (typeof xs)[number],
    chance: (p) => r() < p,
  };
}

/** One member before encoding: the form of each field is chosen when it is written. */
export interface MemberSpec {
  name: Buffer;
  typeflag: string;
  linkname: Buffer;
  content: Buffer;
}

const BLOCK = 512;

function pad(b: Buffer): Buffer {
  const n = (BLOCK - (b.length % BLOCK)) % BLOCK;
  return n ? Buffer.concat([b, Buffer.alloc(n)]) : b;
}

/** Header mtimes besides the usual: the epoch, before it, 1980, far future, base-256 only, beyond int64 ms. */
const ODD_MTIMES = [0, 1, -1, -86_400, 315_532_800, 1_774_919_520, 8_589_934_591, 8_589_934_592, 2 ** 40, -(2 ** 40), 2 ** 52, 2 ** 62];

/** A numeric field in one of the encodings Go reads (and now and then one it refuses). */
function numeric(g: Gen, value: number, width: number): Buffer {
  const b = Buffer.alloc(width);
  const oct = value >= 0 ? value.toString(8) : '';
  const form = g.int(value < 0 ? 1 : 10);
  if (value < 0 || form === 0 || oct.length > width - 1) {
    // base-256, two's complement for negatives
    let x = BigInt(value);
    if (x < 0n) x = (1n << BigInt(width * 8)) + x;
    for (let i = width - 1; i >= 0; i--) {
      b[i] = Number(x & 0xffn);
      x >>= 8n;
    }
    b[0] = (b[0] as number) | 0x80;
    return b;
  }
  switch (form) {
    case 1: b.write(`${oct.padStart(width - 1, '0')} `, 'latin1'); break; // space-terminated
    case 2: b.write(`${' '.repeat(Math.max(0, width - 2 - oct.length))}${oct} `.slice(0, width), 'latin1'); break; // leading spaces
    case 3: b.write(oct.padStart(width, '0').slice(-width), 'latin1'); if (oct.length > width) b.fill(0); break; // no terminator
    case 4: b.write(`${oct}\0`, 'latin1'); break; // short, NUL then NULs
    case 5: if (g.chance(g.badRate * 5)) b.write(`${oct.slice(0, 1)} ${oct.slice(1)}`, 'latin1'); else b.write(`${oct}\0x`, 'latin1'); break; // inner space (bad) / junk after NUL (fine)
    case 6: if (g.chance(g.badRate * 5)) b.write('9', 'latin1'); else b.write(`${oct}\0`, 'latin1'); break; // not octal (bad)
    default: b.write(`${oct.padStart(width - 1, '0')}\0`, 'latin1');
  }
  return b;
}

export type HeaderFormat = 'ustar' | 'gnu' | 'v7' | 'star';

export interface HeaderFields {
  name: Buffer;
  typeflag: string;
  size: number;
  linkname?: Buffer;
  format: HeaderFormat;
  prefix?: Buffer;
  /** Raw bytes placed at offset 345.. (GNU atime/ctime, sparse map). */
  extra?: (h: Buffer) => void;
}

/** One header block; its checksum is right unless `g` decides otherwise. */
export function header(g: Gen, f: HeaderFields): Buffer {
  const h = Buffer.alloc(BLOCK);
  f.name.copy(h, 0, 0, Math.min(100, f.name.length));
  numeric(g, g.pick([0o644, 0o755, 0o4755]), 8).copy(h, 100);
  numeric(g, g.int(3) * 1000, 8).copy(h, 108);
  numeric(g, g.int(3) * 1000, 8).copy(h, 116);
  numeric(g, f.size, 12).copy(h, 124);
  numeric(g, g.chance(0.8) ? 1_700_000_000 + g.int(1000) : g.pick(ODD_MTIMES), 12).copy(h, 136);
  h.write(f.typeflag, 156, 'latin1');
  f.linkname?.copy(h, 157, 0, Math.min(100, f.linkname.length));
  if (f.format === 'ustar' || f.format === 'star') {
    h.write('ustar\0', 257, 'latin1');
    h.write(g.chance(0.9) ? '00' : 'xx', 263, 'latin1');
  } else if (f.format === 'gnu') {
    h.write('ustar  \0', 257, 'latin1');
  }
  if (f.format !== 'v7') {
    h.write('root', 265, 'latin1');
    numeric(g, 0, 8).copy(h, 329);
    numeric(g, 0, 8).copy(h, 337);
  }
  if (f.prefix) f.prefix.copy(h, 345, 0, Math.min(f.format === 'star' ? 131 : 155, f.prefix.length));
  if (f.format === 'star') {
    numeric(g, 1_700_000_000, 12).copy(h, 476);
    numeric(g, 1_700_000_000, 12).copy(h, 488);
    h.write('tar\0', 508, 'latin1');
  }
  f.extra?.(h);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 32 : (h[i] as number);
    unsigned += c;
    signed += c >= 128 ? c - 256 : c;
  }
  let sum = g.chance(0.05) && signed !== unsigned ? signed : unsigned;
  if (g.chance(g.badRate)) sum += 1;
  const form = g.int(3);
  if (form === 0) h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  else if (form === 1) h.write(`${sum.toString(8).padStart(7, '0')}\0`, 148, 'latin1');
  else h.write(`  ${sum.toString(8)}\0`.padEnd(8, ' '), 148, 'latin1');
  return h;
}

function pax(g: Gen, records: [string, string | Buffer][]): Buffer {
  const parts = records.map(([k, v]) => {
    const vb = Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8');
    const rest = Buffer.concat([Buffer.from(` ${k}=`, 'latin1'), vb, Buffer.from('\n')]);
    let len = rest.length + 1;
    while (String(len).length + rest.length !== len) len = String(len).length + rest.length;
    if (g.chance(g.badRate)) len += g.pick([1, -1, 100]);
    return Buffer.concat([Buffer.from(String(len), 'latin1'), rest]);
  });
  const body = Buffer.concat(parts);
  return g.chance(g.badRate) ? Buffer.concat([body, Buffer.alloc(3)]) : body;
}

function metaMember(g: Gen, flag: string, body: Buffer, format: HeaderFormat): Buffer {
  const name = flag === 'L' || flag === 'K' ? '././@LongLink' : flag === 'g' ? 'pax_global_header' : 'PaxHeaders/x';
  return Buffer.concat([header(g, { name: Buffer.from(name), typeflag: flag, size: body.length, format }), pad(body)]);
}

const TIME_VALUES = ['1700000000', '1700000000.5', '-1', '1.', '+5', 'x', '.5', '1.2.3', '', '1774919520.123456789', '1774919520.9999999999', '-1.5', '-0.0005', '-62135596800', '315532800', '9223372036854775807', '9223372036854775808', '1e9', '1700000000.12a'];

/** A random PAX record set, with a path or linkpath (the real ones or decoys) now and then. */
function randomRecords(g: Gen, m: MemberSpec, want: { path: boolean; linkpath: boolean; size?: number }): [string, string | Buffer][] {
  const rec: [string, string | Buffer][] = [];
  if (want.path) rec.push(['path', m.name]);
  if (want.linkpath) rec.push(['linkpath', m.linkname]);
  if (want.size !== undefined) rec.push(['size', String(want.size)]);
  if (g.chance(0.3)) rec.push(['mtime', g.pick(TIME_VALUES)]);
  if (g.chance(0.1)) rec.push(['uid', g.pick(['0', '1000', '-1', 'x', ''])]);
  if (g.chance(0.2)) rec.push(['SCHILY.xattr.user.a', 'b']);
  if (g.chance(0.05)) rec.push(['path', '']);
  if (g.chance(0.05)) rec.push(['size', g.pick(['', 'x', '-1', '+0'])]);
  return rec;
}

/** A member encoded in a random form: returns the bytes of its metadata members, header and body. */
export function encodeMember(g: Gen, m: MemberSpec): Buffer {
  const format: HeaderFormat = g.pick(['ustar', 'ustar', 'gnu', 'v7', 'star']);
  const out: Buffer[] = [];
  const headerOnly = '123456'.includes(m.typeflag) && m.typeflag !== '';
  let size = headerOnly ? 0 : m.content.length;
  if (headerOnly && g.chance(0.1)) size = g.pick([1, 512, 4096]);
  let name = m.name;
  let prefix: Buffer | undefined;
  let link = m.linkname;
  const longName = name.length > 100 || g.chance(0.2);
  const longLink = link.length > 100 || g.chance(0.1);
  let usePaxPath = false;
  let usePaxLink = false;
  if (longName) {
    const slash = name.lastIndexOf(0x2f, name.length - 2);
    const how = g.int(4);
    if (how === 0 && (format === 'ustar' || format === 'star') && slash > 0 && name.length - slash - 1 <= 100 && slash <= (format === 'star' ? 131 : 155)) {
      prefix = name.subarray(0, slash);
      name = name.subarray(slash + 1);
    } else if (how === 1) {
      out.push(metaMember(g, 'L', g.chance(0.8) ? Buffer.concat([name, Buffer.from([0])]) : name, format));
      name = Buffer.from(name.subarray(0, 99));
    } else {
      usePaxPath = true;
      if (how === 3) out.push(metaMember(g, 'L', Buffer.concat([name, Buffer.from([0])]), format));
    }
  }
  if (longLink) {
    if (g.chance(0.5)) out.push(metaMember(g, 'K', Buffer.concat([link, Buffer.from([0])]), format));
    else usePaxLink = true;
  }
  const sizeByPax = !headerOnly && g.chance(0.1);
  const wantRecords = usePaxPath || usePaxLink || sizeByPax || g.chance(0.2);
  if (wantRecords) {
    if (g.chance(0.1)) out.push(metaMember(g, 'x', pax(g, [['path', 'decoy-earlier-x']]), format));
    const records = randomRecords(g, m, { path: usePaxPath, linkpath: usePaxLink, ...(sizeByPax ? { size } : {}) });
    if (g.badRate > 0 || records.every(([k, v]) => !['mtime', 'uid', 'size'].includes(k) || /^[+-]?\d+(\.\d*)?$/.test(String(v)) || v === '')) {
      out.push(metaMember(g, 'x', pax(g, records), format));
    } else out.push(metaMember(g, 'x', pax(g, records.filter(([k]) => !['mtime', 'uid'].includes(k))), format));
    if (usePaxPath) name = Buffer.from(name.subarray(0, 99));
    if (usePaxLink) link = Buffer.from(link.subarray(0, 99));
  }
  if (g.chance(0.05)) out.push(metaMember(g, 'g', pax(g, [['path', g.pick(['decoy-global', 'a', 'a/b'])], ['comment', 'x']]), format));
  let typeflag = m.typeflag;
  if (typeflag === '0' && g.chance(0.1) && !name.toString('latin1').endsWith('/')) typeflag = '\0';
  if (typeflag === '5' && g.chance(0.1)) {
    typeflag = '\0';
    if (!name.toString('latin1').endsWith('/')) name = Buffer.concat([name, Buffer.from('/')]);
  }
  const hdrSize = sizeByPax ? g.int(2000) : size;
  const fields: HeaderFields = { name, typeflag, size: hdrSize, linkname: link, format };
  if (prefix) fields.prefix = prefix;
  out.push(header(g, fields));
  if (!headerOnly) out.push(pad(m.content));
  return Buffer.concat(out);
}

/** A GNU sparse member in one of the three formats, content `logical` with holes where it is zero. */
export function encodeSparse(g: Gen, name: Buffer, logical: Buffer): Buffer {
  const frags: [number, number][] = [];
  for (let i = 0; i < logical.length; ) {
    if (logical[i] === 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < logical.length && logical[j] !== 0) j++;
    frags.push([i, j - i]);
    i = j;
  }
  if (g.chance(0.2)) frags.push([logical.length, 0]);
  const dense = Buffer.concat(frags.map(([o, l]) => logical.subarray(o, o + l)));
  const kind = g.pick(['0.0', '0.1', '1.0', 'old'] as const);
  if (kind === 'old') {
    const extra = (h: Buffer) => {
      frags.slice(0, 4).forEach(([o, l], i) => {
        h.write(`${o.toString(8).padStart(11, '0')}\0`, 386 + i * 24, 'latin1');
        h.write(`${l.toString(8).padStart(11, '0')}\0`, 386 + i * 24 + 12, 'latin1');
      });
      h[482] = frags.length > 4 ? 1 : 0;
      h.write(`${logical.length.toString(8).padStart(11, '0')}\0`, 483, 'latin1');
    };
    const blocks: Buffer[] = [];
    for (let i = 4; i < frags.length; i += 21) {
      const b = Buffer.alloc(BLOCK);
      frags.slice(i, i + 21).forEach(([o, l], k) => {
        b.write(`${o.toString(8).padStart(11, '0')}\0`, k * 24, 'latin1');
        b.write(`${l.toString(8).padStart(11, '0')}\0`, k * 24 + 12, 'latin1');
      });
      b[504] = i + 21 < frags.length ? 1 : 0;
      blocks.push(b);
    }
    return Buffer.concat([header(g, { name, typeflag: 'S', size: dense.length, format: 'gnu', extra }), ...blocks, pad(dense)]);
  }
  const records: [string, string | Buffer][] = [];
  let data = dense;
  if (kind === '0.0') {
    records.push(['GNU.sparse.size', String(logical.length)], ['GNU.sparse.numblocks', String(frags.length)]);
    for (const [o, l] of frags) records.push(['GNU.sparse.offset', String(o)], ['GNU.sparse.numbytes', String(l)]);
    if (g.chance(0.5)) records.push(['GNU.sparse.name', name]);
  } else if (kind === '0.1') {
    records.push(['GNU.sparse.major', '0'], ['GNU.sparse.minor', '1'], ['GNU.sparse.name', name], ['GNU.sparse.size', String(logical.length)]);
    records.push(['GNU.sparse.numblocks', String(frags.length)], ['GNU.sparse.map', frags.flat().join(',')]);
  } else {
    records.push(['GNU.sparse.major', '1'], ['GNU.sparse.minor', '0'], ['GNU.sparse.name', name], ['GNU.sparse.realsize', String(logical.length)]);
    const map = `${frags.length}\n${frags.map(([o, l]) => `${o}\n${l}\n`).join('')}`;
    data = Buffer.concat([pad(Buffer.from(map, 'latin1')), dense]);
  }
  const placeholder = Buffer.from(`GNUSparseFile.0/${name.toString('latin1').split('/').pop()}`.slice(0, 99), 'latin1');
  return Buffer.concat([metaMember(g, 'x', pax(g, records), 'ustar'), header(g, { name: placeholder, typeflag: '0', size: data.length, format: 'ustar' }), pad(data)]);
}

export { paxRecords };

const SEGMENTS = ['a', 'b', 'c', 'node_modules', 'axios', 'package.json', 'lib', '.wh.a', '.wh.b', '.wh..wh..opq', 'é', '..', '.', ''];

/** A path from a small vocabulary, so that members collide, shadow and delete each other. */
export function randomPath(g: Gen, depth = 1 + g.int(4)): Buffer {
  const segs: Buffer[] = [];
  for (let i = 0; i < depth; i++) {
    const k = g.int(20);
    if (k === 0) segs.push(Buffer.from('x'.repeat(40 + g.int(120))));
    else if (k === 1) segs.push(Buffer.from([0x61, g.pick([0xff, 0xfe, 0xc3, 0x80])]));
    else segs.push(Buffer.from(g.pick(SEGMENTS.slice(0, g.chance(0.8) ? 10 : SEGMENTS.length)), 'utf8'));
  }
  const lead = g.pick(['', '', '', './', '/', '//']);
  const trail = g.chance(0.1) ? '/' : '';
  return Buffer.concat([Buffer.from(lead), Buffer.from(segs.map((s) => s.toString('latin1')).join('/'), 'latin1'), Buffer.from(trail)]);
}

const FLAGS = ['0', '0', '0', '0', '5', '5', '2', '2', '1', '6', '3', '7', 'A'];

export function randomMember(g: Gen): MemberSpec {
  const typeflag = g.pick(FLAGS.slice(0, g.badRate > 0 ? FLAGS.length : FLAGS.length - 2));
  const content = typeflag === '0' || typeflag === '7' || typeflag === 'A' ? Buffer.from(g.pick(['', 'x', 'axios@1.14.1', 'y'.repeat(g.int(1500))])) : Buffer.alloc(0);
  const linkname = typeflag === '1' || typeflag === '2' ? randomPath(g) : g.chance(0.05) ? Buffer.from('stray') : Buffer.alloc(0);
  return { name: randomPath(g), typeflag, linkname, content };
}

/** A whole tar stream: members in random forms, sparse files, and one of the ways an archive ends. */
export function randomTar(g: Gen, members = 1 + g.int(8)): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < members; i++) {
    if (g.chance(0.08)) {
      const logical = Buffer.alloc(g.int(3000));
      for (let k = 0; k < 1 + g.int(6); k++) logical.fill(0x61 + k, g.int(logical.length), g.int(logical.length));
      parts.push(encodeSparse(g, randomPath(g), logical));
    } else parts.push(encodeMember(g, randomMember(g)));
  }
  let body = Buffer.concat(parts);
  const end = g.int(g.badRate > 0 ? 8 : 5);
  if (end <= 1) body = Buffer.concat([body, Buffer.alloc(1024)]);
  else if (end === 2) body = Buffer.concat([body, Buffer.alloc(512)]);
  else if (end === 3) body = Buffer.concat([body, Buffer.alloc(1024), Buffer.from('trailing garbage')]);
  else if (end === 5) body = body.subarray(0, g.int(body.length + 1));
  else if (end === 6) body = Buffer.concat([body, Buffer.alloc(512), encodeMember(g, randomMember(g))]);
  else if (end === 7) body = Buffer.concat([body, Buffer.alloc(100)]);
  return body;
}
