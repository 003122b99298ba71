// Every lockfile format and version against its hand-written fixture: counts, chains, lookalikes, and bad files.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { lockfileParserFor } from '../../../src/acquire/lockfiles/index.js';
import type { Package } from '../../../src/model/package.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/lockfiles');

function parseFixture(dir: string, file: string) {
  const parser = lockfileParserFor(file);
  if (!parser) throw new Error(`no parser claims ${file}`);
  return parser.parse(readFileSync(path.join(FIXTURES, dir, file), 'utf8'), `/${dir}/${file}`);
}

function find(packages: Package[], name: string, version: string): Package | undefined {
  return packages.find((p) => p.name === name && p.version === version);
}

// The same project locked by each npm-world tool: 15 distinct packages, plain-crypto-js only through axios.
const NPM_CASES = [
  { dir: 'npm-v1', file: 'package-lock.json', count: 15 },
  { dir: 'npm-v2', file: 'package-lock.json', count: 15 },
  { dir: 'npm-v3', file: 'package-lock.json', count: 15 },
  { dir: 'npm-shrinkwrap', file: 'npm-shrinkwrap.json', count: 10 },
  { dir: 'pnpm-v5.4', file: 'pnpm-lock.yaml', count: 15 },
  { dir: 'pnpm-v6', file: 'pnpm-lock.yaml', count: 15 },
  { dir: 'pnpm-v9', file: 'pnpm-lock.yaml', count: 15 },
  { dir: 'yarn-classic', file: 'yarn.lock', count: 15 },
  { dir: 'yarn-berry', file: 'yarn.lock', count: 15 },
  { dir: 'bun', file: 'bun.lock', count: 15 },
];

describe.each(NPM_CASES)('$dir/$file', ({ dir, file, count }) => {
  const { packages } = parseFixture(dir, file);

  it(`lists ${count} distinct npm packages, each at the lockfile's path`, () => {
    expect(packages).toHaveLength(count);
    expect(new Set(packages.map((p) => `${p.name}@${p.version}`)).size).toBe(count);
    for (const p of packages) {
      expect(p.ecosystem).toBe('npm');
      expect(p.paths).toEqual([`/${dir}/${file}`]);
    }
  });

  it('names axios@1.14.1 as what pulls in plain-crypto-js@4.2.1', () => {
    expect(find(packages, 'plain-crypto-js', '4.2.1')?.dependencyPath).toEqual(['axios@1.14.1']);
    expect(find(packages, 'axios', '1.14.1')?.dependencyPath).toEqual([]);
  });

  it('gives the whole chain for a deeper package', () => {
    expect(find(packages, 'delayed-stream', '1.0.0')?.dependencyPath).toEqual(['axios@1.14.1', 'form-data@4.0.2', 'combined-stream@1.0.8']);
  });
});

describe.each(NPM_CASES.filter((c) => c.count === 15))('lookalikes in $dir', ({ dir, file }) => {
  const { packages } = parseFixture(dir, file);
  it.each([
    ['axios-mock-adapter', '1.14.1'],
    ['@types/axios', '0.30.4'],
    ['crypto-js', '4.2.1'],
  ])('keeps %s@%s under its own name, as a direct dependency', (name, version) => {
    const p = find(packages, name, version);
    expect(p?.name).toBe(name);
    expect(p?.dependencyPath).toEqual([]);
    expect(packages.filter((q) => q.name === 'axios')).toHaveLength(1);
  });
});

describe('the package.json beside npm v1 and Yarn 1 lockfiles', () => {
  const withManifest = (dir: string, file: string, manifest: unknown) =>
    lockfileParserFor(file)!.parse(readFileSync(path.join(FIXTURES, dir, file), 'utf8'), `/${file}`, { manifest }).packages;

  it.each([
    ['yarn-classic', 'yarn.lock', { dependencies: { axios: '^1.14.1', 'follow-redirects': '^1.15.0' } }],
    ['npm-v1', 'package-lock.json', { dependencies: { axios: '^1.14.1', 'follow-redirects': '^1.15.0' } }],
  ])('%s: a declared dependency that axios also needs is direct', (dir, file, manifest) => {
    expect(find(parseFixture(dir, file).packages, 'follow-redirects', '1.15.9')?.dependencyPath).toEqual(['axios@1.14.1']);
    const packages = withManifest(dir, file, manifest);
    expect(find(packages, 'follow-redirects', '1.15.9')?.dependencyPath).toEqual([]);
    expect(find(packages, 'plain-crypto-js', '4.2.1')?.dependencyPath).toEqual(['axios@1.14.1']);
  });
});

describe('the pyproject.toml beside poetry.lock', () => {
  const chainOf = (manifest: unknown, name: string) =>
    find(lockfileParserFor('poetry.lock')!.parse(readFileSync(path.join(FIXTURES, 'poetry-2.0/poetry.lock'), 'utf8'), '/poetry.lock', { manifest }).packages, name, name === 'markupsafe' ? '2.1.5' : '3.1.4')?.dependencyPath;

  it('makes a declared dependency direct, in Poetry tables, groups or PEP 621 lists', () => {
    expect(chainOf(undefined, 'markupsafe')).toEqual(['flask@3.0.3', 'jinja2@3.1.4']);
    expect(chainOf({ tool: { poetry: { dependencies: { python: '^3.11', MarkupSafe: '^2.1' } } } }, 'markupsafe')).toEqual([]);
    expect(chainOf({ tool: { poetry: { group: { dev: { dependencies: { markupsafe: '*' } } } } } }, 'markupsafe')).toEqual([]);
    expect(chainOf({ project: { dependencies: ['Jinja2[i18n]>=3.1 ; python_version > "3.8"'] } }, 'jinja2')).toEqual([]);
    expect(chainOf({ project: { dependencies: ['Jinja2[i18n]>=3.1'] } }, 'markupsafe')).toEqual(['jinja2@3.1.4']);
  });
});

describe('Python lockfiles', () => {
  it.each([
    { dir: 'poetry-2.0', file: 'poetry.lock', count: 13, name: 'markupsafe', version: '2.1.5', via: ['flask@3.0.3', 'jinja2@3.1.4'] },
    { dir: 'poetry-1.1', file: 'poetry.lock', count: 5, name: 'urllib3', version: '1.26.9', via: ['requests@2.27.1'] },
    // Poetry 2: `groups` and `markers` on each package, no `category`; the dev group, an extra's optional package
    // and the entries for Windows and for Python < 3.11 are listed all the same.
    { dir: 'poetry-2.1', file: 'poetry.lock', count: 8, name: 'pysocks', version: '1.7.1', via: ['requests@2.32.3'] },
    { dir: 'uv', file: 'uv.lock', count: 10, name: 'pluggy', version: '1.5.0', via: ['pytest@8.3.3'] },
  ])('$dir: $count packages, $name via $via', ({ dir, file, count, name, version, via }) => {
    const { packages } = parseFixture(dir, file);
    expect(packages).toHaveLength(count);
    expect(packages.every((p) => p.ecosystem === 'pypi' && p.paths[0] === `/${dir}/${file}`)).toBe(true);
    expect(find(packages, name, version)?.dependencyPath).toEqual(via);
  });

  it('uv.lock leaves out the project itself and marks its dev group as direct', () => {
    const { packages } = parseFixture('uv', 'uv.lock');
    expect(packages.find((p) => p.name === 'gate-api')).toBeUndefined();
    expect(find(packages, 'pytest', '8.3.3')?.dependencyPath).toEqual([]);
  });

  it('requirements.txt: pins with extras, markers and hashes; ranges without a version; a wheel path by its file name', () => {
    const { packages, notes, errors } = parseFixture('requirements', 'requirements.txt');
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      'certifi@2024.8.30',
      'charset-normalizer@3.4.0',
      'idna@3.10',
      'requests@2.32.3',
      'urllib3@2.2.3',
      'PySocks@1.7.1',
      'Django@',
      'local-wheel@0.1.0',
    ]);
    // Without a way to read the tree, the -r include is not followed: packages may be missing, so it is an error.
    expect(errors).toEqual(['/requirements/requirements.txt:7: -r requirements-base.txt was not followed']);
    expect(notes.some((n) => n.includes(':33: editable'))).toBe(true);
  });

  it("requirements.txt: pip-compile's `# via` comments, single, listed or inline, give the chain", () => {
    const { packages } = parseFixture('requirements', 'requirements.txt');
    const chains = Object.fromEntries(packages.map((p) => [p.name, p.dependencyPath]));
    expect(chains).toEqual({
      certifi: ['requests@2.32.3'],
      'charset-normalizer': ['requests@2.32.3'],
      idna: ['requests@2.32.3'],
      requests: [],
      urllib3: ['requests@2.32.3'],
      PySocks: ['requests@2.32.3'],
      Django: [],
      'local-wheel': [],
    });
  });

  it('requirements without `# via` comments claim no chain', () => {
    const { packages } = lockfileParserFor('requirements.txt')!.parse('requests==2.32.3\nurllib3==2.2.3\n', '/requirements.txt');
    expect(packages.map((p) => p.dependencyPath)).toEqual([undefined, undefined]);
  });

  it('Pipfile.lock: default and develop, == stripped, a git entry without a version', () => {
    const { packages, notes } = parseFixture('pipfile', 'Pipfile.lock');
    expect(packages).toHaveLength(8);
    expect(find(packages, 'pytest', '8.3.3')).toBeDefined();
    expect(find(packages, 'internal-tools', '')).toBeDefined();
    expect(notes).toHaveLength(1);
  });
});

describe('a requirements file with a line pip cannot read', () => {
  it('reports that line with file and line number, and reads the rest', () => {
    const { packages, errors } = parseFixture('bad-requirements', 'requirements.txt');
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(['requests@2.32.3']);
    expect(errors).toEqual(['/bad-requirements/requirements.txt:2: cannot read the version specifier "=="']);
  });
});

describe('malformed lockfiles are an InputError naming the file', () => {
  it.each([
    { dir: 'bad-npm-json', file: 'package-lock.json', line: 29 },
    { dir: 'bad-npm-version', file: 'package-lock.json', field: 'lockfileVersion' },
    { dir: 'bad-pnpm-yaml', file: 'pnpm-lock.yaml', line: 8 },
    { dir: 'bad-pnpm-version', file: 'pnpm-lock.yaml', field: 'lockfileVersion' },
    { dir: 'bad-yarn-classic', file: 'yarn.lock', line: 9 },
    { dir: 'bad-yarn-berry', file: 'yarn.lock', line: 8 },
    { dir: 'bad-bun', file: 'bun.lock', line: 7 },
    { dir: 'bad-poetry', file: 'poetry.lock', line: 3 },
    { dir: 'bad-uv-version', file: 'uv.lock', field: 'version' },
    { dir: 'bad-pipfile', file: 'Pipfile.lock', field: '_meta' },
  ])('$dir', ({ dir, file, line, field }) => {
    let caught: unknown;
    try {
      parseFixture(dir, file);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    const err = caught as InputError;
    expect(err.file).toBe(`/${dir}/${file}`);
    expect(err.message.startsWith(`/${dir}/${file}`)).toBe(true);
    if (line !== undefined) expect(err.line).toBe(line);
    if (field !== undefined) expect(err.field).toBe(field);
  });
});
