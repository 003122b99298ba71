// packagesToJudge against judgePlatform itself: generated SBOM package lists (ecosystems spelt every way, names in
// every case, no ecosystem, shared and disagreeing purls, tarball URLs and integrity, deleted and cached packages,
// file times) judged against generated IOC sets, once with every package and once with only the kept ones and the
// total. The two results must be equal: the filter may only drop packages the verdict never reads.
import { describe, expect, it } from 'vitest';
import { buildIocIndex } from '../../src/match/ioc-index.js';
import { packageFilterOf, packagesToJudge } from '../../src/match/package-filter.js';
import { judgePlatform } from '../../src/match/verdict.js';
import type { AcquiredPlatform } from '../../src/model/target.js';
import type { Package } from '../../src/model/package.js';
import { seeded } from '../helpers/random.js';
import { oracleRuns, oracleSeed, recordOracle } from '../oracle/tally.js';
import { incident, ioc, iocSet } from './helpers.js';

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const NAMES = ['axios', 'Axios', 'plain-crypto-js', 'litellm', 'LiteLLM', 'lite_llm', '@scope/pkg', 'xz-utils', 'log4j-core', 'org.apache:log4j-core', 'left-pad', ' axios'];
const ECOSYSTEMS = ['npm', 'pypi', 'PyPI', 'deb', 'maven', '', 'node', 'golang'];
const VERSIONS = ['1.14.1', '0.30.4', '1.82.7', '1.0.0', '', '5.6.1-1', '2.14.1', 'not-a-version'];

function packages(r: () => number): Package[] {
  return Array.from({ length: Math.floor(r() * 12) }, () => {
    const p: Package = { ecosystem: pick(r, ECOSYSTEMS), name: pick(r, NAMES), version: pick(r, VERSIONS), paths: r() < 0.5 ? [`/app/node_modules/x${Math.floor(r() * 3)}/package.json`] : [] };
    if (r() < 0.3) p.purl = pick(r, ['pkg:npm/axios@1.14.1', 'pkg:npm/left-pad@1.0.0', 'pkg:pypi/litellm@1.82.7', 'pkg:deb/debian/xz-utils@5.6.1-1']);
    if (r() < 0.1) p.resolved = pick(r, ['https://registry.npmjs.org/axios/-/axios-1.14.1.tgz', 'https://registry.npmjs.org/left-pad/-/left-pad-1.0.0.tgz']);
    if (r() < 0.05) p.integrity = [pick(r, ['sha512-aa', 'sha512-bb'])];
    if (r() < 0.1) p.deleted = true;
    if (r() < 0.05) p.location = 'download-cache';
    if (r() < 0.1) p.written = [{ path: p.paths[0] ?? '/x', time: pick(r, ['2026-03-31T01:00:00Z', '2025-01-01T00:00:00Z']) }];
    return p;
  });
}

function iocs(r: () => number) {
  const entries = Array.from({ length: 1 + Math.floor(r() * 4) }, () => {
    const eco = pick(r, ['npm', 'pypi', 'deb', 'maven']);
    const roll = r();
    return ioc(eco, pick(r, NAMES), roll < 0.5 ? [pick(r, VERSIONS.filter((v) => v !== '' && v !== 'not-a-version'))] : [], {
      ...(roll >= 0.5 && roll < 0.75 ? { ranges: ['>=1.0.0'] } : {}),
      ...(roll >= 0.75 ? { anyVersion: true } : {}),
      ...(r() < 0.1 ? { integrity: ['sha512-aa'] } : {}),
    });
  });
  const windows = r() < 0.3 ? [{ start: new Date('2026-03-31T00:21:00Z'), end: new Date('2026-03-31T03:29:00Z'), source: 'x' }] : [];
  return buildIocIndex(iocSet(incident('inc-a', entries, { windows })));
}

describe('the packages a decode worker sends: what the verdict reads', () => {
  it('judgePlatform on the kept packages equals judgePlatform on all of them', () => {
    const seed = oracleSeed(1e6);
    const r = seeded(seed);
    const runs = oracleRuns(3000, 0.1);
    let dropped = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < runs; i++) {
      const index = iocs(r);
      const all = packages(r);
      const kept = packagesToJudge(all, packageFilterOf(index));
      dropped += all.length - kept.length;
      const platform = (pkgs: Package[], total?: number): AcquiredPlatform => ({ packages: pkgs, ...(total !== undefined ? { packageTotal: total } : {}), errors: [], notes: [] });
      const full = judgePlatform(platform(all), index);
      const slim = judgePlatform(platform(kept, all.length), index);
      if (JSON.stringify(full) !== JSON.stringify(slim)) disagreements.push(`${JSON.stringify(all)}\n${JSON.stringify(full)}\n${JSON.stringify(slim)}`);
    }
    recordOracle('package-filter', runs, disagreements.length, `seed ${seed}, ${dropped} packages dropped`);
    expect(disagreements.slice(0, 2)).toEqual([]);
    expect(dropped).toBeGreaterThan(runs);
  });
});
