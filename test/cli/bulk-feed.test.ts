// A scan against a bulk OSV feed (ossf/malicious-packages: 200,000 records) with SBOMs that cannot be read, through
// the real CLI. Before bulk runs, every incident listed every unread SBOM: the report grew with incidents x images
// and the run ended in `internal error: Invalid string length` with no report at all (20 SBOMs x 200,000 records).
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LISTED_INCIDENTS_MAX } from '../../src/model/bulk.js';
import type { Report } from '../../src/model/report.js';
import { runCli } from '../helpers/cli.js';
import { writeZip } from '../iocs/zip-writer.js';

const RECORDS = 4 * LISTED_INCIDENTS_MAX;

function record(i: number): string {
  return JSON.stringify({ schema_version: '1.7.0', id: `MAL-2026-${i}`, summary: `Malicious code in mal-${i}`, affected: [{ package: { ecosystem: 'npm', name: `mal-${i}` }, versions: ['1.0.0'] }] });
}

const spdx = (pkgs: [string, string][]): string =>
  JSON.stringify({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'app', creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: test'] }, packages: pkgs.map(([name, version], i) => ({ SPDXID: `SPDXRef-${i}`, name, versionInfo: version, externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:npm/${name}@${version}` }] })) });

describe('a bulk OSV feed with unreadable SBOMs', () => {
  it('writes every format, lists the incident with a finding, and names the rest once with what is unknown for them', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sbom-hunt-bulk-'));
    const feed = path.join(dir, 'all.zip');
    await writeFile(feed, writeZip(Array.from({ length: RECORDS }, (_, i) => ({ name: `MAL-2026-${i}.json`, data: record(i) })), { deflate: true }));
    const sboms = path.join(dir, 'sboms');
    await mkdir(sboms);
    await writeFile(path.join(sboms, 'hit.spdx.json'), spdx([['mal-7', '1.0.0'], ['express', '4.21.2']]));
    await writeFile(path.join(sboms, 'clean.spdx.json'), spdx([['express', '4.21.2']]));
    for (let i = 0; i < 40; i++) await writeFile(path.join(sboms, `broken-${i}.spdx.json`), '{"spdxVersion": "SPDX-2.3", "packages": [');
    const out = path.join(dir, 'report.json');
    const json = await runCli(['scan', `sbom:${sboms}`, '--ioc', feed, '--no-cache', '-f', 'json', '-o', out]);
    expect(json.stderr).not.toContain('internal error');
    // Truncated SBOM files are input errors (exit 2); the report of everything else is still written.
    expect(json.code).toBe(2);
    const report = JSON.parse(await readFile(out, 'utf8')) as Report;
    expect(report.summary).toMatchObject({ images: 42, affected: 1, unknown: 40, clean: 1 });
    expect(report.incidents.map((i) => i.id)).toEqual(['MAL-2026-7']);
    expect(report.incidents[0]!.unknown).toHaveLength(40);
    expect(report.unlisted?.ids).toHaveLength(RECORDS - 1);
    expect(report.unlisted?.unknown).toHaveLength(40);
    // Linear in incidents plus images: the ids once, each unread SBOM once per list it is in.
    expect((await readFile(out)).length).toBeLessThan(200_000);
    for (const format of ['table', 'markdown', 'html', 'sarif']) {
      const r = await runCli(['scan', `sbom:${sboms}`, '--ioc', feed, '--no-cache', '-f', format]);
      expect(r.stderr, format).not.toContain('internal error');
      expect(r.code, format).toBe(2);
      expect(r.stdout.length, format).toBeLessThan(150_000);
      expect(r.stdout, format).toContain('MAL-2026-7');
    }
  }, 120_000);
});
