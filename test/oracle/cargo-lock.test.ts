// Differential test: Cargo.lock files the real cargo writes (Debian's, and the one on PATH when it is another:
// lockfile version 3 and 4), read by `sbom-hunt scan dir:`, against `cargo metadata`'s package list. Generated
// workspaces over vendored crates (a directory source replacing crates.io, so nothing touches the network):
// several semver-incompatible versions of one crate, renamed dependencies, pre-release and build-metadata
// versions, target-specific, build and optional dependencies, a git dependency from a local repository, and
// path crates. Crates without a source (the workspace and its path crates) are the project itself and are
// not packages; everything else cargo resolved must be listed, nothing more. Cargo.lock pins optional crates
// too (any feature set builds from it), so the oracle is `cargo metadata --all-features`.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryByFile } from '../helpers/lockfile-oracle.js';
import { seeded } from '../helpers/random.js';
import { haveTool } from '../helpers/real-tools.js';

const run = promisify(execFile);
const RUNS = Number(process.env.FUZZ_RUNS) > 0 ? Math.min(Number(process.env.FUZZ_RUNS), 200) : 6;
const hasCargo = haveTool('cargo', 'cargo');

/** Every distinct cargo: the one on PATH and Debian's, which write different lockfile versions. */
function cargos(): string[] {
  if (!hasCargo) return [];
  const onPath = execFileSync('sh', ['-c', 'command -v cargo'], { encoding: 'utf8' }).trim();
  const all = [onPath, '/usr/bin/cargo'].filter((c, i, xs) => xs.indexOf(c) === i);
  return all.filter((c) => {
    try {
      execFileSync(c, ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
}

// Crate i may depend only on crates after it, so the graph has no cycles.
const CRATES: [string, string[]][] = [
  ['web-core', ['0.1.0', '0.1.5', '1.0.0']],
  ['serde_lite', ['0.2.0', '1.0.0', '1.4.2+build.5', '2.0.0-rc.1']],
  ['Tokio-ish', ['0.3.1', '1.2.0']],
  ['hex_fmt', ['0.1.0', '0.2.0', '3.0.0']],
  ['leaf', ['1.0.0', '1.0.1']],
];

/** A requirement `version` satisfies; caret requirements never conflict, so every generated graph resolves. */
const req = (version: string) => (version.includes('-') ? `=${version}` : `^${version.split('+')[0]}`);

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;

/**
 * `[dependencies]`-style lines on some crates after `from`, renamed now and then. A crate is named in one
 * section of a manifest only (`used`): cargo refuses one crate under two names across sections.
 */
function depLines(r: Rand, from: number, chance: number, used = new Set<string>()): string[] {
  const lines: string[] = [];
  CRATES.slice(from).forEach(([name, versions], j) => {
    if (used.has(name) || r() >= chance) return;
    used.add(name);
    const version = pick(r, versions);
    const key = r() < 0.25 ? `renamed${from + j}` : name;
    lines.push(key === name ? `"${name}" = "${req(version)}"` : `${key} = { package = "${name}", version = "${req(version)}" }`);
    // A second, semver-incompatible version of the same crate beside the first.
    const other = versions.find((v) => v.split('.')[0] !== version.split('.')[0] && !v.includes('-'));
    if (other && r() < 0.3) lines.push(`${name.replace(/-/g, '_')}_${from + j}_old = { package = "${name}", version = "${req(other)}" }`);
  });
  return lines;
}

function crateToml(name: string, version: string, body: string[]): string {
  return [`[package]`, `name = "${name}"`, `version = "${version}"`, `edition = "2018"`, '', ...body, ''].join('\n');
}

async function writeCrate(dir: string, toml: string): Promise<void> {
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(join(dir, 'Cargo.toml'), toml);
  await writeFile(join(dir, 'src', 'lib.rs'), '');
}

/** The vendored crates: each version's dependencies drawn once, shared by every workspace. */
async function writeVendor(r: Rand, vendor: string): Promise<void> {
  for (const [i, [name, versions]] of CRATES.entries()) {
    for (const version of versions) {
      const used = new Set<string>();
      const body = ['[dependencies]', ...depLines(r, i + 1, 0.35, used)];
      const [dep, vs] = CRATES[CRATES.length - 1]!;
      if (r() < 0.3 && i + 1 < CRATES.length && !used.has(dep)) {
        body.push(`[target.'cfg(windows)'.dependencies]`, `"${dep}" = "${req(pick(r, vs))}"`);
      }
      const dir = join(vendor, `${name}-${version}`);
      await writeCrate(dir, crateToml(name, version, body));
      const checksum = createHash('sha256').update(`${name}-${version}`).digest('hex');
      await writeFile(join(dir, '.cargo-checksum.json'), JSON.stringify({ files: {}, package: checksum }));
    }
  }
}

/** A crate in a local git repository, depending on vendored crates. */
async function writeGitCrate(dir: string): Promise<void> {
  await writeCrate(dir, crateToml('git-helper', '0.9.0', ['[dependencies]', `leaf = "^1.0.0"`]));
  const git = (...args: string[]) => run('git', args, { cwd: dir });
  await git('init', '-q');
  await git('add', '.');
  await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'crate');
}

async function writeWorkspace(r: Rand, dir: string, root: string): Promise<void> {
  const used = new Set<string>();
  const body = ['[dependencies]', ...depLines(r, 0, 0.5, used)];
  if (r() < 0.4) body.push(`git-helper = { git = "file://${join(root, 'git-helper')}" }`);
  if (r() < 0.4) body.push(`inner = { path = "libs/inner" }`);
  if (!used.has(CRATES[2]![0]) && r() < 0.3) body.push(`"${CRATES[2]![0]}" = { version = "^1.2.0", optional = true }`);
  used.add(CRATES[2]![0]);
  if (r() < 0.4) body.push('[build-dependencies]', ...depLines(r, 3, 0.6, used));
  if (r() < 0.4) body.push('[dev-dependencies]', ...depLines(r, 1, 0.4, used));
  await writeCrate(dir, crateToml('app', '0.1.0', [...body, '', '[workspace]', 'members = ["libs/*"]']));
  await writeCrate(join(dir, 'libs', 'inner'), crateToml('inner', '0.0.1', ['[dependencies]', ...depLines(r, 2, 0.5)]));
  await mkdir(join(dir, '.cargo'), { recursive: true });
  const config = `[source.crates-io]\nreplace-with = "vendored"\n\n[source.vendored]\ndirectory = "${join(root, 'vendor')}"\n`;
  await writeFile(join(dir, '.cargo', 'config.toml'), config);
}

interface CargoPackage {
  name: string;
  version: string;
  source: string | null;
}

let root = '';
const cases: { cargo: string; dir: string; lockfile: string; expected: string[] }[] = [];
let ours = new Map<string, string[]>();

beforeAll(async () => {
  if (!hasCargo) return;
  root = await mkdtemp(join(tmpdir(), 'cargo-oracle-'));
  const r = seeded(Number(process.env.FUZZ_SEED ?? 53));
  await writeVendor(r, join(root, 'vendor'));
  await writeGitCrate(join(root, 'git-helper'));
  const env = { ...process.env, CARGO_HOME: join(root, 'cargo-home'), CARGO_TERM_COLOR: 'never' };
  for (const [c, cargo] of cargos().entries()) {
    for (let i = 0; i < RUNS; i++) {
      const dir = join(root, `ws-${c}-${i}`);
      await writeWorkspace(r, dir, root);
      await run(cargo, ['generate-lockfile'], { cwd: dir, env });
      const { stdout } = await run(cargo, ['metadata', '--all-features', '--format-version', '1', '--offline'], { cwd: dir, env, maxBuffer: 64 << 20 });
      const packages = (JSON.parse(stdout) as { packages: CargoPackage[] }).packages;
      const expected = packages.filter((p) => p.source !== null).map((p) => `${p.name} ${p.version}`).sort();
      const lockfile = `/scan/ws-${c}-${i}/Cargo.lock`;
      await mkdir(join(root, 'scan', `ws-${c}-${i}`), { recursive: true });
      await copyFile(join(dir, 'Cargo.lock'), join(root, lockfile));
      cases.push({ cargo, dir, lockfile: lockfile.slice('/scan'.length), expected });
    }
  }
  ours = await inventoryByFile(join(root, 'scan'));
}, 180_000);
afterAll(() => (root && !process.env.KEEP_ORACLE ? rm(root, { recursive: true, force: true }) : undefined));

describe.skipIf(!hasCargo)('Cargo.lock agrees with cargo metadata', () => {
  it('on generated workspaces, for every cargo installed', () => {
    expect(cases.length).toBeGreaterThanOrEqual(RUNS);
    for (const c of cases) expect(ours.get(c.lockfile) ?? [], `${c.cargo} ${c.dir}\n${readFileSync(join(c.dir, 'Cargo.toml'), 'utf8')}`).toEqual(c.expected);
    // The generated graphs covered what they are for: two versions of one crate, a git source, pre-releases.
    const all = cases.flatMap((c) => c.expected);
    expect(all.some((p) => p.startsWith('git-helper '))).toBe(true);
    expect(all.some((p) => p.includes('-rc.1') || p.includes('+build'))).toBe(true);
    expect(cases.some((c) => new Set(c.expected.map((p) => p.split(' ')[0])).size < c.expected.length)).toBe(true);
  });
});
