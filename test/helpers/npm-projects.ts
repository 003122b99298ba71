// What the Yarn 4 and bun lockfile oracles (test/oracle/yarn-berry-lock.test.ts, bun-lock.test.ts) generate projects
// from: one loopback registry's packages, the ranges a project asks for, the local packages, and one build of their
// tarballs both oracles share (npm pack is most of a cold run's time).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type NpmDef, packNpmPackages, writeNpmPackage } from './npm-registry.js';
import { cachedBuild } from './real-tools.js';

const run = promisify(execFile);

export type Def = NpmDef & { peerDependencies?: Record<string, string> };

/**
 * Scoped, dotted, underscored and capitalised names, pre-release and build-metadata versions, one package at
 * several versions, a peer dependency, an OS/CPU-restricted optional one.
 */
export const REGISTRY: Def[] = [
  { name: 'leaf', version: '1.0.0' },
  { name: 'leaf', version: '1.2.0' },
  { name: 'leaf', version: '2.0.0' },
  { name: 'leaf', version: '3.0.0-beta.1' },
  { name: '@acme/util', version: '0.1.0' },
  { name: '@acme/util', version: '0.1.5+build.7', dependencies: { leaf: '^1.0.0' } },
  { name: '@acme/http', version: '1.0.0', dependencies: { leaf: '^1.0.0' } },
  { name: '@acme/http', version: '1.1.0-rc.1', dependencies: { leaf: '>=1.2.0 <2', '@acme/util': '0.1.0' } },
  { name: '@acme/http', version: '2.0.0', dependencies: { leaf: '^2.0.0', '@acme/util': '^0.1.0' } },
  { name: 'plugin', version: '1.0.0', peerDependencies: { leaf: '>=1.0.0' }, dependencies: { 'dot.name': '*' } },
  { name: 'mid', version: '1.0.0', dependencies: { leaf: '^1.0.0', 'dot.name': '*' } },
  { name: 'mid', version: '2.0.0', dependencies: { leaf: '2.0.0', '@acme/http': '^1.0.0', plugin: '^1.0.0' } },
  { name: 'dot.name', version: '1.0.0' },
  { name: 'under_score', version: '0.0.1', dependencies: { mid: '^2.0.0' } },
  { name: 'BigName', version: '4.0.0' },
  { name: 'mac-only', version: '1.0.0', os: ['darwin'], cpu: ['arm64'] },
  { name: 'watcher', version: '1.0.0', optionalDependencies: { 'mac-only': '^1.0.0' }, dependencies: { leaf: '~1.2.0' } },
  { name: 'urlpkg', version: '1.0.0', dependencies: { 'dot.name': '^1.0.0' } },
  // Asked for by the cache oracles only (bun-install-cache, yarn-berry-cache): a dashed scope, capitals and a dot,
  // a version with both a pre-release tag and build metadata.
  { name: '@my-org/Big.Name', version: '1.0.0-0+exp.sha.5114f85', dependencies: { leaf: '^1.0.0' } },
];
/** The registry package with a dashed scope, a capitalised dotted name and a pre-release and build-tagged version. */
export const ODD_SCOPED = { name: '@my-org/Big.Name', range: '1.0.0-0+exp.sha.5114f85' };
/** Ranges a project may ask for, per registry package. */
export const RANGES: Record<string, string[]> = {
  leaf: ['^1.0.0', '1.0.0', '^2.0.0', '3.0.0-beta.1', '*'],
  '@acme/http': ['^1.0.0', '1.1.0-rc.1', '^2.0.0'],
  '@acme/util': ['0.1.5+build.7', '~0.1.0'],
  mid: ['^1.0.0', '^2.0.0'],
  plugin: ['^1.0.0'],
  'dot.name': ['^1.0.0'],
  under_score: ['0.0.1'],
  BigName: ['^4.0.0'],
  watcher: ['^1.0.0'],
};
export const FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;
export const GIT_DEP: Def = { name: 'gitdep', version: '0.5.0-alpha', dependencies: { leaf: '^1.0.0' } };
export const TARRED: Def = { name: 'tarred', version: '1.0.0', dependencies: { '@acme/util': '^0.1.0' } };
export const LOCALDIR: Def = { name: 'localdir', version: '2.3.4', dependencies: { BigName: '*' } };
export const LINKED: Def = { name: 'linked', version: '9.9.9', dependencies: { 'dot.name': '*' } };
/** A patch that adds a file, so it applies to whichever version is patched. */
export const PATCH = ['diff --git a/patched.js b/patched.js', 'new file mode 100644', '--- /dev/null', '+++ b/patched.js', '@@ -0,0 +1 @@', '+module.exports = true;', ''].join('\n');

export type Rand = () => number;
export type Manifest = Record<string, unknown> & Partial<Record<(typeof FIELDS)[number], Record<string, string>>>;
export const pick = <T>(r: Rand, xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;

/** The registry's tarballs (`registry/`), the `file:` tarball (`tarred/`) and a git repository tagged v1 (`gitdep/`). */
export function npmProjectSources(): Promise<string> {
  return npmSources('npm-project-sources', REGISTRY, GIT_DEP, TARRED);
}

/** The same three sources from an oracle's own definitions, built once per `kind` and content (cachedBuild). */
export function npmSources(kind: string, registry: NpmDef[], gitDep: NpmDef, tarred: NpmDef): Promise<string> {
  return cachedBuild(kind, { REGISTRY: registry, GIT_DEP: gitDep, TARRED: tarred }, async (dir) => {
    await packNpmPackages(join(dir, 'registry'), registry);
    await packNpmPackages(join(dir, 'tarred'), [tarred]);
    await writeNpmPackage(join(dir, 'gitdep'), gitDep);
    const git = (...args: string[]) => run('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: join(dir, 'gitdep') });
    await git('init', '-q');
    await git('add', '.');
    await git('commit', '-qm', 'gitdep');
    await git('tag', 'v1');
  });
}
