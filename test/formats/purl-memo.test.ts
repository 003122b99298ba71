// parsePurl remembers each purl text it parsed: it must answer exactly what the parse itself answers, every time,
// for every purl string in the corpus (fixtures/ and the real-world samples), and what it hands out cannot be changed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePurl, parsePurlText } from '../../src/formats/purl.js';
import { repoRoot } from '../helpers/cli.js';

const REAL_WORLD = path.resolve(repoRoot, '../../shared/real-world');

function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const full = path.join(dir, n);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** Every `pkg:` string in the corpus, as JSON or XML text holds it, plus damaged copies of each. */
function corpusPurls(): string[] {
  const roots = [path.join(repoRoot, 'fixtures'), REAL_WORLD, '/work/shared/real-world'];
  const found = new Set<string>();
  for (const file of roots.flatMap(filesUnder)) {
    if (statSync(file).size > 8 * 1024 * 1024) continue;
    const text = readFileSync(file, 'latin1');
    for (const m of text.matchAll(/pkg:[^"'<>\s]+/g)) found.add(m[0].replaceAll('&amp;', '&'));
  }
  const out = [...found];
  // Cut and doubled forms: the memo must remember failures (undefined) as faithfully as successes.
  for (const p of [...out]) out.push(p.slice(0, Math.ceil(p.length / 2)), `${p}@`, p.replace('pkg:', 'pkg:/'), ` ${p}`);
  return out;
}

describe('parsePurl memo', () => {
  const purls = corpusPurls();

  it('agrees with the parse itself on every purl string in the corpus, first and second time', () => {
    expect(purls.length).toBeGreaterThan(200);
    const disagree: string[] = [];
    for (let round = 0; round < 2; round++) {
      for (const p of purls) if (JSON.stringify(parsePurl(p)) !== JSON.stringify(parsePurlText(p))) disagree.push(p);
    }
    expect(disagree).toEqual([]);
    expect(purls.filter((p) => parsePurlText(p) === undefined).length).toBeGreaterThan(0);
  });

  it('hands out identities no caller can change', () => {
    const id = parsePurl('pkg:npm/axios@1.14.1')!;
    expect(() => {
      (id as { name: string }).name = 'totally-safe';
    }).toThrow(TypeError);
    expect(parsePurl('pkg:npm/axios@1.14.1')).toEqual({ ecosystem: 'npm', name: 'axios', version: '1.14.1' });
  });
});
