// plainPurl against packageurl-js, the reference: every purl of the corpus, and generated ones mixing the plain
// forms with what sends a purl to the library (capitals, `_`, percent-escapes, subpaths, repeated or empty
// qualifiers, `epoch`, odd types). Where plainPurl answers, the library must give the same identity.
import { describe, expect, it } from 'vitest';
import { libraryPurl, plainPurl } from '../../src/formats/purl.js';
import { corpusPurls } from '../helpers/purl-corpus.js';
import { seeded } from '../helpers/random.js';
import { oracleRuns, oracleSeed, recordOracle } from '../oracle/tally.js';

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function generated(r: () => number): string {
  const type = pick(r, ['npm', 'pypi', 'deb', 'rpm', 'apk', 'maven', 'gem', 'cargo', 'nuget', 'composer', 'generic', 'golang', 'hex', 'NPM', 'swift', 'cran', 'conan']);
  const part = () => pick(r, ['axios', 'xz-utils', 'log4j-core', 'a.b', 'django_rest', 'Django', 'debian', 'org.apache', '%40scope', '%40Scope', '%40', '%40%40x', '%40a.b', '%40-x', '@scope', 'x%2Fy', '1abc', '-x', 'a..b', 'é', '']);
  const ns = r() < 0.4 ? `${part()}/` : '';
  const version = r() < 0.9 ? `@${pick(r, ['1.14.1', '5.6.1-1', '1.0.0+b', '2.0~rc1', '1:2.0', 'V1', '', '1%2B2', '1.0_1'])}` : '';
  const quals = r() < 0.4 ? `?${Array.from({ length: 1 + Math.floor(r() * 3) }, () => `${pick(r, ['arch', 'distro', 'epoch', 'Epoch', 'type', 'package-id', 'repository_url', 'a.b', '1x', '-x', 'x-', 'os--distro'])}=${pick(r, ['amd64', 'debian-12', '1', '', 'a%20b', 'x_y', '5', '1.0'])}`).join('&')}` : '';
  const sub = r() < 0.05 ? '#sub/path' : '';
  return `pkg:${type}/${ns}${part()}${version}${quals}${sub}`;
}

describe('plain purls read without packageurl-js', () => {
  it('agree with packageurl-js on the corpus and on generated purls', () => {
    const seed = oracleSeed(1e6);
    const r = seeded(seed);
    const purls = [...corpusPurls(), ...Array.from({ length: oracleRuns(20_000, 0.2) }, () => generated(r))];
    let answered = 0;
    const disagreements: string[] = [];
    for (const p of purls) {
      const mine = plainPurl(p);
      if (mine === undefined) continue;
      answered++;
      const theirs = libraryPurl(p);
      if (JSON.stringify(mine) !== JSON.stringify(theirs)) disagreements.push(`${p}: ${JSON.stringify(mine)} vs ${JSON.stringify(theirs)}`);
    }
    recordOracle('purl-plain', purls.length, disagreements.length, `seed ${seed}, ${answered} read without the library`);
    expect(disagreements.slice(0, 5)).toEqual([]);
    expect(answered).toBeGreaterThan(purls.length / 20);
  });
});
