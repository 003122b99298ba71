// Real tools from Debian that some tests build artifacts with, and a cache for what they build.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Whether `command` is on PATH. Missing in CI is a failure (scripts/setup.sh installs `aptPackage`);
 * elsewhere the caller skips, and this says so once.
 */
export function haveTool(command: string, aptPackage: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI) throw new Error(`${command} is missing: scripts/setup.sh installs ${aptPackage}, and CI needs it`);
    console.warn(`SKIPPED: ${command} is not installed (apt-get install ${aptPackage}); tests that need it do not run`);
    return false;
  }
}

const CACHE = join(tmpdir(), 'sbom-hunt-test-builds');

/**
 * Where scripts/setup.sh keeps the tools it downloads (~/.cache/sbom-hunt-tools): what a build downloads is kept
 * there too (a CI that keeps this folder does not download it again), what it only builds stays in the temporary one.
 */
export const TOOLS_CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sbom-hunt-tools');

/** The folder cachedBuild(kind, key) fills (whether or not it is built yet). */
export function cachedBuildDir(kind: string, key: unknown, cache = CACHE): string {
  return join(cache, `${kind}-${createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16)}`);
}

/** Whether cachedBuild(kind, key) would reuse a finished build. */
export function isBuilt(kind: string, key: unknown, cache = CACHE): boolean {
  return existsSync(join(cachedBuildDir(kind, key, cache), '.done'));
}

/**
 * A directory built once per distinct `key` and reused: `build(dir)` fills a fresh folder, which is then
 * moved into place whole, so a build cut short is never reused. `cache` is the temporary folder unless the build
 * downloads (then TOOLS_CACHE).
 */
export async function cachedBuild(kind: string, key: unknown, build: (dir: string) => Promise<void>, cache = CACHE): Promise<string> {
  const dir = cachedBuildDir(kind, key, cache);
  if (existsSync(join(dir, '.done'))) return dir;
  const work = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(work, { recursive: true });
  try {
    await build(work);
    await mkdir(join(work, '.done'));
    if (!existsSync(join(dir, '.done'))) await rm(dir, { recursive: true, force: true });
    // Another test process may have finished the same build first: its copy is as good.
    await rename(work, dir).catch(async (err: unknown) => {
      if (!existsSync(join(dir, '.done'))) throw err;
      await rm(work, { recursive: true, force: true });
    });
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    throw err;
  }
  return dir;
}

/** The versions scripts/setup.sh pins in `variable` (`NAME=1.2.3`, or `NAME="1.2.3 4.5.6"` for several). */
export function pinnedVersions(variable: string): string[] {
  const setup = readFileSync(join(import.meta.dirname, '..', '..', 'scripts', 'setup.sh'), 'utf8');
  const value = new RegExp(`^${variable}="?([^"\\n]+)"?$`, 'm').exec(setup)?.[1];
  if (!value) throw new Error(`scripts/setup.sh pins no ${variable}`);
  return value.trim().split(/\s+/);
}

/**
 * A tool scripts/setup.sh installs from the npm registry into ~/.cache/sbom-hunt-tools/<folder>-<version>: the
 * path of `bin` inside that folder, or undefined when it is not there. Missing in CI is a failure, since CI
 * runs setup.sh; elsewhere the caller skips, and this says so.
 */
export function setupTool(folder: string, version: string, bin: string): string | undefined {
  const path = join(TOOLS_CACHE, `${folder}-${version}`, bin);
  if (existsSync(path)) return path;
  if (process.env.CI) throw new Error(`${path} is missing: scripts/setup.sh installs ${folder} ${version}, and CI needs it`);
  console.warn(`SKIPPED: ${path} is missing (scripts/setup.sh installs it); tests that need ${folder} ${version} do not run`);
  return undefined;
}
