// -f cyclonedx / -f spdx-json / --include-packages: every package read, per image and platform, with paths,
// layer and deletion; each output has the structure its spec requires and reads back to the same packages.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSbom } from '../../src/formats/index.js';
import type { Report } from '../../src/model/report.js';
import { buildImageLayout, npmPackageFiles } from '../helpers/image-builder.js';
import { runCli } from '../helpers/cli.js';
import { CycloneDx16, cycloneDxRefs, Spdx23 } from '../helpers/sbom-schemas.js';

const COMMON = ['--sbom-sources', 'native', '--no-cache', '--no-push-times', '--fail-on', 'none', '-q'];
type Row = { ecosystem: string; name: string; version: string; purl?: string | undefined; paths: string[]; layer?: string | undefined; deleted?: boolean | undefined };
const row = (p: Row) => ({ ecosystem: p.ecosystem, name: p.name, version: p.version, purl: p.purl, paths: p.paths, layer: p.layer, deleted: p.deleted ?? false });

describe('the inventory as output', () => {
  let dir = '';
  let oci = '';
  let report: Report;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-inventory-'));
    const layers = [
      { files: npmPackageFiles('app/node_modules', 'lodash', '4.17.21') },
      { files: npmPackageFiles('app/node_modules', 'plain-crypto-js', '4.2.1') },
      { files: [{ path: 'app/node_modules/plain-crypto-js', whiteout: true, content: '' }] },
      { files: npmPackageFiles('app/node_modules', 'axios', '1.14.1') },
    ];
    const layout = await buildImageLayout(join(dir, 'layout'), { ref: 'web:1', platforms: [{ layers }, { architecture: 'arm64', layers: layers.slice(0, 1) }] });
    oci = `oci-dir:${layout.dir}`;
    report = JSON.parse((await runCli(['scan', oci, ...COMMON, '-f', 'json', '--include-packages'])).stdout) as Report;
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('--include-packages: every platform lists its packages, the deleted one with its layer', () => {
    const [amd, arm] = report.images[0]!.platforms;
    const deleted = amd!.packages!.find((p) => p.name === 'plain-crypto-js')!;
    expect(deleted.deleted).toBe(true);
    expect(deleted.layer).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(deleted.paths).toEqual(['/app/node_modules/plain-crypto-js/package.json']);
    expect(amd!.packages!.map((p) => p.name).sort()).toEqual(['axios', 'lodash', 'plain-crypto-js']);
    expect(arm!.packages!.map((p) => p.name)).toEqual(['lodash']);
    expect(amd!.packages!.length).toBe(amd!.packageCount);
  });

  it('without it the JSON report has no package list', async () => {
    const plain = JSON.parse((await runCli(['scan', oci, ...COMMON, '-f', 'json'])).stdout) as Report;
    expect(plain.images[0]!.platforms.every((p) => p.packages === undefined)).toBe(true);
  });

  const written = () => report.images[0]!.platforms.flatMap((p) => p.packages!.map(row));

  it('-f cyclonedx: the structure CycloneDX 1.6 requires, one container per platform, and it reads back the same', async () => {
    const text = (await runCli(['scan', oci, ...COMMON, '-f', 'cyclonedx'])).stdout;
    const bom = CycloneDx16.parse(JSON.parse(text));
    const refs = cycloneDxRefs(bom);
    expect(new Set(refs).size).toBe(refs.length);
    expect(bom.components.map((c) => [c.type, c.properties?.find((p) => p.name === 'sbom-hunt:platform')?.value])).toEqual([['container', 'linux/amd64'], ['container', 'linux/arm64']]);
    const back = decodeSbom(text, 'out.cdx.json');
    expect(back.format).toBe('cyclonedx-json-1.6');
    expect(back.packages.map(row)).toEqual(written());
  });

  it('-f spdx-json: the structure SPDX 2.3 requires, and it reads back the same (plus one CONTAINER package per platform)', async () => {
    const text = (await runCli(['scan', oci, ...COMMON, '-f', 'spdx-json'])).stdout;
    const doc = Spdx23.parse(JSON.parse(text));
    expect(new Set(doc.packages.map((p) => p.SPDXID)).size).toBe(doc.packages.length);
    const containers = doc.packages.filter((p) => p.primaryPackagePurpose === 'CONTAINER').map((p) => p.SPDXID);
    expect(doc.documentDescribes).toEqual(containers);
    const back = decodeSbom(text, 'out.spdx.json');
    expect(back.format).toBe('spdx-json-2.3');
    const ids = new Set(containers);
    const notContainers = back.packages.filter((_, i) => !ids.has(doc.packages[i]!.SPDXID));
    expect(notContainers.map(row)).toEqual(written());
  });

  it('one SBOM file in, one image out: it is the BOM subject, and the round trip keeps every package', async () => {
    const sbom = join(dir, 'in.cdx.json');
    await writeFile(sbom, JSON.stringify({
      bomFormat: 'CycloneDX', specVersion: '1.5',
      metadata: { component: { type: 'container', name: 'registry.example.com/shop/web:1.4.2', version: `sha256:${'1'.repeat(64)}` } },
      components: [
        { type: 'library', name: 'axios', version: '1.14.1', purl: 'pkg:npm/axios@1.14.1', properties: [{ name: 'syft:location:0:path', value: '/app/node_modules/axios/package.json' }] },
        { type: 'library', name: 'no-purl', version: '1.0', properties: [{ name: 'syft:package:type', value: 'python' }] },
      ],
    }));
    const first = decodeSbom(JSON.stringify(JSON.parse((await runCli(['scan', `sbom:${sbom}`, ...COMMON, '-f', 'cyclonedx'])).stdout)), 'out.cdx.json');
    expect(first.subject).toEqual({ name: 'registry.example.com/shop/web:1.4.2', digest: `sha256:${'1'.repeat(64)}` });
    expect(first.packages.map(row)).toEqual([
      { ecosystem: 'npm', name: 'axios', version: '1.14.1', purl: 'pkg:npm/axios@1.14.1', paths: ['/app/node_modules/axios/package.json'], layer: undefined, deleted: false },
      { ecosystem: 'pypi', name: 'no-purl', version: '1.0', purl: undefined, paths: [], layer: undefined, deleted: false },
    ]);
  });
});
