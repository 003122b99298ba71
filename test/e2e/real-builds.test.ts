// An image built by real tools (Debian's buildah, real npm inside; test/helpers/buildah-build.ts) read by the native
// reader: its npm package list is exactly what `npm ls --all --json --long` says inside the image, path for path;
// what the later RUN steps uninstalled or replaced is listed as deleted, exactly the packages earlier steps' npm ls
// listed and the final one does not; and the alias that installs axios@1.14.1's code under another name is found.
import { describe, expect, it } from 'vitest';
import { readImage } from '../../src/acquire/native/read-image.js';
import { openOciDir } from '../../src/inventory/oci-dir.js';
import { buildIocIndex } from '../../src/match/ioc-index.js';
import { judgeImage } from '../../src/match/verdict.js';
import { realNpmBuild } from '../helpers/buildah-build.js';
import { haveTool } from '../helpers/real-tools.js';
import { incident, ioc, iocSet } from '../match/helpers.js';

const HAVE = haveTool('buildah', 'buildah');

interface LsNode {
  version?: string;
  path?: string;
  missing?: boolean;
  dependencies?: Record<string, LsNode>;
}

/** `name@version path` of every installed package in an npm ls tree (the project itself left out). */
function listed(tree: LsNode): Set<string> {
  const out = new Set<string>();
  const walk = (node: LsNode) => {
    for (const [name, dep] of Object.entries(node.dependencies ?? {})) {
      if (dep.missing || !dep.version || !dep.path) continue;
      out.add(`${name}@${dep.version} ${dep.path}`);
      walk(dep);
    }
  };
  walk(tree);
  return out;
}

const FOLDER_NAMED = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/;

/** sbom-hunt's npm packages as `name@version folder`, under the folder's own name (the declared name is extra). */
function ours(packages: { ecosystem: string; name: string; version: string; paths: string[]; deleted?: boolean; location?: string }[], deleted: boolean): Set<string> {
  const out = new Set<string>();
  for (const p of packages) {
    if (p.ecosystem !== 'npm' || !!p.deleted !== deleted || p.location) continue;
    for (const path of p.paths) if (FOLDER_NAMED.exec(path)?.[1] === p.name) out.add(`${p.name}@${p.version} ${path.replace(/\/package\.json$/, '')}`);
  }
  return out;
}

const sorted = (s: Set<string>) => [...s].sort();

describe.skipIf(!HAVE)('an image built by buildah with real npm installs', () => {
  it('lists exactly what npm ls lists inside it, and what later RUN steps removed as deleted', async () => {
    const built = await realNpmBuild();
    const [first, second, final] = built.ls.map((t) => listed(t as LsNode)) as [Set<string>, Set<string>, Set<string>];
    // The build did what it says: nested, scoped, aliased and linked packages; lodash uninstalled, axios replaced.
    expect(sorted(final)).toEqual(
      expect.arrayContaining([
        'axios@1.14.0 /app/node_modules/axios',
        'totally-safe@1.14.1 /app/node_modules/totally-safe',
        '@acme/http@2.0.0 /app/node_modules/@acme/http',
        'left-pad@1.1.0 /app/node_modules/wrapper/node_modules/left-pad',
      ]),
    );
    expect(first.has('lodash@4.17.21 /app/node_modules/lodash')).toBe(true);

    const img = await readImage(await openOciDir(built.layout), { ref: 'shop' });
    const p = img.platforms[0]!;
    expect([...img.errors, ...p.errors]).toEqual([]);
    expect(sorted(ours(p.packages, false))).toEqual(sorted(final));
    const gone = new Set([...first, ...second].filter((x) => !final.has(x)));
    expect(sorted(ours(p.packages, true))).toEqual(sorted(gone));

    const index = buildIocIndex(iocSet(incident('axios-2026-03', [ioc('npm', 'axios', ['1.14.1'])])));
    const judged = judgeImage(img, index);
    expect(judged.verdict).toBe('affected');
    console.log(`buildah + npm image: ${final.size} packages as npm ls lists them, ${gone.size} removed by later RUN steps; verdict ${judged.verdict}`);
  }, 300_000);
});
