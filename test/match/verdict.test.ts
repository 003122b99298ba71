import { describe, expect, it } from 'vitest';
import { buildIocIndex } from '../../src/match/ioc-index.js';
import { EVERY_INCIDENT, LISTED_INCIDENTS_MAX } from '../../src/model/bulk.js';
import { judgeImage, judgePlatform } from '../../src/match/verdict.js';
import type { CreatedTime } from '../../src/model/finding.js';
import type { AcquiredImage, AcquiredPlatform } from '../../src/model/target.js';
import type { Verdict } from '../../src/model/verdict.js';
import { incident, ioc, iocSet, pkg } from './helpers.js';

const WINDOW = { start: new Date('2026-03-31T00:21:00Z'), end: new Date('2026-03-31T03:29:00Z'), source: 'axios.yaml' };
const index = buildIocIndex(
  iocSet(
    incident('axios-2026-03', [ioc('npm', 'axios', ['1.14.1', '0.30.4'], { reference: 'https://github.com/advisories/GHSA-fw8c-xr5c-95f9' }), ioc('npm', 'plain-crypto-js', ['4.2.1'], { reference: 'https://osv.dev/vulnerability/MAL-2026-2306' })], {
      windows: [WINDOW],
    }),
  ),
);

const BEFORE: CreatedTime = { value: '2026-03-01T10:00:00Z', source: 'config created', reliable: true };
const INSIDE: CreatedTime = { value: '2026-03-31T01:02:03Z', source: 'config created', reliable: true };
const EPOCH: CreatedTime = { value: '1970-01-01T00:00:00Z', source: 'config created', reliable: true };

const AXIOS_BAD = pkg('npm', 'axios', '1.14.1', { paths: ['/app/node_modules/axios/package.json'] });
const PLAIN_DELETED = pkg('npm', 'plain-crypto-js', '4.2.1', { deleted: true, layer: 'sha256:1111', paths: ['/app/node_modules/plain-crypto-js/package.json'] });
const CLEAN_PKGS = [pkg('npm', 'axios', '1.13.2'), pkg('npm', 'crypto-js', '4.2.1'), pkg('deb', 'bash', '5.2.15-2')];

function platform(extra: Partial<AcquiredPlatform>): AcquiredPlatform {
  return { packages: CLEAN_PKGS, created: BEFORE, errors: [], notes: [], ...extra };
}

describe('judgePlatform', () => {
  it.each<[string, Partial<AcquiredPlatform>, Verdict, RegExp]>([
    ['an IOC package in the final filesystem is affected', { packages: [...CLEAN_PKGS, AXIOS_BAD] }, 'affected', /^axios@1\.14\.1 at \/app\/node_modules\/axios\/package\.json matches GHSA-fw8c-xr5c-95f9 \(version 1\.14\.1\)$/],
    ['an IOC package deleted by a later layer is suspect', { packages: [...CLEAN_PKGS, PLAIN_DELETED] }, 'suspect', /^plain-crypto-js@4\.2\.1 was in layer sha256:1111 at .* but deleted by a later layer: the build ran it; matches MAL-2026-2306/],
    ['built inside the window with no IOC is suspect', { created: INSIDE }, 'suspect', /^built 2026-03-31T01:02:03Z \(config created\), inside the axios-2026-03 window 2026-03-31 00:21–03:29 UTC, no IOC package found$/],
    ['an epoch build time is unreliable, not suspect', { created: EPOCH }, 'clean', /build time 1970-01-01T00:00:00Z \(config created\) is not a real build time/],
    ['a missing build time is unreliable, not suspect', { created: undefined }, 'clean', /no build time recorded/],
    ['a build time marked unreliable is not trusted', { created: { ...INSIDE, reliable: false } }, 'clean', /is not a real build time/],
    ['an unparseable build time is unreliable', { created: { value: 'yesterday', reliable: true } }, 'clean', /is not a real build time/],
    ['acquisition errors make it unknown, quoted verbatim', { errors: ['blob sha256:2222 failed its digest check'] }, 'unknown', /^blob sha256:2222 failed its digest check$/],
    ['an IOC found despite errors is still affected', { packages: [AXIOS_BAD], errors: ['scan timed out after 300s'] }, 'affected', /^scan timed out after 300s$/],
    ['deleted-only beats errors too (worst wins)', { packages: [PLAIN_DELETED], errors: ['layer 3 unreadable'] }, 'suspect', /^layer 3 unreadable$/],
    ['an empty SBOM without errors is clean', { packages: [] }, 'clean', /^no IOC package among 0 package\(s\)$/],
    ['an empty SBOM with errors is unknown', { packages: [], errors: ['no SBOM attestation found'] }, 'unknown', /^no SBOM attestation found$/],
    ['packages built before the window are clean', {}, 'clean', /^no IOC package among 3 package\(s\)$/],
    // A git or tarball dependency whose lockfile records only its source (bun.lock): unknown is never clean.
    ['an IOC package read with no version is unknown', { packages: [...CLEAN_PKGS, pkg('npm', 'axios', '', { paths: ['/bun.lock'] })] }, 'unknown', /^axios at \/bun\.lock has no version: not compared with the versions axios-2026-03 lists; not clean for axios-2026-03$/],
    ['a package read with no version that no IOC names is clean', { packages: [...CLEAN_PKGS, pkg('npm', 'gitdep', '')] }, 'clean', /^no IOC package among 4 package\(s\)$/],
  ])('%s', (_what, extra, verdict, reason) => {
    const r = judgePlatform(platform(extra), index);
    expect(r.verdict).toBe(verdict);
    expect(r.reasons.some((s) => reason.test(s))).toBe(true);
  });

  it('reports every window check with its outcome', () => {
    const cases: [CreatedTime | undefined, string][] = [
      [BEFORE, 'outside'],
      [INSIDE, 'inside'],
      [{ value: '2026-03-31T03:29:00Z', reliable: true }, 'inside'],
      [{ value: '2026-03-31T03:29:01Z', reliable: true }, 'outside'],
      [EPOCH, 'unreliable'],
      [{ value: '1970-01-01T00:00:01Z', reliable: true }, 'unreliable'],
      [{ value: '0001-01-01T00:00:00Z', reliable: true }, 'unreliable'],
      [undefined, 'unreliable'],
    ];
    for (const [created, outcome] of cases) {
      expect(judgePlatform(platform({ created }), index).windows).toEqual([
        { incident: 'axios-2026-03', start: '2026-03-31T00:21:00.000Z', end: '2026-03-31T03:29:00.000Z', outcome },
      ]);
    }
  });

  it('checks --window windows too, under their source', () => {
    const extra = { start: new Date('2026-02-28T00:00:00Z'), end: new Date('2026-03-02T00:00:00Z'), source: '--window' };
    const r = judgePlatform(platform({}), buildIocIndex(iocSet(...index.incidents), [extra]));
    expect(r.windows.map((w) => [w.incident, w.outcome])).toEqual([
      ['axios-2026-03', 'outside'],
      ['--window', 'inside'],
    ]);
    expect(r.verdict).toBe('suspect');
    expect(r.reasons).toContain('built 2026-03-01T10:00:00Z (config created), inside the --window range 2026-02-28 00:00 – 2026-03-02 00:00 UTC, no IOC package found');
  });

  it('mentions that a package was matched by name only when the SBOM gave no ecosystem', () => {
    const r = judgePlatform(platform({ packages: [pkg('', 'axios', '1.14.1')] }), index);
    expect(r.verdict).toBe('affected');
    expect(r.reasons[0]).toMatch(/the SBOM gave no ecosystem, so only the exact name ties it to the npm IOC/);
  });
});

function image(platforms: AcquiredPlatform[], errors: string[] = []): AcquiredImage {
  return { ref: 'registry.example/app:1', digest: 'sha256:abcd', platforms, errors };
}

describe('judgeImage', () => {
  it('takes the worst platform verdict and labels reasons with their platform', () => {
    const img = image([
      platform({ platform: 'linux/amd64', packages: CLEAN_PKGS }),
      platform({ platform: 'linux/arm64', packages: [...CLEAN_PKGS, AXIOS_BAD], created: INSIDE }),
      platform({ platform: 'linux/s390x', errors: ['timed out'] }),
    ]);
    const r = judgeImage(img, index);
    expect(r.verdict).toBe('affected');
    expect(r.platforms.map((p) => p.verdict)).toEqual(['clean', 'affected', 'unknown']);
    expect(r.reasons).toContain('linux/s390x: timed out');
    expect(r.reasons.some((s) => s.startsWith('linux/arm64: axios@1.14.1 at'))).toBe(true);
    expect(r.matches.map((m) => m.name)).toEqual(['axios']);
    expect(r.packageCount).toBe(4);
    expect(r.created).toEqual(BEFORE);
    expect(r.digest).toBe('sha256:abcd');
    expect(r.workloads).toEqual([]);
  });

  it.each<[string, AcquiredImage, Verdict]>([
    ['unknown beats clean across platforms', image([platform({}), platform({ errors: ['digest mismatch'] })]), 'unknown'],
    ['suspect beats unknown', image([platform({ created: INSIDE }), platform({ errors: ['digest mismatch'] })]), 'suspect'],
    ['image errors with no platforms are unknown', image([], ['manifest unknown: 404 from registry.example']), 'unknown'],
    ['no platforms and no errors is still not clean', image([]), 'unknown'],
    ['image errors beside a clean platform are unknown', image([platform({})], ['index partly unreadable']), 'unknown'],
    ['image errors beside an affected platform stay affected', image([platform({ packages: [AXIOS_BAD] })], ['index partly unreadable']), 'affected'],
    ['a single clean platform is clean', image([platform({})]), 'clean'],
  ])('%s', (_what, img, verdict) => {
    const r = judgeImage(img, index);
    expect(r.verdict).toBe(verdict);
    for (const e of img.errors) expect(r.reasons).toContain(e);
  });

  it('merges the same match from two platforms into one, with their paths', () => {
    const arm = pkg('npm', 'axios', '1.14.1', { paths: ['/srv/node_modules/axios/package.json'] });
    const r = judgeImage(image([platform({ platform: 'linux/amd64', packages: [AXIOS_BAD] }), platform({ platform: 'linux/arm64', packages: [arm] })]), index);
    expect(r.matches).toHaveLength(1);
    expect(r.matches[0]!.paths).toEqual(['/app/node_modules/axios/package.json', '/srv/node_modules/axios/package.json']);
    expect(r.platforms.every((p) => p.matches.length === 1)).toBe(true);
  });
});

describe('incidents an image with a finding could not be checked for', () => {
  // What a native read records as the file indicators it looked for (fileIndicatorKey).
  const LOOKED = JSON.stringify(['/**/site-packages/litellm_init.pth', '', -1]);
  const both = buildIocIndex(
    iocSet(
      incident('axios-2026-03', [ioc('npm', 'axios', ['1.14.1'])]),
      incident('litellm', [ioc('pypi', 'litellm', ['1.82.7'])], { files: [{ path: '/**/site-packages/litellm_init.pth' }] }),
    ),
  );

  it('affected for one incident, no file list for the other: affected, and unchecked for the other with the reason', () => {
    const judged = judgeImage(image([platform({ packages: [AXIOS_BAD] })]), both);
    expect(judged.verdict).toBe('affected');
    expect(judged.unchecked).toEqual([{ incident: 'litellm', why: expect.stringContaining('the source lists no files') }]);
    expect(judged.platforms[0]!.unchecked).toEqual(judged.unchecked);
  });

  it('a platform left unread leaves the image unchecked for every incident its other platforms do not answer', () => {
    const judged = judgeImage(image([platform({ platform: 'linux/amd64', packages: [AXIOS_BAD], files: { kind: 'native', records: [], checked: [LOOKED] } }), platform({ platform: 'linux/arm64', errors: ['layer sha256:9 truncated'] })]), both);
    expect(judged.verdict).toBe('affected');
    expect(judged.unchecked).toEqual([{ incident: 'litellm', why: 'not fully read: linux/arm64: layer sha256:9 truncated' }]);
  });

  it('in a bulk feed, a platform left unread is one gap for every incident (`*`), not one per incident', () => {
    const many = buildIocIndex(iocSet(incident('axios-2026-03', [ioc('npm', 'axios', ['1.14.1'])]), ...Array.from({ length: LISTED_INCIDENTS_MAX }, (_, i) => incident(`MAL-2026-${i}`, [ioc('npm', `mal-${i}`, [])]))));
    const judged = judgeImage(image([platform({ platform: 'linux/amd64', packages: [AXIOS_BAD] }), platform({ platform: 'linux/arm64', errors: ['layer sha256:9 truncated'] })]), many);
    expect(judged.verdict).toBe('affected');
    expect(judged.unchecked).toEqual([{ incident: EVERY_INCIDENT, why: 'not fully read: linux/arm64: layer sha256:9 truncated' }]);
    const few = buildIocIndex(iocSet(incident('axios-2026-03', [ioc('npm', 'axios', ['1.14.1'])]), ...Array.from({ length: LISTED_INCIDENTS_MAX - 1 }, (_, i) => incident(`MAL-2026-${i}`, [ioc('npm', `mal-${i}`, [])]))));
    expect(judgeImage(image([platform({ platform: 'linux/amd64', packages: [AXIOS_BAD] }), platform({ platform: 'linux/arm64', errors: ['layer sha256:9 truncated'] })]), few).unchecked).toHaveLength(LISTED_INCIDENTS_MAX - 1);
  });

  it('in a bulk feed, the windows outside or unreliable and the gaps of many incidents are one entry each; inside ones stay', () => {
    const windowed = (i: number) => incident(`bench-${i}`, [ioc('npm', `mal-${i}`, ['1.0.0'])], { windows: [{ start: new Date(Date.UTC(2026, 2, 31, 0, i % 50)), end: new Date(Date.UTC(2026, 2, 31, 1, i % 50)), source: 'x' }], files: i % 40 === 0 ? [{ path: `/opt/mal-${i}/setup.js` }] : undefined });
    const many = buildIocIndex(iocSet(...Array.from({ length: LISTED_INCIDENTS_MAX + 1 }, (_, i) => windowed(i))));
    const few = buildIocIndex(iocSet(...Array.from({ length: 60 }, (_, i) => windowed(i))));
    const undated = judgePlatform(platform({ created: undefined }), many);
    expect(undated.windows).toEqual([{ incident: EVERY_INCIDENT, start: '2026-03-31T00:00:00.000Z', end: '2026-03-31T01:49:00.000Z', outcome: 'unreliable', incidents: LISTED_INCIDENTS_MAX + 1 }]);
    expect(undated.reasons.filter((r) => r.startsWith('file indicator(s) of'))).toEqual(['file indicator(s) of 26 incidents could not be checked: the source lists no files; not clean for them (bench-0, bench-40, bench-80 and 23 more)']);
    const inside = judgePlatform(platform({ created: { value: '2026-03-31T00:30:30Z', source: 'config created', reliable: true } }), many);
    expect(inside.windows.filter((w) => w.outcome === 'inside').map((w) => w.incident)).toHaveLength(inside.windows.length - 1);
    expect(inside.windows.filter((w) => w.outcome === 'inside').length).toBeGreaterThan(100);
    expect(inside.windows.at(-1)).toMatchObject({ incident: EVERY_INCIDENT, outcome: 'outside' });
    const small = judgePlatform(platform({ created: undefined }), few);
    expect(small.windows).toHaveLength(60);
    expect(small.reasons.filter((r) => r.startsWith('file indicator(s) of'))).toHaveLength(2);
  });

  it('part of a platform unread while it is affected: unchecked for the rest; a clean or unknown one lists nothing', () => {
    const partlyRead = judgePlatform(platform({ packages: [AXIOS_BAD], errors: ['layer sha256:9 truncated'], files: { kind: 'native', records: [], checked: [LOOKED] } }), both);
    expect(partlyRead.verdict).toBe('affected');
    expect(partlyRead.unchecked).toEqual([{ incident: 'litellm', why: 'not fully read: layer sha256:9 truncated' }]);
    expect(judgePlatform(platform({ files: { kind: 'native', records: [], checked: [LOOKED] } }), both).unchecked).toBeUndefined();
    expect(judgePlatform(platform({ errors: ['gone'] }), both)).toMatchObject({ verdict: 'unknown' });
    expect(judgePlatform(platform({ errors: ['gone'] }), both).unchecked).toBeUndefined();
  });
});

describe('a package an incident names whose version cannot be compared', () => {
  const ranged = buildIocIndex(
    iocSet(
      incident('axios-2026-03', [ioc('npm', 'axios', ['1.14.1'])]),
      incident('litellm', [ioc('pypi', 'litellm', [], { ranges: ['>=1.82.7, <1.82.9'] })]),
      incident('any', [ioc('npm', 'evil', [], { anyVersion: true })]),
    ),
  );

  it.each<[string, Partial<AcquiredPlatform>, Verdict, RegExp]>([
    ['no version (an unpinned requirement) is unknown for the incident, not clean', { packages: [pkg('pypi', 'litellm', '', { paths: ['/requirements.txt'] })] }, 'unknown', /^litellm at \/requirements\.txt has no version: not compared with the versions litellm lists; not clean for litellm$/],
    ['no version against exact versions too', { packages: [pkg('npm', 'axios', '', { paths: ['/app/package-lock.json'] })] }, 'unknown', /^axios at \/app\/package-lock\.json has no version/],
    ['a version its ecosystem cannot order, against a range', { packages: [pkg('pypi', 'litellm', 'latest!', { paths: ['/x'] })] }, 'unknown', /^litellm at \/x: "latest!" is not .*not compared with the ranges litellm lists/],
    ['a version that can be ordered and is outside the range is clean', { packages: [pkg('pypi', 'litellm', '1.82.6')] }, 'clean', /^no IOC package/],
    ['a version that is not an exact IOC version is clean (text or order says so)', { packages: [pkg('npm', 'axios', 'not-a-version')] }, 'clean', /^no IOC package/],
    ['an any-version IOC matches a package with no version', { packages: [pkg('npm', 'evil', '')] }, 'affected', /^evil@\(no version\) matches any/],
  ])('%s', (_what, extra, verdict, reason) => {
    const r = judgePlatform(platform({ created: undefined, ...extra }), ranged);
    expect(r.verdict).toBe(verdict);
    expect(r.reasons[0]).toMatch(reason);
  });

  it('beside a finding for another incident, it is listed as unchecked for its own', () => {
    const r = judgePlatform(platform({ created: undefined, packages: [AXIOS_BAD, pkg('pypi', 'litellm', '', { paths: ['/srv/requirements.txt'] })] }), ranged);
    expect(r.verdict).toBe('affected');
    expect(r.unchecked).toEqual([{ incident: 'litellm', why: 'litellm at /srv/requirements.txt has no version: not compared with the versions litellm lists' }]);
  });
});
