// File indicators through the CLI: from an OCI layout (native reader, then the cache), and from SBOMs that list
// files (SPDX `files`, syft `files`, CycloneDX `file` components) or do not (unknown for that incident, exit 4).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { runCli } from '../helpers/cli.js';
import { buildImageLayout, npmPackageFiles } from '../helpers/image-builder.js';

const PTH = 'import os, base64; exec(base64.b64decode("cHJpbnQoJ293bmVkJyk="))\n';
const PTH_SHA = '437248e543f2e819e008a9b76034c0705438b158a52b5303056e80b1af0a692a';
const SITE = 'usr/local/lib/python3.12/site-packages';

function iocFile(dir: string, name: string, files: Record<string, unknown>[]): string {
  const file = path.join(dir, name);
  const list = files.map((f) => `      - ${JSON.stringify(f)}`).join('\n');
  writeFileSync(file, `apiVersion: sbom-hunt/v1\nincidents:\n  - id: litellm-pth\n    files:\n${list}\n`);
  return file;
}

describe('file indicators (CLI)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sbom-hunt-file-iocs-'));
  let layout: string;
  let both: string;
  let other: string;
  beforeAll(async () => {
    const built = await buildImageLayout(path.join(dir, 'img'), {
      ref: 'litellm-app:1',
      platforms: [{ layers: [{ files: npmPackageFiles('app/node_modules', 'left-pad', '1.3.0') }, { files: [{ path: `${SITE}/litellm_init.pth`, content: PTH }] }] }],
    });
    layout = built.dir;
    both = iocFile(dir, 'both.yaml', [{ path: '/usr/**/site-packages/litellm_init.pth', sha256: PTH_SHA }]);
    other = iocFile(dir, 'other.yaml', [{ path: '/**/litellm_init.pth' }, { sha256: PTH_SHA, size: Buffer.byteLength(PTH) }]);
  });

  it('native: affected with the path and layer; the cache answers the same indicators, and re-reads for new ones', async () => {
    const cache = path.join(dir, 'cache');
    const scan = async (ioc: string) => {
      const r = await runCli(['scan', `oci-dir:${layout}`, '--ioc', ioc, '--cache-dir', cache, '-f', 'json']);
      expect(r.code, r.stderr).toBe(1);
      return (JSON.parse(r.stdout) as Report).images[0]!;
    };
    const first = await scan(both);
    expect(first).toMatchObject({ verdict: 'affected', source: { kind: 'native' } });
    expect(first.matches).toMatchObject([{ incident: 'litellm-pth', matchKind: 'file-hash', name: `/${SITE}/litellm_init.pth`, layer: expect.stringMatching(/^sha256:/) }]);
    const cached = await scan(both);
    expect(cached).toMatchObject({ verdict: 'affected', source: { kind: 'cache', cachedFrom: 'native' } });
    // A cached read that did not look for these indicators cannot answer for them: the layers are read again.
    const reread = await scan(other);
    expect(reread).toMatchObject({ verdict: 'affected', source: { kind: 'native' } });
    expect(reread.matches.map((m) => m.matchKind).sort()).toEqual(['file-hash', 'file-path']);
  });

  it.each(['files-litellm-spdx-2.3', 'files-litellm-syft', 'files-litellm-cyclonedx-1.6'])('an SBOM listing files with hashes: %s is affected', async (fixture) => {
    const r = await runCli(['scan', `sbom:fixtures/sbom/${fixture}`, '--ioc', both, '-f', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const img = (JSON.parse(r.stdout) as Report).images[0]!;
    expect(img.verdict).toBe('affected');
    expect(img.matches).toMatchObject([{ matchKind: 'file-hash', name: '/usr/local/lib/python3.12/site-packages/litellm_init.pth' }]);
    // The file component of the CycloneDX SBOM is not counted as a package.
    expect(img.packageCount).toBe(1);
  });

  it('an SBOM that lists no files: the file indicator could not be checked, so the image is unknown and the run incomplete', async () => {
    const r = await runCli(['scan', 'sbom:fixtures/sbom/files-none-cyclonedx-1.6', '--ioc', both, '-f', 'json']);
    expect(r.code, r.stderr).toBe(4);
    const img = (JSON.parse(r.stdout) as Report).images[0]!;
    expect(img.verdict).toBe('unknown');
    expect(img.reasons.join('\n')).toContain('file indicator(s) of litellm-pth could not be checked (/usr/**/site-packages/litellm_init.pth sha256:');
    expect(img.reasons.join('\n')).toContain('the source lists no files; not clean for litellm-pth');
  });
});
