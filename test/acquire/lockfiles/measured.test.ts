// Lockfile shapes real tools write that were misread before (each failed on the old parsers): one fixture folder per case.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockfileParserFor } from '../../../src/acquire/lockfiles/index.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/lockfiles');

function parseFixture(dir: string, file: string) {
  return lockfileParserFor(file)!.parse(readFileSync(path.join(FIXTURES, dir, file), 'utf8'), `/${dir}/${file}`);
}

const summary = (dir: string, file: string) =>
  parseFixture(dir, file)
    .packages.map((p) => `${p.name}@${p.version} <- ${p.dependencyPath?.join(' > ') ?? '?'}`)
    .sort();

describe.each([
  {
    dir: 'pnpm-v5-registry-host',
    file: 'pnpm-lock.yaml',
    why: 'v5 keys that start with a registry host instead of `/`',
    want: ['@acme/logger@2.0.1 <- ', 'axios@1.14.1 <- ', 'left-pad@1.3.0 <- ', 'plain-crypto-js@4.2.1 <- axios@1.14.1'],
  },
  {
    dir: 'pnpm-v5-file',
    file: 'pnpm-lock.yaml',
    why: '`file:` keys take name and version from their entry',
    want: ['@demo/shared@0.4.0 <- ', 'axios@1.14.1 <- local-tools@1.2.0', 'local-tools@1.2.0 <- ', 'plain-crypto-js@4.2.1 <- local-tools@1.2.0 > axios@1.14.1'],
  },
  {
    dir: 'pnpm-v9-slash-keys',
    file: 'pnpm-lock.yaml',
    why: 'a v9 lockfile whose keys kept the v6 `/name@version` style',
    want: ['@types/node@22.10.1 <- ', 'axios@1.14.1 <- ', 'plain-crypto-js@4.2.1 <- axios@1.14.1', 'undici-types@6.20.0 <- @types/node@22.10.1'],
  },
  {
    dir: 'pnpm-v9-env-document',
    file: 'pnpm-lock.yaml',
    why: 'an environment document before the lockfile in one YAML stream',
    want: ['axios@1.14.1 <- ', 'plain-crypto-js@4.2.1 <- axios@1.14.1'],
  },
  {
    dir: 'npm-v2-dependencies-only',
    file: 'package-lock.json',
    why: 'lockfileVersion 2 with only the v1 `dependencies` half',
    want: ['axios@1.14.1 <- ', 'plain-crypto-js@4.2.1 <- axios@1.14.1'],
  },
  {
    dir: 'yarn-classic-no-range',
    file: 'yarn.lock',
    why: 'Yarn 1 headers that name a package with no range',
    want: ['@types/node@22.10.1 <- ', 'axios@1.14.1 <- ', 'plain-crypto-js@4.2.1 <- axios@1.14.1'],
  },
])('$dir: $why', ({ dir, file, want }) => {
  it('reads every package under its own name, with its chain', () => {
    expect(summary(dir, file)).toEqual(want);
  });
});

it('pnpm: the environment document is noted, not counted as installed', () => {
  const { notes } = parseFixture('pnpm-v9-env-document', 'pnpm-lock.yaml');
  expect(notes).toEqual([expect.stringContaining('1 environment document(s) before the lockfile')]);
});
