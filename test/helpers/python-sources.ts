// What the Python lockfile oracles (test/oracle/pipfile-lock.test.ts, poetry-lock.test.ts) build their package
// sources from: Debian's Python, the setuptools and wheel wheels its isolated builds need, a PEP 503 index written by
// wheel-index.py, a setup.py, and a git repository tagged v1.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));

/** Debian's Python and nothing else (a pyenv shim on PATH would make the environment with another one). */
export const PY = '/usr/bin/python3';
export const WHEEL_DIR = '/usr/share/python-wheels';
/** Debian's setuptools and wheel wheels (python3-setuptools-whl, python3-wheel-whl), which isolated builds and virtualenv need. */
export const BUILD_WHEELS = existsSync(WHEEL_DIR) ? readdirSync(WHEEL_DIR).filter((f) => /^(setuptools|wheel)-.*\.whl$/.test(f)).map((f) => join(WHEEL_DIR, f)) : [];

/** A PEP 503 index of the given wheels (and extra wheel files copied in) under `out` (wheel-index.py). */
export function writeWheelIndex(out: string, wheels: unknown[], extra: string[]): void {
  const r = spawnSync(PY, [join(HERE, 'wheel-index.py')], { input: JSON.stringify({ out, wheels, extra }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
}

export const setupPy = (name: string, version: string, requires: string[]) =>
  `from setuptools import setup\nsetup(name=${JSON.stringify(name)}, version=${JSON.stringify(version)}, py_modules=[], install_requires=${JSON.stringify(requires)})\n`;

/** A git repository at `repo` holding one setup.py, committed and tagged v1. */
export async function gitPackage(repo: string, setup: string): Promise<void> {
  await mkdir(repo);
  await writeFile(join(repo, 'setup.py'), setup);
  const git = (...args: string[]) => run('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo });
  await git('init', '-q');
  await git('add', '.');
  await git('commit', '-qm', 'gitpkg');
  await git('tag', 'v1');
}
