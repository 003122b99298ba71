// Layers written by GNU tar from this project's real node_modules: the reader must find exactly the
// packages an independent walk of the same folder finds, in both PAX and GNU formats.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../../src/acquire/native/read-image.js';
import { openOciDir } from '../../../src/inventory/oci-dir.js';
import { buildImageLayout } from '../../helpers/image-builder.js';

const PROJECT = join(import.meta.dirname, '../../..');
const hasTar = (() => {
  try {
    return execFileSync('tar', ['--version']).toString().includes('GNU tar');
  } catch {
    return false;
  }
})();

/** node_modules packages by walking directories (symlinks not followed, as in an image). */
function walk(dir: string, rel: string, out: string[]): void {
  const nm = join(dir, 'node_modules');
  if (!existsSync(nm)) return;
  for (const e of readdirSync(nm, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const dirs = e.name.startsWith('@') ? readdirSync(join(nm, e.name), { withFileTypes: true }).filter((s) => s.isDirectory()).map((s) => `${e.name}/${s.name}`) : [e.name];
    for (const d of dirs) {
      const pj = join(nm, d, 'package.json');
      if (existsSync(pj)) {
        const json = JSON.parse(readFileSync(pj, 'utf8')) as { name?: string; version?: string };
        out.push(`${json.name ?? d}@${json.version ?? ''} /${rel}node_modules/${d}/package.json`);
      }
      walk(join(nm, d), `${rel}node_modules/${d}/`, out);
    }
  }
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gnu-tar-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.skipIf(!hasTar)('GNU tar layers of real node_modules', () => {
  const expected: string[] = [];
  walk(PROJECT, '', expected);

  it.each(['pax', 'gnu'])('%s format, gzip', async (format) => {
    const file = join(root, `${format}.tar.gz`);
    execFileSync('tar', [`--format=${format}`, '--use-compress-program=gzip -1', '-cf', file, '-C', PROJECT, 'node_modules']);
    const built = await buildImageLayout(join(root, format), { platforms: [{ layers: [{ files: [], raw: await readFile(file) }] }] });
    const img = await readImage(await openOciDir(built.dir), { ref: format });
    const p = img.platforms[0]!;
    expect(p.errors).toEqual([]);
    const found = p.packages.filter((x) => x.ecosystem === 'npm').flatMap((x) => x.paths.map((path) => `${x.name}@${x.version} ${path}`));
    expect(expected.length).toBeGreaterThan(20);
    const lock = '/node_modules/.package-lock.json';
    expect(found.filter((f) => !f.endsWith(lock)).sort()).toEqual([...expected].sort());
    // npm's hidden lockfile names the same installed packages as the package.json files do.
    const fromLock = new Set(found.filter((f) => f.endsWith(lock)).map((f) => f.split(' ')[0]));
    expect(fromLock).toEqual(new Set(expected.map((f) => f.split(' ')[0])));
  });
});
