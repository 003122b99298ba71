// go.sum: `<module> <version>[/go.mod] h1:<hash>`. A line without `/go.mod` is the hash of a module's source
// the go command downloaded and verified; those are listed (go.mod beside it says which versions are built).
import type { Package } from '../../model/package.js';
import type { LockfileParser, LockfileResult } from './lockfile.js';

function parseGoSum(text: string, file: string): LockfileResult {
  const seen = new Set<string>();
  const packages: Package[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const words = line.split(/\s+/);
    if (words.length !== 3 || !/^v\d/.test(words[1]!) || !/^[a-z0-9]+:/.test(words[2]!)) {
      errors.push(`${file}:${i + 1}: expected "<module> <version> <hash>", got "${line.slice(0, 200)}"`);
      return;
    }
    const [path, version] = words as [string, string];
    if (version.endsWith('/go.mod')) return;
    const key = `${path} ${version}`;
    if (seen.has(key)) return;
    seen.add(key);
    packages.push({ ecosystem: 'go', name: path, version, paths: [file] });
  });
  return { packages, notes: [], errors };
}

export const goSumParser = {
  name: 'go-sum',
  matches: (fileName) => fileName === 'go.sum',
  parse: parseGoSum,
} satisfies LockfileParser;
