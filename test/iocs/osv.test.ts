import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadIocs, parseIocFile } from '../../src/iocs/index.js';
import { buildIocIndex } from '../../src/match/ioc-index.js';
import { matchPackages } from '../../src/match/match-packages.js';

// Real OSV records, copied byte for byte (see /work/shared/real-world/SOURCES.md).
const OSV_DIR = '/work/shared/real-world/osv';
const osv = (name: string) => path.join(OSV_DIR, name);

describe('OSV JSON records (real)', () => {
  it('MAL-2026-2307 is axios 0.30.4 and 1.14.1, with its GHSA alias and C2 indicators', async () => {
    const [inc] = (await loadIocs([osv('MAL-2026-2307.axios.json')])).incidents;
    expect(inc!.id).toBe('MAL-2026-2307');
    expect(inc!.aliases).toEqual(['GHSA-fw8c-xr5c-95f9']);
    expect(inc!.packages.map((p) => [p.ecosystem, p.name, p.versions, p.anyVersion])).toEqual([['npm', 'axios', ['0.30.4', '1.14.1'], false]]);
    expect(inc!.packages[0]!.reference).toBe('https://github.com/advisories/GHSA-fw8c-xr5c-95f9');
    expect(inc!.indicators).toEqual(['sfrclak.com', '142.11.206.73', 'http://sfrclak.com:8000/6202033']);
    expect(inc!.disclosed).toBe('2026-04-07T14:41:20Z');
    expect(inc!.windows).toEqual([]);
  });

  it('MAL-2026-2306 is plain-crypto-js 4.2.1', async () => {
    const [inc] = (await loadIocs([osv('MAL-2026-2306.plain-crypto-js.json')])).incidents;
    expect([inc!.id, inc!.packages.map((p) => [p.name, p.versions])]).toEqual(['MAL-2026-2306', [['plain-crypto-js', ['4.2.1']]]]);
  });

  it('the GHSA plain-crypto-js record (introduced: 0, versions only 0.0.1-security) still hits 4.2.1', async () => {
    const set = await loadIocs([osv('MAL-0000-ghsa-malware-4dfdc3dd18fb6fe8.plain-crypto-js.json')]);
    expect(set.incidents[0]!.id).toBe('GHSA-2x9r-6wxq-hrr7');
    expect(set.incidents[0]!.packages[0]).toMatchObject({ versions: ['0.0.1-security'], ranges: [], anyVersion: true });
    const ms = matchPackages([{ ecosystem: 'npm', name: 'plain-crypto-js', version: '4.2.1', paths: [] }], buildIocIndex(set));
    expect(ms.map((m) => m.matchedBy)).toEqual(['any-version']);
  });

  it('an ECOSYSTEM range for npm becomes a semver range (GHSA-wf5p-g6vw-rhxx, axios >=0.8.1 <1.6.0)', async () => {
    const set = await loadIocs([osv('GHSA-wf5p-g6vw-rhxx.axios-CVE-2023-45857.json')]);
    expect(set.incidents[0]!.packages[0]!.ranges).toEqual(['>=0.8.1 <1.6.0']);
    const index = buildIocIndex(set);
    const hit = (version: string) => matchPackages([{ ecosystem: 'npm', name: 'axios', version, paths: [] }], index).length;
    expect([hit('0.8.0'), hit('0.8.1'), hit('1.5.1'), hit('1.6.0')]).toEqual([0, 1, 1, 0]);
  });

  it('all nine records load together, each under its own id', async () => {
    const files = (await readdir(OSV_DIR)).filter((f) => f.endsWith('.json')).map(osv);
    const set = await loadIocs(files);
    expect(set.incidents).toHaveLength(9);
    expect(new Set(set.incidents.map((i) => i.id)).size).toBe(9);
  });
});

const record = (affected: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ schema_version: '1.6.0', id: 'X-1', modified: '2026-01-01T00:00:00Z', affected, ...extra }, null, 2);

describe('OSV JSON records (synthetic edge cases)', () => {
  it.each<[string, unknown, string[], boolean]>([
    ['introduced + fixed', [{ introduced: '1.0.0' }, { fixed: '1.2.0' }], ['>=1.0.0 <1.2.0'], false],
    ['introduced + last_affected', [{ introduced: '1.0.0' }, { last_affected: '1.1.9' }], ['>=1.0.0 <=1.1.9'], false],
    ['introduced 0 + fixed', [{ introduced: '0' }, { fixed: '2.0.0' }], ['<2.0.0'], false],
    ['two intervals', [{ introduced: '1.0.0' }, { fixed: '1.1.0' }, { introduced: '2.0.0' }], ['>=1.0.0 <1.1.0', '>=2.0.0'], false],
    ['introduced 0, open', [{ introduced: '0' }], [], true],
  ])('npm events: %s', (_what, events, ranges, anyVersion) => {
    const [inc] = parseIocFile(record([{ package: { ecosystem: 'npm', name: 'p' }, ranges: [{ type: 'SEMVER', events }] }]), 'r.json');
    expect(inc!.packages[0]).toMatchObject({ ranges, anyVersion });
  });

  it('reads PyPI ECOSYSTEM ranges as ranges compared in PEP 440 order', () => {
    const [inc] = parseIocFile(record([{ package: { ecosystem: 'PyPI', name: 'p' }, versions: ['1.0'], ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0' }, { fixed: '1.1' }] }] }]), 'r.json');
    expect(inc!.packages[0]).toMatchObject({ ecosystem: 'pypi', versions: ['1.0'], ranges: ['>=1.0 <1.1'] });
    expect(inc!.packages[0]!.notes).toBeUndefined();
  });

  it('an ecosystem sbom-hunt cannot order: its enumerated versions match, the ranges are named in the notes', () => {
    const [inc] = parseIocFile(record([{ package: { ecosystem: 'Packagist', name: 'a/b' }, versions: ['1.0.1'], ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0' }, { fixed: '1.1' }] }] }]), 'r.json');
    expect(inc!.packages[0]).toMatchObject({ ecosystem: 'composer', versions: ['1.0.1'], ranges: [], notes: 'OSV ranges not compared for composer: >=1.0 <1.1' });
  });

  it('an ecosystem sbom-hunt cannot order, with ranges and no versions, is an error, not a silent no-match', () => {
    const text = record([{ package: { ecosystem: 'Packagist', name: 'a/b' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0' }, { fixed: '1.1' }] }] }]);
    expect(() => parseIocFile(text, 'r.json')).toThrow(/^r\.json:12 \(affected\[0\]\.ranges\[0\]\): sbom-hunt cannot order composer versions/);
  });

  it('an unknown ecosystem is an error with a did-you-mean', () => {
    const text = record([{ package: { ecosystem: 'PyPl', name: 'p' }, versions: ['1.0'] }]);
    expect(() => parseIocFile(text, 'r.json')).toThrow(/\(affected\[0\]\.package\.ecosystem\): unknown ecosystem "PyPl": did you mean pypi\?/);
  });

  it('entries of ecosystems no image lists (Linux) are passed over with a note; a record of only those loads as nothing', () => {
    const both = parseIocFile(record([{ package: { ecosystem: 'Linux', name: 'Kernel' }, versions: ['6.1'] }, { package: { ecosystem: 'npm', name: 'p' }, versions: ['1.0.0'] }]), 'r.json');
    expect(both[0]!.packages.map((p) => p.ecosystem)).toEqual(['npm']);
    expect(both[0]!.notes).toMatch(/passed over .*Linux\/Kernel/);
    expect(parseIocFile(record([{ package: { ecosystem: 'Linux', name: 'Kernel' }, versions: ['6.1'] }]), 'r.json')).toEqual([]);
  });

  it('names line and field of range events that are not semver', () => {
    const text = record([{ package: { ecosystem: 'npm', name: 'p' }, ranges: [{ type: 'SEMVER', events: [{ introduced: 'one' }, { fixed: 'two' }] }] }]);
    expect(() => parseIocFile(text, 'r.json')).toThrow(InputError);
    expect(() => parseIocFile(text, 'r.json')).toThrow(/^r\.json:12 \(affected\[0\]\.ranges\[0\]\): range events do not form a npm range: not a valid npm semver range: ">=one <two"$/);
  });

  it('refuses an OSV schema it does not know, naming the field', () => {
    expect(() => parseIocFile(record([], { schema_version: '2.0.0' }), 'r.json')).toThrow(/^r\.json:2 \(schema_version\): schema_version 2\.0\.0 is not one this sbom-hunt reads/);
  });
});
