// Images read natively from a local registry: throughput at several concurrencies, cold vs warm cache sweep, memory.
// The real /usr/bin/docker-registry serves N synthetic npm images (two layers, ~800 packages each).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScan, type ScanOptions } from '../src/scan.js';
import { buildImageLayout, type FileSpec, type LayerSpec } from '../test/helpers/image-builder.js';
import { pushOciLayout } from '../test/helpers/push.js';
import { REGISTRY_BIN, registryAvailable, startRegistry, type TestRegistry } from '../test/helpers/registry.js';

export interface Row {
  name: string;
  value: string;
  note?: string;
}

const IMAGES = Number(process.env.SBOM_HUNT_BENCH_IMAGES ?? 60);
const PACKAGES_PER_LAYER = 400;
const REPO = 'bench/app';
const IOCS = fileURLToPath(new URL('../../iocs/', import.meta.url));

function npmLayer(prefix: string, count: number, salt: string): LayerSpec {
  const files: FileSpec[] = [];
  for (let p = 0; p < count; p++) {
    const dir = `app/node_modules/${prefix}-${p}`;
    files.push({ path: `${dir}/package.json`, content: JSON.stringify({ name: `${prefix}-${p}`, version: `1.${p % 20}.0`, description: `${salt} package ${p}` }) });
    files.push({ path: `${dir}/index.js`, content: `module.exports = ${JSON.stringify(`${salt}/${p}`)};\n`.repeat(8) });
  }
  return { files, compression: 'gzip' };
}

/** N images in one repository: a base layer shared by all (pushed once) and a layer of its own each. */
async function pushImages(reg: TestRegistry, dir: string): Promise<number> {
  const started = performance.now();
  const shared = npmLayer('base', PACKAGES_PER_LAYER, 'shared');
  for (let i = 0; i < IMAGES; i++) {
    const own = npmLayer(`app${i}`, PACKAGES_PER_LAYER, `image-${i}`);
    const layout = await buildImageLayout(join(dir, `img-${i}`), { ref: `t${i}`, platforms: [{ layers: [shared, own] }] });
    await pushOciLayout(reg.url, REPO, layout.dir);
    await rm(layout.dir, { recursive: true, force: true });
  }
  return (performance.now() - started) / 1000;
}

function scanOptions(reg: TestRegistry, concurrency: number, cacheDir?: string): ScanOptions {
  return {
    sources: [`registry:${reg.host}/${REPO}`],
    iocPaths: [IOCS],
    windows: [],
    concurrency,
    insecureRegistries: [reg.host],
    kube: {},
    sbomSources: cacheDir ? ['cache', 'native'] : ['native'],
    cache: cacheDir !== undefined,
    ...(cacheDir ? { cacheDir } : {}),
    allowUnverifiedAttestations: false,
    toolTimeoutMs: 600_000,
  };
}

/** Seconds for one sweep, and whether every image was read (a bench of failures measures nothing). */
async function timedSweep(opts: ScanOptions): Promise<{ seconds: number; report: Awaited<ReturnType<typeof runScan>>['report'] }> {
  const started = performance.now();
  const { report } = await runScan(opts);
  const seconds = (performance.now() - started) / 1000;
  if (report.summary.images !== IMAGES || report.summary.unknown > 0) {
    throw new Error(`bench sweep read ${report.summary.images} images, ${report.summary.unknown} unknown: ${report.images.find((i) => i.verdict === 'unknown')?.reasons.join('; ')}`);
  }
  return { seconds, report };
}

async function measure(reg: TestRegistry, dir: string): Promise<Row[]> {
  const rows: Row[] = [];
  const pushSeconds = await pushImages(reg, dir);
  rows.push({ name: `build + push ${IMAGES} images`, value: `${pushSeconds.toFixed(1)} s`, note: `2 layers x ${PACKAGES_PER_LAYER} npm packages each, base layer shared` });
  for (const c of [1, 8, 32]) {
    const { seconds, report } = await timedSweep(scanOptions(reg, c));
    rows.push({ name: `native from registry, concurrency ${c}`, value: `${(IMAGES / seconds).toFixed(1)} images/s`, note: `${seconds.toFixed(2)} s for ${IMAGES} images, ${report.images[0]?.packageCount ?? 0} packages each, --no-cache` });
  }
  const cacheDir = await mkdtemp(join(dir, 'cache-'));
  const cold = await timedSweep(scanOptions(reg, 8, cacheDir));
  const warm = await timedSweep(scanOptions(reg, 8, cacheDir));
  const fromCache = warm.report.images.filter((i) => i.source?.kind === 'cache').length;
  rows.push({ name: 'sweep, cold cache (concurrency 8)', value: `${cold.seconds.toFixed(2)} s`, note: 'reads every image natively and stores it' });
  rows.push({ name: 'sweep, warm cache (concurrency 8)', value: `${warm.seconds.toFixed(2)} s`, note: `${fromCache}/${IMAGES} images answered from the cache; tags still listed and HEADed` });
  rows.push({ name: 'peak RSS after the image sweeps', value: `${Math.round(process.resourceUsage().maxRSS / 1024)} MB` });
  return rows;
}

export async function benchImages(): Promise<Row[]> {
  if (!registryAvailable) return [{ name: 'images from a local registry', value: 'skipped', note: `${REGISTRY_BIN} is missing (Debian package docker-registry)` }];
  const reg = await startRegistry();
  const dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-bench-images-'));
  try {
    return await measure(reg, dir);
  } finally {
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
