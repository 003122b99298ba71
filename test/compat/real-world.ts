// Locates the shared real-world samples (../shared/real-world beside the repo) and the facts recorded for them.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const candidate = path.resolve(repoRoot, '../shared/real-world');

/** The samples folder, or undefined when this checkout has none beside it (suites then skip). */
export const realWorldDir: string | undefined = existsSync(path.join(candidate, 'expected.json')) ? candidate : undefined;

export interface ExpectedFile {
  /** Path relative to realWorldDir, e.g. `spdx/ko-0.12.0-image.spdx-2.2.json`. */
  file: string;
  format: string;
  facts: Record<string, unknown>;
}

/** Every entry of expected.json; empty when the samples are absent. */
export function loadExpected(): ExpectedFile[] {
  if (!realWorldDir) return [];
  const raw: unknown = JSON.parse(readFileSync(path.join(realWorldDir, 'expected.json'), 'utf8'));
  if (!Array.isArray(raw)) throw new Error(`${realWorldDir}/expected.json: expected a JSON array`);
  return raw.map((e: { file: string; format: string; facts?: Record<string, unknown> }) => ({
    file: e.file,
    format: e.format,
    facts: e.facts ?? {},
  }));
}

/** Absolute path of a sample; only call when realWorldDir is defined. */
export function realWorldPath(file: string): string {
  if (!realWorldDir) throw new Error('real-world samples are not present');
  return path.join(realWorldDir, file);
}
