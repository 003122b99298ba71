// toImagePath's shortcut for clean paths against the whole rule (trim, backslashes to slashes, absolute, posix
// normalize), on generated paths made of the pieces that change a path and on every path the fixtures' SBOMs hold.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path, { posix } from 'node:path';
import { imagePaths, toImagePath } from '../../src/formats/locations.js';
import { sourceInfoPaths } from '../../src/formats/spdx-json.js';

/** The rule as it was written before the shortcut: what toImagePath must always give. */
function wholeRule(raw: string | undefined | null): string | undefined {
  const p = raw?.trim().replaceAll('\\', '/');
  if (!p) return undefined;
  return posix.normalize(p.startsWith('/') ? p : `/${p}`);
}

const PIECES = ['/', '/', '\\', '.', '..', 'a', 'bin', '.bin', ' ', '\t', 'é', '//', '/./', '/../', 'node_modules', '-', '~'];

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function stringsIn(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, out);
}

function fixtureStrings(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...fixtureStrings(full));
    else if (name.endsWith('.json')) {
      try {
        stringsIn(JSON.parse(readFileSync(full, 'utf8')), out);
      } catch {
        // not JSON (a bad-input fixture): nothing to take from it
      }
    }
  }
  return out;
}

describe('toImagePath', () => {
  it('gives what the whole rule gives on 200,000 generated paths', () => {
    const next = random(Number(process.env['FUZZ_SEED'] ?? 3));
    let shortcut = 0;
    for (let n = 0; n < 200_000; n++) {
      const parts = Array.from({ length: 1 + Math.floor(next() * 8) }, () => PIECES[Math.floor(next() * PIECES.length)]!);
      const raw = parts.join('');
      expect(toImagePath(raw), JSON.stringify(raw)).toBe(wholeRule(raw));
      if (raw === wholeRule(raw)) shortcut++;
    }
    expect(shortcut).toBeGreaterThan(1000);
    for (const raw of [undefined, null, '', ' ', '/', '//', '/.', '/..', '.', 'a', '/a/', ' /a ', '\\a\\b', '/a/./b', '/a/../b', '/a//b']) expect(toImagePath(raw)).toBe(wholeRule(raw));
  });

  it('gives what the whole rule gives on every string in the SBOM fixtures', () => {
    const strings = fixtureStrings('fixtures/sbom');
    expect(strings.length).toBeGreaterThan(1000);
    for (const s of strings) expect(toImagePath(s), JSON.stringify(s)).toBe(wholeRule(s));
  });
});

/** sourceInfoPaths as written before its one-manifest shortcut. */
function wholeSourceInfoRule(sourceInfo: string | undefined): string[] {
  const list = /^acquired package info from [^:]*:\s*(.+)$/.exec(sourceInfo ?? '')?.[1];
  if (!list) return [];
  return imagePaths(list.split(/,\s+(?=\/)/).filter((s) => s.startsWith('/')));
}

describe('sourceInfoPaths', () => {
  it('gives what the whole rule gives on 100,000 generated sourceInfo texts', () => {
    const next = random(Number(process.env['FUZZ_SEED'] ?? 5));
    const pieces = [...PIECES, ',', ', ', ', /', ',/', ':', ' : ', 'x.json'];
    const heads = ['acquired package info from dpkg DB: ', 'acquired package info from installed node module manifest file:', 'acquired package info from a: b:', 'acquired package info: ', '', 'from x: '];
    for (let n = 0; n < 100_000; n++) {
      const parts = Array.from({ length: Math.floor(next() * 9) }, () => pieces[Math.floor(next() * pieces.length)]!);
      const text = heads[Math.floor(next() * heads.length)]! + parts.join('');
      expect(sourceInfoPaths(text), JSON.stringify(text)).toEqual(wholeSourceInfoRule(text));
    }
    expect(sourceInfoPaths(undefined)).toEqual([]);
  });
});
