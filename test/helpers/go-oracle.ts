// The Go reference reader (test/oracle/tarlist: Go's archive/tar, and containerd's layer apply modelled
// over it), built once per source version into a cache folder and fed many cases per process.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SOURCE = join(import.meta.dirname, '..', 'oracle', 'tarlist');

export interface GoMember {
  name: string;
  type: string;
  linkname: string;
  size: number;
  /** Header.ModTime.UnixMilli(); absent when the seconds are 1e15 or more from the epoch. */
  mtime?: number;
  sha256?: string;
}

export interface GoList {
  members: GoMember[];
  error?: string;
}

export interface GoNode {
  type: 'dir' | 'file' | 'symlink' | 'node';
  sha256?: string;
  linkname?: string;
  /** The mtime containerd sets on the path (chtimes after boundTime), UnixMilli; files and symlinks only. */
  mtime?: number;
}

export interface GoApply {
  /** hex path -> node */
  files: Record<string, GoNode>;
  error?: string;
  layer: number;
}

function hasGo(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The oracle binary, or undefined with the reason printed when Go is missing outside CI.
 * In CI (CI set) a missing Go fails loudly: the differential tests must not pass by not running.
 */
export function goOracle(): string | undefined {
  if (!hasGo()) {
    if (process.env.CI) throw new Error('go is not installed (scripts/setup.sh installs golang-go): the differential tar tests cannot run');
    console.warn('SKIPPED: go is not installed (apt-get install golang-go); the Go archive/tar oracle tests did not run');
    return undefined;
  }
  const hash = createHash('sha256');
  for (const f of readdirSync(SOURCE).sort()) hash.update(f).update(readFileSync(join(SOURCE, f)));
  const dir = join(tmpdir(), 'sbom-hunt-go-oracle', hash.digest('hex').slice(0, 16));
  const bin = join(dir, 'tarlist');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const tmp = `${bin}.${process.pid}`;
  execFileSync('go', ['build', '-o', tmp, '.'], {
    cwd: SOURCE,
    env: { ...process.env, GOCACHE: join(tmpdir(), 'sbom-hunt-go-oracle', 'gocache'), GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', CGO_ENABLED: '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  renameSync(tmp, bin);
  return bin;
}

function run(bin: string, mode: 'list' | 'apply', input: Buffer[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [mode], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`tarlist ${mode} exited ${code}: ${Buffer.concat(err).toString()}`));
      resolve(Buffer.concat(out).toString('utf8').split('\n').filter((l) => l !== ''));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(Buffer.concat(input));
  });
}

const frame = (b: Buffer): Buffer[] => [Buffer.from(`${b.length}\n`), b];

/** Go's archive/tar member list of each tar. */
export async function goList(bin: string, tars: Buffer[]): Promise<GoList[]> {
  const lines = await run(bin, 'list', tars.flatMap(frame));
  return lines.map((l) => JSON.parse(l) as GoList);
}

/** containerd's apply of each layer sequence, as the oracle models it. */
export async function goApply(bin: string, images: Buffer[][]): Promise<GoApply[]> {
  const lines = await run(bin, 'apply', images.flatMap((layers) => [Buffer.from(`${layers.length}\n`), ...layers.flatMap(frame)]));
  return lines.map((l) => JSON.parse(l) as GoApply);
}
