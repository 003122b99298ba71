import { describe, expect, it } from 'vitest';
import { loadIocs } from '../../src/iocs/index.js';
import { buildIocIndex } from '../../src/match/ioc-index.js';
import { matchPackages, matchPackagesDetailed } from '../../src/match/match-packages.js';
import type { Package } from '../../src/model/package.js';
import { incident, ioc, iocSet, pkg } from './helpers.js';

const AXIOS = incident('axios-2026-03', [ioc('npm', 'axios', ['1.14.1', '0.30.4']), ioc('npm', 'plain-crypto-js', ['4.2.1'])], {
  aliases: ['GHSA-fw8c-xr5c-95f9'],
});
const MIXED = incident('mixed', [
  ioc('npm', '@Example/Left-Pad', [], { ranges: ['>=2.0.0 <2.3.0', '^3.1.4'] }),
  ioc('pypi', 'Lite_LLM', ['1.82.7']),
  ioc('maven', 'org.example:evil-lib', ['1.0.1']),
  ioc('go', 'github.com/Example/Mod', ['v0.4.2']),
  ioc('npm', 'totally-malicious', [], { anyVersion: true }),
]);
const index = buildIocIndex(iocSet(AXIOS, MIXED));

function hits(p: Package): string[] {
  return matchPackages([p], index).map((m) => `${m.incident}:${m.matchedBy}:${m.iocVersion}`);
}

describe('matchPackages: hits', () => {
  it.each<[string, Package, string[]]>([
    ['exact npm version', pkg('npm', 'axios', '1.14.1'), ['axios-2026-03:version:1.14.1']],
    ['the other bad axios line', pkg('npm', 'axios', '0.30.4'), ['axios-2026-03:version:0.30.4']],
    ['npm version with a v prefix', pkg('npm', 'axios', 'v1.14.1'), ['axios-2026-03:version:1.14.1']],
    ['npm version with build metadata', pkg('npm', 'axios', '1.14.1+local.3'), ['axios-2026-03:version:1.14.1']],
    ['npm name in another case', pkg('npm', 'Axios', '1.14.1'), ['axios-2026-03:version:1.14.1']],
    ['scoped npm name, case-folded', pkg('npm', '@example/left-pad', '2.2.9'), ['mixed:range:>=2.0.0 <2.3.0']],
    ['caret range', pkg('npm', '@EXAMPLE/LEFT-PAD', '3.9.0'), ['mixed:range:^3.1.4']],
    ['pre-release inside a range', pkg('npm', '@example/left-pad', '2.1.0-beta.1'), ['mixed:range:>=2.0.0 <2.3.0']],
    ['PEP 503 name', pkg('pypi', 'lite.llm', '1.82.7'), ['mixed:version:1.82.7']],
    ['PEP 440 equality: v1.82.7 and 1.82.7.0 are 1.82.7', pkg('pypi', 'lite-llm', 'v1.82.7.0'), ['mixed:version:1.82.7']],
    ['maven purl-style name', pkg('maven', 'org.example/evil-lib', '1.0.1'), ['mixed:version:1.0.1']],
    ['go module path', pkg('go', 'github.com/Example/Mod', 'v0.4.2'), ['mixed:version:v0.4.2']],
    ['an ecosystem the decoder left un-canonical', pkg('PyPI', 'Lite-LLM', '1.82.7'), ['mixed:version:1.82.7']],
    ['any-version IOC', pkg('npm', 'totally-malicious', '9.9.9'), ['mixed:any-version:']],
    ['any-version IOC, package without version', pkg('npm', 'totally-malicious', ''), ['mixed:any-version:']],
  ])('%s', (_what, p, want) => expect(hits(p)).toEqual(want));
});

describe('matchPackages: false-positive guards', () => {
  it.each<[string, Package]>([
    ['axios-mock-adapter@1.14.1 is not axios@1.14.1', pkg('npm', 'axios-mock-adapter', '1.14.1')],
    ['@types/axios@0.30.4 is not axios@0.30.4', pkg('npm', '@types/axios', '0.30.4')],
    ['crypto-js@4.2.1 is not plain-crypto-js@4.2.1', pkg('npm', 'crypto-js', '4.2.1')],
    ['axios@0.30.0 is a clean release', pkg('npm', 'axios', '0.30.0')],
    ['axios@1.14.0 is a clean release', pkg('npm', 'axios', '1.14.0')],
    ['axios@1.14.10 is not 1.14.1', pkg('npm', 'axios', '1.14.10')],
    ['axios without a version does not hit version IOCs', pkg('npm', 'axios', '')],
    ['a PyPI package named axios is not the npm one', pkg('pypi', 'axios', '1.14.1')],
    ['a Go module path differs by case', pkg('go', 'github.com/example/mod', 'v0.4.2')],
    ['a version just outside the range', pkg('npm', '@example/left-pad', '2.3.0')],
    ['non-semver npm version never falls in a range', pkg('npm', '@example/left-pad', 'latest')],
    ['PyPI 1.82.70 is not 1.82.7', pkg('pypi', 'lite-llm', '1.82.70')],
    ['PyPI 1.82.7.post1 is not 1.82.7', pkg('pypi', 'lite-llm', '1.82.7.post1')],
    ['an @scope is not dropped', pkg('npm', '@evil/axios', '1.14.1')],
  ])('%s', (_what, p) => expect(hits(p)).toEqual([]));
});

describe('matchPackages: packages without an ecosystem', () => {
  it('match on the exact name, flagged as name-only', () => {
    const [d] = matchPackagesDetailed([pkg('', 'plain-crypto-js', '4.2.1')], index);
    expect(d?.match.ecosystem).toBe('npm');
    expect(d?.byNameOnly).toBe(true);
  });
  it.each([
    ['a prefix', 'plain-crypto'],
    ['a different case', 'Plain-Crypto-JS'],
    ['a suffix', 'plain-crypto-js-extra'],
  ])('do not match %s', (_what, name) => expect(matchPackages([pkg('', name, '4.2.1')], index)).toEqual([]));
});

describe('matchPackages: what a match carries', () => {
  it('keeps paths, marks deleted packages as not in the final filesystem, and names the reference', () => {
    const bundledLike = buildIocIndex(iocSet({ ...AXIOS, references: ['https://github.com/advisories/GHSA-fw8c-xr5c-95f9'] }));
    const ms = matchPackages(
      [
        pkg('npm', 'axios', '1.14.1', { paths: ['/app/node_modules/axios/package.json'] }),
        pkg('npm', 'plain-crypto-js', '4.2.1', { deleted: true, layer: 'sha256:aa' }),
        pkg('npm', 'left-pad', '1.3.0'),
      ],
      bundledLike,
    );
    expect(ms).toEqual([
      expect.objectContaining({ name: 'axios', paths: ['/app/node_modules/axios/package.json'], inFinalFilesystem: true, reference: 'https://github.com/advisories/GHSA-fw8c-xr5c-95f9' }),
      expect.objectContaining({ name: 'plain-crypto-js', inFinalFilesystem: false }),
    ]);
  });

  it('one package named by two incidents gives two matches', () => {
    const twice = buildIocIndex(iocSet(AXIOS, incident('other', [ioc('npm', 'axios', [], { ranges: ['>=1.14.0 <1.15.0'] })])));
    expect(matchPackages([pkg('npm', 'axios', '1.14.1')], twice).map((m) => [m.incident, m.matchedBy])).toEqual([
      ['axios-2026-03', 'version'],
      ['other', 'range'],
    ]);
  });

  it('the bundled feed and the guide file hit the compromised axios and miss the clean one', async () => {
    for (const source of ['iocs', 'fixtures/iocs/flat-guide']) {
      const idx = buildIocIndex(await loadIocs([source]));
      expect(matchPackages([pkg('npm', 'axios', '1.14.1'), pkg('npm', 'plain-crypto-js', '4.2.1')], idx)).toHaveLength(2);
      expect(matchPackages([pkg('npm', 'axios', '0.30.0'), pkg('npm', 'crypto-js', '4.2.1')], idx)).toEqual([]);
    }
  });
});
