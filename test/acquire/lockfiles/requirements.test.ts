// requirements files as pip reads them: each case here failed on the parser before (measured against real files).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectDirectory } from '../../../src/acquire/directory.js';
import { requirementsParser } from '../../../src/acquire/lockfiles/requirements.js';

const parse = (text: string, files: Record<string, string> = {}) =>
  requirementsParser.parse(text, '/app/requirements.txt', {
    readFile: (file) => {
      const text = files[file];
      if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return text;
    },
  });
const pins = (text: string, files?: Record<string, string>) => parse(text, files).packages.map((p) => `${p.name}@${p.version}`);

describe('one line pip cannot read', () => {
  it('is an error naming file and line; the lines around it are still read', () => {
    const result = parse('requests==2.32.3\nurllib3==\nidna==3.10\nflask[=3\n--no-such-option\nsix==1.16.0\n');
    expect(result.packages.map((p) => p.name)).toEqual(['requests', 'idna', 'six']);
    expect(result.errors).toEqual([
      '/app/requirements.txt:2: cannot read the version specifier "=="',
      '/app/requirements.txt:4: cannot read the extras in "flask[=3"',
      '/app/requirements.txt:5: no such option: --no-such-option',
    ]);
  });
});

describe("pip's continuation lines", () => {
  it.each([
    // No space is put in where the backslash was: `1.\` + `0` is `1.0`.
    ['requests==2.32.\\\n3\n', ['requests@2.32.3']],
    // Every backslash at the end goes, not only one.
    ['idna==3.10 \\\\\\\n  --hash=sha256:abc\n', ['idna@3.10']],
    // Comments are stripped after joining: a `#` before the backslash comments out the next line too.
    ['flask==3.0.3 # web \\\nwerkzeug==3.0.4\nsix==1.16.0\n', ['flask@3.0.3', 'six@1.16.0']],
    // A comment line ends a continuation, and the joined line keeps the first line's number.
    ['attrs==23.1.0 \\\n# a comment \\\nsix==1.16.0\n', ['attrs@23.1.0', 'six@1.16.0']],
    // Python's line breaks: form feed and \r alone split lines as str.splitlines does.
    ['a==1\fb==2\rc==3\r\n', ['a@1', 'b@2', 'c@3']],
  ])('%j', (text, expected) => {
    expect(pins(text)).toEqual(expected);
  });

  it('reports an error at the first line of a joined line', () => {
    expect(parse('ok==1\nbad==\\\n1..0\n').errors).toEqual(['/app/requirements.txt:2: cannot read the version specifier "==1..0"']);
  });
});

describe('environment variables', () => {
  it('a ${VAR} version is listed without a version and the note names the variable (the scan has no build environment)', () => {
    const result = parse('requests==${REQUESTS_VERSION}\nidna==3.10\n');
    expect(result.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['requests@', 'idna@3.10']);
    expect(result.errors).toEqual([]);
    expect(result.notes.some((n) => n.includes('/app/requirements.txt:1') && n.includes('${REQUESTS_VERSION}'))).toBe(true);
  });
});

describe('includes and constraints', () => {
  const files = {
    '/app/base.txt': 'idna==3.10\n-r nested/more.txt\n',
    '/app/nested/more.txt': 'six==1.16.0\n',
    '/common/constraints.txt': 'requests==2.32.3\nnot-installed==9.9\n',
  };

  it('-r is read relative to the including file, nested includes relative to theirs', () => {
    const result = parse('-r base.txt\nrequests==2.32.3\n', files);
    expect(result.packages.map((p) => `${p.name}@${p.version}:${p.paths[0]}`)).toEqual([
      'idna@3.10:/app/base.txt',
      'six@1.16.0:/app/nested/more.txt',
      'requests@2.32.3:/app/requirements.txt',
    ]);
    expect(result.errors).toEqual([]);
  });

  it('-c pins an unpinned requirement and installs nothing by itself', () => {
    expect(pins('-c ../common/constraints.txt\nrequests\n', files)).toEqual(['requests@2.32.3']);
    expect(pins('--constraint=../common/constraints.txt\nrequests>=2\n', files)).toEqual(['requests@2.32.3']);
  });

  it('option spellings optparse accepts: -rFILE, --requirement=FILE, an unambiguous prefix', () => {
    expect(pins('-rbase.txt\n', files)).toEqual(['idna@3.10', 'six@1.16.0']);
    expect(pins('--requirement=base.txt\n', files)).toEqual(['idna@3.10', 'six@1.16.0']);
    expect(pins('--requirem base.txt\n', files)).toEqual(['idna@3.10', 'six@1.16.0']);
    // --req could be --requirement or --require-hashes: optparse refuses it, and so do we.
    expect(parse('--req base.txt\n', files).errors).toEqual(['/app/requirements.txt:1: ambiguous option: --req (requirement, require-hashes)']);
  });

  it('a missing -r is an error (packages pip installed are missing); a missing -c is a note', () => {
    const result = parse('-r gone.txt\n-c gone-too.txt\nsix==1.16.0\n', files);
    expect(result.errors).toEqual(['/app/requirements.txt:1: -r gone.txt cannot be read (/app/gone.txt: ENOENT)']);
    expect(result.notes).toContain('/app/requirements.txt:2: -c gone-too.txt cannot be read (/app/gone-too.txt: ENOENT)');
  });

  it('a cycle of includes stops with an error instead of recursing forever', () => {
    const result = parse('-r a.txt\n', { '/app/a.txt': 'six==1.16.0\n-r requirements.txt\n' });
    expect(result.packages.map((p) => p.name)).toEqual(['six']);
    expect(result.errors).toEqual(['/app/a.txt:2: -r requirements.txt includes itself (a cycle), not followed again']);
  });

  it('a URL include is not fetched, and says so', () => {
    expect(parse('-r https://example.com/reqs.txt\n').errors).toEqual([
      '/app/requirements.txt:1: -r https://example.com/reqs.txt is a URL, which was not fetched',
    ]);
  });
});

describe('direct references and per-requirement options', () => {
  it.each([
    ['pkg @ https://files.example/pkg-1.2.3-py3-none-any.whl', 'pkg@1.2.3'],
    ['my_pkg @ file:///wheels/my_pkg-2.0.0-cp312-cp312-manylinux_2_17_x86_64.whl ; python_version >= "3.8"', 'my_pkg@2.0.0'],
    ['pkg @ git+https://github.com/example/pkg.git@v1.0', 'pkg@'],
    ['https://files.example/other-3.1.0.tar.gz#egg=other', 'other@3.1.0'],
    ['git+https://github.com/example/tool.git#egg=tool', 'tool@'],
    ['requests==2.32.3 --hash=sha256:aaa --hash sha256:bbb', 'requests@2.32.3'],
    ['requests==2.32.3 --global-option=--quiet', 'requests@2.32.3'],
    ['requests==2.32.3 -C key=value --config-settings=k2=v2', 'requests@2.32.3'],
    ['requests (==2.32.3)', 'requests@2.32.3'],
    ['requests>=2.0,==2.32.3', 'requests@2.32.3'],
  ])('%s', (line, expected) => {
    const result = parse(`${line}\n`);
    expect(result.errors).toEqual([]);
    expect(result.packages.map((p) => `${p.name}@${p.version}`)).toEqual([expected]);
  });

  it('-C takes KEY=VALUE as pip does; anything else is an error on that line', () => {
    expect(parse('requests==2.32.3 -C novalue\n').errors).toEqual(['/app/requirements.txt:1: Arguments to -C must be of the form KEY=VAL']);
  });
});

describe('includes through the directory acquirer', () => {
  let base: string;
  beforeAll(() => {
    base = mkdtempSync(path.join(tmpdir(), 'sbom-hunt-req-'));
    const put = (rel: string, text: string) => {
      mkdirSync(path.dirname(path.join(base, rel)), { recursive: true });
      writeFileSync(path.join(base, rel), text);
    };
    put('tree/svc/requirements.txt', '-r ../shared/common.in\n-r requirements-dev.txt\n-r ../escape/x.in\nrequests==2.32.3\n');
    put('tree/svc/requirements-dev.txt', 'pytest==8.3.3\n');
    put('tree/shared/common.in', 'idna==3.10\n');
    put('outside/x.in', 'outside-only==1.0\n');
    symlinkSync(path.join(base, 'outside'), path.join(base, 'tree/escape'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('follows includes inside the tree, counts a file read twice once, and refuses a symlink out', async () => {
    const found = await collectDirectory(path.join(base, 'tree'), undefined, 'tree');
    expect(found.packages.map((p) => `${p.name}@${p.version}:${p.paths[0]}`).sort()).toEqual([
      'idna@3.10:/shared/common.in',
      'pytest@8.3.3:/svc/requirements-dev.txt',
      'requests@2.32.3:/svc/requirements.txt',
    ]);
    expect(found.errors).toEqual(['tree/svc/requirements.txt:3: -r ../escape/x.in cannot be read (/escape/x.in: outside the tree)']);
  });
});
