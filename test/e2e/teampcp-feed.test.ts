// The bundled TeamPCP feed (iocs/teampcp-2026-03.yaml) end to end through the built CLI, with no --ioc: a trivy
// executable built by Debian's golang-go with `go install ...@v0.69.4` from a local file:// GOPROXY (so its build
// information names the main module and version as the release binary's does), LiteLLM installs and the .pth file
// it drops, and images named aquasec/trivy:TAG; each with its clean neighbour.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { runCli } from '../helpers/cli.js';
import { goEnv, writeProxy } from '../helpers/go-build.js';
import { buildImageLayout, pythonDistInfo, type FileSpec } from '../helpers/image-builder.js';
import { cachedBuild, haveTool } from '../helpers/real-tools.js';

const run = promisify(execFile);
const HAVE_GO = haveTool('go', 'golang-go');
const SITE = 'usr/local/lib/python3.12/site-packages';

type Image = Report['images'][number];

/** `go install github.com/aquasecurity/trivy/cmd/trivy@VERSION` against a file proxy holding that one module. */
async function trivyBinary(version: string): Promise<Buffer> {
  const { stdout: go } = await run('go', ['version']);
  const dir = await cachedBuild('go-install-trivy', { version, go }, async (work) => {
    const proxy = join(work, 'proxy');
    const main = `package main\n\nfunc main() { println("trivy ${version}") }\n`;
    await writeProxy(proxy, [{ path: 'github.com/aquasecurity/trivy', version, files: { 'cmd/trivy/main.go': main } }]);
    // `go install pkg@version` ignores any current module, so -mod is left out of GOFLAGS.
    const env = { ...goEnv(work, proxy), GOFLAGS: '-buildvcs=false', GOBIN: join(work, 'bin') };
    await run('go', ['install', `github.com/aquasecurity/trivy/cmd/trivy@${version}`], { cwd: work, env });
  });
  return readFile(join(dir, 'bin', 'trivy'));
}

describe('bundled TeamPCP feed, end to end (no --ioc)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-teampcp-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function scan(name: string, ref: string, files: FileSpec[]): Promise<{ code: number; image: Image }> {
    const layout = await buildImageLayout(join(dir, name), { ref, platforms: [{ layers: [{ files }] }] });
    const r = await runCli(['scan', `oci-dir:${layout.dir}`, '--sbom-sources', 'native', '--no-cache', '-f', 'json', '-q', '--fail-on', 'affected']);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+|input error/);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.images).toHaveLength(1);
    return { code: r.code, image: report.images[0]! };
  }

  it('`iocs lint iocs/` says ok for the feed, and `iocs list` shows both incidents', async () => {
    const lint = await runCli(['iocs', 'lint', 'iocs/']);
    expect(lint.code, lint.stderr).toBe(0);
    expect(lint.stdout).toMatch(/^ok\s+iocs\/teampcp-2026-03\.yaml: 2 incident\(s\)/m);
    const list = await runCli(['iocs', 'list']);
    expect(list.stdout).toMatch(/^teampcp-trivy-2026-03 /m);
    expect(list.stdout).toMatch(/^teampcp-litellm-2026-03 /m);
    // The file and image indicators are listed beside the packages, not only in -f json.
    expect(list.stdout).toMatch(/^ {2}path {6}\/\*\*\/site-packages\/litellm_init\.pth$/m);
    expect(list.stdout.match(/^ {2}image {5}docker\.io\/aquasec\/trivy:0\.69\.[456]$/gm)?.length).toBe(3);
  });

  const hits = (img: Image) => img.matches.map((m) => `${m.incident} ${m.matchKind} ${m.name}${m.version ? `@${m.version}` : ''}`).sort();

  it.skipIf(!HAVE_GO)('a trivy executable whose build information says github.com/aquasecurity/trivy v0.69.4 is affected; v0.69.3 is clean', async () => {
    const bad = await scan('trivy-bad', 'ci-tools:1', [{ path: 'usr/local/bin/trivy', content: await trivyBinary('v0.69.4'), mode: 0o755 }]);
    expect(bad.image.verdict, bad.image.reasons.join('\n')).toBe('affected');
    expect(hits(bad.image)).toEqual(['teampcp-trivy-2026-03 package-version github.com/aquasecurity/trivy@v0.69.4']);
    expect(bad.image.matches[0]!.paths).toEqual(['/usr/local/bin/trivy']);
    expect(bad.code).toBe(1);
    const good = await scan('trivy-good', 'ci-tools:2', [{ path: 'usr/local/bin/trivy', content: await trivyBinary('v0.69.3'), mode: 0o755 }]);
    expect(good.image.verdict, good.image.reasons.join('\n')).toBe('clean');
    expect(good.image.matches).toEqual([]);
    expect(good.code).toBe(0);
  }, 180_000);

  it('litellm 1.82.8 is affected and 1.82.6 clean; litellm_init.pth beside a clean litellm is affected by the file', async () => {
    const bad = await scan('litellm-bad', 'llm-gw:1', [pythonDistInfo('litellm', '1.82.8', SITE)]);
    expect(bad.image.verdict, bad.image.reasons.join('\n')).toBe('affected');
    expect(hits(bad.image)).toEqual(['teampcp-litellm-2026-03 package-version litellm@1.82.8']);

    const good = await scan('litellm-good', 'llm-gw:2', [pythonDistInfo('litellm', '1.82.6', SITE)]);
    expect(good.image.verdict, good.image.reasons.join('\n')).toBe('clean');
    expect(good.code).toBe(0);

    // Downgraded to 1.82.6, the dropper stays: the package is clean, the file is not.
    const dropped = await scan('litellm-pth', 'llm-gw:3', [pythonDistInfo('litellm', '1.82.6', SITE), { path: `${SITE}/litellm_init.pth`, content: 'import os\n' }]);
    expect(dropped.image.verdict, dropped.image.reasons.join('\n')).toBe('affected');
    expect(hits(dropped.image)).toEqual([`teampcp-litellm-2026-03 file-path /${SITE}/litellm_init.pth`]);
    expect(dropped.image.matches[0]!.layer).toMatch(/^sha256:[0-9a-f]{64}$/);
    // A file of that name outside site-packages is not the indicator.
    const elsewhere = await scan('litellm-elsewhere', 'llm-gw:4', [pythonDistInfo('litellm', '1.82.6', SITE), { path: 'srv/notes/litellm_init.pth', content: 'x\n' }]);
    expect(elsewhere.image.verdict, elsewhere.image.reasons.join('\n')).toBe('clean');
  }, 120_000);

  it('an image named aquasec/trivy:0.69.5 is affected by its tag; aquasec/trivy:0.69.3 is not', async () => {
    const tool: FileSpec[] = [{ path: 'etc/motd', content: 'scanner\n' }];
    const bad = await scan('hub-bad', 'aquasec/trivy:0.69.5', tool);
    expect(bad.image.verdict, bad.image.reasons.join('\n')).toBe('affected');
    // Named as docker names it (docker.io assumed), compared with the indicator's normalised ref.
    expect(hits(bad.image)).toEqual(['teampcp-trivy-2026-03 image-name aquasec/trivy:0.69.5']);
    expect(bad.image.matches[0]!.iocVersion).toBe('docker.io/aquasec/trivy:0.69.5');
    const good = await scan('hub-good', 'docker.io/aquasec/trivy:0.69.3', tool);
    expect(good.image.verdict, good.image.reasons.join('\n')).toBe('clean');
  }, 120_000);

  it('`check dir:` of a checkout holding only a lockfile is checked for the .pth indicator (clean, exit 0); with a venv holding it, affected', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-teampcp-dir-'));
    try {
      await writeFile(join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'app', version: '1.0.0' }, 'node_modules/ms': { version: '2.1.3' } } }));
      const clean = await runCli(['check', `dir:${dir}`, '--no-cache', '-f', 'json', '-q', '--fail-on', 'affected']);
      expect(clean.code, clean.stderr).toBe(0);
      expect((JSON.parse(clean.stdout) as Report).images[0]!.verdict).toBe('clean');
      await mkdir(join(dir, '.venv/lib/python3.12/site-packages'), { recursive: true });
      await writeFile(join(dir, '.venv/lib/python3.12/site-packages/litellm_init.pth'), 'import os\n');
      const bad = await runCli(['check', `dir:${dir}`, '--no-cache', '-f', 'json', '-q', '--fail-on', 'affected']);
      expect(bad.code).toBe(1);
      expect(hits((JSON.parse(bad.stdout) as Report).images[0]!)).toEqual(['teampcp-litellm-2026-03 file-path /.venv/lib/python3.12/site-packages/litellm_init.pth']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
