// What a hoisting package manager (Yarn with nodeLinker: node-modules, bun's hoisted linker, npm) put on disk: the
// oracle side of the lockfile differential tests, read from the installed package.json files themselves.
import { existsSync, readFileSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The real package folders in `modules` (a node_modules folder), scoped ones included; symlinks only if named in `follow`. */
async function packageFolders(modules: string, follow: ReadonlySet<string>): Promise<string[]> {
  const out: string[] = [];
  const take = (e: Dirent, name: string) => e.isDirectory() || (e.isSymbolicLink() && follow.has(name));
  for (const entry of await readdir(modules, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    if (!entry.name.startsWith('@')) {
      if (take(entry, entry.name)) out.push(join(modules, entry.name));
    } else if (entry.isDirectory()) {
      for (const e of await readdir(join(modules, entry.name), { withFileTypes: true })) if (take(e, `${entry.name}/${e.name}`)) out.push(join(modules, entry.name, e.name));
    }
  }
  return out;
}

/**
 * `name version` of every package.json under `dir`'s node_modules, nested copies included, one per name and
 * version. Symlinked folders (workspaces, `link:` and `portal:` folders) are the project's own and not walked:
 * a caller that wants what was installed for them passes their folders too. `follow` names symlinks that are
 * installed packages all the same (bun links a `file:` folder dependency at times instead of copying it).
 */
export async function installedPackages(dir: string, out = new Set<string>(), follow: ReadonlySet<string> = new Set()): Promise<Set<string>> {
  const modules = join(dir, 'node_modules');
  if (!existsSync(modules)) return out;
  for (const pkg of await packageFolders(modules, follow)) {
    const json = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { name: string; version: string };
    out.add(`${json.name} ${json.version}`);
    await installedPackages(pkg, out, follow);
  }
  return out;
}
