// From a checkout to findings: each npm fixture, read by the directory acquirer and matched against the bundled feed.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { directoryAcquirer } from '../../../src/acquire/directory.js';
import { loadIocs } from '../../../src/iocs/index.js';
import type { IocIndex } from '../../../src/match/ioc-index.js';
import { buildIocIndex } from '../../../src/match/ioc-index.js';
import { matchPackages } from '../../../src/match/match-packages.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/lockfiles');
const NPM_FIXTURES = ['npm-v1', 'npm-v2', 'npm-v3', 'pnpm-v5.4', 'pnpm-v6', 'pnpm-v9', 'yarn-classic', 'yarn-berry', 'bun'];

let index: IocIndex;
beforeAll(async () => {
  index = buildIocIndex(await loadIocs([path.resolve(import.meta.dirname, '../../../iocs')]));
});

describe.each(NPM_FIXTURES)('%s against the axios-2026-03 feed', (dir) => {
  it('hits axios@1.14.1 and plain-crypto-js@4.2.1, and none of the lookalikes', async () => {
    const outcome = await directoryAcquirer.acquire({ kind: 'directory', ref: dir, path: path.join(FIXTURES, dir) }, { insecureRegistries: [], inputErrors: [] });
    if (!outcome.ok) throw new Error(outcome.notMine);
    const platform = outcome.image.platforms[0]!;
    expect(platform.errors).toEqual([]);
    const hits = matchPackages(platform.packages, index).map((m) => `${m.name}@${m.version}`);
    expect(hits.sort()).toEqual(['axios@1.14.1', 'plain-crypto-js@4.2.1']);
    for (const lookalike of ['axios-mock-adapter', '@types/axios', 'crypto-js']) {
      expect(platform.packages.some((p) => p.name === lookalike)).toBe(true);
    }
  });
});
