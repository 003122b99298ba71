// The final filesystem's symlinks, resolved as the kernel resolves them inside the container: a kept file
// at `srv/mods/axios/package.json` is also seen at `app/node_modules/axios/package.json` when
// `app/node_modules -> /srv/mods`, and that is where Node's resolution finds it.
//
// Rules (path_resolution(7), with the image root as `/`): an absolute target starts again at the root; a
// relative one at the link's folder; `..` at the root stays at the root; at most 40 links per resolution
// (ELOOP beyond). Link names are paths as layer application placed them (members are placed through the
// symlinks below them, as containerd's RootPath does: see LayeredFiles.place), so their folders are real.
import type { KeptFile } from './layered-files.js';
import { dirname } from './paths.js';

const MAX_HOPS = 40;
/** Bounds the views of one file, so a fan of links over links cannot multiply work without end. */
const MAX_VIEWS = 64;

export interface LinkAliases {
  /** Real folder or file -> the link paths that show it. */
  byTarget: Map<string, string[]>;
  realpath: (path: string) => string | undefined;
}

export function linkAliases(final: readonly KeptFile[]): LinkAliases {
  const links = new Map<string, string>();
  for (const f of final) if (f.link !== undefined) links.set(f.path, f.link);
  return linkAliasesOf(links);
}

/** linkAliases over a tree's symlinks given as path -> target. */
export function linkAliasesOf(links: ReadonlyMap<string, string>): LinkAliases {
  const realpath = (path: string) => resolvePath(path, links);
  const byTarget = new Map<string, string[]>();
  for (const [path, target] of links) {
    const real = realpath(target.startsWith('/') ? target : `${dirname(path)}/${target}`);
    // A link to the root or to a folder holding the link (`node_modules/axios -> ..`) is kept: Node loads that
    // folder's package.json as `axios`. visiblePaths goes through such a link once per view, not into itself.
    if (real === undefined || path === real) continue;
    byTarget.set(real, [...(byTarget.get(real) ?? []), path]);
  }
  return { byTarget, realpath };
}

/** The real path (no symlink in it) of `path`, or undefined on a loop. */
export function resolvePath(path: string, links: ReadonlyMap<string, string>): string | undefined {
  return resolveWith(path, (p) => links.get(p));
}

/** resolvePath over any view of the links: `linkAt(p)` is the target of a symlink at `p`, or undefined. */
export function resolveWith(path: string, linkAt: (path: string) => string | undefined): string | undefined {
  let done: string[] = [];
  let todo = path.split('/');
  let hops = 0;
  while (todo.length > 0) {
    const seg = todo.shift() as string;
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      done.pop();
      continue;
    }
    const link = linkAt([...done, seg].join('/'));
    if (link === undefined) {
      done.push(seg);
      continue;
    }
    if (++hops > MAX_HOPS) return undefined;
    if (link.startsWith('/')) done = [];
    todo = [...link.split('/'), ...todo];
  }
  return done.join('/');
}

/**
 * Every path `real` is seen by: itself, then through each link to it or to a folder above it (the root
 * included), links of links included; a link to a folder holding it is gone through once, not repeated.
 */
export function visiblePaths(real: string, aliases: LinkAliases): string[] {
  if (aliases.byTarget.size === 0) return [real];
  const seen = [real];
  const known = new Set(seen);
  for (let i = 0; i < seen.length && seen.length < MAX_VIEWS; i++) {
    const path = seen[i] as string;
    for (let dir = path; ; dir = dirname(dir)) {
      for (const link of aliases.byTarget.get(dir) ?? []) {
        // A view already through this link would only show the same folders again, one level deeper.
        if (path.startsWith(`${link}/`)) continue;
        const view = dir === '' ? `${link}/${path}` : link + path.slice(dir.length);
        if (known.has(view) || seen.length >= MAX_VIEWS) continue;
        // A view that takes more than 40 links to resolve is no path at all inside the container (ELOOP).
        if (aliases.realpath(view) === undefined) continue;
        known.add(view);
        seen.push(view);
      }
      if (dir === '') break;
    }
  }
  return seen;
}
