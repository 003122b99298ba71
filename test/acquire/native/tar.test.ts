import { describe, expect, it } from 'vitest';
import { parseNumeric, TarParser, type TarEntry } from '../../../src/acquire/native/tar.js';
import { parsePaxRecords } from '../../../src/acquire/native/tar-header.js';
import { buildTar, paxRecords, tarHeader, type TarFile, type TarOptions } from '../../helpers/tar.js';

interface Seen {
  entries: TarEntry[];
  bodies: Map<string, string>;
}

/** Feeds the archive in chunks of `chunk` bytes, keeping every file body. */
function parse(tar: Buffer, chunk = tar.length, keep: (e: TarEntry) => boolean = () => true): Seen {
  const seen: Seen = { entries: [], bodies: new Map() };
  const parser = new TarParser({
    onEntry: (e) => {
      seen.entries.push(e);
      return keep(e);
    },
    onBody: (e, body) => seen.bodies.set(e.name, body.toString()),
  });
  for (let i = 0; i < tar.length; i += chunk) parser.write(tar.subarray(i, i + chunk));
  parser.end();
  return seen;
}

const longName = `a/${'b'.repeat(120)}/c/${'d'.repeat(60)}.json`;

describe('TarParser', () => {
  const cases: { name: string; files: TarFile[]; opts?: TarOptions; names: string[]; links?: string[] }[] = [
    { name: 'ustar files and directories', files: [{ path: 'x', type: 'dir' }, { path: 'x/a.txt', content: 'hello' }], names: ['x/', 'x/a.txt'] },
    { name: 'PAX long names', files: [{ path: longName, content: 'long' }], names: [longName] },
    { name: 'GNU long names', files: [{ path: longName, content: 'long' }], opts: { longNames: 'gnu' }, names: [longName] },
    { name: 'PAX linkpath', files: [{ path: 'l', type: 'symlink', linkname: 'short', pax: { linkpath: longName } }], names: ['l'], links: [longName] },
    { name: 'empty files and bodies of exactly 512 bytes', files: [{ path: 'e', content: '' }, { path: 'f', content: 'z'.repeat(512) }, { path: 'g', content: 'y' }], names: ['e', 'f', 'g'] },
  ];
  for (const c of cases) {
    for (const chunk of [1, 7, 512, 100_000]) {
      it(`${c.name} (chunks of ${chunk})`, () => {
        const seen = parse(buildTar(c.files, c.opts), chunk);
        expect(seen.entries.map((e) => e.name)).toEqual(c.names);
        if (c.links) expect(seen.entries.map((e) => e.linkname)).toEqual(c.links);
        for (const f of c.files) if ((f.type ?? 'file') === 'file') expect(seen.bodies.get(f.path)).toBe(String(f.content ?? ''));
      });
    }
  }

  it('skips bodies it was not asked to keep, and keeps reading after them', () => {
    const seen = parse(buildTar([{ path: 'skip', content: 'x'.repeat(3000) }, { path: 'keep', content: 'k' }]), 1000, (e) => e.name === 'keep');
    expect([...seen.bodies.keys()]).toEqual(['keep']);
    expect(seen.bodies.get('keep')).toBe('k');
  });

  it('a PAX size overrides the header size', () => {
    const body = Buffer.from('0123456789');
    const pax = paxRecords({ size: '10' });
    const tar = Buffer.concat([tarHeader({ name: 'p', size: pax.length, type: 'x' }), pax, Buffer.alloc(512 - pax.length), tarHeader({ name: 'f', size: 3, type: '0' }), body, Buffer.alloc(502), Buffer.alloc(1024)]);
    expect(parse(tar).bodies.get('f')).toBe('0123456789');
  });

  it('a PAX size does not apply to a GNU long-name member that follows it', () => {
    const pax = paxRecords({ size: '10' });
    const long = Buffer.from(`${longName}\0`);
    const body = Buffer.from('0123456789');
    const tar = Buffer.concat([
      tarHeader({ name: 'p', size: pax.length, type: 'x' }), pax, Buffer.alloc(512 - pax.length),
      tarHeader({ name: '././@LongLink', size: long.length, type: 'L' }), long, Buffer.alloc(512 - long.length),
      tarHeader({ name: 'short', size: 0, type: '0' }), body, Buffer.alloc(502), Buffer.alloc(1024),
    ]);
    const seen = parse(tar);
    expect(seen.entries.map((e) => [e.name, e.size])).toEqual([[longName, 10]]);
    expect(seen.bodies.get(longName)).toBe('0123456789');
  });

  it("a global PAX header is a member of its own, named by its path; its records apply to no other member (Go's archive/tar)", () => {
    const pax = paxRecords({ path: 'global-name' });
    const tar = Buffer.concat([tarHeader({ name: 'g', size: pax.length, type: 'g' }), pax, Buffer.alloc(512 - pax.length), buildTar([{ path: 'one' }, { path: 'two' }])]);
    expect(parse(tar).entries.map((e) => [e.name, e.type])).toEqual([['global-name', 'global'], ['one', 'file'], ['two', 'file']]);
  });

  it('joins the ustar prefix field to the name', () => {
    const h = tarHeader({ name: 'file.txt', size: 0, type: '0' });
    h.write('some/prefix', 345, 'latin1');
    h.fill(' ', 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    expect(parse(Buffer.concat([h, Buffer.alloc(1024)])).entries[0]?.name).toBe('some/prefix/file.txt');
  });

  it('accepts a missing end-of-archive marker, rejects a member cut short and a bad checksum', () => {
    expect(parse(buildTar([{ path: 'a', content: 'x' }], { noEndMarker: true })).entries).toHaveLength(1);
    const cut = buildTar([{ path: 'a', content: 'x'.repeat(1000) }]).subarray(0, 900);
    expect(() => parse(cut)).toThrow(/truncated/);
    const bad = buildTar([{ path: 'a', content: 'x' }]);
    bad[0] = 'b'.charCodeAt(0);
    expect(() => parse(bad)).toThrow(/checksum/);
  });

  it('reports entry types', () => {
    const seen = parse(buildTar([{ path: 'd', type: 'dir' }, { path: 's', type: 'symlink', linkname: 't' }, { path: 'h', type: 'hardlink', linkname: 'd/x' }, { path: 'f' }]));
    expect(seen.entries.map((e) => e.type)).toEqual(['directory', 'symlink', 'hardlink', 'file']);
  });
});

describe('tar numeric fields', () => {
  it.each([
    ['octal with NUL', Buffer.from('00000000012\0'), 10],
    ['octal with leading spaces', Buffer.from('     644 \0\0\0'), 0o644],
    ['empty', Buffer.alloc(12), 0],
    ['base-256 (sizes over 8 GiB)', Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0]), 2 * 65536],
  ])('%s', (_name, buf, value) => {
    expect(parseNumeric(buf, 0, 12)).toBe(value);
  });

  it('parses PAX records with multi-byte values and rejects bad lengths', () => {
    const records = parsePaxRecords(paxRecords({ path: 'café/ünï', mtime: '1.5' }));
    expect(Object.fromEntries([...records].map(([k, v]) => [k, v.toString('utf8')]))).toEqual({ path: 'café/ünï', mtime: '1.5' });
    expect(() => parsePaxRecords(Buffer.from('99 path=x\n'))).toThrow(/invalid header/);
  });
});
