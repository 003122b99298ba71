// What the real-tool image builds share (test/helpers/buildah-build.ts for npm, buildah-debs.ts for dpkg): a tiny
// base layer (dash and the C libraries from this machine), and a run of Containerfiles through Debian's buildah
// (chroot isolation, vfs storage), after each step the package manager's own report taken from a working container
// of its image (buildah run) or from its root filesystem as Debian's umoci unpacks it (rootless, so no mount
// privilege is needed), the last step pushed to an OCI layout. The tools that do the installing are bind-mounted
// into the RUN steps, never part of a layer.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LIBS = ['libdl.so.2', 'libstdc++.so.6', 'libm.so.6', 'libgcc_s.so.1', 'libpthread.so.0', 'libc.so.6'];

/** Writes `<ctx>/base.tar`: /bin/sh (dash), the loader and the libraries node links against, `dirs` empty. */
export function writeBaseTar(work: string, ctx: string, dirs: string[] = [], files: Record<string, string> = {}): void {
  const base = join(work, 'base');
  for (const d of ['bin', 'lib/x86_64-linux-gnu', 'lib64', 'etc', 'tmp', 'root', ...dirs]) mkdirSync(join(base, d), { recursive: true });
  copyFileSync('/bin/dash', join(base, 'bin', 'sh'));
  for (const l of LIBS) copyFileSync(join('/lib/x86_64-linux-gnu', l), join(base, 'lib/x86_64-linux-gnu', l));
  copyFileSync('/lib64/ld-linux-x86-64.so.2', join(base, 'lib64', 'ld-linux-x86-64.so.2'));
  writeFileSync(join(base, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\n');
  writeFileSync(join(base, 'etc', 'group'), 'root:x:0:\n');
  for (const [path, text] of Object.entries(files)) writeFileSync(join(base, path), text);
  mkdirSync(ctx, { recursive: true });
  execFileSync('tar', ['-C', base, '--owner=0', '--group=0', '-cf', join(ctx, 'base.tar'), '.']);
  rmSync(base, { recursive: true, force: true });
}

export interface Steps {
  work: string;
  ctx: string;
  /** Image name: step i is tagged `<name>:<i>` (a later step starts `FROM localhost/<name>:<i-1>`). */
  name: string;
  steps: string[];
  /** `host:container[:ro]` bind mounts for every RUN (buildah bud -v). */
  volumes?: string[];
  /** After each step, with a working container of its image (for `buildah run`). */
  inContainer?: (step: number, buildah: (args: string[]) => string, container: string) => void;
  /**
   * After each step, with its image's root filesystem unpacked on the host (only then is it unpacked); every step's
   * image then stays in the OCI layout `<work>/steps`, ref `<step>`.
   */
  onRootfs?: (step: number, rootfs: string) => void;
  /** Keep every step's image in the OCI layout `<work>/steps` (ref `<step>`) without unpacking it. */
  keepSteps?: boolean;
}

/** Builds the steps in their own storage, then pushes the last to `<work>/layout` as `<name>` and drops the storage. */
export function buildahSteps(s: Steps): string {
  const storage = ['--storage-driver', 'vfs', '--root', join(s.work, 'store'), '--runroot', join(s.work, 'run')];
  const buildah = (args: string[]) => execFileSync('buildah', [...storage, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 ** 2, stdio: ['ignore', 'pipe', 'pipe'] });
  const volumes = (s.volumes ?? []).flatMap((v) => ['-v', v]);
  for (const [i, step] of s.steps.entries()) {
    const file = join(s.ctx, `Containerfile.${i + 1}`);
    writeFileSync(file, step);
    buildah(['bud', '--isolation', 'chroot', '-q', ...volumes, '-f', file, '-t', `${s.name}:${i + 1}`, s.ctx]);
    if (s.onRootfs || s.keepSteps) buildah(['push', '-q', `${s.name}:${i + 1}`, `oci:${join(s.work, 'steps')}:${i + 1}`]);
    if (s.onRootfs) {
      const rootfs = join(s.work, `rootfs-${i + 1}`);
      umociUnpack(join(s.work, 'steps'), String(i + 1), rootfs);
      try {
        s.onRootfs(i + 1, rootfs);
      } finally {
        rmSync(rootfs, { recursive: true, force: true });
      }
    }
    if (s.inContainer) {
      const container = buildah(['from', '-q', `${s.name}:${i + 1}`]).trim();
      try {
        s.inContainer(i + 1, buildah, container);
      } finally {
        buildah(['rm', container]);
      }
    }
  }
  const layout = join(s.work, 'layout');
  buildah(['push', '-q', '-D', `${s.name}:${s.steps.length}`, `oci:${layout}:${s.name}`]);
  rmSync(join(s.work, 'store'), { recursive: true, force: true });
  rmSync(join(s.work, 'run'), { recursive: true, force: true });
  return layout;
}

/** An image's root filesystem as Debian's umoci unpacks it from a layout (the reference unpacker). */
export function umociUnpack(layout: string, ref: string, rootfs: string): void {
  execFileSync('umoci', ['raw', 'unpack', '--rootless', '--image', `${layout}:${ref}`, rootfs], { stdio: ['ignore', 'ignore', 'pipe'] });
}
