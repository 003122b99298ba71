// Go executables built by the real Go toolchain (Debian's golang-go) from a tiny module whose
// dependencies come from a local GOPROXY=file:// tree: no network, builds cached across runs.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { zipFiles } from './image-builder.js';
import { cachedBuild } from './real-tools.js';

const run = promisify(execFile);

export interface ProxyModule {
  path: string;
  version: string;
  /** The module path its go.mod declares (a fork replacing another keeps the original's). */
  declares?: string;
  files?: Record<string, string>;
}

export interface GoProgram {
  /** Main module path. */
  path: string;
  goMod: string;
  files: Record<string, string>;
  /** Modules served by the file proxy. */
  proxy: ProxyModule[];
  goos?: string;
  goarch?: string;
  ldflags?: string;
}

/** GOPROXY's on-disk layout: <path>/@v/list, <v>.info, <v>.mod, <v>.zip (entries under path@version/). */
export async function writeProxy(root: string, modules: ProxyModule[]): Promise<void> {
  const byPath = new Map<string, ProxyModule[]>();
  for (const m of modules) byPath.set(m.path, [...(byPath.get(m.path) ?? []), m]);
  for (const [path, versions] of byPath) {
    const dir = join(root, escapePath(path), '@v');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'list'), versions.map((v) => v.version).join('\n') + '\n');
    for (const m of versions) {
      const goMod = `module ${m.declares ?? m.path}\n\ngo 1.19\n`;
      await writeFile(join(dir, `${m.version}.info`), JSON.stringify({ Version: m.version, Time: '2026-01-01T00:00:00Z' }));
      await writeFile(join(dir, `${m.version}.mod`), goMod);
      const prefix = `${m.path}@${m.version}/`;
      const files = { 'go.mod': goMod, ...(m.files ?? { 'lib.go': `package ${lastElement(m.declares ?? m.path)}\n\nconst Version = ${JSON.stringify(m.version)}\n` }) };
      await writeFile(join(dir, `${m.version}.zip`), zipFiles(Object.entries(files).map(([p, content]) => ({ path: prefix + p, content }))));
    }
  }
}

export const lastElement = (path: string): string => path.slice(path.lastIndexOf('/') + 1).replace(/[^a-z0-9_]/g, '');
const escapePath = (path: string): string => path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);

export function goEnv(home: string, proxy: string, p: Pick<GoProgram, 'goos' | 'goarch'> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    GOPATH: join(home, 'gopath'),
    GOCACHE: join(home, 'gocache'),
    GOPROXY: `file://${proxy}`,
    GOFLAGS: '-mod=mod -buildvcs=false',
    GONOSUMDB: '*',
    GONOSUMCHECK: '1',
    GOSUMDB: 'off',
    GOTOOLCHAIN: 'local',
    GO111MODULE: 'on',
    CGO_ENABLED: '0',
    GOOS: p.goos ?? 'linux',
    GOARCH: p.goarch ?? 'amd64',
  };
}

/** Builds the program (cached by its description) and returns the executable's path. */
export async function buildGoProgram(p: GoProgram): Promise<string> {
  const { stdout: version } = await run('go', ['version']);
  const dir = await cachedBuild('go', { p, version }, async (work) => {
    const proxy = join(work, 'proxy');
    const src = join(work, 'src');
    await writeProxy(proxy, p.proxy);
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'go.mod'), p.goMod);
    for (const [name, content] of Object.entries(p.files)) {
      await mkdir(join(src, name, '..'), { recursive: true });
      await writeFile(join(src, name), content);
    }
    const args = ['build', '-o', join(work, 'app'), ...(p.ldflags ? [`-ldflags=${p.ldflags}`] : []), '.'];
    await run('go', args, { cwd: src, env: goEnv(work, proxy, p) });
  });
  return join(dir, 'app');
}

/** `go version -m`: the oracle. Lines of the module table, tab-separated fields, and the Go version. */
export async function goVersionM(binary: string): Promise<{ goVersion: string; lines: string[][] }> {
  const { stdout } = await run('go', ['version', '-m', binary], { env: { ...process.env, GOTOOLCHAIN: 'local' } });
  const [first, ...rest] = stdout.trimEnd().split('\n');
  const goVersion = first?.slice(first.lastIndexOf(': ') + 2) ?? '';
  // Go 1.19 prints an empty line after each replacement: not part of the table.
  return { goVersion, lines: rest.filter((l) => l.trim() !== '').map((l) => l.replace(/^\t/, '').split('\t')) };
}

/** A main module using a proxied dependency, a mixed-case path, a module replaced by another, and one by a directory. */
export function sampleProgram(extra: Partial<GoProgram> = {}): GoProgram {
  return {
    path: 'example.com/app',
    goMod: [
      'module example.com/app',
      'go 1.19',
      'require (',
      '  example.com/fake v1.2.3',
      '  github.com/Upper/Case v0.4.2',
      '  example.com/old v0.1.0',
      '  example.com/local v0.0.0',
      ')',
      'replace example.com/old => example.com/new v0.2.0',
      'replace example.com/local => ./local',
      '',
    ].join('\n'),
    files: {
      'main.go': [
        'package main',
        'import (',
        '  "fmt"',
        '  fake "example.com/fake"',
        '  upper "github.com/Upper/Case"',
        '  old "example.com/old"',
        '  local "example.com/local"',
        ')',
        'func main() { fmt.Println(fake.Version, upper.Version, old.Version, local.Version) }',
        '',
      ].join('\n'),
      'local/go.mod': 'module example.com/local\n\ngo 1.19\n',
      'local/lib.go': 'package local\n\nconst Version = "dir"\n',
    },
    proxy: [
      { path: 'example.com/fake', version: 'v1.2.3' },
      { path: 'github.com/Upper/Case', version: 'v0.4.2', files: { 'lib.go': 'package upper\n\nconst Version = "v0.4.2"\n' } },
      { path: 'example.com/old', version: 'v0.1.0' },
      { path: 'example.com/new', version: 'v0.2.0', declares: 'example.com/old' },
    ],
    ...extra,
  };
}

