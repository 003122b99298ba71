// Differential: sbom-hunt's tar reader against Go's archive/tar on generated streams. Both must return
// the same members (name bytes, type, link, size, modification time to the millisecond, content hash) and
// fail on the same archives.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeBytes } from '../../src/acquire/native/tar-header.js';
import { TarParser } from '../../src/acquire/native/tar.js';
import { goList, goOracle, type GoList, type GoMember } from '../helpers/go-oracle.js';
import { gen, randomTar } from '../helpers/tar-gen.js';
import { oracleRuns, recordOracle, oracleSeed } from './tally.js';

const bin = goOracle();

/** sbom-hunt's reading, in the oracle's shape; the tar is fed in chunks of varying size. */
export function tsList(tar: Buffer, chunk: number): GoList {
  const members: GoMember[] = [];
  const parser = new TarParser({
    onEntry(e) {
      const m: GoMember = { name: encodeBytes(e.name).toString('hex'), type: e.typeflag, linkname: encodeBytes(e.linkname).toString('hex'), size: e.size };
      // The oracle leaves out times Go's UnixMilli cannot give (seconds 1e15 or more from the epoch).
      if (Math.abs(e.mtime) < 1e18) m.mtime = e.mtime;
      members.push(m);
      return true;
    },
    onBody(_e, body) {
      (members.at(-1) as GoMember).sha256 = createHash('sha256').update(body).digest('hex');
    },
  });
  try {
    for (let i = 0; i < tar.length && !parser.done; i += chunk) parser.write(tar.subarray(i, i + chunk));
    parser.end();
    return { members };
  } catch (err) {
    return { members, error: (err as Error).message };
  }
}

/** Go hashes every body; sbom-hunt hands over only regular files' bodies, so hashes compare for those. */
function comparable(list: GoList): { members: GoMember[]; failed: boolean } {
  return {
    members: list.members.map((m) => ({ ...m, sha256: m.type === '0' ? m.sha256 : undefined })) as GoMember[],
    failed: list.error !== undefined,
  };
}

export async function differentialTarList(seed: number, count: number): Promise<{ cases: number; disagreements: string[] }> {
  const disagreements: string[] = [];
  const batch = 2000;
  for (let start = 0; start < count; start += batch) {
    const seeds = Array.from({ length: Math.min(batch, count - start) }, (_, i) => seed + start + i);
    const tars = seeds.map((s) => randomTar(gen(s, s % 3 === 0 ? 0.02 : 0)));
    const oracle = await goList(bin as string, tars);
    tars.forEach((tar, i) => {
      const ours = tsList(tar, 1 + (seeds[i] as number) % 700);
      const a = comparable(ours);
      const b = comparable(oracle[i] as GoList);
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        disagreements.push(`seed ${seeds[i]}: ours ${JSON.stringify(a)} (${ours.error ?? 'ok'}) vs go ${JSON.stringify(b)} (${oracle[i]?.error ?? 'ok'})`);
      }
    });
  }
  return { cases: count, disagreements };
}

describe.skipIf(!bin)("the tar reader agrees with Go's archive/tar", () => {
  it('on generated streams of every header form', async () => {
    const seed = oracleSeed(1e9);
    const { cases, disagreements } = await differentialTarList(seed, oracleRuns(400, 1));
    recordOracle('tar-list', cases, disagreements.length, `seed ${seed}`);
    expect(disagreements.slice(0, 5)).toEqual([]);
  }, 3_600_000);
});
