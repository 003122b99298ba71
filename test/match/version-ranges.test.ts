// Version order tables for the ecosystems without a tool on Debian, and ranges matched end to end from IOC files.
import { describe, expect, it } from 'vitest';
import { parseIocFile } from '../../src/iocs/index.js';
import { buildIocIndex, matchPackages } from '../../src/match/index.js';
import { versionOrder } from '../../src/match/version-order/index.js';
import type { Package } from '../../src/model/package.js';

const cmp = (eco: string, a: string, b: string): number => Math.sign(versionOrder(eco)!.compare(a, b));

describe('orders checked by table (no reference tool on Debian)', () => {
  it.each<[string, string, '<' | '=' | '>', string]>([
    // apk-tools' rules: suffixes, letters, leading zeros, revisions.
    ['apk', '1.0_alpha', '<', '1.0'],
    ['apk', '1.0_alpha', '<', '1.0_beta'],
    ['apk', '1.0_rc1', '<', '1.0'],
    ['apk', '1.0_beta2', '<', '1.0_beta10'],
    ['apk', '1.0', '<', '1.0_p1'],
    ['apk', '1.0', '<', '1.0-r1'],
    ['apk', '1.0-r2', '<', '1.0-r10'],
    ['apk', '1.0', '<', '1.0a'],
    ['apk', '1.0a', '<', '1.0b'],
    ['apk', '1.0a', '<', '1.0.1'],
    ['apk', '1.01', '<', '1.1'],
    ['apk', '1.001', '<', '1.01'],
    ['apk', '1.0', '<', '1.01'],
    ['apk', '1.2.3-r5', '<', '1.2.3_git20230101-r0'],
    ['apk', '5.4.6-r0', '<', '5.6.0-r0'],
    ['apk', '5.6.1-r2', '>', '5.6.1-r1'],
    ['apk', '1.0', '=', '1.0'],
    // Go: v prefix optional (OSV drops it), short forms, pseudo-versions before their release, +incompatible ignored.
    ['go', 'v0.30.0', '<', '0.31.0'],
    ['go', 'v1.2', '=', 'v1.2.0'],
    ['go', 'v1', '=', 'v1.0.0'],
    ['go', 'v0.0.0-20240102150405-abcdef123456', '<', 'v0.0.1'],
    ['go', 'v0.69.4-0.20260319000000-abcdef123456', '<', 'v0.69.4'],
    ['go', 'v2.0.0+incompatible', '=', 'v2.0.0'],
    ['go', 'v1.2.3-rc.1', '<', 'v1.2.3'],
    ['go', 'v0.69.10', '>', 'v0.69.4'],
    // NuGet: four numbers, labels case-insensitive and numeric where numeric, metadata ignored.
    ['nuget', '1.0', '=', '1.0.0.0'],
    ['nuget', '1.0.0-beta', '<', '1.0.0'],
    ['nuget', '1.0.0-Beta', '=', '1.0.0-beta'],
    ['nuget', '1.0.0-beta.2', '<', '1.0.0-beta.10'],
    ['nuget', '1.0.0-1', '<', '1.0.0-alpha'],
    ['nuget', '1.0.0+build.5', '=', '1.0.0'],
    ['nuget', '1.0.0.1', '>', '1.0.0'],
    // RubyGems: Gem::Version.
    ['gem', '1.0.0.pre', '<', '1.0.0'],
    ['gem', '1.0', '=', '1.0.0'],
    ['gem', '1.10', '>', '1.9'],
    ['gem', '1.0.a', '<', '1.0'],
    // crates.io: SemVer 2.0.
    ['cargo', '1.0.0-alpha', '<', '1.0.0'],
    ['cargo', '1.0.0-alpha.1', '<', '1.0.0-alpha.beta'],
    ['cargo', '0.9.10', '>', '0.9.9'],
  ])('%s: %s %s %s', (eco, a, op, b) => {
    const want = op === '<' ? -1 : op === '=' ? 0 : 1;
    expect(cmp(eco, a, b)).toBe(want);
    expect(cmp(eco, b, a)).toBe(want === 0 ? 0 : -want);
  });

  it.each([
    ['apk', '1.0_foo'],
    ['apk', 'a1.0'],
    ['go', '1.2.3.4'],
    ['go', 'v1.2-pre'],
    ['nuget', '1.0.0.0.0'],
    ['cargo', '1.0'],
    ['deb', 'abc'],
    ['deb', 'x:1.0'],
    ['pypi', 'latest'],
  ])('%s refuses %s', (eco, v) => expect(versionOrder(eco)!.problem(v)).toBeDefined());
});

const pkg = (ecosystem: string, name: string, version: string): Package => ({ ecosystem, name, version, paths: [] });

/** The cases the issue tried, as OSV records and v1 ranges: each must hit, and its neighbours must not. */
const OSV = JSON.stringify({
  schema_version: '1.6.0',
  id: 'OSV-RANGES-1',
  affected: [
    { package: { ecosystem: 'Go', name: 'golang.org/x/crypto' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '0.31.0' }] }] },
    { package: { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.0-beta9' }, { fixed: '2.15.0' }] }] },
    { package: { ecosystem: 'Debian:12', name: 'xz-utils' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '5.6.0-0.1' }, { fixed: '5.6.1+really5.4.5-1' }] }] },
    { package: { ecosystem: 'Alpine:v3.19', name: 'xz' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '5.6.0-r0' }, { last_affected: '5.6.1-r1' }] }] },
    { package: { ecosystem: 'Red Hat', name: 'xz' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0:5.6.0-1.fc40' }, { fixed: '0:5.6.1-2.fc40' }] }] },
    { package: { ecosystem: 'NuGet', name: 'Evil.Lib' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0.0' }, { fixed: '1.2.0' }] }] },
    { package: { ecosystem: 'RubyGems', name: 'evil' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0' }, { fixed: '1.1' }] }] },
    { package: { ecosystem: 'crates.io', name: 'evil' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0.3.0' }, { fixed: '0.3.4' }] }] },
  ],
});
const V1 = `apiVersion: sbom-hunt/v1
incidents:
  - id: litellm
    packages:
      - {ecosystem: PyPI, name: litellm, ranges: [">=1.82.7 <1.82.9"]}
      - {ecosystem: PyPI, name: other, ranges: [{introduced: "2.0", last_affected: "2.1"}]}
`;
const index = buildIocIndex({ incidents: [...parseIocFile(OSV, 'osv.json'), ...parseIocFile(V1, 'v1.yaml')], files: [] });
const hit = (p: Package): string[] => matchPackages([p], index).map((m) => `${m.matchKind}:${m.iocVersion}`);

describe('ranges in every ecosystem, matched from IOC files', () => {
  it.each<[Package, string]>([
    [pkg('go', 'golang.org/x/crypto', 'v0.30.0'), '<0.31.0'],
    [pkg('go', 'golang.org/x/crypto', 'v0.0.0-20240102150405-abcdef123456'), '<0.31.0'],
    [pkg('maven', 'org.apache.logging.log4j:log4j-core', '2.14.1'), '>=2.0-beta9 <2.15.0'],
    [pkg('maven', 'org.apache.logging.log4j/log4j-core', '2.0'), '>=2.0-beta9 <2.15.0'],
    [pkg('deb', 'xz-utils', '5.6.0-0.2'), '>=5.6.0-0.1 <5.6.1+really5.4.5-1'],
    [pkg('deb', 'xz-utils', '5.6.1-1'), '>=5.6.0-0.1 <5.6.1+really5.4.5-1'],
    [pkg('apk', 'xz', '5.6.1-r1'), '>=5.6.0-r0 <=5.6.1-r1'],
    [pkg('rpm', 'xz', '5.6.0-2.fc40'), '>=0:5.6.0-1.fc40 <0:5.6.1-2.fc40'],
    [pkg('nuget', 'Evil.Lib', '1.1.9.9'), '>=1.0.0 <1.2.0'],
    [pkg('gem', 'evil', '1.0.5'), '>=1.0 <1.1'],
    [pkg('cargo', 'evil', '0.3.3'), '>=0.3.0 <0.3.4'],
    [pkg('pypi', 'litellm', '1.82.7'), '>=1.82.7 <1.82.9'],
    [pkg('pypi', 'LiteLLM', '1.82.8'), '>=1.82.7 <1.82.9'],
    [pkg('pypi', 'litellm', '1.82.9rc1'), '>=1.82.7 <1.82.9'],
    [pkg('pypi', 'other', '2.1'), '>=2.0 <=2.1'],
  ])('%o matches range %s', (p, range) => expect(hit(p)).toEqual([`package-range:${range}`]));

  it.each<[string, Package]>([
    ['x/crypto at the fixed version', pkg('go', 'golang.org/x/crypto', 'v0.31.0')],
    ['log4j 2.15.0 is fixed', pkg('maven', 'org.apache.logging.log4j:log4j-core', '2.15.0')],
    ['log4j 2.0-beta8 is before the range', pkg('maven', 'org.apache.logging.log4j:log4j-core', '2.0-beta8')],
    ['log4j-api is another artifact', pkg('maven', 'org.apache.logging.log4j:log4j-api', '2.14.1')],
    ['xz-utils 5.6.1+really5.4.5-1 is the fix (5.4.5 repackaged)', pkg('deb', 'xz-utils', '5.6.1+really5.4.5-1')],
    ['xz-utils 5.4.1-0.2 is before', pkg('deb', 'xz-utils', '5.4.1-0.2')],
    ['xz-utils with an epoch is newer than the range', pkg('deb', 'xz-utils', '1:5.6.0-0.2')],
    ['apk xz 5.6.1-r2 is after last_affected', pkg('apk', 'xz', '5.6.1-r2')],
    ['apk xz 5.6.0_rc1-r0 is before 5.6.0', pkg('apk', 'xz', '5.6.0_rc1-r0')],
    ['rpm xz 5.6.1-2.fc40 is fixed', pkg('rpm', 'xz', '5.6.1-2.fc40')],
    ['rpm xz with a higher epoch', pkg('rpm', 'xz', '1:5.6.0-2.fc40')],
    ['litellm 1.82.6', pkg('pypi', 'litellm', '1.82.6')],
    ['litellm 1.82.9', pkg('pypi', 'litellm', '1.82.9')],
    ['litellm 1.82.10 (not text order)', pkg('pypi', 'litellm', '1.82.10')],
    ['a version PEP 440 cannot read never falls in a range', pkg('pypi', 'litellm', 'latest')],
    ['the npm package named litellm', pkg('npm', 'litellm', '1.82.7')],
    ['cargo evil 0.3.4', pkg('cargo', 'evil', '0.3.4')],
  ])('no match: %s', (_what, p) => expect(hit(p)).toEqual([]));
});
