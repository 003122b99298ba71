// An image built by real tools with a pnpm install inside: Debian's buildah runs the real pnpm (the version
// scripts/setup.sh pins; its native binary, and this machine's /usr for the libraries it links against, are
// bind-mounted read-only, never part of a layer; its store is on a tmpfs mount) in three RUN steps: an install of
// tarballs the real `npm pack` made and a `link:` folder (no registry, no network), a removal, and an upgrade.
// pnpm lays packages out in its virtual store (node_modules/.pnpm/<id>/node_modules/<name>) and symlinks them
// into node_modules. After each step `pnpm ls --depth Infinity --json` runs inside the image (buildah run), which
// is what pnpm itself says is installed, and the store's package folders are listed from the step's root
// filesystem as umoci unpacks it. Built once per key, cached.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePackage } from './buildah-build.js';
import { buildahSteps, writeBaseTar } from './buildah-steps.js';
import { cachedBuild, pinnedVersions, setupTool } from './real-tools.js';

const PNPM_VERSION = pinnedVersions('PNPM_VERSION')[0]!;
/** The pnpm folder scripts/setup.sh fills (its native binary under node_modules/@pnpm/exe.linux-x64), or undefined. */
export const PNPM_DIR = setupTool('pnpm', PNPM_VERSION, 'node_modules/@pnpm/exe.linux-x64/pnpm')?.replace(/\/node_modules\/@pnpm\/exe\.linux-x64\/pnpm$/, '');

const PACKAGES: [string, string][] = [
  ['axios', '1.14.1'],
  ['axios', '1.14.0'],
  ['lodash', '4.17.21'],
  ['left-pad', '1.3.0'],
  ['@acme/http', '2.0.0'],
  ['left-pad', '1.1.0'],
];

const tarball = (name: string, version: string) => `file:/src/pkgs/${name.replace('@', '').replace('/', '-')}-${version}.tgz`;

const APP = {
  name: 'shop',
  version: '1.0.0',
  private: true,
  dependencies: {
    axios: tarball('axios', '1.14.1'),
    lodash: tarball('lodash', '4.17.21'),
    'left-pad': tarball('left-pad', '1.3.0'),
    '@acme/http': tarball('@acme/http', '2.0.0'),
    wrapper: tarball('wrapper', '1.0.0'),
    // An alias: axios's tarball under another folder name.
    'totally-safe': tarball('axios', '1.14.1'),
    // A folder pnpm symlinks (node_modules/mylib -> /src/libs/mylib).
    mylib: 'link:/src/libs/mylib',
  },
};

const PNPM = '/opt/pnpm/node_modules/@pnpm/exe.linux-x64/pnpm';
const RUN = `RUN --mount=type=tmpfs,target=/pnpm-store ${PNPM}`;
const STEPS = [
  `FROM scratch
ADD base.tar /
ENV PATH=/bin LD_LIBRARY_PATH=/host/usr/lib/x86_64-linux-gnu HOME=/root npm_config_store_dir=/pnpm-store npm_config_registry=http://127.0.0.1:9/ npm_config_update_notifier=false CI=true
COPY pkgs /src/pkgs
COPY libs /src/libs
COPY app /app
WORKDIR /app
${RUN} install --offline`,
  `FROM localhost/pnpmshop:1
${RUN} remove lodash`,
  `FROM localhost/pnpmshop:2
${RUN} add --offline ${tarball('axios', '1.14.0')}`,
];

export interface RealPnpmBuild {
  /** OCI layout holding every step's image (refs `1`, `2`, `3`). */
  steps: string;
  /** `pnpm ls --depth Infinity --json` inside the image after each step. */
  ls: unknown[];
  /** The package folders of pnpm's virtual store on each step's unpacked root filesystem, what pnpm ls reaches or not. */
  store: StoreFolder[][];
}

export interface StoreFolder {
  name: string;
  version: string;
  /** `/app/node_modules/.pnpm/<id>/node_modules/<name>` */
  path: string;
}

/** Every real folder `.pnpm/<id>/node_modules/<name>` (symlinks there are the package's dependencies), with its package.json. */
function storeFolders(rootfs: string): StoreFolder[] {
  const store = join(rootfs, 'app/node_modules/.pnpm');
  const out: StoreFolder[] = [];
  for (const id of readdirSync(store)) {
    const modules = join(store, id, 'node_modules');
    if (id === 'node_modules' || !lstatSync(join(store, id)).isDirectory() || !lstatSync(modules, { throwIfNoEntry: false })?.isDirectory()) continue;
    const names = readdirSync(modules).flatMap((n) => (n.startsWith('@') ? readdirSync(join(modules, n)).map((m) => `${n}/${m}`) : [n]));
    for (const name of names) {
      if (!lstatSync(join(modules, name)).isDirectory()) continue;
      const json = JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8')) as { name: string; version: string };
      out.push({ name: json.name, version: json.version, path: `/app/node_modules/.pnpm/${id}/node_modules/${name}` });
    }
  }
  return out;
}

function context(work: string): string {
  const ctx = join(work, 'ctx');
  const src = join(work, 'src');
  mkdirSync(join(ctx, 'pkgs'), { recursive: true });
  for (const [name, version] of PACKAGES) {
    const dir = join(src, `${name.replace('/', '+')}-${version}`);
    writePackage(dir, name, version);
    execFileSync('npm', ['pack', '--silent', dir], { cwd: join(ctx, 'pkgs'), stdio: 'ignore' });
  }
  // A package with a dependency of its own: pnpm links it beside wrapper's folder in the virtual store.
  const wrapper = join(src, 'wrapper');
  writePackage(wrapper, 'wrapper', '1.0.0', { dependencies: { 'left-pad': tarball('left-pad', '1.1.0') } });
  execFileSync('npm', ['pack', '--silent', wrapper], { cwd: join(ctx, 'pkgs'), stdio: 'ignore' });
  writePackage(join(ctx, 'libs', 'mylib'), 'mylib', '0.3.0');
  mkdirSync(join(ctx, 'app'));
  writeFileSync(join(ctx, 'app', 'package.json'), JSON.stringify(APP));
  writeBaseTar(work, ctx, ['opt/pnpm', 'pnpm-store', 'host/usr']);
  return ctx;
}

/** Builds (or reuses) the three-step image and pnpm's own listing after each step. */
export async function realPnpmBuild(): Promise<RealPnpmBuild> {
  const key = { v: 3, pnpm: PNPM_VERSION, steps: STEPS, app: APP, packages: PACKAGES };
  const dir = await cachedBuild('buildah-pnpm', key, async (work) => {
    const ctx = context(work);
    const mount = `${PNPM_DIR!}:/opt/pnpm:ro`;
    buildahSteps({
      work,
      ctx,
      name: 'pnpmshop',
      steps: STEPS,
      volumes: [mount, '/usr:/host/usr:ro'],
      onRootfs: (i, rootfs) => writeFileSync(join(work, `store-${i}.json`), JSON.stringify(storeFolders(rootfs))),
      inContainer: (i, buildah, container) => {
        const ls = buildah(['run', '--isolation', 'chroot', '-v', mount, '-v', '/usr:/host/usr:ro', '--workingdir', '/app', container, '--', PNPM, 'ls', '--depth', 'Infinity', '--json']);
        writeFileSync(join(work, `ls-${i}.json`), ls);
      },
    });
    rmSync(ctx, { recursive: true, force: true });
    rmSync(join(work, 'src'), { recursive: true, force: true });
  });
  const read = <T>(name: string, i: number) => JSON.parse(readFileSync(join(dir, `${name}-${i + 1}.json`), 'utf8')) as T;
  return { steps: join(dir, 'steps'), ls: STEPS.map((_, i) => read<unknown>('ls', i)), store: STEPS.map((_, i) => read<StoreFolder[]>('store', i)) };
}
