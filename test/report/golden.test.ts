// Golden files for every presenter, with times and digests masked. Refresh: UPDATE_GOLDEN=1 npx vitest run test/report
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build.js';
import { presenters, tersePresenter, type Presenter } from '../../src/report/presenters/index.js';
import { sampleImages, sampleIocs, sampleMeta, sink } from './sample.js';

const goldenDir = fileURLToPath(new URL('./golden/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

/** Times and digests change with every build of the sample; the words and layout around them are what is checked. */
export function mask(text: string): string {
  return text
    .replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g, '<time>')
    .replace(/\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?:–\d{2}:\d{2})?/g, '<time>')
    .replace(/\bsha256:[0-9a-f]{6,64}\b/g, 'sha256:<digest>');
}

const cases: Array<[string, Presenter, { color: boolean; quiet?: boolean }]> = [
  ['table.txt', presenters.table, { color: false }],
  ['table-quiet.txt', presenters.table, { color: false, quiet: true }],
  ['terse.txt', tersePresenter, { color: false }],
  ['report.md', presenters.markdown, { color: false }],
  ['report.json', presenters.json, { color: false }],
  ['report.sarif', presenters.sarif, { color: false }],
];

describe('presenter golden files', () => {
  const report = buildReport(sampleImages, sampleIocs, sampleMeta);
  for (const [file, present, opts] of cases) {
    it(`${file} matches its golden file`, () => {
      const out = sink();
      present(report, out, opts);
      const actual = mask(out.text());
      const path = goldenDir + file;
      if (update) {
        mkdirSync(goldenDir, { recursive: true });
        writeFileSync(path, actual);
      }
      expect(existsSync(path), `${file} is missing: run UPDATE_GOLDEN=1 npx vitest run test/report`).toBe(true);
      expect(actual).toBe(readFileSync(path, 'utf8'));
    });
  }
});
