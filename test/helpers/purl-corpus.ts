// Every `pkg:` string in the repository's fixtures and the real-world samples, with damaged copies of each: the
// corpus the purl readers are held to (test/formats/purl-memo.test.ts, purl-plain.test.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './cli.js';

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
export function corpusPurls(): string[] {
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

