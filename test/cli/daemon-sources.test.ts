// docker: and podman: through Debian's real podman (vfs storage in a temporary folder, as root or rootless): the
// image is saved to a temporary tarball, read like docker-archive:, and the tarball is gone when the scan ends.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { buildDockerArchive, npmPackageFiles, type PlatformSpec } from '../helpers/image-builder.js';

const podmanAvailable = spawnSync('podman', ['--version']).error === undefined;
const image = (axios: string): PlatformSpec => ({ layers: [{ files: [{ path: 'etc/os-release', content: 'ID=debian\n' }, ...npmPackageFiles('app/node_modules', 'axios', axios)] }] });

// CI installs podman (scripts/setup.sh): there a missing podman fails, it is never a silent pass.
if (!podmanAvailable && !process.env.CI) console.warn('skipping test/cli/daemon-sources.test.ts: podman is not installed (apt-get install podman)');

describe.skipIf(!podmanAvailable && !process.env.CI)('docker: and podman: with a real podman', () => {
  let root: string;
  let env: Record<string, string>;
  const temp = () => readdirSync(env.TMPDIR!).filter((n) => n.startsWith('sbom-hunt-'));

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'cli-daemon-'));
    mkdirSync(path.join(root, 'tmp'));
    mkdirSync(path.join(root, 'bin'));
    writeFileSync(path.join(root, 'storage.conf'), `[storage]\ndriver = "vfs"\ngraphroot = "${root}/graph"\nrunroot = "${root}/run"\n`);
    // podman names a loaded image with no registry localhost/...; docker's CLI and podman's take the same `save -o FILE -- REF`: podman stands in for a docker daemon here.
    const podman = execFileSync('sh', ['-c', 'command -v podman']).toString().trim();
    symlinkSync(podman, path.join(root, 'bin', 'docker'));
    env = { CONTAINERS_STORAGE_CONF: path.join(root, 'storage.conf'), TMPDIR: path.join(root, 'tmp'), PATH: `${path.join(root, 'bin')}:${process.env.PATH}` };
    await buildDockerArchive(path.join(root, 'save.tar'), [{ ...image('1.14.1'), repoTags: ['shop/app:bad'] }, { ...image('1.14.0'), repoTags: ['shop/app:good'] }]);
    execFileSync('podman', ['load', '-q', '-i', path.join(root, 'save.tar')], { env: { ...process.env, ...env } });
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function scan(...args: string[]) {
    const r = await runCli(['scan', ...args, '-f', 'json', '-q', '--no-push-times', '--no-cache'], { env });
    const images = r.stdout ? (JSON.parse(r.stdout) as { images: { ref: string; verdict: string; reasons?: string[] }[] }).images : [];
    return { code: r.code, stderr: r.stderr, images };
  }

  it.each(['podman', 'docker'])('%s:REF reads the image the engine holds, and leaves no temporary archive', async (engine) => {
    const r = await scan(`${engine}:shop/app:bad`, `${engine}:shop/app:good`);
    expect(r.stderr).toBe('');
    expect(r.images.map((i) => `${i.verdict} ${i.ref}`).sort()).toEqual(['affected localhost/shop/app:bad', 'clean localhost/shop/app:good']);
    expect(r.code).toBe(1);
    expect(temp()).toEqual([]);
  });

  it('an image the engine does not have is unknown, with the engine\'s own words, never clean', async () => {
    const r = await scan('podman:shop/nowhere:1');
    expect(r.code).toBe(4);
    expect(r.images).toHaveLength(1);
    expect(r.images[0]!.verdict).toBe('unknown');
    expect(JSON.stringify(r.images[0])).toMatch(/podman save .*shop\/nowhere:1.*image not known/);
    expect(temp()).toEqual([]);
  });

  it('a ref that looks like a flag is passed after --, never read as one', async () => {
    const r = await scan('podman:--help');
    expect(r.images[0]?.verdict).toBe('unknown');
    expect(temp()).toEqual([]);
  });
});
