// Differential: what a build could load and the image no longer holds. The Go model of containerd's archive.Apply
// (test/oracle/tarlist/apply.go) applies each prefix of a generated image's layers; every package Node could load at
// the end of some layer (a `<node_modules>/<folder>/package.json` resolving, through that tree's symlinks, to a file)
// and cannot load in the final tree must be in sbom-hunt's list as deleted (a later layer removed it: suspect), and
// every package loadable in the final tree must be listed live. Packages are also written to folders that are no
// node_modules and reached only by symlinked node_modules, re-linked and deleted by later layers: a package seen
// only through links that a later layer changed is what a reading of the final links alone misses.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/acquire/native/read-image.js';
import { openOciDir } from '../../src/inventory/oci-dir.js';
import { buildImageLayout, layerTar, type LayerSpec } from '../helpers/image-builder.js';
import { generateImage, loadablePackages } from '../helpers/layer-gen.js';
import { goApply, goOracle } from '../helpers/go-oracle.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

const bin = goOracle();

interface Outcome {
  disagreements: string[];
  /** Images the runtime refuses at some layer: no tree to compare with there (the layer-apply oracle judges them). */
  refused: number;
  /** Images sbom-hunt left unknown (a symlink loop where Node looks for packages: node-resolve.test.ts): fail closed. */
  stricter: number;
  /** Cases where some package was loadable earlier and gone at the end: the ones that test the deleted list. */
  deletedCases: number;
  cases: number;
}

async function differential(seed: number, count: number, dir: string): Promise<Outcome> {
  const out: Outcome = { disagreements: [], refused: 0, stricter: 0, deletedCases: 0, cases: count };
  const batch = 100;
  for (let start = 0; start < count; start += batch) {
    const seeds = Array.from({ length: Math.min(batch, count - start) }, (_, i) => seed + start + i);
    const images = seeds.map((s) => generateImage(s, { linkedRoots: true }));
    // Every prefix of every image, applied by the model in one call.
    const prefixes: { image: number; layers: LayerSpec[] }[] = images.flatMap((layers, image) => layers.map((_, k) => ({ image, layers: layers.slice(0, k + 1) })));
    const applied = await goApply(bin as string, prefixes.map((p) => p.layers.map((l) => layerTar(l))));
    for (const [i, layers] of images.entries()) {
      const trees = applied.filter((_, j) => prefixes[j]!.image === i);
      if (trees.some((t) => t.error)) {
        out.refused += 1;
        continue;
      }
      const final = loadablePackages(trees[trees.length - 1]!);
      const earlier = new Set(trees.slice(0, -1).flatMap((t) => [...loadablePackages(t)]));
      const gone = [...earlier].filter((id) => !final.has(id));
      if (gone.length > 0) out.deletedCases += 1;
      const layout = await buildImageLayout(join(dir, `img-${seeds[i]}`), { ref: 'x', platforms: [{ layers }] });
      const read = await readImage(await openOciDir(layout.dir), { ref: 'x' });
      await rm(layout.dir, { recursive: true, force: true });
      const platform = read.platforms[0];
      if (!platform || platform.errors.length > 0 || read.errors.length > 0) {
        out.stricter += 1;
        continue;
      }
      const npm = platform.packages.filter((p) => p.ecosystem === 'npm' && !p.location);
      const live = new Set(npm.filter((p) => !p.deleted).map((p) => `${p.name}@${p.version}`));
      const listed = new Set(npm.map((p) => `${p.name}@${p.version}`));
      const missingLive = [...final].filter((id) => !live.has(id));
      const missingGone = gone.filter((id) => !listed.has(id));
      if (missingLive.length > 0) out.disagreements.push(`seed ${seeds[i]}: loadable in the final tree, not listed live: ${missingLive.join(', ')}`);
      if (missingGone.length > 0) out.disagreements.push(`seed ${seeds[i]}: loadable after an earlier layer, gone at the end, not listed: ${missingGone.join(', ')}`);
    }
  }
  return out;
}

describe.skipIf(!bin)('packages a build could load and a later layer removed are listed as deleted', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-deleted-oracle-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('on generated layer sequences with symlinked node_modules re-linked and removed', async () => {
    const seed = oracleSeed(1e9);
    const { cases, disagreements, refused, stricter, deletedCases } = await differential(seed, oracleRuns(150, 0.01), dir);
    recordOracle('deleted-packages', cases, disagreements.length, `seed ${seed}, ${deletedCases} with a package gone by the end, ${refused} refused by the runtime at some layer, ${stricter} unknown (symlink loops Node refuses)`);
    // The generator must reach the case this oracle is for, or it proves nothing.
    expect(deletedCases).toBeGreaterThan(cases / 10);
    expect(disagreements.slice(0, 5)).toEqual([]);
  }, 3_600_000);
});
