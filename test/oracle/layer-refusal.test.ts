// Differential: a layer Go's archive/tar refuses (bad checksum, truncated member, invalid PAX record, a number
// or header form Go rejects, a member after the end blocks it never reaches...) must leave the platform unknown,
// with a reason that names the layer. The generated tar streams of tar-gen.ts, broken at several rates, are each
// the one layer of an image read end to end by readImage; Go lists the same bytes. A layer Go reads that
// sbom-hunt still leaves unknown is counted as stricter (fail closed, not a wrong clean) and must stay rare.
import { describe, expect, it } from 'vitest';
import { readImage } from '../../src/acquire/native/read-image.js';
import { goList, goOracle } from '../helpers/go-oracle.js';
import { gen, randomTar } from '../helpers/tar-gen.js';
import { defaultConfig, defaultManifest, memoryStore, sealImage } from '../fuzz/memory-image.js';
import { oracleRuns, recordOracle, oracleSeed } from './tally.js';

const bin = goOracle();
const RATES = [0, 0.02, 0.05, 0.15];

interface Outcome {
  cases: number;
  refusedByGo: number;
  disagreements: string[];
  stricter: string[];
}

export async function differentialRefusal(seed: number, count: number): Promise<Outcome> {
  const out: Outcome = { cases: count, refusedByGo: 0, disagreements: [], stricter: [] };
  const batch = 1000;
  for (let start = 0; start < count; start += batch) {
    const seeds = Array.from({ length: Math.min(batch, count - start) }, (_, i) => seed + start + i);
    const tars = seeds.map((s) => randomTar(gen(s, RATES[s % RATES.length] as number)));
    const oracle = await goList(bin as string, tars);
    for (const [i, tar] of tars.entries()) {
      const s = seeds[i] as number;
      const img = sealImage({ layers: [tar], config: defaultConfig, manifest: defaultManifest });
      const read = await readImage(memoryStore(img, 1 + (s % 4096)), { ref: `case-${s}` });
      const errors = [...read.errors, ...(read.platforms[0]?.errors ?? [])];
      const goError = oracle[i]?.error;
      if (goError !== undefined) {
        out.refusedByGo += 1;
        if (errors.length === 0) out.disagreements.push(`seed ${s}: Go refuses the layer (${goError}); sbom-hunt read it with no error`);
        else if (!errors.some((e) => /layer/i.test(e))) out.disagreements.push(`seed ${s}: Go refuses (${goError}); sbom-hunt's reasons do not name the layer: ${errors.join('; ')}`);
      } else if (errors.length > 0) out.stricter.push(`seed ${s}: ${errors.join('; ')}`);
    }
  }
  return out;
}

describe.skipIf(!bin)("a layer Go's archive/tar refuses leaves the platform unknown", () => {
  it('on generated tar streams, well-formed and broken, each the one layer of an image', async () => {
    const seed = oracleSeed(1e9);
    const { cases, refusedByGo, disagreements, stricter } = await differentialRefusal(seed, oracleRuns(300, 0.1));
    recordOracle('layer-refusal', cases, disagreements.length, `seed ${seed}, ${refusedByGo} refused by Go, ${stricter.length} unknown where Go reads the layer`);
    if (stricter.length > 0) console.log(`first unknown-where-Go-reads: ${stricter.slice(0, 3).join(' | ')}`);
    if (process.env.ORACLE_VERBOSE) console.log(stricter.map((s) => s.replace(/^seed \d+: /, '').replace(/layer sha256:[0-9a-f]+: /g, '').replace(/"[^"]*"/g, 'P')).join('\n'));
    expect(disagreements.slice(0, 5)).toEqual([]);
  }, 3_600_000);
});
