// Native package extraction speed: synthetic gzip layers (~50 MB of tar) read by readImage, against
// `gzip -dc` of the same layer files in the same run, which is the floor any reader must pay.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { readImage } from '../src/acquire/native/read-image.js';
import { openOciDir } from '../src/inventory/oci-dir.js';
import { buildImageLayout, type FileSpec, type LayerSpec } from '../test/helpers/image-builder.js';
import { seeded as rng } from '../test/helpers/random.js';

export interface Row {
  name: string;
  value: string;
  note?: string;
}

const LAYERS = 4;
const TARGET_BYTES = 50 * 1024 * 1024;
const PACKAGES_PER_LAYER = 1500;
const WORDS = 'const function return module exports require import from this that value index error null undefined true false string number object array promise async await'.split(' ');


/** Source-like text, so gzip ratios resemble real layers (about 4:1) rather than random or zero bytes. */
function text(rand: () => number, bytes: number): string {
  const parts: string[] = [];
  let n = 0;
  while (n < bytes) {
    const w = `${WORDS[Math.floor(rand() * WORDS.length)]}${rand() < 0.1 ? `${Math.floor(rand() * 1e6)}\n` : ' '}`;
    parts.push(w);
    n += w.length;
  }
  return parts.join('');
}

function syntheticLayer(rand: () => number, layer: number): LayerSpec {
  const files: FileSpec[] = [];
  let bytes = 0;
  for (let p = 0; p < PACKAGES_PER_LAYER; p++) {
    const dir = `app${layer}/node_modules/pkg-${layer}-${p}`;
    files.push({ path: `${dir}/package.json`, content: JSON.stringify({ name: `pkg-${layer}-${p}`, version: `1.${p % 20}.${layer}`, description: text(rand, 200) }) });
  }
  for (let f = 0; bytes < TARGET_BYTES / LAYERS; f++) {
    const size = 512 + Math.floor(rand() * 48 * 1024);
    files.push({ path: `app${layer}/node_modules/pkg-${layer}-${f % PACKAGES_PER_LAYER}/lib/file-${f}.js`, content: text(rand, size) });
    bytes += size + 512;
  }
  return { files, compression: 'gzip' };
}

function gunzipWithTool(paths: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('gzip', ['-dc', ...paths], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`gzip -dc exited ${code}: ${stderr}`))));
  });
}

/** Streaming gunzip into a sink that drops the bytes: the decompression the reader cannot avoid. */
async function gunzipInProcess(layers: Buffer[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (const layer of layers) {
    await pipeline(Readable.from([layer]), createGunzip({ chunkSize: 256 * 1024 }), new Writable({ write: (_c, _e, cb) => cb() }));
  }
  return seconds(t0);
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const mbps = (bytes: number, s: number) => bytes / 1024 / 1024 / s;

export async function benchExtract(): Promise<Row[]> {
  const rand = rng(2026_03_31);
  const dir = await mkdtemp(join(tmpdir(), 'bench-extract-'));
  try {
    const layers = Array.from({ length: LAYERS }, (_, i) => syntheticLayer(rand, i));
    const built = await buildImageLayout(dir, { platforms: [{ layers }] });
    const digests = built.images[0]!.platforms[0]!.layerDigests;
    const tarBytes = layers.reduce((n, l) => n + l.files.reduce((m, f) => m + 512 + Math.ceil(Buffer.byteLength(f.content ?? '') / 512) * 512, 0), 0);
    const gzBytes = digests.reduce((n, d) => n + built.blobs.get(d)!.length, 0);
    const rows: Row[] = [];
    // Best of three for each, interleaved, so a noisy neighbour hurts both sides alike.
    const best = { native: Infinity, tool: Infinity, zlib: Infinity };
    let packages = 0;
    for (let round = 0; round < 3; round++) {
      let t0 = process.hrtime.bigint();
      const img = await readImage(await openOciDir(dir), { ref: 'bench' });
      best.native = Math.min(best.native, seconds(t0));
      const p = img.platforms[0];
      if (!p || p.errors.length > 0 || img.errors.length > 0) throw new Error(`bench image unreadable: ${[...img.errors, ...(p?.errors ?? [])].join('; ')}`);
      packages = p.packages.length;
      t0 = process.hrtime.bigint();
      await gunzipWithTool(digests.map((d) => join(dir, 'blobs', 'sha256', d.slice(7))));
      best.tool = Math.min(best.tool, seconds(t0));
      best.zlib = Math.min(best.zlib, await gunzipInProcess(digests.map((d) => built.blobs.get(d)!)));
    }
    const nativeRate = mbps(tarBytes, best.native);
    const toolRate = mbps(tarBytes, best.tool);
    rows.push({ name: 'extract: synthetic layers', value: `${(tarBytes / 1024 / 1024).toFixed(1)} MB`, note: `${LAYERS} gzip layers, ${(gzBytes / 1024 / 1024).toFixed(1)} MB stored, ${packages} packages found` });
    rows.push({ name: 'extract: native readImage', value: `${nativeRate.toFixed(0)} MB/s`, note: `best of 3, ${(best.native * 1000).toFixed(0)} ms (hash + gunzip + tar + catalog)` });
    rows.push({ name: 'extract: gzip -dc (child process)', value: `${toolRate.toFixed(0)} MB/s`, note: `best of 3, ${(best.tool * 1000).toFixed(0)} ms` });
    rows.push({ name: 'extract: node zlib gunzip alone', value: `${mbps(tarBytes, best.zlib).toFixed(0)} MB/s`, note: 'best of 3, in process from memory: the decompression share of the native time' });
    rows.push({ name: 'extract: native / gzip -dc', value: `${(nativeRate / toolRate).toFixed(2)}x`, note: 'aim: at least 0.5x' });
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of await benchExtract()) console.log(`| ${r.name.padEnd(36)} | ${r.value.padStart(10)} | ${r.note ?? ''}`);
}
