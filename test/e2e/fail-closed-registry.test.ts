// Fail closed against a real docker-registry: sources that cannot be listed, images that cannot be read, and
// unknown entries that still carry the digest their tag resolved to.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImageLayout, npmPackageFiles, type BuiltLayout, type LayerSpec } from '../helpers/image-builder.js';
import { pushOciLayout } from '../helpers/push.js';
import { registryAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { sarifUploadProblems } from '../helpers/github-sarif.js';
import type { Report } from '../../src/model/report.js';

if (!registryAvailable) console.warn(SKIP_MESSAGE);

const STACK = /\n\s+at .*:\d+:\d+|Unhandled 'error' event|internal error/;
const base: LayerSpec = { files: npmPackageFiles('app/node_modules', 'lodash', '4.17.21') };
const ioc: LayerSpec = { files: npmPackageFiles('app/node_modules', 'axios', '1.14.1') };

function json(run: CliRun): Report {
  expect(run.stderr).not.toMatch(STACK);
  return JSON.parse(run.stdout) as Report;
}

describe.skipIf(!registryAvailable)('fail closed against a real registry', () => {
  let reg: TestRegistry;
  let dir: string;
  let clean: BuiltLayout;
  let affected: BuiltLayout;

  beforeAll(async () => {
    reg = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-e2e-failclosed-'));
    clean = await buildImageLayout(join(dir, 'clean'), { ref: '1', platforms: [{ layers: [base] }] });
    await pushOciLayout(reg.url, 'shop/clean', clean.dir);
    affected = await buildImageLayout(join(dir, 'affected'), { ref: '1', platforms: [{ layers: [base, ioc] }] });
    await pushOciLayout(reg.url, 'shop/affected', affected.dir);
  });
  afterAll(async () => {
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const native = () => ['--insecure-registry', reg.host, '--sbom-sources', 'native', '--no-cache'];

  it('a complete registry sweep with nothing affected exits 0; with an affected image 1', async () => {
    expect((await runCli(['check', `${reg.host}/shop/clean:1`, ...native()])).code).toBe(0);
    expect((await runCli(['scan', `registry:${reg.host}`, ...native(), '-q'])).code).toBe(1);
  });

  it('a catalog that cannot be listed (DNS failure, TLS against a plain-HTTP registry) is an unknown source and exits 4, in scan and check', async () => {
    const cases = [
      { cmd: 'scan', arg: 'registry:no-such-registry.invalid', why: /no-such-registry\.invalid/ },
      // No --insecure-registry: TLS is spoken to a plain-HTTP port, and the handshake fails.
      { cmd: 'check', arg: `registry:${reg.host}`, why: new RegExp(reg.host.replace(/\./g, '\\.')) },
    ];
    for (const c of cases) {
      {
        const cmd = c.cmd;
        const run = await runCli([cmd, c.arg, '--sbom-sources', 'native', '--no-cache', '-f', 'json']);
        const report = json(run);
        expect(run.code, `${cmd} ${c.arg}: ${run.stderr}`).toBe(4);
        expect(report.images).toHaveLength(1);
        expect(report.images[0]).toMatchObject({ kind: 'source', ref: c.arg, verdict: 'unknown' });
        expect(report.images[0]!.reasons.join('\n')).toMatch(c.why);
        expect(report.summary.coverage).toEqual({ checked: 0, total: 1, percent: 0 });
        expect(run.stderr).toMatch(/incomplete/);
      }
    }
  });

  it('--sbom-sources syft with no syft installed: every image unknown, exit 4 (never a green gate)', async () => {
    const run = await runCli(['scan', `registry:${reg.host}`, '--insecure-registry', reg.host, '--sbom-sources', 'syft', '--no-cache', '-f', 'json'], {
      env: { PATH: '/nonexistent' },
    });
    const report = json(run);
    expect(run.code, run.stderr).toBe(4);
    expect(report.summary).toMatchObject({ images: 2, unknown: 2 });
    expect(report.images.every((i) => /syft/.test(i.reasons.join(' ')))).toBe(true);
  });

  it('an attestation-only scan that resolved the tag keeps the digest on the unknown entry, in every format', async () => {
    const args = ['scan', `${reg.host}/shop/clean:1`, '--insecure-registry', reg.host, '--sbom-sources', 'attestation', '--allow-unverified-attestations', '--no-cache'];
    const report = json(await runCli([...args, '-f', 'json']));
    expect(report.images[0]).toMatchObject({ verdict: 'unknown', digest: clean.indexDigest });
    const table = await runCli([...args, '-f', 'table']);
    expect(table.stdout).toContain(clean.indexDigest.slice(7, 19));
    expect((await runCli([...args, '-f', 'markdown'])).stdout).toContain(clean.indexDigest.slice(7, 19));
    const sarif = JSON.parse((await runCli([...args, '-f', 'sarif'])).stdout);
    expect(sarif.runs[0].invocations[0].toolExecutionNotifications[0].properties.digest).toBe(clean.indexDigest);
    expect((await runCli(['check', `${reg.host}/shop/clean:1`, ...args.slice(2)])).stdout).toContain(clean.indexDigest);
  });

  it('SARIF of a loopback registry (refs like 127.0.0.1:PORT/shop/x:1) and an unreachable source uploads to code scanning', async () => {
    const run = await runCli(['scan', `registry:${reg.host}`, 'registry:no-such-registry.invalid', ...native(), '-f', 'sarif']);
    expect(run.code, run.stderr).toBe(1);
    const log = JSON.parse(run.stdout);
    expect(await sarifUploadProblems(log)).toEqual([]);
    const results = log.runs[0].results as Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
    const uris = results.map((r) => `${r.ruleId} ${r.locations[0]!.physicalLocation.artifactLocation.uri}`);
    expect(uris).toContain(`axios-2026-03/affected ${reg.host.replace(':', '%3A')}/shop/affected:1`);
    expect(uris).toContain('sbom-hunt/unknown registry%3Ano-such-registry.invalid');
    expect(log.runs[0].invocations[0].executionSuccessful).toBe(false);
  });

  it('one malformed --images line: the good lines are read and judged, the bad one is named FILE:LINE, exit 2', async () => {
    const list = join(dir, 'images.txt');
    await writeFile(list, `${reg.host}/shop/clean:1\n${reg.host}/Shop/UPPER:1\n\n${reg.host}/shop/affected:1\n`);
    const run = await runCli(['scan', '--images', list, ...native(), '-f', 'json']);
    const report = json(run);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`input error: ${list}:2:`);
    const verdicts = Object.fromEntries(report.images.map((i) => [i.ref, i.verdict]));
    expect(verdicts).toEqual({ [`${reg.host}/shop/clean:1`]: 'clean', [`${reg.host}/shop/affected:1`]: 'affected', [`${list}:2`]: 'unknown' });
  });
});
