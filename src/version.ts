// The tool's version and the package root, read from package.json once.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The directory holding sbom-hunt's package.json, from src/ (tests) or dist/src/ (built). */
export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate) && JSON.parse(readFileSync(candidate, 'utf8')).name === 'sbom-hunt') return (root = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('sbom-hunt: cannot find its own package.json');
    dir = parent;
  }
}

export function toolVersion(): string {
  return JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version as string;
}

/** The IOC feeds bundled with the tool (`iocs/`), used when no `--ioc` is given. */
export function bundledIocDir(): string {
  return path.join(packageRoot(), 'iocs');
}
