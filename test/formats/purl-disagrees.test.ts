// A component whose purl names another package than its own name and version (issue 14 item 7): both identities
// are listed and matched, and the finding says they disagree; forms that only look different agree.
import { describe, expect, it } from 'vitest';
import { decodeSbom } from '../../src/formats/index.js';
import { toPackage } from '../../src/formats/purl.js';
import { runCli } from '../helpers/cli.js';
import type { Report } from '../../src/model/report.js';
import { readFixture } from './fixtures.js';

describe('purl and fields', () => {
  it.each<[string, Parameters<typeof toPackage>[0], { name: string; version: string } | undefined]>([
    ['another name', { purl: 'pkg:npm/left-pad@1.3.0', name: 'axios', version: '1.14.1', paths: [] }, { name: 'axios', version: '1.14.1' }],
    ['another version', { purl: 'pkg:pypi/litellm@1.82.6', name: 'litellm', version: '1.82.8', paths: [] }, { name: 'litellm', version: '1.82.8' }],
    ['agrees: PEP 503 spelling', { purl: 'pkg:pypi/lite-llm@1.0', name: 'Lite_LLM', version: '1.0.0', paths: [] }, undefined],
    ['agrees: maven artifact without its group', { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', name: 'log4j-core', version: '2.14.1', paths: [] }, undefined],
    ['agrees: Go module by its last element', { purl: 'pkg:golang/github.com/aquasecurity/trivy@v0.69.4', name: 'trivy', version: 'v0.69.4', paths: [] }, undefined],
    ['agrees: rpm epoch as a qualifier', { purl: 'pkg:rpm/fedora/xz-libs@5.6.0-1.fc40?epoch=1', name: 'xz-libs', version: '1:5.6.0-1.fc40', paths: [] }, undefined],
    ['agrees: no name or version in the fields', { purl: 'pkg:npm/axios@1.14.1', paths: [] }, undefined],
    ['guard: a scope is part of an npm name', { purl: 'pkg:npm/axios@1.14.1', name: '@evil/axios', version: '1.14.1', paths: [] }, { name: '@evil/axios', version: '1.14.1' }],
  ])('%s', (_what, fields, declared) => {
    expect(toPackage(fields).declared).toEqual(declared);
  });

  it('decodeSbom lists both identities of a disagreeing component, and each once for the others', () => {
    const { text, file } = readFixture('purl-disagrees-cyclonedx-1.6');
    const ids = decodeSbom(text, file).packages.map((p) => `${p.ecosystem}:${p.name}@${p.version}${p.fromFields ? ' (fields)' : ''}`);
    expect(ids).toEqual([
      'npm:left-pad@1.3.0',
      'npm:axios@1.14.1 (fields)',
      'npm:axios@0.30.4',
      'npm:left-pad@1.3.0 (fields)',
      'maven:org.apache.logging.log4j:log4j-core@2.17.1',
      'deb:bash@5.2.15-2',
      'rpm:openssl-libs@1.0.2k-16.el7',
    ]);
  });

  it('both are matched, whichever side names the IOC, and the finding says they disagree', async () => {
    const run = await runCli(['scan', 'sbom:fixtures/sbom/purl-disagrees-cyclonedx-1.6', '-f', 'json']);
    expect(run.code, run.stderr).toBe(1);
    const img = (JSON.parse(run.stdout) as Report).images[0]!;
    expect(img.verdict).toBe('affected');
    expect(img.matches.map((m) => `${m.name}@${m.version}`).sort()).toEqual(['axios@0.30.4', 'axios@1.14.1']);
    for (const m of img.matches) expect(m.detail).toMatch(/^its purl pkg:npm\/(left-pad@1\.3\.0|axios@0\.30\.4) and its name and version disagree \(.* vs .*\): both were matched$/);
    expect(img.reasons.join('\n')).toContain('axios@1.14.1 matches GHSA-fw8c-xr5c-95f9 (version 1.14.1); its purl pkg:npm/left-pad@1.3.0 and its name and version disagree (left-pad@1.3.0 vs axios@1.14.1): both were matched');
  });
});
