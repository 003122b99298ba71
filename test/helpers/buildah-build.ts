// An image built by real tools: Debian's buildah (chroot isolation, vfs storage) runs real `npm install`,
// `npm uninstall` and an upgrade in three RUN steps over a tiny base (dash and the C libraries node needs);
// node and npm are bind-mounted into each RUN, never part of a layer. The packages come from tarballs the real
// `npm pack` made (no registry, no network). After each step `npm ls --all --json --long` runs inside the image
// (buildah run), which is what the package manager itself says is installed. The steps run through the shared
// builder (test/helpers/buildah-steps.ts). Built once per key, cached.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildahSteps, writeBaseTar } from './buildah-steps.js';
import { cachedBuild } from './real-tools.js';

/** The npm on PATH, as a folder (its bin/npm-cli.js is what `npm` runs). */
const NPM_DIR = dirname(dirname(execFileSync('sh', ['-c', 'readlink -f "$(command -v npm)"'], { encoding: 'utf8' }).trim()));

/** Tarballs `npm pack` makes; `wrapper` bundles left-pad 1.1.0 in its own node_modules (a nested install). */
const PACKAGES: [string, string][] = [
  ['axios', '1.14.1'],
  ['axios', '1.14.0'],
  ['lodash', '4.17.21'],
  ['left-pad', '1.3.0'],
  ['@acme/http', '2.0.0'],
];

const APP = {
  name: 'shop',
  version: '1.0.0',
  private: true,
  dependencies: {
    axios: 'file:/src/pkgs/axios-1.14.1.tgz',
    lodash: 'file:/src/pkgs/lodash-4.17.21.tgz',
    'left-pad': 'file:/src/pkgs/left-pad-1.3.0.tgz',
    '@acme/http': 'file:/src/pkgs/acme-http-2.0.0.tgz',
    wrapper: 'file:/src/pkgs/wrapper-1.0.0.tgz',
    // An alias: axios's tarball installed under another folder name (npm ls lists it as totally-safe).
    'totally-safe': 'file:/src/pkgs/axios-1.14.1.tgz',
    // A directory dependency: npm links it (node_modules/mylib -> ../../src/libs/mylib).
    mylib: 'file:/src/libs/mylib',
  },
};

const RUN = 'RUN --mount=type=tmpfs,target=/tmp/npm-cache --mount=type=bind,source=node,target=/opt/node --mount=type=bind,source=npm,target=/opt/npm /opt/node/bin/node /opt/npm/bin/npm-cli.js';
const STEPS = [
  `FROM scratch
ADD base.tar /
ENV PATH=/opt/node/bin:/bin HOME=/root npm_config_cache=/tmp/npm-cache npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false npm_config_offline=true
COPY pkgs /src/pkgs
COPY libs /src/libs
COPY app /app
WORKDIR /app
${RUN} install`,
  `FROM localhost/shop:1
${RUN} uninstall lodash`,
  `FROM localhost/shop:2
${RUN} install file:/src/pkgs/axios-1.14.0.tgz`,
];

export interface RealNpmBuild {
  /** OCI layout holding the final image (ref `shop`). */
  layout: string;
  /** `npm ls --all --json --long` inside the image after each step. */
  ls: unknown[];
}

function npmVersion(): string {
  return JSON.parse(readFileSync(join(NPM_DIR, 'package.json'), 'utf8')).version as string;
}

export function writePackage(dir: string, name: string, version: string, extra: Record<string, unknown> = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, main: 'index.js', ...extra }));
  writeFileSync(join(dir, 'index.js'), `module.exports = ${JSON.stringify(`${name}@${version}`)};\n`);
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
  const wrapper = join(src, 'wrapper');
  writePackage(wrapper, 'wrapper', '1.0.0', { dependencies: { 'left-pad': '1.1.0' }, bundleDependencies: ['left-pad'] });
  writePackage(join(wrapper, 'node_modules', 'left-pad'), 'left-pad', '1.1.0');
  execFileSync('npm', ['pack', '--silent', wrapper], { cwd: join(ctx, 'pkgs'), stdio: 'ignore' });
  writePackage(join(ctx, 'libs', 'mylib'), 'mylib', '0.3.0');
  mkdirSync(join(ctx, 'app'));
  writeFileSync(join(ctx, 'app', 'package.json'), JSON.stringify(APP));
  // The base layer: /bin/sh and the shared libraries node links against, copied from this machine.
  writeBaseTar(work, ctx);
  // node and npm for the RUN steps' bind mounts (a hard link when the same filesystem allows it).
  mkdirSync(join(ctx, 'node', 'bin'), { recursive: true });
  try {
    linkSync(process.execPath, join(ctx, 'node', 'bin', 'node'));
  } catch {
    copyFileSync(process.execPath, join(ctx, 'node', 'bin', 'node'));
  }
  cpSync(NPM_DIR, join(ctx, 'npm'), { recursive: true });
  return ctx;
}

/** Builds (or reuses) the three-step image and the package manager's own listing after each step. */
export async function realNpmBuild(): Promise<RealNpmBuild> {
  const key = { v: 1, node: process.version, npm: npmVersion(), steps: STEPS, app: APP, packages: PACKAGES };
  const dir = await cachedBuild('buildah-npm', key, async (work) => {
    const ctx = context(work);
    const mounts = ['--mount', `type=bind,src=${join(ctx, 'node')},dst=/opt/node`, '--mount', `type=bind,src=${join(ctx, 'npm')},dst=/opt/npm`];
    buildahSteps({
      work,
      ctx,
      name: 'shop',
      steps: STEPS,
      inContainer: (i, buildah, container) => {
        const ls = buildah(['run', '--isolation', 'chroot', ...mounts, container, '--', '/opt/node/bin/node', '/opt/npm/bin/npm-cli.js', 'ls', '--all', '--json', '--long']);
        writeFileSync(join(work, `ls-${i}.json`), ls);
      },
    });
    rmSync(ctx, { recursive: true, force: true });
  });
  return { layout: join(dir, 'layout'), ls: STEPS.map((_, i) => JSON.parse(readFileSync(join(dir, `ls-${i + 1}.json`), 'utf8')) as unknown) };
}
