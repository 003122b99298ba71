// Every output says which kind of evidence matched (issue 14 item 8): terminal, Markdown, HTML, JSON, SARIF and
// the alert bodies, on one SBOM matched by package version, by version range and by file hash.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Report } from '../../src/model/report.js';
import { findingAlerts } from '../../src/sweep/conditions.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sbom-hunt-match-kind-'));
const ioc = path.join(dir, 'kinds.yaml');
writeFileSync(
  ioc,
  `apiVersion: sbom-hunt/v1
incidents:
  - id: by-version
    packages: [{ ecosystem: PyPI, name: litellm, versions: ["1.82.6"] }]
  - id: by-range
    packages: [{ ecosystem: PyPI, name: litellm, ranges: [">=1.80 <1.83"] }]
  - id: by-file
    files: [{ path: /usr/**/site-packages/litellm_init.pth, sha256: 437248e543f2e819e008a9b76034c0705438b158a52b5303056e80b1af0a692a }]
`,
);
const sbom = 'sbom:fixtures/sbom/files-litellm-syft';
const scan = async (format: string) => {
  const r = await runCli(['scan', sbom, '--ioc', ioc, '-f', format]);
  expect(r.code, r.stderr).toBe(1);
  return r.stdout;
};

describe('match kinds in every output', () => {
  it('JSON: every match and every incident hit carries matchKind', async () => {
    const report = Report.parse(JSON.parse(await scan('json')));
    expect(report.images[0]!.matches.map((m) => `${m.incident}:${m.matchKind}`).sort()).toEqual(['by-file:file-hash', 'by-range:package-range', 'by-version:package-version']);
    const hits = Object.fromEntries(report.incidents.map((i) => [i.id, i.affected[0]!.packages.map((p) => p.matchKind)]));
    expect(hits).toEqual({ 'by-version': ['package-version'], 'by-range': ['package-range'], 'by-file': ['file-hash'] });
    // Alert bodies (PagerDuty, webhooks, Slack) carry it too, and say it in their summary.
    const alerts = findingAlerts(report);
    expect(alerts.map((a) => a.package?.matchKind).sort()).toEqual(['file-hash', 'package-range', 'package-version']);
    expect(alerts.find((a) => a.incident === 'by-file')!.summary).toMatch(/^by-file: affected file \/usr\/local\/lib\/python3\.12\/site-packages\/litellm_init\.pth in .*; evidence: file hash$/);
  });

  it.each(['table', 'markdown', 'html'])('%s names the kind beside each finding', async (format) => {
    const text = await scan(format);
    expect(text).toContain('pypi litellm@1.82.6 [package version]');
    expect(text).toContain('pypi litellm@1.82.6 [version range]');
    expect(text).toContain('file /usr/local/lib/python3.12/site-packages/litellm_init.pth [file hash]');
    expect(text).not.toContain('litellm_init.pth@');
  });

  it('SARIF: each result lists its findings with their kind', async () => {
    type Result = { message: { text: string }; properties: { incident?: string; packages?: { matchKind?: string }[] } };
    const results = (JSON.parse(await scan('sarif')) as { runs: { results: Result[] }[] }).runs[0]!.results;
    const kinds = results.flatMap((r) => (r.properties.packages ?? []).map((p) => `${r.properties.incident}:${p.matchKind}`)).sort();
    expect(kinds).toEqual(['by-file:file-hash', 'by-range:package-range', 'by-version:package-version']);
    expect(results.map((r) => r.message.text).join('\n')).toContain('contains file /usr/local/lib/python3.12/site-packages/litellm_init.pth [file hash].');
  });
});
