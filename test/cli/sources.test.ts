// Sources as syft names them, through the built CLI: every scheme, a bare path read by what it holds (the same report
// as its explicit scheme), PATH:TAG picks, typos refused with a did-you-mean, host:port/repo still an image.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, repoRoot } from '../helpers/cli.js';
import { pushOciLayout } from '../helpers/push.js';
import { registryAvailable, startRegistry } from '../helpers/registry.js';
import { buildDockerArchive, buildImageLayout, npmPackageFiles, type PlatformSpec } from '../helpers/image-builder.js';

let root: string;
const at = (...p: string[]) => path.join(root, ...p);
const image = (axios: string): PlatformSpec => ({ layers: [{ files: [{ path: 'etc/os-release', content: 'ID=debian\n' }, ...npmPackageFiles('app/node_modules', 'axios', axios)] }] });

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'cli-sources-'));
  await buildImageLayout(at('layout'), [
    { ref: 'docker.io/library/app:bad', platforms: [image('1.14.1')] },
    { ref: '3.19', platforms: [image('1.14.0')] },
  ]);
  // A folder whose own name has a colon: the whole spec names it, no tag is split off.
  cpSync(at('layout'), at('odd:name'), { recursive: true });
  await buildDockerArchive(at('save.tar'), [{ ...image('1.14.1'), repoTags: ['app:bad'] }, { ...image('1.14.0'), repoTags: ['app:good'] }]);
  // An OCI layout tarball (skopeo copy oci-archive:, buildx --output type=oci), written by GNU tar.
  execFileSync('tar', ['-C', at('layout'), '-cf', at('layout.tar'), 'oci-layout', 'index.json', 'blobs']);
  mkdirSync(at('sboms'));
  cpSync(path.join(repoRoot, 'fixtures/fleet'), at('sboms'), { recursive: true });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Seen {
  code: number;
  images: string[];
  stderr: string;
}

async function scan(...args: string[]): Promise<Seen> {
  // The axios feed alone: the SBOMs list no files, and the bundled litellm_init.pth indicator would add an incomplete line.
  const r = await runCli(['scan', ...args, '-f', 'json', '-q', '--no-push-times', '--no-cache', '--ioc', path.join(repoRoot, 'iocs/axios-2026-03.yaml')], { cwd: root });
  const report = r.stdout ? (JSON.parse(r.stdout) as { images: { ref: string; verdict: string }[] }) : { images: [] };
  return { code: r.code, images: report.images.map((i) => `${i.verdict} ${i.ref}`).sort(), stderr: r.stderr };
}

describe('a bare path is read by what it holds, with the same report as its scheme', () => {
  it.each([
    ['an OCI layout folder', 'layout', 'oci-dir'],
    ['a docker save tarball', 'save.tar', 'docker-archive'],
    ['an OCI layout tarball', 'layout.tar', 'oci-archive'],
    ['an SBOM file', 'sboms/worker.syft.json', 'sbom'],
    ['a folder of SBOMs', 'sboms', 'sbom'],
    ['a source tree', path.join(repoRoot, 'fixtures/lockfiles/npm-v3'), 'dir'],
  ])('%s', async (_what, p, scheme) => {
    const bare = await scan(p);
    const explicit = await scan(`${scheme}:${p}`);
    expect(bare.stderr).toBe('');
    expect(bare.images.length).toBeGreaterThan(0);
    expect(bare.images.some((i) => i.startsWith('affected '))).toBe(true);
    expect(bare).toEqual(explicit);
    expect(await scan(`file:${p}`)).toMatchObject(scheme === 'dir' || scheme === 'oci-dir' || p === 'sboms' ? { code: 2 } : { images: explicit.images });
  });
});

describe('PATH:NAME picks one image of a layout or an archive', () => {
  it('oci-dir:PATH:TAG by the ref.name annotation, as a tag or a full name', async () => {
    expect((await scan('oci-dir:layout:3.19')).images).toEqual(['clean layout:3.19']);
    expect((await scan('oci-dir:layout:bad')).images).toEqual(['affected docker.io/library/app:bad']);
    expect((await scan('oci-dir:layout:app:bad')).images).toEqual(['affected docker.io/library/app:bad']);
    expect((await scan('oci-dir:layout')).images).toHaveLength(2);
    expect((await scan('oci-dir:odd:name')).images).toHaveLength(2);
    expect((await scan('oci-dir:odd:name:3.19')).images).toEqual(['clean odd:name:3.19']);
  });

  it('docker-archive:FILE:NAME and oci-archive:FILE:TAG', async () => {
    expect((await scan('docker-archive:save.tar:app:good')).images).toEqual(['clean app:good']);
    expect((await scan('docker-archive:save.tar:bad')).images).toEqual(['affected app:bad']);
    expect((await scan('oci-archive:layout.tar:3.19')).images).toEqual(['clean layout.tar#1']);
  });

  it('a name no image has is an input error listing the names there are', async () => {
    const r = await scan('oci-dir:layout:9.9');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no image named 9.9 (it has docker.io/library/app:bad, 3.19)');
    const a = await scan('oci-archive:save.tar');
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('not an OCI layout archive');
  });
});

describe('arguments that are not a source we know', () => {
  it.each([
    ['oci-archiv:app.tar', 'did you mean oci-archive:app.tar?'],
    ['dcoker:nginx', 'did you mean docker:nginx?'],
    ['kub:', 'did you mean kube:?'],
    ['oci:./layout', 'did you mean oci-dir:./layout?'],
    ['containers-storage:app', 'did you mean podman:app?'],
    ['sbon:./x/y', 'did you mean sbom:./x/y?'],
    ['tube:1', 'for the image, write it in full: docker.io/library/tube:1'],
    ['word:/abs/path', 'unknown source scheme "word:"'],
  ])('%s is refused before anything is read', async (arg, hint) => {
    const r = await runCli(['check', 'sbom:fixtures/fleet', arg, '-q']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`sbom-hunt: error: unknown source scheme`);
    expect(r.stderr).toContain(hint);
  });

  it.skipIf(!registryAvailable && !process.env.CI)('word:PORT/repo:tag is an image on that registry (a real loopback registry), not a scheme', async () => {
    const reg = await startRegistry();
    try {
      await pushOciLayout(reg.url, 'shop/app', at('layout'));
      const host = reg.host.replace('127.0.0.1', 'localhost');
      const r = await scan(`${host}/shop/app:bad`, `${host}/shop/app:3.19`, '--insecure-registry', host, '--sbom-sources', 'native');
      expect(r.stderr).toBe('');
      expect(r.images).toEqual([`affected ${host}/shop/app:bad`, `clean ${host}/shop/app:3.19`]);
    } finally {
      await reg.stop();
    }
  });

  it('a missing path is an input error, never a Docker Hub lookup', async () => {
    for (const arg of ['./payments-api.cdx.json', 'payments-api.cdx.json', '../nowhere', '/no/such/app.tar']) {
      const r = await runCli(['check', arg, '-q', '--no-push-times']);
      expect(r.code, arg).toBe(2);
      expect(r.stderr, arg).toContain(`${arg}: no such file or directory`);
      expect(r.stderr, arg).not.toMatch(/registry|docker\.io/);
    }
  });
});
