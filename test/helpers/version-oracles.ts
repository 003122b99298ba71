// The ecosystems' own version comparators, each asked about many pairs in one process call.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** From libmaven3-core-java. */
export const MAVEN_ARTIFACT_JAR = '/usr/share/java/maven-artifact-3.x.jar';
/** Debian's python, where python3-packaging is installed (a pyenv shim on PATH may not have it). */
const PYTHON = '/usr/bin/python3';

export type Pair = [string, string];

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return r.stdout;
}

/** Whether a tool answers, so a test can say it is missing instead of passing without it. */
export function toolAvailable(name: 'dpkg' | 'rpm' | 'packaging' | 'maven'): boolean {
  const probe: Record<typeof name, [string, string[]]> = {
    dpkg: ['dpkg', ['--version']],
    rpm: ['rpm', ['--eval', '%{lua: print(rpm.vercmp("1", "2"))}']],
    packaging: [PYTHON, ['-c', 'import packaging.version']],
    maven: ['java', ['-cp', MAVEN_ARTIFACT_JAR, 'org.apache.maven.artifact.versioning.ComparableVersion', '1']],
  };
  const [cmd, args] = probe[name];
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0;
}

/**
 * dpkg --compare-versions for each pair, from one shell (dpkg compares one pair per call). A pair dpkg
 * warns or errs about (bad syntax) is NaN: dpkg would refuse to install such a version.
 */
export function dpkgCompare(pairs: readonly Pair[]): number[] {
  const script = [
    'while IFS=" " read -r a b; do',
    '  s=0; r=',
    '  if err=$(dpkg --compare-versions "$a" lt "$b" 2>&1); then r=-1; else s=$?; fi',
    '  if [ -n "$err" ] || [ "$s" -gt 1 ]; then echo NaN; continue; fi',
    '  if [ -z "$r" ]; then if dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then r=0; else r=1; fi; fi',
    '  echo "$r"',
    'done',
  ].join('\n');
  const out = run('bash', ['-c', script], pairs.map(([a, b]) => `${a} ${b}\n`).join(''));
  return out.trim().split('\n').map(Number);
}

/** rpm.vercmp (rpm's own EVR comparison) for each pair, in one rpm --eval running a Lua loop over a file. */
export function rpmCompare(pairs: readonly Pair[]): number[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'rpmvercmp-'));
  try {
    const file = path.join(dir, 'pairs');
    writeFileSync(file, pairs.map(([a, b]) => `${a} ${b}\n`).join(''));
    const lua = `%{lua: for line in io.lines("${file}") do local a, b = line:match("^(%S+) (%S+)$"); print(rpm.vercmp(a, b) .. "\\n") end}`;
    return run('rpm', ['--eval', lua]).trim().split('\n').map(Number);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** packaging.version (pip's): for each pair the sign of the comparison, or NaN when either side is not PEP 440. */
export function packagingCompare(pairs: readonly Pair[]): number[] {
  const script = [
    'import sys, json',
    'from packaging.version import Version, InvalidVersion',
    'out = []',
    'for a, b in json.load(sys.stdin):',
    '    try:',
    '        x, y = Version(a), Version(b)',
    '        out.append((x > y) - (x < y))',
    '    except InvalidVersion:',
    '        out.append(None)',
    'print(json.dumps(out))',
  ].join('\n');
  return (JSON.parse(run(PYTHON, ['-c', script], JSON.stringify(pairs))) as (number | null)[]).map((n) => (n === null ? Number.NaN : n));
}

/** Maven's ComparableVersion main: compares each version with the next; one JVM for the whole list. */
export function mavenCompareChain(versions: readonly string[]): number[] {
  const out = run('java', ['-cp', MAVEN_ARTIFACT_JAR, 'org.apache.maven.artifact.versioning.ComparableVersion', ...versions]);
  const results: number[] = [];
  for (const line of out.split('\n')) {
    const m = /^ {3}\S+ ([<>=]|==) \S+$/.exec(line);
    if (m) results.push(m[1] === '<' ? -1 : m[1] === '>' ? 1 : 0);
  }
  return results;
}
