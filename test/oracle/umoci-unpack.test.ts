// Differential: the npm packages sbom-hunt finds in an image's final filesystem against the rootfs Debian's umoci
// unpacks from the same OCI layout (`umoci raw unpack --rootless`, the reference unpacker of the OCI image-tools
// family; whiteouts, opaque folders and symlinked parents applied by its own code, not containerd's). The layer
// sequences are layer-gen.ts's (the same as the Go model's test); the rootfs is walked with lstat.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/acquire/native/read-image.js';
import { openOciDir } from '../../src/inventory/oci-dir.js';
import { goApply, goOracle, type GoApply, type GoNode } from '../helpers/go-oracle.js';
import { buildImageLayout, layerTar, type LayerSpec } from '../helpers/image-builder.js';
import { compareApplied, generateImage } from '../helpers/layer-gen.js';
import { oracleRuns, recordOracle, oracleSeed } from './tally.js';

function hasUmoci(): boolean {
  try {
    execFileSync('umoci', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI) throw new Error('umoci is not installed (scripts/setup.sh installs it): the umoci differential cannot run');
    console.warn('SKIPPED: umoci is not installed (apt-get install umoci); the umoci unpack oracle did not run');
    return false;
  }
}

/** The unpacked rootfs as the Go model reports its tree: hex path -> node. */
function walk(root: string): Record<string, GoNode> {
  const files: Record<string, GoNode> = {};
  const visit = (dir: string, rel: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const path = `${rel}/${name}`;
      const st = lstatSync(full);
      const key = Buffer.from(path).toString('hex');
      if (st.isSymbolicLink()) files[key] = { type: 'symlink', linkname: Buffer.from(readlinkSync(full)).toString('hex') };
      else if (st.isDirectory()) {
        files[key] = { type: 'dir' };
        visit(full, path);
      } else if (st.isFile()) files[key] = { type: 'file', sha256: createHash('sha256').update(readFileSync(full)).digest('hex') };
      else files[key] = { type: 'node' };
    }
  };
  visit(root, '');
  return files;
}

function umociUnpack(layout: string, rootfs: string): GoApply {
  try {
    execFileSync('umoci', ['raw', 'unpack', '--rootless', '--image', `${layout}:x`, rootfs], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { files: walk(rootfs), layer: 0 };
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? err).trim();
    return { files: {}, error: `umoci: ${stderr.split('\n').pop()}`, layer: 0 };
  }
}

/**
 * Whether a layer whites out a path (an opaque marker: a folder's members) that members of that same layer are
 * written at or below: umoci keeps them (a whiteout hides lower layers only, as the image spec says), containerd
 * and moby remove the ones before the whiteout, and what follows may then resolve through a different tree (a
 * symlink this layer wrote and whited out is still there to follow in umoci's, not in containerd's).
 */
function sameLayerWhiteout(layers: LayerSpec[]): boolean {
  const hides = (f: LayerSpec['files'][number], g: LayerSpec['files'][number]): boolean =>
    f.opaque ? g.path.startsWith(`${f.path}/`) : g.path === f.path || g.path.startsWith(`${f.path}/`);
  return layers.some((l) => l.files.some((f) => (f.opaque || f.whiteout) && l.files.some((g) => g !== f && !g.opaque && !g.whiteout && hides(f, g))));
}

/**
 * Seeds where umoci and containerd were seen to differ by that rule: always run, so the rule stays checked (an opaque
 * folder; a plain whiteout of a folder the same layer had put a symlink in).
 */
const RULE_SEEDS = [774639354, 428549625];

const work = mkdtempSync(join(tmpdir(), 'sbom-hunt-umoci-oracle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!hasUmoci())('final filesystems agree with umoci raw unpack', () => {
  it('on generated layer sequences: package files found with their versions, nothing phantom, refused layers unknown', async () => {
    const seed = oracleSeed(1e9);
    const count = oracleRuns(40, 0.002);
    const disagreements: string[] = [];
    let stricter = 0;
    let laxer = 0;
    let keptAsDeleted = 0;
    let containerdRule = 0;
    const seeds = [...RULE_SEEDS, ...Array.from({ length: count }, (_, i) => seed + i)];
    for (const s of seeds) {
      const layers = generateImage(s);
      const layout = await buildImageLayout(join(work, `img-${s}`), { ref: 'x', platforms: [{ layers }] });
      const rootfs = join(work, `rootfs-${s}`);
      const oracle = umociUnpack(layout.dir, rootfs);
      const read = await readImage(await openOciDir(layout.dir), { ref: 'x' });
      // umoci applies an opaque marker to lower layers only, as the image spec says; containerd and moby also remove
      // this layer's earlier members below a folder with no entry of its own. sbom-hunt follows containerd and
      // keeps what it removed aside (deleted: the image is suspect), so such a file is counted, not a disagreement.
      const pathsOf = (deleted: boolean) => (read.platforms[0]?.packages ?? []).filter((p) => p.ecosystem === 'npm' && !!p.deleted === deleted).flatMap((p) => p.paths.map((x) => `/${x.replace(/^\/+/, '')}`));
      const live = new Set(pathsOf(false));
      const deleted = new Set(pathsOf(true).filter((x) => !live.has(x)));
      for (const key of Object.keys(oracle.files)) {
        if (deleted.has(Buffer.from(key, 'hex').toString('utf8'))) {
          delete oracle.files[key];
          keptAsDeleted += 1;
        }
      }
      let why = compareApplied(read, oracle);
      // Where umoci and containerd differ by the same-layer whiteout rule, the runtime's answer is containerd's
      // (the Go model of archive.Apply): agreeing with it is not a disagreement, and is counted.
      if (why && why !== 'stricter' && why !== 'laxer' && sameLayerWhiteout(layers)) {
        const [model] = await goApply(goOracle()!, [layers.map((l) => layerTar(l))]);
        if (compareApplied(read, model!) === undefined) {
          containerdRule += 1;
          why = undefined;
        }
      }
      if (why === 'stricter') stricter += 1;
      else if (why === 'laxer') laxer += 1;
      else if (why) disagreements.push(`seed ${s}: ${why}${oracle.error ? ` (${oracle.error})` : ''}`);
      rmSync(layout.dir, { recursive: true, force: true });
      rmSync(rootfs, { recursive: true, force: true });
    }
    recordOracle(
      'umoci-unpack',
      seeds.length,
      disagreements.length,
      `seed ${seed}, ${stricter} unknown where umoci unpacks, ${laxer} read where umoci refuses, ${keptAsDeleted} package files umoci keeps that sbom-hunt lists as deleted (suspect), ${containerdRule} images where umoci differs from containerd by the same-layer whiteout rule and sbom-hunt agrees with containerd`,
    );
    // The rule seeds ran and were told apart by the containerd model, not passed by accident.
    expect(containerdRule).toBeGreaterThanOrEqual(RULE_SEEDS.length);
    if (disagreements.length > 0) console.log(disagreements.slice(0, 5).join('\n'));
    expect(disagreements.slice(0, 5)).toEqual([]);
  }, 3_600_000);
});
