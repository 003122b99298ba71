// One OCI layout (and the same layout as a docker-archive tarball) holding N images: the index must be read once,
// not once per image, so the time per image stays flat as N grows.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compress, imageConfig, layerTar, sha256 } from '../test/helpers/image-builder.js';
import { timedCli } from './fleet.js';
import type { Row } from './images.js';

const SIZES = (process.env.SBOM_HUNT_BENCH_LAYOUT ?? '1000,5000').split(',').map(Number);
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

async function writeBlob(dir: string, bytes: Buffer): Promise<string> {
  const digest = sha256(bytes);
  await writeFile(join(dir, 'blobs/sha256', digest.slice(7)), bytes);
  return digest;
}

/** N images sharing one small npm layer and config; each manifest differs by an annotation, so each has its own digest. */
async function writeLayout(dir: string, n: number): Promise<void> {
  await mkdir(join(dir, 'blobs/sha256'), { recursive: true });
  const tar = layerTar({ files: [{ path: 'app/node_modules/left-pad/package.json', content: '{"name":"left-pad","version":"1.3.0"}' }] });
  const layer = compress(tar, 'gzip');
  const layerDigest = await writeBlob(dir, layer);
  const config = Buffer.from(JSON.stringify(imageConfig({ layers: [] }, [sha256(tar)])));
  const configDigest = await writeBlob(dir, config);
  const manifests = [];
  for (let i = 0; i < n; i++) {
    const bytes = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
      annotations: { 'bench.image': String(i) },
    }));
    const digest = await writeBlob(dir, bytes);
    manifests.push({ mediaType: OCI_MANIFEST, digest, size: bytes.length, annotations: { 'org.opencontainers.image.ref.name': `t${i}` } });
  }
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
}

export async function benchLayout(): Promise<Row[]> {
  const rows: Row[] = [];
  const work = await mkdtemp(join(tmpdir(), 'sbom-hunt-bench-layout-'));
  try {
    for (const n of SIZES) {
      const dir = join(work, `layout-${n}`);
      await writeLayout(dir, n);
      const archive = join(work, `archive-${n}.tar`);
      execFileSync('tar', ['-cf', archive, '-C', dir, '.']);
      for (const [scheme, path] of [['oci-dir', dir], ['docker-archive', archive]] as const) {
        const run = await timedCli(['scan', `${scheme}:${path}`, '--sbom-sources', 'native', '--no-cache'], work);
        const read = run.report?.images.length ?? 0;
        rows.push({
          name: `layout: ${scheme} with ${n} images`,
          value: `${run.seconds.toFixed(1)} s`,
          note: `${((run.seconds * 1000) / n).toFixed(2)} ms per image; ${read} images in the report; peak RSS ${Math.round(run.rssMb)} MB`,
        });
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return rows;
}
