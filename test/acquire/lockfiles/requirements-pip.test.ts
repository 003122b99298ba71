// Differential: generated requirements files read by pip's own req_file (Debian's python3-pip) and by ours,
// line for line: which logical lines, at which line number, with which requirement, pin and includes.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRequirementSpec } from '../../../src/acquire/lockfiles/requirement-spec.js';
import { breakArgsOptions, requirementLines } from '../../../src/acquire/lockfiles/requirements-lines.js';
import { parseLineOptions } from '../../../src/acquire/lockfiles/requirements-options.js';
import { seeded } from '../../helpers/random.js';

const PYTHON = '/usr/bin/python3';
const ORACLE = path.resolve(import.meta.dirname, '../../helpers/pip-oracle.py');

function pipAvailable(): boolean {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import pip._internal.req.req_file'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const HAVE_PIP = pipAvailable();
if (!HAVE_PIP && process.env.CI) throw new Error('requirements-pip.test: python3-pip is missing (scripts/setup.sh installs it)');
if (!HAVE_PIP) console.warn('requirements-pip.test: skipped, /usr/bin/python3 with pip is not installed');

interface PipLine {
  args: string;
  error?: string;
  requirements?: string[];
  constraints?: string[];
  editables?: string[];
  name?: string;
  pin?: string;
  url?: string;
  invalid?: string;
}

function pipRead(texts: string[]): [number, string, PipLine][][] {
  const out = execFileSync(PYTHON, [ORACLE], { input: JSON.stringify(texts), maxBuffer: 64 * 1024 ** 2, stdio: ['pipe', 'pipe', 'ignore'] });
  return JSON.parse(out.toString('utf8')) as [number, string, PipLine][][];
}

// Pieces chosen where readers disagree: backslashes at either end, comments before and after joining,
// `#` without a space before it (a URL fragment), Python's extra line breaks, option spellings.
const REQUIREMENTS = [
  'requests==2.32.3', 'Flask[async,dotenv] == 3.0.3', 'numpy===1.26.4 ; python_version > "3.9"', 'django==4.2.*',
  'urllib3>=1.26,<3', 'idna (==3.10)', 'pkg @ https://example.com/pkg-1.0-py3-none-any.whl', 'zope.interface==6.0',
  'six', 'a-b_c.d==1.0', 'pyyaml>=6 ;sys_platform=="linux"', 'x==1.0+local.7', 'attrs !=1.0, ==23.1.0',
  'name @ https://h.example/n.tar.gz#egg=name', 'bad==', 'requests[=1', '==1.0',
];
const OPTIONS = [
  '-r base.txt', '--requirement=other.txt', '-rdirect.txt', '--requirement nested/deps.txt', '-c constraints.txt',
  '--constraint=pins.txt', '-e ./local', '--editable git+https://h.example/r.git#egg=r', '-i https://pypi.example/simple',
  '--extra-index-url https://x.example', '--no-index', '--pre', '--trusted-host h.example', '--req base.txt', '--bogus x',
];
const SUFFIXES = ['', ' --hash=sha256:abc', ' --hash sha256:def', ' \\', ' \\\\', '\\', ' # note', '# no space', ' #egg=x', '\t# tab'];
const BREAKS = ['\n', '\r\n', '\r', '\f', '\v', '\x1c', '\u2028', '\x85'];
const EXTRA_LINES = ['', '   ', '# comment', '    # via requests', '\\', '\\\\ leading', '  --hash=sha256:123 \\', '#\\'];

function generate(random: () => number, count: number): string[] {
  const pick = <T,>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const texts: string[] = [];
  for (let n = 0; n < count; n++) {
    const lines: string[] = [];
    const length = 1 + Math.floor(random() * 8);
    for (let i = 0; i < length; i++) {
      const r = random();
      const base = r < 0.5 ? pick(REQUIREMENTS) : r < 0.75 ? pick(OPTIONS) : pick(EXTRA_LINES);
      lines.push(base + pick(SUFFIXES));
    }
    const brk = random() < 0.7 ? '\n' : pick(BREAKS);
    texts.push(lines.join(brk) + (random() < 0.5 ? brk : ''));
  }
  return texts;
}

interface Ours {
  error?: boolean;
  requirements?: string[];
  constraints?: string[];
  editables?: string[];
}

function ourOptions(options: string): Ours {
  try {
    const o = parseLineOptions(options);
    return { requirements: o.requirements, constraints: o.constraints, editables: o.editables };
  } catch {
    return { error: true };
  }
}

const COUNT = Number(process.env.FUZZ_RUNS) > 0 ? Number(process.env.FUZZ_RUNS) : 400;

describe.skipIf(!HAVE_PIP)('requirements files: ours against pip', () => {
  const texts = generate(seeded(17), COUNT);
  const pip = HAVE_PIP ? pipRead(texts) : [];

  it(`${COUNT} generated files give pip's logical lines, line numbers, options and pins`, () => {
    let compared = 0;
    texts.forEach((text, i) => {
      const expected = pip[i]!;
      const ours = requirementLines(text);
      const context = JSON.stringify(text);
      expect(ours.map((l) => [l.line, l.text]), context).toEqual(expected.map(([n, line]) => [n, line]));
      expected.forEach(([, line, want]) => {
        const { args, options } = breakArgsOptions(line);
        expect(args, context).toBe(want.args);
        const opts = ourOptions(options);
        if (want.error !== undefined) {
          expect(opts.error, `${context}: pip refused "${options}" (${want.error.trim()})`).toBe(true);
          return;
        }
        expect(opts, context).toEqual({ requirements: want.requirements, constraints: want.constraints, editables: want.editables });
        if (!args) return;
        const spec = (() => {
          try {
            return parseRequirementSpec(args);
          } catch {
            return undefined;
          }
        })();
        if (want.invalid !== undefined) {
          // A path-like name is a local project to pip when that folder exists, which a scan cannot see: skipped, not refused.
          if (spec?.kind === 'unnamed' && (args.includes('/') || args.startsWith('.'))) return;
          expect(spec, `${context}: packaging refused "${args}"`).toBeUndefined();
          return;
        }
        expect(spec?.kind, context).toBe('named');
        if (spec?.kind !== 'named') return;
        expect(spec.name, context).toBe(want.name);
        // A direct reference to a wheel names its version in the file name; packaging leaves that to pip.
        if (!want.url) expect(spec.version, context).toBe(want.pin);
        compared++;
      });
    });
    expect(compared).toBeGreaterThan(COUNT / 2);
  });
});
