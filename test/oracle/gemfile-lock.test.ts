// Differential test: Gemfile.lock (and gems.locked) files Debian's Bundler writes, read by `sbom-hunt scan dir:`,
// against Bundler's own reading. Generated Gemfiles over gems built by `gem build` into two `file://` gem
// repositories (nothing touches the network): names with capitals, dots, dashes and underscores, pre-release and
// two-segment versions, platform variants of one version (x86_64-linux, java, arm64-darwin, mingw) and a gem only
// the java variant needs, extra lockfile platforms, a second source in a `source do` block, git gems (a monorepo
// of two, by branch or tag), a path gem, development/test groups and platform-restricted gems. Each project is
// installed offline (`bundle install`, shared BUNDLE_PATH); the oracle is, inside `bundle exec`, the lockfile as
// Bundler::LockfileParser reads it (every platform's specs, one per name and version) and Bundler.load.specs (what
// `bundle list` prints for this machine), which must be a part of it. Path gems are the project's own, not packages.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GemDef, writeGemRepo, writeGemSource, writeGitGems } from '../helpers/gem-sources.js';
import { inventoryByFile } from '../helpers/lockfile-oracle.js';
import { seeded } from '../helpers/random.js';
import { cachedBuild, haveTool } from '../helpers/real-tools.js';
import { oracleRuns, oracleSeed, recordOracle } from './tally.js';

const run = promisify(execFile);
const RUNS = oracleRuns(4, 0.0004);
const hasBundler = haveTool('bundle', 'ruby-bundler');

const native = (version: string, platform?: string, deps: string[] = ['leaf']): GemDef => ({ name: 'native-ext', version, platform, deps });
const MAIN: GemDef[] = [
  { name: 'leaf', version: '1.0.0' },
  { name: 'leaf', version: '1.0.1' },
  { name: 'leaf', version: '2.0.0.pre.1' },
  { name: 'ruby.dots', version: '1.0' },
  { name: 'ruby.dots', version: '1.1.a' },
  { name: 'Net-HTTP_fancy', version: '0.3.1', deps: ['leaf'] },
  { name: 'Net-HTTP_fancy', version: '0.10.0', deps: ['leaf', 'ruby.dots'] },
  native('1.2.0'),
  native('1.2.0', 'x86_64-linux'),
  native('1.2.0', 'java', ['leaf', 'jgem']),
  native('1.2.0', 'arm64-darwin'),
  native('1.2.0', 'x64-mingw-ucrt'),
  native('1.3.0.rc1'),
  { name: 'jgem', version: '0.1.0' },
  { name: 'UPPER_case', version: '3.0.0', deps: ['ruby.dots'] },
  { name: 'wingem', version: '0.1.0' },
];
const SECOND: GemDef[] = [{ name: 'private-gem', version: '1.0.0', deps: ['leaf'] }, { name: 'private-gem', version: '1.1.0.beta.2' }];
const GIT_TOP: GemDef = { name: 'gitgem', version: '0.9.0.beta', deps: ['leaf'] };
const GIT_SUB: GemDef = { name: 'git-sub', version: '1.1.0', deps: ['UPPER_case'] };
const PLATFORMS = ['java', 'arm64-darwin', 'x64-mingw-ucrt', 'x86_64-linux-musl'];
/** What a Gemfile may pin each registry gem to. */
const PINS: Record<string, string[]> = {
  leaf: ['1.0.0', '1.0.1', '2.0.0.pre.1'],
  'ruby.dots': ['1.0', '1.1.a'],
  'Net-HTTP_fancy': ['0.3.1', '0.10.0'],
  'native-ext': ['1.2.0', '1.3.0.rc1'],
  UPPER_case: ['3.0.0'],
};

type Rand = () => number;
interface Project {
  manifest: 'Gemfile' | 'gems.rb';
  gemfile: string;
  platforms: string[];
}

function gemLine(r: Rand, name: string): string {
  const pin = r() < 0.5 ? `, "= ${PINS[name]![Math.floor(r() * PINS[name]!.length)]}"` : '';
  return `gem ${JSON.stringify(name)}${pin}`;
}

/** A generated project; `full` takes every optional part (the first case), so each run covers all of them. */
function generate(r: Rand, sources: string, full: boolean): Project {
  const has = (p: number) => r() < p || full;
  const lines = [`source "file://${sources}/main"`, ''];
  const groups: string[] = [];
  for (const name of Object.keys(PINS)) {
    if (!has(0.7)) continue;
    (r() < 0.3 ? groups : lines).push(gemLine(r, name));
  }
  if (has(0.5)) groups.push(`gem "wingem", platforms: [:mingw, :x64_mingw]`);
  if (groups.length) lines.push('group :development, :test do', ...groups.map((g) => `  ${g}`), 'end');
  if (has(0.6)) lines.push(`source "file://${sources}/second" do`, `  gem "private-gem"${r() < 0.5 ? ', "= 1.1.0.beta.2"' : ''}`, 'end');
  const ref = r() < 0.5 ? 'branch: "main"' : 'tag: "v1"';
  if (has(0.6)) lines.push(`gem "gitgem", git: "file://${sources}/git", ${ref}`);
  if (has(0.4)) lines.push(`gem "git-sub", git: "file://${sources}/git", ${ref}`);
  if (has(0.5)) lines.push(`gem "localgem", path: "vendor/localgem"`);
  if (has(0.2)) lines.push(`ruby "${RUBY_VERSION}"`);
  const platforms = PLATFORMS.filter(() => has(0.4));
  return { manifest: r() < 0.2 ? 'gems.rb' : 'Gemfile', gemfile: `${lines.join('\n')}\n`, platforms };
}

// Inside `bundle exec`: the lockfile as Bundler's parser reads it, and the specs Bundler loads on this machine.
const ORACLE = `
require "json"
own = ->(s) { s.source.instance_of?(Bundler::Source::Path) || s.source.is_a?(Bundler::Source::Gemspec) }
key = ->(s) { "#{s.name} #{s.version}" }
lock = Bundler::LockfileParser.new(Bundler.read_file(Bundler.default_lockfile))
locked = lock.specs.reject(&own).map(&key).uniq.sort
loaded = Bundler.load.specs.to_a.reject(&own).reject { |s| s.name == "bundler" }.map(&key).sort
puts JSON.generate({ locked: locked, loaded: loaded })
`;

let RUBY_VERSION = '';
let root = '';
const cases: { dir: string; project: Project; lockfile: string; locked: string[]; loaded: string[] }[] = [];
let ours = new Map<string, string[]>();

/** Locks and installs one project (cached by its inputs); the lockfile and Bundler's answer. */
async function lockProject(project: Project, sources: string, bundleHome: string): Promise<string> {
  const { stdout: version } = await run('bundle', ['--version']);
  return cachedBuild('bundler-case', { project, sources, version, ORACLE }, async (dir) => {
    await writeFile(join(dir, project.manifest), project.gemfile);
    await writeGemSource(join(dir, 'vendor', 'localgem'), { name: 'localgem', version: '0.0.1', deps: ['wingem', 'UPPER_case'] });
    const env = { ...process.env, BUNDLE_PATH: join(bundleHome, 'gems'), BUNDLE_USER_HOME: bundleHome, BUNDLE_APP_CONFIG: join(dir, '.bundle'), BUNDLE_GEMFILE: join(dir, project.manifest) };
    await run('bundle', ['lock', ...(project.platforms.length ? ['--add-platform', ...project.platforms] : [])], { cwd: dir, env });
    await run('bundle', ['install', '--quiet'], { cwd: dir, env });
    const { stdout } = await run('bundle', ['exec', 'ruby', '-e', ORACLE], { cwd: dir, env });
    await writeFile(join(dir, 'oracle.json'), stdout);
  });
}

beforeAll(async () => {
  if (!hasBundler) return;
  RUBY_VERSION = (await run('ruby', ['-e', 'print RUBY_VERSION'])).stdout;
  root = await mkdtemp(join(tmpdir(), 'bundler-oracle-'));
  const sources = await cachedBuild('gem-sources', { MAIN, SECOND, GIT_TOP, GIT_SUB, v: (await run('gem', ['--version'])).stdout }, async (dir) => {
    await writeGemRepo(join(dir, 'main'), MAIN);
    await writeGemRepo(join(dir, 'second'), SECOND);
    await writeGitGems(join(dir, 'git'), GIT_TOP, GIT_SUB);
  });
  const seed = oracleSeed(1e9);
  const r = seeded(seed);
  for (let i = 0; i < RUNS; i++) {
    const project = generate(r, sources, i === 0);
    const dir = await lockProject(project, sources, join(root, 'bundle-home'));
    const lockName = project.manifest === 'Gemfile' ? 'Gemfile.lock' : 'gems.locked';
    await mkdir(join(root, 'scan', `p${i}`), { recursive: true });
    await copyFile(join(dir, lockName), join(root, 'scan', `p${i}`, lockName));
    const { locked, loaded } = JSON.parse(readFileSync(join(dir, 'oracle.json'), 'utf8')) as { locked: string[]; loaded: string[] };
    cases.push({ dir, project, lockfile: `/p${i}/${lockName}`, locked, loaded });
  }
  ours = await inventoryByFile(join(root, 'scan'));
  let disagreements = 0;
  for (const c of cases) if (JSON.stringify(ours.get(c.lockfile) ?? []) !== JSON.stringify(c.locked)) disagreements++;
  recordOracle('gemfile-lock', cases.length, disagreements, `seed ${seed}`);
}, 300_000);
afterAll(() => (root && !process.env.KEEP_ORACLE ? rm(root, { recursive: true, force: true }) : undefined));

describe.skipIf(!hasBundler)('Gemfile.lock agrees with Bundler', () => {
  it('on generated projects locked and installed offline', () => {
    expect(cases.length).toBe(RUNS);
    for (const c of cases) {
      const why = `${c.dir}\n${c.project.gemfile}`;
      expect(ours.get(c.lockfile) ?? [], why).toEqual(c.locked);
      // What Bundler loads on this machine is one platform's share of the lockfile.
      expect(c.locked, why).toEqual(expect.arrayContaining(c.loaded));
    }
  });

  it('the generated projects cover what they are for', () => {
    const all = cases.flatMap((c) => c.locked);
    const text = cases.map((c) => readFileSync(join(c.dir, c.project.manifest === 'Gemfile' ? 'Gemfile.lock' : 'gems.locked'), 'utf8')).join('\n');
    expect(all.some((p) => p.startsWith('gitgem ') || p.startsWith('git-sub '))).toBe(true);
    expect(all.some((p) => /\.(pre|rc|a|beta)/.test(p))).toBe(true);
    expect(text).toMatch(/native-ext \(1\.2\.0-\w/);
    expect(text).toMatch(/^PATH$/m);
  });
});
