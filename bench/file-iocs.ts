// The native reader's cost with file indicators on, beside it without: one OCI layout of many files read
// with no indicator, a path + hash indicator (only files of that name hashed), a hash + size indicator
// (only files of that size hashed), and a bare hash (every file hashed: the ceiling).
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readImage } from '../src/acquire/native/read-image.js';
import { openOciDir } from '../src/inventory/oci-dir.js';
import type { FileIndicator } from '../src/model/ioc.js';
import { buildImageLayout, type FileSpec, type LayerSpec } from '../test/helpers/image-builder.js';

interface Row {
  name: string;
  value: string;
  note?: string;
}

const FILES = Number(process.env.SBOM_HUNT_BENCH_FILE_IOCS ?? 6000);
const LAYERS = 3;
const RUNS = Number(process.env.SBOM_HUNT_BENCH_RUNS ?? 7);
const PTH = 'import os; exec("print(1)")\n';
const SHA = createHash('sha256').update(PTH).digest('hex');

/** Files of 2 to 34 KiB, of text that compresses about as source code does. */
function layer(l: number): LayerSpec {
  const files: FileSpec[] = [];
  for (let i = 0; i < FILES / LAYERS; i++) {
    const line = `// layer ${l} file ${i}: ${createHash('sha1').update(`${l}/${i}`).digest('hex')}\n`;
    files.push({ path: `usr/lib/python3.12/site-packages/pkg${i % 97}/mod_${l}_${i}.py`, content: line.repeat(Math.ceil((2048 + (i % 32) * 1024) / line.length)) });
  }
  if (l === LAYERS - 1) files.push({ path: 'usr/lib/python3.12/site-packages/litellm_init.pth', content: PTH });
  return { files, compression: 'gzip' };
}

interface Timed {
  ms: number;
  records: number;
  matched: boolean;
}

async function readOnce(dir: string, indicators: FileIndicator[]): Promise<{ ms: number; records: number; matched: boolean }> {
  // CPU time (user + system, every thread of the process): what the read costs, less swayed by busy neighbours than wall time.
  const started = process.cpuUsage();
  const img = await readImage(await openOciDir(dir), { ref: 'bench', fileIndicators: indicators });
  const used = process.cpuUsage(started);
  const ms = (used.user + used.system) / 1000;
  const p = img.platforms[0];
  if (img.errors.length > 0 || !p || p.errors.length > 0) throw new Error(`bench image not read: ${[...img.errors, ...(p?.errors ?? [])].join('; ')}`);
  return { ms, records: p.files?.records.length ?? 0, matched: p.files?.records.some((x) => x.sha256 === SHA) ?? false };
}

/** Rounds interleave the cases, so a busy neighbour on a shared machine slows all of them alike; the median is kept. */
async function timedCases(dir: string, cases: FileIndicator[][]): Promise<Timed[]> {
  const all: { ms: number[]; records: number; matched: boolean }[] = cases.map(() => ({ ms: [], records: 0, matched: false }));
  for (let r = 0; r < RUNS; r++) {
    for (const [i, indicators] of cases.entries()) {
      const t = await readOnce(dir, indicators);
      all[i]!.ms.push(t.ms);
      all[i]!.records = t.records;
      all[i]!.matched = t.matched;
    }
  }
  return all.map((a) => ({ ms: a.ms.sort((x, y) => x - y)[Math.floor(RUNS / 2)]!, records: a.records, matched: a.matched }));
}

export async function benchFileIocs(): Promise<Row[]> {
  const root = await mkdtemp(join(tmpdir(), 'sbom-hunt-bench-file-iocs-'));
  try {
    const layers = Array.from({ length: LAYERS }, (_, l) => layer(l));
    const bytes = layers.reduce((n, l) => n + l.files.reduce((m, f) => m + Buffer.byteLength(f.content ?? ''), 0), 0);
    const built = await buildImageLayout(join(root, 'img'), { platforms: [{ layers }] });
    const mb = bytes / 1024 / 1024;
    const cases: [string, FileIndicator[]][] = [
      ['off (no file indicators)', []],
      ['path + sha256 (files of that name hashed)', [{ path: '/usr/**/site-packages/litellm_init.pth', sha256: SHA }]],
      ['sha256 + size (files of that size hashed)', [{ sha256: SHA, size: Buffer.byteLength(PTH) }]],
      ['bare sha256 (every file hashed)', [{ sha256: SHA }]],
    ];
    const times = await timedCases(built.dir, cases.map(([, i]) => i));
    const base = times[0]!.ms;
    const rows: Row[] = [];
    for (const [i, [label, indicators]] of cases.entries()) {
      const { ms, records, matched } = times[i]!;
      if (indicators.length > 0 && !matched) throw new Error(`bench: ${label} did not find the planted file`);
      const overhead = indicators.length === 0 ? '' : `, ${ms >= base ? '+' : ''}${(((ms - base) / base) * 100).toFixed(0)}% vs off`;
      rows.push({
        name: `native read, file indicators ${label}`,
        value: `${ms.toFixed(0)} ms CPU`,
        note: `${(mb / (ms / 1000)).toFixed(0)} MB per CPU-second, of ${mb.toFixed(0)} MB in ${FILES + 1} files, ${LAYERS} gzip layers; ${records} file(s) recorded${overhead}; median of ${RUNS}`,
      });
    }
    return rows;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
