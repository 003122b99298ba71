// End to end through the built CLI: OCI layouts and docker archives made by the image builder, read natively.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDockerArchive, buildImageLayout, npmPackageFiles, type FileSpec, type LayerSpec } from '../helpers/image-builder.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import type { Report } from '../../src/model/report.js';

type Image = Report['images'][number];

const NATIVE = ['--sbom-sources', 'native', '-f', 'json', '-q'];

/** An app with axios 1.14.1 nested under a scoped package, and plain-crypto-js 4.2.1 hoisted. */
function compromisedApp(): FileSpec[] {
  return [
    ...npmPackageFiles('app/node_modules', 'express', '4.21.2'),
    ...npmPackageFiles('app/node_modules/@acme/http/node_modules', 'axios', '1.14.1'),
    ...npmPackageFiles('app/node_modules', '@acme/http', '2.0.0'),
    ...npmPackageFiles('app/node_modules', 'plain-crypto-js', '4.2.1'),
  ];
}

const base: LayerSpec = { files: npmPackageFiles('app/node_modules', 'lodash', '4.17.21') };

function parse(run: CliRun): Report {
  expect(run.stderr).not.toMatch(/at .*\.js:\d+/); // no stack traces
  return JSON.parse(run.stdout) as Report;
}

function byRef(report: Report, part: string): Image {
  const found = report.images.filter((i) => i.ref.includes(part));
  expect(found.map((i) => i.ref), `one image named like ${part}`).toHaveLength(1);
  return found[0]!;
}

function matchNames(img: { matches: { name: string; version: string }[] }): string[] {
  return img.matches.map((m) => `${m.name}@${m.version}`).sort();
}

describe('images read natively, end to end', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-e2e-images-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('oci-dir: nested and scoped node_modules with axios 1.14.1 and plain-crypto-js 4.2.1 is affected, with paths', async () => {
    const layout = await buildImageLayout(join(dir, 'affected'), { ref: 'shop/api:1.0', platforms: [{ layers: [base, { files: compromisedApp() }] }] });
    const run = await runCli(['scan', `oci-dir:${layout.dir}`, ...NATIVE]);
    expect(run.code).toBe(1);
    const img = byRef(parse(run), 'shop/api');
    expect(img.verdict).toBe('affected');
    expect(img.digest).toBe(layout.indexDigest);
    expect(img.source?.kind).toBe('native');
    expect(matchNames(img)).toEqual(['axios@1.14.1', 'plain-crypto-js@4.2.1']);
    const axios = img.matches.find((m) => m.name === 'axios')!;
    expect(axios.paths.join(' ')).toContain('app/node_modules/@acme/http/node_modules/axios/package.json');
    expect(axios.inFinalFilesystem).toBe(true);
    expect(img.matches.find((m) => m.name === 'plain-crypto-js')!.paths.join(' ')).toContain('app/node_modules/plain-crypto-js/package.json');
  });

  it('docker-archive: the same app in a docker save tarball is affected, with paths', async () => {
    const file = join(dir, 'affected.tar');
    await buildDockerArchive(file, [{ repoTags: ['shop/api:1.0'], layers: [base, { files: compromisedApp() }] }]);
    const run = await runCli(['scan', `docker-archive:${file}`, ...NATIVE]);
    expect(run.code).toBe(1);
    const report = parse(run);
    expect(report.images).toHaveLength(1);
    const img = report.images[0]!;
    expect(img.verdict).toBe('affected');
    expect(img.source?.kind).toBe('native');
    expect(matchNames(img)).toEqual(['axios@1.14.1', 'plain-crypto-js@4.2.1']);
    expect(img.matches.find((m) => m.name === 'axios')!.paths.join(' ')).toContain('@acme/http/node_modules/axios');
  });

  it('a package installed in one layer and whited out in a later one makes the image suspect, saying it was deleted', async () => {
    const layers: LayerSpec[] = [
      base,
      { files: npmPackageFiles('app/node_modules', 'plain-crypto-js', '4.2.1') },
      { files: [{ path: 'app/node_modules/plain-crypto-js', whiteout: true, content: '' }] },
    ];
    const layout = await buildImageLayout(join(dir, 'whiteout'), { ref: 'shop/whiteout:1', platforms: [{ layers }] });
    const run = await runCli(['scan', `oci-dir:${layout.dir}`, ...NATIVE, '--fail-on', 'suspect']);
    expect(run.code).toBe(1);
    const img = byRef(parse(run), 'shop/whiteout');
    expect(img.verdict).toBe('suspect');
    expect(img.matches.map((m) => [m.name, m.inFinalFilesystem])).toEqual([['plain-crypto-js', false]]);
    expect(img.reasons.join('\n')).toMatch(/delet|removed|whiteout/i);
  });

  it('built inside the window with no IOC is suspect; built at the epoch is clean with the timestamp marked unreliable', async () => {
    const layout = await buildImageLayout(join(dir, 'times'), [
      { ref: 'shop/window:1', platforms: [{ created: '2026-03-31T01:00:00Z', layers: [base] }] },
      { ref: 'shop/epoch:1', platforms: [{ created: '1970-01-01T00:00:00Z', layers: [base] }] },
    ]);
    const run = await runCli(['scan', `oci-dir:${layout.dir}`, ...NATIVE]);
    expect(run.code).toBe(0);
    const report = parse(run);
    const inWindow = byRef(report, 'shop/window');
    expect(inWindow.verdict).toBe('suspect');
    expect(inWindow.matches).toEqual([]);
    expect(inWindow.windows.map((w) => w.outcome)).toContain('inside');
    expect(inWindow.reasons.join('\n')).toMatch(/window/i);
    const epoch = byRef(report, 'shop/epoch');
    expect(epoch.verdict).toBe('clean');
    expect(epoch.created?.reliable).toBe(false);
    expect(epoch.windows.map((w) => w.outcome)).toEqual(epoch.windows.map(() => 'unreliable'));
    expect(epoch.windows.length).toBeGreaterThan(0);
  });

  it('a corrupt layer is unknown with a reason, and the other images of the same scan are still judged', async () => {
    const layout = await buildImageLayout(join(dir, 'corrupt'), [
      // Benign content: an IOC read from tampered bytes is still reported (worst wins), which is another case.
      { ref: 'shop/corrupt:1', platforms: [{ layers: [base, { files: npmPackageFiles('app/node_modules', 'express', '4.21.2'), corrupt: true }] }] },
      { ref: 'shop/fine:1', platforms: [{ layers: [base] }] },
    ]);
    const archive = join(dir, 'good.tar');
    await buildDockerArchive(archive, [{ repoTags: ['shop/archived:1'], layers: [base, { files: compromisedApp() }] }]);
    const run = await runCli(['scan', `oci-dir:${layout.dir}`, `docker-archive:${archive}`, ...NATIVE, '--fail-on', 'affected']);
    const report = parse(run);
    const corrupt = byRef(report, 'shop/corrupt');
    expect(corrupt.verdict).toBe('unknown');
    expect(corrupt.reasons.join('\n')).toMatch(/digest mismatch/i);
    expect(corrupt.matches).toEqual([]);
    expect(byRef(report, 'shop/fine').verdict).toBe('clean');
    expect(report.images.filter((i) => i.verdict === 'affected')).toHaveLength(1);
    expect(report.summary).toMatchObject({ images: 3, affected: 1, unknown: 1, clean: 1 });
    expect(run.code).toBe(1); // one affected image: the verdicts decide, not the corrupt one
    const onlyCorrupt = await runCli(['scan', `oci-dir:${layout.dir}`, ...NATIVE, '--fail-on', 'affected']);
    expect(onlyCorrupt.code).toBe(4); // nothing affected, but one image unread: incomplete, never a green
    expect(parse(onlyCorrupt).summary).toMatchObject({ unknown: 1, clean: 1, complete: false });
  });
});

describe('multi-platform images and lookalikes, end to end', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-e2e-platforms-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('an index where only arm64 is affected: the image is affected and each platform has its own verdict; attestations do not make it unknown', async () => {
    const layout = await buildImageLayout(join(dir, 'multi'), {
      ref: 'shop/multi:2',
      attestations: true,
      platforms: [
        { architecture: 'amd64', layers: [base] },
        { architecture: 'arm64', variant: 'v8', layers: [base, { files: compromisedApp() }] },
      ],
    });
    const run = await runCli(['scan', `oci-dir:${layout.dir}`, ...NATIVE]);
    expect(run.code).toBe(1);
    const img = byRef(parse(run), 'shop/multi');
    expect(img.verdict).toBe('affected');
    expect(img.digest).toBe(layout.indexDigest);
    const platforms = Object.fromEntries(img.platforms.map((p) => [p.platform, p.verdict]));
    expect(platforms).toEqual({ 'linux/amd64': 'clean', 'linux/arm64/v8': 'affected' });
    const arm = img.platforms.find((p) => p.platform === 'linux/arm64/v8')!;
    expect(arm.digest).toBe(layout.images[0]!.platforms[1]!.digest);
    expect(matchNames(arm)).toEqual(['axios@1.14.1', 'plain-crypto-js@4.2.1']);
    // The attestations are named as entries not read, never as unknown platforms.
    expect(img.platforms.map((p) => p.platform)).not.toContain('unknown/unknown');
    expect(img.reasons.filter((r) => /unknown\/unknown/.test(r)).every((r) => / not read: attestation manifest \(only in-toto layers\)$/.test(r))).toBe(true);
  });

  it('lookalikes (axios-mock-adapter 1.14.1, @types/axios 0.30.4, crypto-js 4.2.1) are clean', async () => {
    const files = [
      ...npmPackageFiles('app/node_modules', 'axios-mock-adapter', '1.14.1'),
      ...npmPackageFiles('app/node_modules', '@types/axios', '0.30.4'),
      ...npmPackageFiles('app/node_modules', 'crypto-js', '4.2.1'),
      ...npmPackageFiles('app/node_modules', 'axios', '1.7.9'),
    ];
    const layout = await buildImageLayout(join(dir, 'lookalikes'), { ref: 'shop/lookalikes:1', platforms: [{ layers: [{ files }] }] });
    const archive = join(dir, 'lookalikes.tar');
    await buildDockerArchive(archive, [{ repoTags: ['shop/lookalikes-archive:1'], layers: [{ files }] }], 'oci');
    const run = await runCli(['scan', `oci-dir:${layout.dir}`, `docker-archive:${archive}`, ...NATIVE, '--fail-on', 'unknown']);
    const report = parse(run);
    expect(report.images).toHaveLength(2);
    for (const img of report.images) {
      expect(img.verdict, img.ref).toBe('clean');
      expect(img.matches).toEqual([]);
      expect(img.packageCount).toBeGreaterThanOrEqual(4);
      expect(img.source?.kind).toBe('native');
    }
    expect(run.code).toBe(0);
  });
});
