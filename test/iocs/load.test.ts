import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { lintIocs, loadIocs, parseIocFile } from '../../src/iocs/index.js';

const FIX = 'fixtures/iocs';

describe('loadIocs: the flat list from the SBOM-monitoring guide', () => {
  it('loads the guide file unchanged as one incident named after the file', async () => {
    const set = await loadIocs([`${FIX}/flat-guide/guide-axios.yaml`]);
    expect(set.files).toEqual([`${FIX}/flat-guide/guide-axios.yaml`]);
    expect(set.incidents).toHaveLength(1);
    const inc = set.incidents[0]!;
    expect(inc.id).toBe('guide-axios');
    expect(inc.disclosed).toBe('2026-03-31');
    expect(inc.windows).toEqual([]);
    expect(inc.references).toEqual([
      'https://osv.dev/vulnerability/GHSA-xxxx-axios-1141',
      'https://osv.dev/vulnerability/GHSA-xxxx-plaincryptojs-421',
    ]);
    expect(inc.packages.map((p) => [p.ecosystem, p.name, p.versions, p.anyVersion])).toEqual([
      ['npm', 'axios', ['1.14.1'], false],
      ['npm', 'plain-crypto-js', ['4.2.1'], false],
    ]);
    expect(inc.packages[0]!.notes).toContain('plain-crypto-js@4.2.1');
  });

  it('is disclosed at the latest date an entry gives (of two spellings of that instant, the later in the file) and lists each reference once, in file order', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sbom-hunt-flat-'));
    const file = path.join(dir, 'flat.yaml');
    const entry = (name: string, disclosed?: string, reference?: string) =>
      `  - name: ${name}\n    version: "1.0.0"\n    ecosystem: npm\n${disclosed ? `    disclosed: "${disclosed}"\n` : ''}${reference ? `    reference: ${reference}\n` : ''}`;
    const text = `packages:\n${entry('a', '2026-04-02T00:00:00Z', 'https://x/2')}${entry('b', '2026-03-31', 'https://x/1')}${entry('c', undefined, 'https://x/2')}${entry('d', '2026-04-02')}${entry('e', '2026-04-01T23:59:59Z', 'https://x/3')}`;
    await writeFile(file, text);
    const [inc] = (await loadIocs([file])).incidents;
    expect(inc!.disclosed).toBe('2026-04-02');
    expect(inc!.references).toEqual(['https://x/2', 'https://x/1', 'https://x/3']);
  });
});

describe('loadIocs: the versioned format', () => {
  it('reads ranges, any-version packages, ecosystem spellings and an interval window', async () => {
    const [inc] = (await loadIocs([`${FIX}/ranges`])).incidents;
    expect(inc!.packages.map((p) => p.ecosystem)).toEqual(['npm', 'pypi', 'maven', 'go', 'npm']);
    expect(inc!.packages[0]!.ranges).toEqual(['>=2.0.0 <2.3.0', '^3.1.4']);
    expect(inc!.packages[4]!.anyVersion).toBe(true);
    expect(inc!.windows.map((w) => [w.start.toISOString(), w.end.toISOString()])).toEqual([
      ['2026-01-10T08:00:00.000Z', '2026-01-10T11:00:00.000Z'],
    ]);
  });

  it('walks folders recursively, reads only .yaml/.yml, in name order', async () => {
    const set = await loadIocs([`${FIX}/nested-folder`]);
    expect(set.files).toEqual([path.join(FIX, 'nested-folder/sub/deeper.yaml'), path.join(FIX, 'nested-folder/top.yml')]);
    expect(set.incidents.map((i) => i.id)).toEqual(['deeper', 'top']);
  });

  it.each([`./${FIX}/nested-folder/`, `${FIX}//nested-folder`, path.resolve(FIX, 'nested-folder'), `${FIX}/../iocs/nested-folder`])('names the files of folder %s as path.join does, at every depth', async (given) => {
    const set = await loadIocs([given]);
    expect(set.files).toEqual([path.join(given, 'sub', 'deeper.yaml'), path.join(given, 'top.yml')]);
  });

  it('refuses the same incident id in two files', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'iocs-dup-'));
    await writeFile(path.join(dir, 'same.yaml'), await readFile(`${FIX}/flat-guide/guide-axios.yaml`, 'utf8'));
    await writeFile(path.join(dir, 'b.yaml'), 'apiVersion: sbom-hunt/v1\nincidents:\n  - id: same\n    packages: [{ecosystem: npm, name: x, versions: ["1.0.0"]}]\n');
    await expect(loadIocs([dir])).rejects.toThrow(/incident id same is also defined in .*b\.yaml/);
  });

  it('matches nothing is not an error: a file for another ecosystem loads', () => {
    const incs = parseIocFile('apiVersion: sbom-hunt/v1\nincidents:\n  - id: x\n    packages: [{ecosystem: cargo, name: y, versions: ["1.0.0"]}]\n', 'x.yaml');
    expect(incs[0]!.packages[0]!.ecosystem).toBe('cargo');
  });
});

// Each bad file names the file, the exact line and the field path, so a responder can fix it at once.
const BAD_FILES: { file: string; line: number | undefined; field: string | undefined; detail: RegExp }[] = [
  { file: 'malformed-yaml/malformed.yaml', line: 5, field: undefined, detail: /^not valid YAML: / },
  { file: 'wrong-type/wrong-type.yaml', line: 10, field: 'incidents[0].packages[1].versions[0]', detail: /^expected string, got number 4\.2$/ },
  { file: 'missing-name/missing-name.yaml', line: 5, field: 'packages[1].name', detail: /^required field is missing$/ },
  { file: 'empty/empty.yaml', line: undefined, field: undefined, detail: /^empty file/ },
  { file: 'bad-window/bad-window.yaml', line: 6, field: 'incidents[0].window.end', detail: /window start must be before its end/ },
  { file: 'bad-range/bad-range.yaml', line: 9, field: 'incidents[0].packages[0].ranges[1]', detail: /not a valid npm semver range/ },
  { file: 'unknown-format/sbom.yaml', line: undefined, field: undefined, detail: /not an IOC format I know/ },
  { file: 'future-version/future.yaml', line: 2, field: 'apiVersion', detail: /apiVersion sbom-hunt\/v2 is not one this sbom-hunt reads/ },
];

describe('loadIocs: bad files name file, line and field', () => {
  it.each(BAD_FILES)('$file -> line $line, field $field', async ({ file, line, field, detail }) => {
    const full = `${FIX}/${file}`;
    const err = await loadIocs([full]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.file).toBe(full);
    expect(e.line).toBe(line);
    expect(e.field).toBe(field);
    expect(e.detail).toMatch(detail);
    expect(e.message.startsWith(`${full}${line === undefined ? '' : `:${line}`}${field ? ` (${field})` : ''}: `)).toBe(true);
  });

  it.each([
    ['a missing file', `${FIX}/does-not-exist.yaml`, /does-not-exist\.yaml: cannot read: ENOENT/],
    ['a folder with no IOC files', `${FIX}/empty-folder`, /empty-folder: no IOC files/],
  ])('%s is an error', async (_what, p, message) => {
    await expect(loadIocs([p])).rejects.toThrow(message);
  });

  it.each([
    ['an unknown field', 'apiVersion: sbom-hunt/v1\nincidents:\n  - id: a\n    pakages: []\n', 4, 'incidents[0].pakages', /unknown field "pakages"/],
    ['a package without versions', 'packages:\n  - name: a\n    ecosystem: npm\n', 2, 'packages[0]', /give versions, ranges, integrity, or anyVersion: true/],
    ['a range where sbom-hunt has no order', 'packages:\n  - {name: a/b, ecosystem: composer,\n     ranges: [">=1"]}\n', 3, 'packages[0].ranges[0]', /versions of composer cannot be ordered by sbom-hunt: list exact versions/],
    ['a PyPI range bound that is not PEP 440', 'packages:\n  - {name: a, ecosystem: PyPI,\n     ranges: [">=1.0 <latest"]}\n', 3, 'packages[0].ranges[0]', /"latest" is not a PEP 440 version/],
    ['a PyPI version that is not PEP 440', 'packages:\n  - {name: a, ecosystem: PyPI,\n     versions: ["1.0", "one"]}\n', 3, 'packages[0].versions[1]', /"one" is not a PEP 440 version \(pypi\)/],
    ['a window string that is not an interval', 'window: "2026-03-31"\npackages:\n  - {name: a, ecosystem: npm, version: "1"}\n', 1, 'window', /expected START\/END/],
    ['a date in prose', 'apiVersion: sbom-hunt/v1\nincidents:\n  - id: a\n    disclosed: March 31\n    packages: [{ecosystem: npm, name: x, anyVersion: true}]\n', 4, 'incidents[0].disclosed', /not an ISO 8601 date/],
    ['a top-level list', '- name: axios\n', 1, undefined, /expected a mapping at the top level/],
  ])('parseIocFile: %s', (_what, text, line, field, detail) => {
    let caught: unknown;
    try {
      parseIocFile(text, 'inline.yaml');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).line).toBe(line);
    expect((caught as InputError).field).toBe(field);
    expect((caught as InputError).detail).toMatch(detail);
  });
});

describe('lintIocs', () => {
  it('reports every file, good and bad, with counts', async () => {
    const results = await lintIocs([`${FIX}/nested-folder`, `${FIX}/wrong-type`, `${FIX}/nope`]);
    expect(results.map((r) => [path.basename(r.file), r.ok, r.incidents, r.packages])).toEqual([
      ['deeper.yaml', true, 1, 1],
      ['top.yml', true, 1, 2],
      ['wrong-type.yaml', false, 0, 0],
      ['nope', false, 0, 0],
    ]);
    expect(results[2]!.error).toBe(`${FIX}/wrong-type/wrong-type.yaml:10 (incidents[0].packages[1].versions[0]): expected string, got number 4.2`);
  });
});
