// Deadlines on every wait (issue 13 item 7), through the built CLI: a registry and a token endpoint that accept
// connections and never answer cost the bound once per host, not once per attempt per image; Ctrl-C keeps
// what was read. Bounds are generous (the fix takes seconds, the old behaviour minutes): never tight timings.
import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { startTokenService, type TokenService } from '../helpers/token-service.js';
import { startRecorder, type Recorder } from '../helpers/recorder.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import type { Report } from '../../src/model/report.js';

if (!registryAvailable) console.warn(SKIP_MESSAGE);

const IMAGES = 20;
const AFFECTED_SBOM = 'fixtures/fleet/payments-api.cdx.json';

describe('a host that accepts connections and never answers', () => {
  let hang: Recorder;
  let dir: string;
  let list: string;
  beforeAll(async () => {
    hang = await startRecorder('hang');
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-e2e-deadlines-'));
    list = join(dir, 'images.txt');
    await writeFile(list, Array.from({ length: IMAGES }, (_, i) => `${hang.host}/shop/app${i}:1`).join('\n'));
  });
  afterAll(async () => {
    await hang?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(`${IMAGES} images x --image-timeout 5 would be 100 s: the hung registry costs its bound once, the local SBOM is still read`, async () => {
    const started = Date.now();
    const run = await runCli(['scan', `sbom:${AFFECTED_SBOM}`, '--images', list, '--insecure-registry', hang.host, '--image-timeout', '5', '--sbom-sources', 'native', '--no-cache', '-f', 'json']);
    const seconds = (Date.now() - started) / 1000;
    console.log(`hung registry, ${IMAGES} images, --image-timeout 5: ${seconds.toFixed(1)} s, ${hang.calls.length} requests reached it`);
    expect(seconds).toBeLessThan(30);
    const report = JSON.parse(run.stdout) as Report;
    const remote = report.images.filter((i) => i.ref.startsWith(hang.host));
    expect(remote).toHaveLength(IMAGES);
    for (const img of remote) {
      expect(img.verdict).toBe('unknown');
      expect(img.reasons.join('\n')).toMatch(new RegExp(`${hang.host.replace(/\./g, '\\.')}.*(timed out|did not answer)`));
    }
    // Most images never reached the host: they were failed at once with the first one's reason.
    expect(remote.filter((i) => /not asked again/.test(i.reasons.join('\n'))).length).toBeGreaterThan(IMAGES / 2);
    expect(report.images.find((i) => i.ref === AFFECTED_SBOM)?.verdict).toBe('affected');
    expect(run.code).toBe(1);
  });

  it('Ctrl-C while the registry hangs (no --image-timeout): the report is written with the local SBOM as read, the rest unknown, exit 130', async () => {
    hang.calls.length = 0;
    const out = join(dir, 'interrupted.json');
    const child = execa(process.execPath, [join(repoRoot, 'bin/sbom-hunt.js'), 'scan', `sbom:${AFFECTED_SBOM}`, '--images', list, '--insecure-registry', hang.host, '--sbom-sources', 'native', '--no-cache', '-f', 'json', '-o', out], {
      cwd: repoRoot,
      env: { NO_COLOR: '', CI: 'true', XDG_CACHE_HOME: dir },
      reject: false,
      timeout: 60_000,
    });
    const waitStarted = Date.now();
    while (hang.calls.length === 0 && Date.now() - waitStarted < 20_000) await new Promise((r) => setTimeout(r, 50));
    expect(hang.calls.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1500));
    const interruptedAt = Date.now();
    child.kill('SIGINT');
    const res = await child;
    const seconds = (Date.now() - interruptedAt) / 1000;
    console.log(`Ctrl-C to exit: ${seconds.toFixed(1)} s`);
    expect(res.exitCode, String(res.stderr)).toBe(130);
    expect(seconds).toBeLessThan(15);
    const report = JSON.parse(await readFile(out, 'utf8')) as Report;
    expect(report.images.find((i) => i.ref === AFFECTED_SBOM)?.verdict).toBe('affected');
    const remote = report.images.filter((i) => i.ref.startsWith(hang.host));
    expect(remote).toHaveLength(IMAGES);
    expect(remote.every((i) => i.verdict === 'unknown')).toBe(true);
  });

  it('a registry: catalog on the hung host is an unknown source within the bound', async () => {
    const started = Date.now();
    const run = await runCli(['scan', `registry:${hang.host}`, '--insecure-registry', hang.host, '--image-timeout', '5', '--no-cache', '-f', 'json']);
    const seconds = (Date.now() - started) / 1000;
    console.log(`hung catalog: ${seconds.toFixed(1)} s`);
    expect(seconds).toBeLessThan(20);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.images.map((i) => [i.kind, i.verdict])).toEqual([['source', 'unknown']]);
    expect(report.images[0]!.reasons.join('\n')).toMatch(/cannot list the catalog.*timed out/);
    expect(run.code).toBe(4);
  });
});

describe.skipIf(!registryAvailable)('a token endpoint that never answers, in front of a real docker-registry', () => {
  let hang: Recorder;
  let tokens: TokenService;
  let reg: TestRegistry;
  let dir: string;
  beforeAll(async () => {
    hang = await startRecorder('hang');
    tokens = await startTokenService({ users: {} });
    // The registry's challenges send clients to a realm that accepts and never answers.
    reg = await startRegistry({ token: { ...tokens, realm: `${hang.url}/token` } });
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-e2e-token-hang-'));
  });
  afterAll(async () => {
    await reg?.stop();
    await tokens?.stop();
    await hang?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(`${IMAGES} images: the hung token host costs its bound once, every image unknown naming it`, async () => {
    const list = join(dir, 'images.txt');
    await writeFile(list, Array.from({ length: IMAGES }, (_, i) => `${reg.host}/shop/app${i}:1`).join('\n'));
    const started = Date.now();
    const run = await runCli(['scan', '--images', list, '--insecure-registry', reg.host, '--insecure-registry', hang.host, '--image-timeout', '5', '--sbom-sources', 'native', '--no-cache', '-f', 'json']);
    const seconds = (Date.now() - started) / 1000;
    console.log(`hung token endpoint, ${IMAGES} images, --image-timeout 5: ${seconds.toFixed(1)} s, ${hang.calls.length} token requests`);
    expect(seconds).toBeLessThan(30);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.images).toHaveLength(IMAGES);
    for (const img of report.images) {
      expect(img.verdict).toBe('unknown');
      expect(img.reasons.join('\n')).toMatch(new RegExp(hang.host.replace(/\./g, '\\.')));
    }
    expect(hang.calls.length).toBeLessThanOrEqual(8);
    expect(run.code).toBe(4);
  });
});
