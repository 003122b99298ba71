// NuGet version ordering (NuGet.Versioning): up to four numbers, then SemVer 2.0 labels, case-insensitive, metadata ignored.
import { sign, type VersionOrder } from './order.js';

const NUGET = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

function parse(v: string): { numbers: bigint[]; labels: string[] } {
  const m = NUGET.exec(v.trim())!;
  return { numbers: [m[1], m[2], m[3], m[4]].map((n) => BigInt(n ?? '0')), labels: m[5] ? m[5].split('.') : [] };
}

function compareLabel(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return sign(Number(BigInt(a) - BigInt(b)));
  if (an !== bn) return an ? -1 : 1;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

export const nugetOrder: VersionOrder = {
  problem: (v) => (NUGET.test(v.trim()) ? undefined : 'not a NuGet version (1.2.3[.4][-label][+metadata])'),
  compare(a, b) {
    const x = parse(a);
    const y = parse(b);
    for (let i = 0; i < 4; i++) if (x.numbers[i] !== y.numbers[i]) return x.numbers[i]! < y.numbers[i]! ? -1 : 1;
    // A release is newer than any of its pre-releases.
    if (x.labels.length === 0 || y.labels.length === 0) return x.labels.length === y.labels.length ? 0 : x.labels.length === 0 ? 1 : -1;
    for (let i = 0; i < Math.min(x.labels.length, y.labels.length); i++) {
      const c = compareLabel(x.labels[i]!, y.labels[i]!);
      if (c !== 0) return c;
    }
    return sign(x.labels.length - y.labels.length);
  },
};
