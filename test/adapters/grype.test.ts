import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readGrypeReport, runGrypeOnSbom } from '../../src/adapters/grype.js';
import { InputError } from '../../src/errors.js';
import { installStandIns, realWorldOrSkip, withAdvisory, type StandIns } from '../helpers/stand-in.js';

const rw = realWorldOrSkip('grype adapter with recorded grype output');
const read = (f: string) => readFileSync(path.join(rw!, f), 'utf8');

describe.skipIf(!rw)('readGrypeReport on real grype JSON', () => {
  it.each([
    ['grype/grype-0.73.4-alpine-image.grype.json', '0.73.4', 20],
    ['grype/grype-0.66.0-keycloak-image.grype.json', '0.66.0', 6],
    ['grype/grype-0.61.1-chainguard-ruby-image.grype.json', '0.61.1', 3],
    ['grype/grype-json-presenter-golden.grype.json', '[not provided]', 2],
  ])('%s: version and match count, no malware among CVEs', (file, version, matches) => {
    expect(readGrypeReport(read(file), file)).toEqual({ toolVersion: version, malware: [], matchCount: matches });
  });

  it('keeps a MAL- advisory match with its aliases', () => {
    const text = withAdvisory(read('grype/grype-0.73.4-alpine-image.grype.json'), 0, { id: 'MAL-2026-2307' }, [{ id: 'GHSA-fw8c-xr5c-95f9' }]);
    expect(readGrypeReport(text, 'x').malware).toEqual([
      { id: 'MAL-2026-2307', aliases: ['GHSA-fw8c-xr5c-95f9'], package: 'libcrypto3', version: '3.0.8-r0', purl: 'pkg:apk/alpine/libcrypto3@3.0.8-r0?arch=x86_64&upstream=openssl&distro=alpine-3.17.2' },
    ]);
  });

  it('keeps a GHSA whose text says malware, and not a CVE that merely mentions a malicious user', () => {
    const base = read('grype/grype-0.73.4-alpine-image.grype.json');
    const ghsa = withAdvisory(base, 0, { id: 'GHSA-aaaa-bbbb-cccc', description: 'Malware in libcrypto3' });
    expect(readGrypeReport(ghsa, 'x').malware.map((m) => m.id)).toEqual(['GHSA-aaaa-bbbb-cccc']);
    const cve = withAdvisory(base, 0, { id: 'CVE-2023-0001', description: 'allows a malicious user to cause a denial of service' });
    expect(readGrypeReport(cve, 'x').malware).toEqual([]);
  });
});

describe('readGrypeReport on bad output', () => {
  it.each([
    ['not JSON', 'panic: runtime error', 'x: not JSON'],
    ['JSON without matches', '{"source":{}}', 'x: not a grype JSON report'],
  ])('%s', (_n, text, message) => {
    expect(() => readGrypeReport(text, 'x')).toThrow(InputError);
    expect(() => readGrypeReport(text, 'x')).toThrow(message);
  });
});

describe.skipIf(!rw)('runGrypeOnSbom with a stand-in', () => {
  let standIns: StandIns | undefined;
  afterEach(() => standIns?.restore());

  it('hands grype the SBOM as an sbom: file, removed afterwards', async () => {
    standIns = installStandIns({ grype: { byFirstArg: { '*': { stdoutFile: path.join(rw!, 'grype/grype-0.73.4-alpine-image.grype.json') } } } });
    const report = await runGrypeOnSbom('{"artifacts":[]}', { timeoutMs: 10_000 });
    const args = standIns.calls('grype')[0]!.args;
    expect(args.slice(1)).toEqual(['-o', 'json', '-q']);
    expect(args[0]).toMatch(/^sbom:.*sbom\.syft\.json$/);
    expect(existsSync(args[0]!.slice('sbom:'.length))).toBe(false);
    expect(report.matchCount).toBe(20);
  });
});
