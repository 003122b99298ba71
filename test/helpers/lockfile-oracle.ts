// The sbom-hunt side of the package managers' differential tests (test/oracle/*-lock*.test.ts): one real
// `sbom-hunt scan dir:ROOT -f json --include-packages` over a tree holding every generated lockfile, its package
// list split by the lockfile each package was read from.
import { expect } from 'vitest';
import { runCli } from './cli.js';

interface ReportPackage {
  ecosystem: string;
  name: string;
  version: string;
  paths: string[];
}

/** `name version` per lockfile path inside `root` (`/case-3/Cargo.lock`), sorted; duplicates kept. */
export async function inventoryByFile(root: string): Promise<Map<string, string[]>> {
  const r = await runCli(['scan', `dir:${root}`, '--no-cache', '-f', 'json', '--include-packages']);
  const report = JSON.parse(r.stdout) as {
    images: { verdict: string; reasons: string[]; platforms: { packages?: ReportPackage[] }[] }[];
  };
  expect(report.images).toHaveLength(1);
  const image = report.images[0]!;
  // Every lockfile read whole: anything not read would make the platform unknown.
  expect(image.verdict, image.reasons.join('\n')).toBe('clean');
  const byFile = new Map<string, string[]>();
  for (const p of image.platforms.flatMap((pl) => pl.packages ?? [])) {
    for (const path of p.paths) {
      const list = byFile.get(path) ?? [];
      list.push(`${p.name} ${p.version}`);
      byFile.set(path, list);
    }
  }
  for (const list of byFile.values()) list.sort();
  return byFile;
}
