// Local gem sources for the Bundler differential test (test/oracle/gemfile-lock.test.ts): gems built by the real
// `gem build` into `file://` repositories indexed by `gem generate_index` (a source Bundler fetches from like a
// gem server, offline), and a git repository holding two gems, as a monorepo would.
import { execFile } from 'node:child_process';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GemDef {
  name: string;
  version: string;
  /** RubyGems platform; `ruby` is the pure one. */
  platform?: string;
  deps?: string[];
}

function gemspec(g: GemDef, files: string[]): string {
  return [
    'Gem::Specification.new do |s|',
    `  s.name = ${JSON.stringify(g.name)}`,
    `  s.version = ${JSON.stringify(g.version)}`,
    `  s.platform = ${JSON.stringify(g.platform ?? 'ruby')}`,
    `  s.summary = "t"`,
    `  s.authors = ["t"]`,
    `  s.files = ${JSON.stringify(files)}`,
    // Unconstrained dependencies: whatever versions a Gemfile pins, the graph resolves.
    ...(g.deps ?? []).map((d) => `  s.add_dependency ${JSON.stringify(d)}, ">= 0"`),
    'end',
    '',
  ].join('\n');
}

/** A gem's source folder: its gemspec and one file. */
export async function writeGemSource(dir: string, g: GemDef): Promise<void> {
  await mkdir(join(dir, 'lib'), { recursive: true });
  await writeFile(join(dir, 'lib', `${g.name}.rb`), '');
  await writeFile(join(dir, `${g.name}.gemspec`), gemspec(g, [`lib/${g.name}.rb`]));
}

/** `gem build` of every gem, then `gem generate_index`: a repository Bundler reads as `source "file://<repo>"`. */
export async function writeGemRepo(repo: string, gems: GemDef[]): Promise<void> {
  await mkdir(join(repo, 'gems'), { recursive: true });
  const work = join(repo, '..', `${repo.split('/').pop()}-build`);
  for (const [i, g] of gems.entries()) {
    const dir = join(work, String(i));
    await writeGemSource(dir, g);
    await run('gem', ['build', '--silent', `${g.name}.gemspec`], { cwd: dir });
    for (const f of await readdir(dir)) if (f.endsWith('.gem')) await rename(join(dir, f), join(repo, 'gems', f));
  }
  await run('gem', ['generate_index', '--silent', '-d', repo]);
}

/** A git repository with one gem at its top and one in `sub/`, committed and tagged `v1`. */
export async function writeGitGems(dir: string, top: GemDef, sub: GemDef): Promise<void> {
  await writeGemSource(dir, top);
  await writeGemSource(join(dir, 'sub'), sub);
  const git = (...args: string[]) => run('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir });
  await git('init', '-q', '-b', 'main');
  await git('add', '.');
  await git('commit', '-qm', 'gems');
  await git('tag', 'v1');
}
