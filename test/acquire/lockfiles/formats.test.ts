// The small readers under the parsers: JSONC, the TOML subset, requirement lines.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { stripJsonc } from '../../../src/acquire/lockfiles/jsonc.js';
import { requirementsParser } from '../../../src/acquire/lockfiles/requirements.js';
import { parseToml } from '../../../src/acquire/lockfiles/toml.js';

describe('stripJsonc', () => {
  it('drops comments and trailing commas but not lookalikes inside strings', () => {
    const text = '{\n  "url": "https://x//y", // c\n  "s": "a, }", /* b\n */ "list": [1, 2,],\n}';
    expect(JSON.parse(stripJsonc(text))).toEqual({ url: 'https://x//y', s: 'a, }', list: [1, 2] });
    expect(stripJsonc(text).split('\n')).toHaveLength(text.split('\n').length);
  });
});

describe('parseToml', () => {
  it('reads arrays of tables with sub-tables, inline tables, escapes and multi-line values', () => {
    const text = [
      'version = 1',
      '[[package]]',
      'name = "a"',
      "literal = 'C:\\path'",
      'esc = "q\\"\\u00e9\\n"',
      'long = """',
      'one \\',
      '   two"""',
      'deps = [',
      '  { name = "b", size = 12, upload-time = 2024-01-01T00:00:00Z }, # trailing comment',
      ']',
      '[package.dependencies]',
      '"zope.interface" = {version = ">=5", optional = true}',
      '[[package]]',
      'name = "b"',
      'a.b.c = false',
    ].join('\n');
    expect(parseToml(text, '/x.lock')).toEqual({
      version: 1,
      package: [
        {
          name: 'a',
          literal: 'C:\\path',
          esc: 'q"é\n',
          long: 'one two',
          deps: [{ name: 'b', size: 12, 'upload-time': '2024-01-01T00:00:00.000Z' }],
          dependencies: { 'zope.interface': { version: '>=5', optional: true } },
        },
        { name: 'b', a: { b: { c: false } } },
      ],
    });
  });

  // Each of these the old hand-written subset read wrongly or refused; the expected values are tomllib's.
  it.each([
    ['a multi-line string whose closing quotes run on', 's = """say "hi"' + '""""\n', { s: 'say "hi""' }],
    ['a multi-line literal string', "s = '''\nC:\\x\n#no'''\n", { s: 'C:\\x\n#no' }],
    ['hex, octal, binary and special floats', 'a = 0xff\nb = 0o17\nc = 0b11\nd = inf\ne = -inf\n', { a: 255, b: 15, c: 3, d: Infinity, e: -Infinity }],
    ['dotted keys inside an inline table', 'd = { a.b = 1, a.c = "x" }\n', { d: { a: { b: 1, c: 'x' } } }],
    ['an array of tables below an array of tables', '[[package]]\nname = "a"\n[[package.wheels]]\nurl = "u1"\n[[package.wheels]]\nurl = "u2"\n', { package: [{ name: 'a', wheels: [{ url: 'u1' }, { url: 'u2' }] }] }],
    ['a header with spaces and quoted parts', '[ package . "x.y" ]\nv = 1\n', { package: { 'x.y': { v: 1 } } }],
  ])('reads %s', (_what, text, expected) => {
    expect(parseToml(text, '/x.lock')).toEqual(expected);
  });

  it.each([
    ['name = "a"\nname = "b"\n', 2, 'redefine', 'name'],
    ['[[package]]\nname = "a" junk\n', 2, 'end-of-line', 'package.name'],
    ['deps = [1, 2\n', 2, 'comma', 'deps'],
    ['[package]\nv = 1\n[package]\n', 3, 'redefine', 'package'],
    ['[[package]]\ndeps = { a = 1 }\n[package.deps.b]\n', 3, 'redefine', 'package.deps.b'],
    ['[tool.poetry]\nname = "a\\q"\n', 2, 'escape', 'tool.poetry.name'],
  ])('rejects %j at line %i', (text, line, detail, field) => {
    let caught: unknown;
    try {
      parseToml(text, '/x.lock');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).line).toBe(line);
    expect((caught as InputError).detail).toContain(detail);
    expect((caught as InputError).field).toBe(field);
  });
});

describe('requirements', () => {
  const versions = (text: string) => requirementsParser.parse(text, '/requirements.txt').packages.map((p) => `${p.name}=${p.version}`);

  it.each([
    ['Flask[async, dotenv] == 3.0.3', 'Flask=3.0.3'],
    ['numpy===1.26.4 ; python_version > "3.9" --hash=sha256:abc', 'numpy=1.26.4'],
    ['django==4.2.*', 'django='],
    ['pkg @ https://example.com/pkg-1.0.tar.gz#sha256=abc', 'pkg=1.0'],
    ['pkg @ https://example.com/archive/main.zip', 'pkg='],
    ['requests>=2,<3  # comment', 'requests='],
  ])('%s', (line, expected) => {
    expect(versions(line)).toEqual([expected]);
  });

  it('joins continuation lines and keeps the first line number in notes', () => {
    const { packages, notes } = requirementsParser.parse('-c constraints.txt\nidna==3.10 \\\n  --hash=sha256:abc\n', '/r.txt');
    expect(packages.map((p) => p.version)).toEqual(['3.10']);
    expect(notes).toEqual(['/r.txt:1: -c constraints.txt was not followed']);
  });

  it('claims only requirements-named .txt files', () => {
    expect(['requirements.txt', 'requirements-dev.txt', 'dev-requirements.txt', 'requirements_prod.txt'].every(requirementsParser.matches)).toBe(true);
    expect(['requirements.in', 'notrequirements.txt', 'README.txt'].some(requirementsParser.matches)).toBe(false);
  });
});
