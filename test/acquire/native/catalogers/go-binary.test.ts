// Go executables built by Debian's golang-go (dependencies from a local file:// GOPROXY), read by the
// native cataloger and compared with `go version -m`, the Go toolchain's own reading, as the oracle.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readGoBuildInfo, type GoBuildInfo } from '../../../../src/acquire/native/go-buildinfo.js';
import { GoStreamScanner } from '../../../../src/acquire/native/go-stream-scan.js';
import { buildGoProgram, goVersionM, sampleProgram, type GoProgram } from '../../../helpers/go-build.js';
import { syntheticGoElf } from '../../../helpers/go-elf.js';
import { haveTool } from '../../../helpers/real-tools.js';
import { seeded as mulberry32 } from '../../../helpers/random.js';

const HAVE_GO = haveTool('go', 'golang-go');

/** Our reading, written as `go version -m` prints its table. */
function asLines(info: GoBuildInfo): string[][] {
  const mod = (key: string, m: { path: string; version: string; sum?: string }) => [key, m.path, m.version, ...(m.sum ? [m.sum] : [])];
  const lines: string[][] = [];
  if (info.path !== undefined) lines.push(['path', info.path]);
  if (info.main) lines.push(mod('mod', info.main));
  for (const d of info.deps) {
    // go version -m leaves out the sum of a module that was replaced.
    lines.push(mod('dep', d.replace ? { path: d.path, version: d.version } : d));
    if (d.replace) lines.push(mod('=>', d.replace));
  }
  for (const [k, v] of info.settings) lines.push(['build', `${k}=${v}`]);
  return lines;
}

const trimEmpty = (lines: string[][]) => lines.map((l) => (l[l.length - 1] === '' ? l.slice(0, -1) : l));

function streamed(bytes: Buffer, seed: number): ReturnType<GoStreamScanner['finish']> {
  const rand = mulberry32(seed);
  const scanner = new GoStreamScanner(bytes.length);
  for (let off = 0; off < bytes.length; ) {
    const n = 1 + Math.floor(rand() * 256 * 1024);
    scanner.write(bytes.subarray(off, off + n));
    off += n;
  }
  return scanner.finish();
}

const TARGETS: { name: string; extra: Partial<GoProgram> }[] = [
  { name: 'linux/amd64', extra: {} },
  { name: 'linux/amd64 stripped (-s -w)', extra: { ldflags: '-s -w' } },
  { name: 'linux/386 (32-bit)', extra: { goarch: '386' } },
  { name: 'linux/s390x (big-endian)', extra: { goarch: 's390x' } },
];

describe.skipIf(!HAVE_GO)('Go build information against go version -m', () => {
  for (const t of TARGETS) {
    it(`${t.name}: same modules, replacements and Go version, whole and streamed in random chunks`, async () => {
      const bin = await buildGoProgram(sampleProgram(t.extra));
      const bytes = await readFile(bin);
      const oracle = await goVersionM(bin);
      const whole = readGoBuildInfo(bytes);
      if (!('info' in whole)) throw new Error(JSON.stringify(whole));
      expect(whole.info.goVersion).toBe(oracle.goVersion);
      expect(trimEmpty(asLines(whole.info))).toEqual(trimEmpty(oracle.lines));
      for (const seed of [1, 2, 3]) expect(streamed(bytes, seed)).toEqual(whole);
    }, 180_000);
  }
});

function randomModinfo(rand: () => number): string {
  const word = () => Array.from({ length: 2 + Math.floor(rand() * 8) }, () => 'abcdefghijklmnopqrstuvwxyzABC-_.'[Math.floor(rand() * 32)]).join('');
  const modPath = () => `${['example.com', 'github.com', 'golang.org/x'][Math.floor(rand() * 3)]}/${word()}${rand() < 0.3 ? `/v${2 + Math.floor(rand() * 3)}` : ''}`;
  const version = () => `v${Math.floor(rand() * 3)}.${Math.floor(rand() * 40)}.${Math.floor(rand() * 9)}${rand() < 0.2 ? '-0.20260101000000-abcdef123456' : ''}`;
  const lines = ['path\texample.com/main', 'mod\texample.com/main\t(devel)\t'];
  const n = Math.floor(rand() * 30);
  for (let i = 0; i < n; i++) {
    lines.push(`dep\t${modPath()}\t${version()}\th1:${Buffer.from(word()).toString('base64')}=`);
    if (rand() < 0.15) lines.push(rand() < 0.5 ? `=>\t${modPath()}\t${version()}\th1:x=` : `=>\t../fork${i}\t(devel)\t`);
  }
  lines.push('build\t-compiler=gc', `build\tGOARCH=amd64`);
  return lines.join('\n') + '\n';
}

describe.skipIf(!HAVE_GO)('synthetic Go ELF files (both build-info formats) against go version -m', () => {
  it('generated cases: pointer and inline formats, 32/64-bit, both byte orders, with and without sections, decoy magic in read-only data', async () => {
    const { mkdtemp, writeFile, chmod } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'go-elf-'));
    const rand = mulberry32(14);
    const runs = Number(process.env.FUZZ_RUNS ?? 0) > 0 ? 200 : 24;
    for (let i = 0; i < runs; i++) {
      const decoy = Buffer.concat([Buffer.alloc(16 * Math.floor(rand() * 4)), Buffer.from('\xff Go buildinf:\x08\x02garbage-garbage-garbage', 'latin1')]);
      const spec = {
        is64: rand() < 0.6,
        littleEndian: rand() < 0.7,
        format: rand() < 0.5 ? ('pointer' as const) : ('inline' as const),
        goVersion: `go1.${13 + Math.floor(rand() * 10)}.${Math.floor(rand() * 10)}`,
        modinfo: randomModinfo(rand),
        sections: rand() < 0.5,
        rodataPad: rand() < 0.5 ? decoy : Buffer.alloc(0),
      };
      const bytes = syntheticGoElf(spec);
      const file = join(dir, `case${i}`);
      await writeFile(file, bytes);
      await chmod(file, 0o755);
      const oracle = await goVersionM(file);
      const ours = readGoBuildInfo(bytes);
      if (!('info' in ours)) throw new Error(`case ${i} ${JSON.stringify({ ...spec, rodataPad: spec.rodataPad.length })}: ${JSON.stringify(ours)}`);
      expect(ours.info.goVersion, `case ${i}`).toBe(oracle.goVersion);
      expect(trimEmpty(asLines(ours.info)), `case ${i}`).toEqual(trimEmpty(oracle.lines));
      // Streamed, the inline format reads the same; the pointer format needs the whole file and says so.
      const s = streamed(bytes, i);
      if (spec.format === 'inline') expect(s).toEqual(ours);
      else expect(s).toEqual({ error: expect.stringMatching(/pre-1.18 pointer format/) });
    }
  }, 60_000);
});

describe('malformed Go build information is a reason, never a crash or a silent pass', () => {
  const good = (format: 'pointer' | 'inline') => syntheticGoElf({ is64: true, littleEndian: true, format, goVersion: 'go1.22.1', modinfo: 'path\tx\nmod\tx\t(devel)\t\n', sections: true });
  const headerAt = (b: Buffer) => b.indexOf(Buffer.from('\xff Go buildinf:', 'latin1'));

  it('a string length past the end of the file', () => {
    const b = good('inline');
    b[headerAt(b) + 32] = 0xff;
    b[headerAt(b) + 33] = 0xff;
    b[headerAt(b) + 34] = 0x7f;
    expect(readGoBuildInfo(b)).toEqual({ error: expect.stringMatching(/Go build information string/) });
  });

  it('a pointer outside every segment', () => {
    const b = good('pointer');
    b.writeBigUInt64LE(0xdead0000n, headerAt(b) + 16);
    expect(readGoBuildInfo(b)).toEqual({ error: 'Go build information points outside the file' });
  });

  it('every truncation of a good file: never throws', () => {
    for (const format of ['pointer', 'inline'] as const) {
      const b = good(format);
      for (let n = 0; n <= b.length; n += 7) {
        const r = readGoBuildInfo(b.subarray(0, n));
        expect(Object.keys(r)).toHaveLength(1);
      }
    }
  });

  it('not ELF, or ELF without Go build information: not mine', () => {
    expect(readGoBuildInfo(Buffer.from('#!/bin/sh\necho hi\n'))).toEqual({ notGo: expect.any(String) });
    const b = good('inline');
    b.fill(0, headerAt(b), headerAt(b) + 14);
    expect(readGoBuildInfo(b)).toEqual({ notGo: 'no Go build information' });
  });
});
