import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { decodeIocSource, decodeYamlIocs } from '../../src/iocs/decoders.js';
import { fastYamlValue } from '../../src/iocs/fast-yaml.js';
import { parseIocFile } from '../../src/iocs/index.js';
import { readYaml } from '../../src/iocs/yaml-source.js';
import { seeded } from '../helpers/random.js';

/** What the loader did before the fast reader: the `yaml` package's document, then the decoders. */
function decodeAsBefore(text: string, file: string): unknown {
  try {
    return decodeIocSource(readYaml(text, file));
  } catch (e) {
    return e instanceof InputError ? { error: e.message } : { thrown: String(e) };
  }
}

function decodeNow(text: string, file: string): unknown {
  try {
    return decodeYamlIocs(text, file);
  } catch (e) {
    return e instanceof InputError ? { error: e.message } : { thrown: String(e) };
  }
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : yamlFiles(full);
    return /\.ya?ml$/i.test(e.name) ? [full] : [];
  });
}

/** The `yaml` package's value for a text, or undefined when it refuses it. */
function yamlValue(text: string): unknown {
  try {
    return readYaml(text, 'x.yaml').value;
  } catch {
    return undefined;
  }
}

describe('fast YAML reading: the same values as the yaml package', () => {
  const corpus = [...yamlFiles('fixtures'), ...yamlFiles('iocs'), ...yamlFiles('test')];

  it('reads every YAML file in the repository as the yaml package does, and takes the fast path for the IOC files', () => {
    expect(corpus.length).toBeGreaterThan(20);
    let fast = 0;
    for (const file of corpus) {
      const text = readFileSync(file, 'utf8');
      const value = fastYamlValue(text);
      if (value === undefined) continue;
      fast++;
      expect(value, file).toEqual(yamlValue(text));
    }
    // The shipped feeds and most fixtures are plain YAML: the fast path must actually be taken for them.
    for (const file of yamlFiles('iocs')) expect(fastYamlValue(readFileSync(file, 'utf8')), file).toBeDefined();
    expect(fast).toBeGreaterThan(corpus.length / 2);
  });

  it('decodes every YAML file in the repository to what the document-tree loader gave, errors included', () => {
    for (const file of corpus) {
      const text = readFileSync(file, 'utf8');
      expect(decodeNow(text, file), file).toEqual(decodeAsBefore(text, file));
    }
  });

  // Plain scalars are where YAML readers differ most (js-yaml alone reads 0b1 and -0x1f as numbers, -.5 as text).
  const scalars = [
    '0', '007', '+12', '-3', '0o17', '0o8', '0x1F', '0X1F', '-0x1f', '0b101', '1_000', '1.', '.5', '-.5', '+.5', '1e3', '1E+3', '-1.5e-3', '.inf', '-.Inf',
    '+.INF', '.nan', '.NaN', 'nan', 'inf', 'true', 'True', 'TRUE', 'tRUE', 'yes', 'no', 'on', 'off', 'y', 'n', 'null', 'Null', 'NULL', '~', '',
    '2026-03-31', '2026-03-31T02:07:58Z', '1.14.1', '1.0', '1.10', '0.0.1-security', "'quoted'", '"dq \\x41\\u00e9\\U0001F600\\N\\_\\t"', "'it''s'",
    '"line\\\nfolded"', 'plain # comment', 'a:b', 'http://x/y?a=1&b=2', '/usr/lib/**/x.js', '"*.js"', '12:30', '1:20:30', '0.1.5+build.7', '=1.0', '>=1 <2',
  ];
  it.each(scalars)('a plain, quoted or odd scalar %j reads the same', (s) => {
    // In a flow list (js-yaml reads the file) and alone in a block mapping (the line reader of block-yaml.ts does).
    for (const text of [`k: ${s}\nlist: [${s === '' ? '' : s}]\n`, `k: ${s}\n`]) {
      const value = fastYamlValue(text);
      if (value !== undefined) expect(value, text).toEqual(yamlValue(text));
    }
  });

  it('a plain scalar of the characters the core schema reads, and of a few it does not, resolves as the yaml package resolves it', () => {
    const r = seeded(2026);
    const alphabet = '~+-._0123456789abcdefilnorstuxyzABCDEFILNRSTUXYZ:/ ';
    let read = 0;
    for (let i = 0; i < 6_000; i++) {
      const s = Array.from({ length: 1 + Math.floor(r() * 6) }, () => alphabet[Math.floor(r() * alphabet.length)]!).join('').trim();
      const text = `k: ${s}\n`;
      const value = fastYamlValue(text);
      if (value === undefined) continue;
      read++;
      expect(value, JSON.stringify(s)).toEqual(yamlValue(text));
    }
    expect(read).toBeGreaterThan(2_000);
  });

  const layouts: [string, string][] = [
    ['block scalars and chomping', 'a: |\n  one\n  two\n\nb: >-\n  folded\n  text\n\n  para\nc: |+\n  keep\n\nd: >2\n    indented\n'],
    ['multi-line plain and quoted scalars', 'a: one\n  two\n\n  three\nb: "x\n  y\n\n  z"\nc: \'p\n  q\'\n'],
    ['CRLF line ends', 'a: 1\r\nb:\r\n  - x\r\n  - "y"\r\n'],
    ['a byte-order mark', '\uFEFFa: 1\nb: two\n'],
    ['comments and a document start and end', '# head\n---\na: 1 # trailing\n# mid\nb: [x, y] # end\n...\n'],
    ['nested flow and block collections', 'a: {b: [1, {c: d}], e: {}}\nf:\n- - x\n  - y\n- {g: h}\n'],
    ['odd keys', '"quoted key": 2\n1: one\ntrue: 3\n0x10: 4\n'],
    ["apostrophes, quotes and brackets inside plain scalars", "a: it's the package's tarball\nb: say \"hi\" [1] {x}\nc: - not a seq\n"],
    ['comments at every indentation', '# top\na:\n  # inner "unclosed\n  b: 1 # trailing [\n'],
    ['tabs and trailing spaces', 'a:\tvalue  \nb: "tab\\there"\n'],
    ['an empty value and an explicit null', 'a:\nb: ~\nc: []\n'],
  ];
  it.each(layouts)('%s reads the same', (_, text) => {
    const value = fastYamlValue(text);
    if (value !== undefined) expect(value).toEqual(yamlValue(text));
  });

  const leftToYaml: [string, string][] = [
    ['a %YAML 1.1 directive, where yes means true', '%YAML 1.1\n---\na: yes\n'],
    ['a tag', 'a: !!str 12\n'],
    ['an anchor and an alias', 'a: &x {b: 1}\nc: *x\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['a syntax error', 'a: [1, 2\n'],
    ['a list at the top', '- a\n- b\n'],
    ['an empty file', ''],
    ['a complex key', '? [a, b]\n: 1\n'],
    ['a quoted scalar continued under its indentation', 'a:\n  b:\n    c: "one\n  two"\n'],
    ['a flow sequence continued at column 0', 'a: [x,\ny]\n'],
    ['a flow sequence continued under its indentation', 'a:\n  b: [x,\n y]\n'],
    ['a quoted sequence item continued under its indentation', 'a:\n  - "x\n y"\n'],
    ['an implicit key over 1,024 characters', `${'k'.repeat(1100)}: 1\n`],
  ];
  it.each(leftToYaml)('%s is left to the yaml package', (_, text) => {
    expect(fastYamlValue(text)).toBeUndefined();
  });
});

/** A large v1 file with one bad record deep inside; returns the text and the 1-based line of `marker`. */
function largeFileWith(badPackage: string, at: number, incidents = 6_000): { text: string; line: number } {
  const lines = ['apiVersion: sbom-hunt/v1', 'incidents:'];
  let line = 0;
  for (let i = 0; i < incidents; i++) {
    lines.push(`  - id: inc-${i}`, `    window: {start: "2026-03-31T00:00:00Z", end: "2026-03-31T03:00:00Z"}`, '    packages:');
    lines.push(`      - {ecosystem: npm, name: ok-${i}, versions: ["1.0.${i % 9}"]}`);
    if (i === at) {
      line = lines.length + 1;
      lines.push(...badPackage.split('\n'));
    }
  }
  return { text: `${lines.join('\n')}\n`, line };
}

describe('fast YAML reading: a bad record deep in a large file is named as before', () => {
  const cases: [string, string, string][] = [
    ['a version the ecosystem cannot order', '      - ecosystem: npm\n        name: bad\n        versions: ["1.0.0", "not a version"]', 'incidents[4321].packages[1].versions[1]'],
    ['a required field missing', '      - ecosystem: npm\n        versions: ["1.0.0"]', 'incidents[4321].packages[1].name'],
    ['a misspelt field', '      - ecosystem: npm\n        name: bad\n        verions: ["1.0.0"]', 'incidents[4321].packages[1].verions'],
    ['a number where text belongs', '      - ecosystem: npm\n        name: bad\n        versions: [1.10]', 'incidents[4321].packages[1].versions[0]'],
    ['an unknown ecosystem', '      - ecosystem: nmp\n        name: bad\n        versions: ["1.0.0"]', 'incidents[4321].packages[1].ecosystem'],
  ];
  it.each(cases)('%s: same file, line, field and message as the document-tree loader', (_, bad, field) => {
    const { text, line } = largeFileWith(bad, 4_321);
    const before = decodeAsBefore(text, 'feed.yaml') as { error: string };
    expect(before.error).toContain(`(${field})`);
    expect(decodeNow(text, 'feed.yaml')).toEqual(before);
    const err = (() => {
      try {
        parseIocFile(text, 'feed.yaml');
      } catch (e) {
        return e as InputError;
      }
      throw new Error('the bad record was accepted');
    })();
    expect(err).toBeInstanceOf(InputError);
    expect([err.file, err.field]).toEqual(['feed.yaml', field]);
    // The line of the bad package entry, or of the field in it.
    expect(err.line).toBeGreaterThanOrEqual(line);
    expect(err.line).toBeLessThanOrEqual(line + 2);
  });

  it('a key written null (read as "null" by js-yaml, "" by yaml) names no field, and is refused or dropped alike', () => {
    const v1 = 'apiVersion: sbom-hunt/v1\nincidents:\n  - id: a\n    null: 1\n    packages: [{ecosystem: npm, name: x, versions: ["1.0.0"]}]\n';
    const flat = 'packages:\n  - name: x\n    ecosystem: npm\n    version: 1.0.0\n    null: 1\n';
    for (const text of [v1, flat]) {
      expect(fastYamlValue(text)).toBeDefined();
      expect(decodeNow(text, 'k.yaml')).toEqual(decodeAsBefore(text, 'k.yaml'));
    }
    expect(decodeNow(v1, 'k.yaml')).toHaveProperty('error');
    expect(decodeNow(flat, 'k.yaml')).toHaveLength(1);
  });

  it('a file whose fast value validates gives the same incidents as the document-tree loader', () => {
    const { text } = largeFileWith('      - {ecosystem: pypi, name: Fine_Pkg, ranges: [">=1.0,<2"]}', 100, 2_000);
    expect(fastYamlValue(text)).toBeDefined();
    expect(parseIocFile(text, 'feed.yaml')).toEqual(decodeAsBefore(text, 'feed.yaml'));
  });
});
