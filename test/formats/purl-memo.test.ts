// parsePurl remembers each purl text it parsed: it must answer exactly what the parse itself answers, every time,
// for every purl string in the corpus (fixtures/ and the real-world samples), and what it hands out cannot be changed.
import { describe, expect, it } from 'vitest';
import { parsePurl, parsePurlText } from '../../src/formats/purl.js';
import { corpusPurls } from '../helpers/purl-corpus.js';

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
