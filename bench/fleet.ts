// The issue-scale sweep: a fleet of images in the real local registry, each with a signed SBOM attestation of
// ~800 packages stored as cosign v3 stores it (Sigstore bundle, referrers tag), swept cold and warm through the
// CLI in child processes; then a hunt over a cache of 10,000 images. Sizes: SBOM_HUNT_BENCH_FLEET, _CACHED.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pLimit from 'p-limit';
import { openCache } from '../src/acquire/cache/index.js';
import type { Report } from '../src/model/report.js';
import type { Package } from '../src/model/package.js';
import { BUNDLE_MEDIA_TYPE, cyclonedxStatement, keySignedBundle } from '../test/helpers/attestations.js';
import { compress, imageConfig, layerTar, sha256 } from '../test/helpers/image-builder.js';
import { pushContent } from '../test/helpers/push.js';
import { REGISTRY_BIN, registryAvailable, startRegistry, type TestRegistry } from '../test/helpers/registry.js';
import type { Row } from './images.js';

const FLEET = Number(process.env.SBOM_HUNT_BENCH_FLEET ?? 1000);
const CACHED = Number(process.env.SBOM_HUNT_BENCH_CACHED ?? 10_000);
const PACKAGES = 800;
const REPO = 'bench/fleet';
const BUNDLE = BUNDLE_MEDIA_TYPE;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const EMPTY = Buffer.from('{}');
const CLI = fileURLToPath(new URL('../../bin/sbom-hunt.js', import.meta.url));
const PROBE = fileURLToPath(new URL('./rss-probe.js', import.meta.url));
const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** Package k of image i: most names shared across the fleet, as real images share their base; 1 in 100 images carries axios 1.14.1. */
function packagesOf(i: number): [string, string][] {
  const out: [string, string][] = [];
  for (let k = 0; k < PACKAGES; k++) out.push([k < 600 ? `base-${k}` : `app${i % 50}-${k}`, `1.${k % 20}.${i % 3}`]);
  if (i % 100 === 7) out[PACKAGES - 1] = ['axios', '1.14.1'];
  return out;
}

const signedBundle = (digest: string, pkgs: [string, string][]): Buffer => keySignedBundle(cyclonedxStatement(digest, pkgs, REPO), signer.privateKey);

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const desc = (mediaType: string, b: Buffer) => ({ mediaType, digest: sha256(b), size: b.length });

/** One small image, its attestation manifest (subject = the image) and the referrers-tag index cosign writes on distribution 2.8. */
async function pushAttestedImage(reg: TestRegistry, i: number): Promise<void> {
  const tar = layerTar({ files: [{ path: 'etc/image-id', content: `fleet image ${i}\n` }] });
  const layer = compress(tar, 'gzip');
  const config = json(imageConfig({ layers: [] }, [sha256(tar)]));
  const manifest = json({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: desc('application/vnd.oci.image.config.v1+json', config), layers: [desc('application/vnd.oci.image.layer.v1.tar+gzip', layer)] });
  const bundle = signedBundle(sha256(manifest), packagesOf(i));
  const referrer = json({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: BUNDLE,
    config: desc('application/vnd.oci.empty.v1+json', EMPTY),
    layers: [desc(BUNDLE, bundle)],
    subject: desc(OCI_MANIFEST, manifest),
  });
  const index = json({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ ...desc(OCI_MANIFEST, referrer), artifactType: BUNDLE }] });
  await pushContent(reg.url, REPO, {
    blobs: [layer, config, EMPTY, bundle],
    manifests: [
      { bytes: manifest, mediaType: OCI_MANIFEST, tags: [`t${i}`] },
      { bytes: referrer, mediaType: OCI_MANIFEST },
      { bytes: index, mediaType: OCI_INDEX, tags: [sha256(manifest).replace(':', '-')] },
    ],
  });
}

/** Runs the CLI in a fresh process: wall seconds, its own peak RSS (VmHWM, written at exit by the probe), and the report. */
export async function timedCli(args: string[], dir: string, format = 'json'): Promise<{ seconds: number; rssMb: number; report?: Report }> {
  const rssFile = join(dir, `rss-${Date.now()}`);
  const out = join(dir, `report-${Date.now()}.${format}`);
  const started = performance.now();
  await promisify(execFile)(process.execPath, ['--import', PROBE, CLI, ...args, '--format', format, '-o', out, '--fail-on', 'none', '--quiet'], {
    env: { ...process.env, SBOM_HUNT_RSS_FILE: rssFile, CI: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  const rssMb = Number(await readFile(rssFile, 'utf8')) / 1024;
  return format === 'json' ? { seconds, rssMb, report: JSON.parse(await readFile(out, 'utf8')) as Report } : { seconds, rssMb };
}

/** The cache grown to CACHED images of PACKAGES packages each, written through the store in batches (setup, not measured). */
function fillCache(file: string): void {
  const store = openCache(file);
  try {
    for (let start = 0; start < CACHED; start += 250) {
      const batch = Array.from({ length: Math.min(250, CACHED - start) }, (_, j) => {
        const i = start + j;
        const packages: Package[] = packagesOf(i).map(([name, version]) => ({ ecosystem: 'npm', name, version, paths: [`/app/node_modules/${name}/package.json`] }));
        return { digest: `sha256:${i.toString(16).padStart(64, '0')}`, ref: `bench/cached:${i}`, platforms: [{ packages, evidence: { kind: 'native' as const }, errors: [], notes: [] }] };
      });
      store.putMany(batch);
    }
  } finally {
    store.close();
  }
}

function expectAll(report: Report | undefined, n: number, what: string): asserts report is Report {
  if (!report || report.summary.images !== n || report.summary.unknown > 0) {
    throw new Error(`${what}: ${report?.summary.images} images, ${report?.summary.unknown} unknown: ${report?.images.find((i) => i.verdict === 'unknown')?.reasons.join('; ')}`);
  }
}

async function measure(reg: TestRegistry, dir: string): Promise<Row[]> {
  const keyFile = join(dir, 'cosign.pub');
  await writeFile(keyFile, signer.publicKey.export({ type: 'spki', format: 'pem' }));
  let started = performance.now();
  const limit = pLimit(16);
  await Promise.all(Array.from({ length: FLEET }, (_, i) => limit(() => pushAttestedImage(reg, i))));
  const rows: Row[] = [{ name: `fleet: push ${FLEET} attested images (setup)`, value: `${((performance.now() - started) / 1000).toFixed(1)} s`, note: `${PACKAGES} packages per signed CycloneDX bundle, referrers tag` }];
  const cacheDir = join(dir, 'cache');
  const sweep = ['scan', `registry:${reg.host}/${REPO}`, '--insecure-registry', reg.host, '--key', keyFile, '--sbom-sources', 'cache,attestation', '--cache-dir', cacheDir, '--concurrency', '16'];
  const cold = await timedCli(sweep, dir);
  expectAll(cold.report, FLEET, 'cold sweep');
  const warm = await timedCli(sweep, dir);
  expectAll(warm.report, FLEET, 'warm sweep');
  const fromCache = warm.report.images.filter((i) => i.source?.kind === 'cache').length;
  rows.push(
    { name: `fleet: cold sweep of ${FLEET} images (aim < 60 s)`, value: `${cold.seconds.toFixed(1)} s`, note: `attestations verified with --key, ${cold.report.summary.affected} affected; peak RSS ${cold.rssMb.toFixed(0)} MB` },
    { name: `fleet: warm sweep of ${FLEET} images`, value: `${warm.seconds.toFixed(1)} s`, note: `${fromCache}/${FLEET} from the cache (tags still listed and HEADed); peak RSS ${warm.rssMb.toFixed(0)} MB` },
  );
  const huntDir = join(dir, 'hunt');
  started = performance.now();
  fillCache(join(huntDir, 'cache.db'));
  rows.push({ name: `hunt: fill a cache with ${CACHED.toLocaleString('en')} images (setup)`, value: `${((performance.now() - started) / 1000).toFixed(1)} s`, note: `${(CACHED * PACKAGES).toLocaleString('en')} package rows` });
  const hunt = await timedCli(['cache', 'hunt', '--cache-dir', huntDir], dir);
  expectAll(hunt.report, CACHED, 'cache hunt');
  // The first run also filled Node's compile cache; an on-call engineer's second hunt starts warm like this one.
  const table = await timedCli(['cache', 'hunt', '--cache-dir', huntDir], dir, 'table');
  rows.push(
    {
      name: `hunt: cache hunt over ${CACHED.toLocaleString('en')} cached images (aim < 1 s)`,
      value: `${table.seconds.toFixed(2)} s`,
      note: `whole CLI run incl. Node start, table report to a file; peak RSS ${table.rssMb.toFixed(0)} MB`,
    },
    {
      name: `hunt: the same, JSON report`,
      value: `${hunt.seconds.toFixed(2)} s`,
      note: `${hunt.report.summary.affected} affected; ${hunt.report.images.length.toLocaleString('en')} images written as JSON; peak RSS ${hunt.rssMb.toFixed(0)} MB`,
    },
  );
  return rows;
}

export async function benchFleet(): Promise<Row[]> {
  if (!registryAvailable) return [{ name: 'attested fleet from a local registry', value: 'skipped', note: `${REGISTRY_BIN} is missing (Debian package docker-registry)` }];
  const reg = await startRegistry();
  const dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-bench-fleet-'));
  try {
    return await measure(reg, dir);
  } finally {
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
