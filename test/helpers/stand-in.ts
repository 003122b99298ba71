// Stand-in executables for syft, grype and cosign: small shell scripts, first on PATH, that replay recorded real output.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resetToolAvailability } from '../../src/adapters/exec.js';

/** What one invocation does: print a file or text, write stderr, exit with a code, or hang. */
export interface Behaviour {
  stdoutFile?: string;
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  hang?: boolean;
}

export interface StandInSpec {
  /** Behaviour by the first argument (`scan`, `version`, `verify-attestation`); `*` for anything else. */
  byFirstArg: Record<string, Behaviour>;
  /** Checked first: behaviour when the argument list contains this word (`spdxjson`). */
  whenArg?: { arg: string; then: Behaviour }[];
  /** Environment variables the stand-in writes to its log, so a test can see what the tool received. */
  logEnv?: string[];
}

export interface StandIns {
  dir: string;
  /** One entry per invocation: argv and the logged environment variables. */
  calls(tool: string): { args: string[]; env: Record<string, string> }[];
  restore(): void;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function behaviourScript(b: Behaviour): string {
  const lines: string[] = [];
  if (b.stderr !== undefined) lines.push(`printf '%s\\n' ${q(b.stderr)} >&2`);
  if (b.stdoutFile !== undefined) lines.push(`cat ${q(b.stdoutFile)}`);
  if (b.stdout !== undefined) lines.push(`printf '%s' ${q(b.stdout)}`);
  // exec, so the timeout's kill reaches the sleeping process itself and no orphan keeps stdout open.
  if (b.hang) lines.push('exec sleep 60');
  lines.push(`exit ${b.exitCode ?? 0}`);
  return lines.join('\n');
}

function toolScript(log: string, spec: StandInSpec): string {
  const envLines = (spec.logEnv ?? []).map((v) => `printf 'E %s=%s\\n' ${q(v)} "\${${v}-}" >> ${q(log)}`);
  const cases = Object.entries(spec.byFirstArg)
    .map(([arg, b]) => `  ${arg === '*' ? '*' : q(arg)})\n${behaviourScript(b)}\n    ;;`)
    .join('\n');
  const special = (spec.whenArg ?? [])
    .map((w) => `  *${q(` ${w.arg} `)}*)\n${behaviourScript(w.then)}\n    ;;`)
    .join('\n');
  return [
    '#!/bin/sh',
    `printf 'C\\n' >> ${q(log)}`,
    `for a in "$@"; do printf 'A %s\\n' "$a" >> ${q(log)}; done`,
    ...envLines,
    'case " $* " in',
    special,
    'esac',
    'case "$1" in',
    cases,
    'esac',
    'exit 0',
    '',
  ].join('\n');
}

/** Writes the stand-ins into a temp dir put first on PATH; `restore` puts PATH back and removes the dir. */
export function installStandIns(tools: Record<string, StandInSpec>): StandIns {
  const dir = mkdtempSync(path.join(tmpdir(), 'sbom-hunt-standin-'));
  const oldPath = process.env.PATH;
  for (const [tool, spec] of Object.entries(tools)) {
    const file = path.join(dir, tool);
    writeFileSync(file, toolScript(path.join(dir, `${tool}.log`), spec));
    chmodSync(file, 0o755);
  }
  process.env.PATH = `${dir}${path.delimiter}${oldPath ?? ''}`;
  resetToolAvailability();
  return {
    dir,
    calls: (tool) => parseLog(path.join(dir, `${tool}.log`)),
    restore() {
      process.env.PATH = oldPath;
      resetToolAvailability();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function parseLog(file: string): { args: string[]; env: Record<string, string> }[] {
  if (!existsSync(file)) return [];
  const calls: { args: string[]; env: Record<string, string> }[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === 'C') calls.push({ args: [], env: {} });
    const current = calls.at(-1);
    if (!current) continue;
    if (line.startsWith('A ')) current.args.push(line.slice(2));
    if (line.startsWith('E ')) {
      const [k, ...v] = line.slice(2).split('=');
      current.env[k!] = v.join('=');
    }
  }
  return calls;
}

/** The real tools' recorded outputs (../shared/real-world); undefined, with one clear line, when this checkout has none. */
export function realWorldOrSkip(suite: string): string | undefined {
  const dir = path.resolve(repoRoot, '../shared/real-world');
  if (existsSync(path.join(dir, 'SOURCES.md'))) return dir;
  console.warn(`${suite}: skipped: recorded tool outputs not found at ${dir}`);
  return undefined;
}

interface Doc {
  matches: { vulnerability: { id: string; description?: string }; relatedVulnerabilities?: { id: string; description?: string }[] }[];
}

/** A real grype report with one match's advisory replaced: how a malware hit would look. */
export function withAdvisory(text: string, index: number, vuln: { id: string; description?: string }, related: { id: string }[] = []): string {
  const doc = JSON.parse(text) as Doc;
  doc.matches[index]!.vulnerability = { ...doc.matches[index]!.vulnerability, ...vuln };
  doc.matches[index]!.relatedVulnerabilities = related;
  return JSON.stringify(doc);
}
