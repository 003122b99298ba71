// Image indicators against a real docker-registry and OCI layouts from the image builder: a compromised image
// found by name and digest, an image built FROM it (its layers begin with the compromised image's) found from
// manifests alone, and an image sharing only the distribution layer left clean.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { buildImageLayout, layerTar, npmPackageFiles, sha256, type BuiltLayout, type LayerSpec } from '../helpers/image-builder.js';
import { pushOciLayout } from '../helpers/push.js';
import { registryAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../helpers/registry.js';

if (!registryAvailable) {
  if (process.env.CI) throw new Error(SKIP_MESSAGE);
  console.warn(SKIP_MESSAGE);
}

const distro: LayerSpec = { files: [{ path: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.21.3\n' }] };
const trivyBin: LayerSpec = { files: [{ path: 'usr/local/bin/trivy', content: 'not really trivy 0.69.4\n' }] };
const app: LayerSpec = { files: npmPackageFiles('app/node_modules', 'left-pad', '1.3.0') };
const other: LayerSpec = { files: [{ path: 'usr/local/bin/tool', content: 'another tool\n' }] };

function report(run: CliRun): Report {
  expect(run.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
  return JSON.parse(run.stdout) as Report;
}

describe('image indicators', () => {
  let dir: string;
  let trivy: BuiltLayout;
  let scanner: BuiltLayout;
  let unrelated: BuiltLayout;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-image-iocs-'));
    trivy = await buildImageLayout(join(dir, 'trivy'), { ref: '0.69.4', platforms: [{ layers: [distro, trivyBin] }] });
    scanner = await buildImageLayout(join(dir, 'scanner'), { ref: '1', platforms: [{ layers: [distro, trivyBin, app] }] });
    unrelated = await buildImageLayout(join(dir, 'unrelated'), { ref: '1', platforms: [{ layers: [distro, other, app] }] });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const layersOf = (b: BuiltLayout) => b.images[0]!.platforms[0]!.layerDigests;

  async function iocFile(name: string, image: Record<string, unknown>): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, `apiVersion: sbom-hunt/v1\nincidents:\n  - id: trivy-image\n    images:\n      - ${JSON.stringify(image)}\n`);
    return file;
  }

  it('the builder wrote what the test needs: the scanner starts with trivy\'s layers, the unrelated image only with the distro layer', () => {
    expect(layersOf(scanner).slice(0, 2)).toEqual(layersOf(trivy));
    expect(layersOf(unrelated)[0]).toBe(layersOf(trivy)[0]);
    expect(layersOf(unrelated)[1]).not.toBe(layersOf(trivy)[1]);
  });

  it('OCI layouts: built FROM by manifest layer digests or by diff IDs; the image itself by its digest; a shared distro layer is not a base', async () => {
    const diffIds = [distro, trivyBin].map((l) => sha256(layerTar(l)));
    for (const layers of [layersOf(trivy), diffIds]) {
      const ioc = await iocFile('layers.yaml', { ref: 'aquasec/trivy:0.69.4', layers, digests: [trivy.indexDigest] });
      const scan = async (b: BuiltLayout) => report(await runCli(['scan', `oci-dir:${b.dir}`, '--ioc', ioc, '--sbom-sources', 'native', '--no-cache', '-f', 'json', '--fail-on', 'none']));
      const child = (await scan(scanner)).images[0]!;
      expect(child.verdict).toBe('affected');
      expect(child.matches).toMatchObject([{ matchedBy: 'image', matchKind: 'base-image-layers', iocVersion: 'docker.io/aquasec/trivy:0.69.4', detail: expect.stringContaining('built FROM docker.io/aquasec/trivy:0.69.4') }]);
      expect(child.reasons.join('\n')).toContain('built FROM docker.io/aquasec/trivy:0.69.4: its first 2 layer(s)');
      const self = (await scan(trivy)).images[0]!;
      expect(self.matches).toMatchObject([{ matchKind: 'image-digest', iocVersion: trivy.indexDigest }]);
      const clean = (await scan(unrelated)).images[0]!;
      expect(clean.verdict).toBe('clean');
      expect(clean.matches).toEqual([]);
    }
  });

  it('found from manifests alone: a child whose own layer is corrupt is still affected (and unknown for the rest)', async () => {
    const broken = await buildImageLayout(join(dir, 'broken'), { ref: '1', platforms: [{ layers: [distro, trivyBin, { ...app, corrupt: true }] }] });
    const ioc = await iocFile('layers-only.yaml', { layers: layersOf(trivy) });
    const img = report(await runCli(['scan', `oci-dir:${broken.dir}`, '--ioc', ioc, '--sbom-sources', 'native', '--no-cache', '-f', 'json', '--fail-on', 'none', '--allow-incomplete'])).images[0]!;
    expect(img.verdict).toBe('affected');
    expect(img.reasons.join('\n')).toMatch(/digest mismatch/);
    expect(img.matches[0]).toMatchObject({ matchKind: 'base-image-layers', detail: expect.stringMatching(/^built FROM an image whose top layer is sha256:/) });
  });

  it('an SBOM that records no layers cannot tell its base: unknown for that incident, exit 4', async () => {
    const ioc = await iocFile('layers-sbom.yaml', { layers: layersOf(trivy) });
    const run = await runCli(['scan', 'sbom:fixtures/sbom/files-none-cyclonedx-1.6', '--ioc', ioc, '-f', 'json']);
    expect(run.code).toBe(4);
    expect(report(run).images[0]!.reasons.join('\n')).toContain('image indicator(s) of trivy-image could not be checked');
  });

  describe.skipIf(!registryAvailable)('in a real registry', () => {
    let reg: TestRegistry;
    beforeAll(async () => {
      reg = await startRegistry();
      await pushOciLayout(reg.url, 'aquasec/trivy', trivy.dir);
      await pushOciLayout(reg.url, 'acme/scanner', scanner.dir);
      await pushOciLayout(reg.url, 'acme/unrelated', unrelated.dir);
    });
    afterAll(async () => {
      await reg?.stop();
    });

    it('by name, and every image built FROM it; the cache answers a second sweep with the same verdicts', async () => {
      const ioc = await iocFile('registry.yaml', { ref: `${reg.host}/aquasec/trivy:0.69.4`, layers: layersOf(trivy) });
      const cache = join(dir, 'cache');
      const sweep = async () => {
        const run = await runCli(['scan', `registry:${reg.host}`, '--ioc', ioc, '--insecure-registry', reg.host, '--sbom-sources', 'cache,native', '--cache-dir', cache, '-f', 'json']);
        expect(run.code, run.stderr).toBe(1);
        return Object.fromEntries(report(run).images.map((i) => [i.ref.replace(`${reg.host}/`, ''), i]));
      };
      const cold = await sweep();
      const warm = await sweep();
      expect(cold['acme/scanner:1']!.source).toMatchObject({ kind: 'native' });
      expect(warm['acme/scanner:1']!.source).toMatchObject({ kind: 'cache', cachedFrom: 'native' });
      for (const byRef of [cold, warm]) {
        expect(byRef['aquasec/trivy:0.69.4']).toMatchObject({ verdict: 'affected', matches: [{ matchKind: 'image-name' }] });
        expect(byRef['acme/scanner:1']).toMatchObject({ verdict: 'affected', matches: [{ matchKind: 'base-image-layers', detail: expect.stringContaining(`built FROM ${reg.host}/aquasec/trivy:0.69.4`) }] });
        expect(byRef['acme/unrelated:1']).toMatchObject({ verdict: 'clean', matches: [] });
      }
    });
  });
});
