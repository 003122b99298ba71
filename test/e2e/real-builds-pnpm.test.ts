// An image built by real tools with a pnpm install inside (Debian's buildah, the real pnpm; test/helpers/
// buildah-pnpm.ts) read by the native reader: its npm packages under node_modules are exactly what
// `pnpm ls --depth Infinity --json` lists inside the image after each step, by the folder name require() loads them
// by (an alias included), version and virtual-store folder; every package folder of pnpm's virtual store on disk is
// listed, those pnpm ls no longer reaches too (`pnpm remove` leaves the folder); what later steps unlinked or
// replaced is listed as deleted, exactly what an earlier pnpm ls listed and the final one does not.
import { describe, expect, it } from 'vitest';
import { readImage } from '../../src/acquire/native/read-image.js';
import { openOciDir } from '../../src/inventory/oci-dir.js';
import { PNPM_DIR, realPnpmBuild } from '../helpers/buildah-pnpm.js';
import { haveTool } from '../helpers/real-tools.js';

const HAVE = haveTool('buildah', 'buildah') && haveTool('umoci', 'umoci') && PNPM_DIR !== undefined;

interface LsNode {
  from?: string;
  version?: string;
  path?: string;
  dependencies?: Record<string, LsNode>;
}

/** pnpm ls as `folder-name@version view-path real-path`, `link:` folders left out (pnpm gives no version for them). */
function listed(tree: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (node: LsNode, view: string) => {
    for (const [key, dep] of Object.entries(node.dependencies ?? {})) {
      if (!dep.version || !dep.path || dep.version.startsWith('link:')) continue;
      out.add(`${key}@${dep.version} ${view}/node_modules/${key} ${dep.path}`);
      // A dependency's own dependencies are its store folder's siblings.
      walk(dep, dep.path.replace(/\/node_modules\/(?:@[^/]+\/)?[^/]+$/, ''));
    }
  };
  for (const project of tree as (LsNode & { path: string })[]) walk(project, project.path);
  return out;
}

const FOLDER_NAMED = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/;

type Pkgs = { ecosystem: string; name: string; version: string; paths: string[]; deleted?: boolean; location?: string; written?: { path: string }[] }[];

/** sbom-hunt's npm packages as `folder-name@version view-path real-path`, at paths that are links (the declared name of an alias is extra). */
function ours(packages: Pkgs, deleted: boolean): Set<string> {
  const out = new Set<string>();
  for (const p of packages) {
    if (p.ecosystem !== 'npm' || !!p.deleted !== deleted || p.location) continue;
    const real = (p.written ?? []).map((w) => w.path.replace(/\/package\.json$/, ''));
    for (const path of p.paths) {
      const view = path.replace(/\/package\.json$/, '');
      if (FOLDER_NAMED.exec(path)?.[1] !== p.name) continue;
      // The store folder itself is no view (the store is compared on its own); a dependency linked beside it is.
      for (const r of real) if (!r.startsWith('/src/') && r !== view) out.add(`${p.name}@${p.version} ${view} ${r}`);
    }
  }
  return out;
}

const sorted = (s: Set<string>) => [...s].sort();

describe.skipIf(!HAVE)('an image built by buildah with real pnpm installs', () => {
  it('lists exactly what pnpm ls lists inside it, every store folder on disk, and what later RUN steps unlinked as deleted', async () => {
    const built = await realPnpmBuild();
    const views = built.ls.map(listed);
    const store = (i: number) => 'axios@1.14.1 /app/node_modules/totally-safe ' + built.store[i]!.find((f) => f.name === 'axios' && f.version === '1.14.1')!.path;
    // The build did what it says: an alias, lodash removed (its store folder stays), axios replaced.
    expect(views[0]!.has(store(0).replace(/^axios@/, 'totally-safe@'))).toBe(true);
    expect([...views[2]!].some((v) => v.startsWith('lodash@'))).toBe(false);
    expect(built.store[2]!.map((f) => `${f.name}@${f.version}`).sort()).toEqual(['@acme/http@2.0.0', 'axios@1.14.0', 'axios@1.14.1', 'left-pad@1.1.0', 'left-pad@1.3.0', 'lodash@4.17.21', 'wrapper@1.0.0']);
    expect([...views[0]!].some((v) => /^left-pad@1\.1\.0 \/app\/node_modules\/\.pnpm\/wrapper@[^/]+\/node_modules\/left-pad /.test(v))).toBe(true);

    const summary: string[] = [];
    for (const [i, view] of views.entries()) {
      const img = await readImage(await openOciDir(built.steps, { ref: String(i + 1) }), { ref: `step ${i + 1}` });
      const p = img.platforms[0]!;
      expect([...img.errors, ...p.errors]).toEqual([]);
      expect(sorted(ours(p.packages, false)), `step ${i + 1}`).toEqual(sorted(view));
      const gone = new Set(views.slice(0, i).flatMap((v) => [...v]).filter((x) => !view.has(x)));
      expect(sorted(ours(p.packages, true)), `step ${i + 1} deleted`).toEqual(sorted(gone));
      // Every package folder in the virtual store, reached by pnpm ls or not, is listed there.
      const real = (x: Pkgs[number]) => (x.written ?? []).map((w) => w.path).filter((path) => x.paths.includes(path) && /\/\.pnpm\/[^/]+\/node_modules\//.test(path));
      const inStore = new Set(p.packages.filter((x) => x.ecosystem === 'npm' && !x.deleted).flatMap((x) => real(x).map((path) => `${x.name}@${x.version} ${path.replace(/\/package\.json$/, '')}`)));
      expect(sorted(inStore), `step ${i + 1} store`).toEqual(built.store[i]!.map((f) => `${f.name}@${f.version} ${f.path}`).sort());
      expect(p.packages.some((x) => x.name === 'mylib' && x.version === '0.3.0' && !x.deleted && x.paths.includes('/app/node_modules/mylib/package.json'))).toBe(true);
      summary.push(`step ${i + 1}: ${view.size} as pnpm ls lists them, ${built.store[i]!.length} store folders, ${gone.size} deleted`);
    }
    console.log(`buildah + pnpm image: ${summary.join('; ')}`);
  }, 300_000);
});
