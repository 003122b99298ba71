// version / --version, completion in real bash, zsh and fish, -v/--debug, one error prefix, -f per subcommand,
// check over several sources, machine output alone on stdout; all through the built CLI.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, repoRoot } from '../helpers/cli.js';
import { loadIocs } from '../../src/iocs/index.js';
import { REPORT_SCHEMA_VERSION } from '../../src/model/report.js';
import { FORMATS } from '../../src/cli/options.js';
import { buildSources } from '../../src/inventory/index.js';

const has = (tool: string) => spawnSync(tool, ['--version']).error === undefined;
const tmp = mkdtempSync(path.join(tmpdir(), 'cli-version-'));

describe('version', () => {
  it('names the tool, Node, the report schema and every bundled feed with its sha256, incidents and dates', async () => {
    const r = await runCli(['version', '-f', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const v = JSON.parse(r.stdout);
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    const set = await loadIocs([path.join(repoRoot, 'iocs')]);
    expect(v).toMatchObject({ tool: 'sbom-hunt', version: pkg.version, node: process.versions.node, reportSchemaVersion: REPORT_SCHEMA_VERSION, feedErrors: [] });
    expect(v.feeds.map((f: { file: string }) => path.join(repoRoot, f.file)).sort()).toEqual([...set.files].sort());
    for (const f of v.feeds) expect(f.sha256).toBe(createHash('sha256').update(readFileSync(path.join(repoRoot, f.file))).digest('hex'));
    const ids = v.feeds.flatMap((f: { incidents: { id: string; disclosed?: string }[] }) => f.incidents.map((i) => `${i.id} ${i.disclosed}`));
    expect(ids.sort()).toEqual(set.incidents.map((i) => `${i.id} ${i.disclosed}`).sort());
  });

  it('--version and -V print what `version` prints', async () => {
    const text = await runCli(['version']);
    expect(text.stdout).toMatch(/^sbom-hunt \d+\.\d+\.\d+\nnode {7}\S+/);
    expect(text.stdout).toContain(`report     schema ${REPORT_SCHEMA_VERSION}`);
    expect(text.stdout).toContain('axios-2026-03  disclosed 2026-03-31T03:15:49Z');
    for (const flag of ['--version', '-V']) expect((await runCli([flag])).stdout, flag).toBe(text.stdout);
  });
});

describe('errors: one prefix, -f checked per subcommand', () => {
  it.each([
    [['frob'], "sbom-hunt: error: unknown command 'frob'"],
    [['scan', '--bogus', 'sbom:x'], "sbom-hunt: error: unknown option '--bogus'"],
    [['iocs', 'list', '-f', 'xml'], 'sbom-hunt: error: option'],
    [['iocs', 'list', '-f', 'sarif'], 'Allowed choices are table, json, yaml'],
    [['version', '-f', 'yaml'], 'Allowed choices are text, json'],
    [['completion', 'tcsh'], 'Allowed choices are bash, zsh, fish'],
    [['scan', '-f', 'yaml', 'sbom:x'], 'sbom-hunt: error: option'],
    [['iocs', 'lint'], "sbom-hunt: error: missing required argument 'path'"],
    [['check'], 'sbom-hunt: error: name at least one source'],
  ])('%j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith('sbom-hunt: error: ')).toBe(true);
    expect(r.stderr).toContain(message);
  });

  it('iocs list -f yaml is the sbom-hunt/v1 form: it lints, and lists the incidents -f json lists', async () => {
    const yaml = await runCli(['iocs', 'list', '-f', 'yaml']);
    expect(yaml.code).toBe(0);
    const file = path.join(tmp, 'listed.yaml');
    writeFileSync(file, yaml.stdout);
    expect((await runCli(['iocs', 'lint', file])).code).toBe(0);
    const again = JSON.parse((await runCli(['iocs', 'list', '-f', 'json', '--ioc', file])).stdout);
    const bundled = JSON.parse((await runCli(['iocs', 'list', '-f', 'json'])).stdout);
    // Everything but where each was read from.
    const shape = (l: { file: string; windows: { source?: string }[] }[]) => l.map(({ file: _f, windows, ...rest }) => ({ ...rest, windows: windows.map(({ source: _s, ...w }) => w) }));
    expect(shape(again)).toEqual(shape(bundled));
  });
});

describe('machine output alone on stdout', () => {
  it('cache stats is JSON, with no cache file yet and with one', async () => {
    const dir = path.join(tmp, 'cache');
    const empty = await runCli(['cache', 'stats', '--cache-dir', dir]);
    expect(JSON.parse(empty.stdout)).toMatchObject({ exists: false, images: 0 });
    await runCli(['scan', 'sbom:fixtures/fleet', '-q', '--cache-dir', dir]);
    const full = await runCli(['cache', 'stats', '--cache-dir', dir]);
    expect(JSON.parse(full.stdout)).toMatchObject({ exists: true, path: path.join(dir, 'cache.db') });
  });

  it('-v says how each source was read and each image\'s verdict on stderr; stdout is still the JSON report', async () => {
    const r = await runCli(['scan', 'sbom:fixtures/fleet', 'fixtures/lockfiles/npm-v3', '-f', 'json', '-v', '--no-cache']);
    const report = JSON.parse(r.stdout);
    expect(r.stderr).toContain('sbom-hunt: source sbom:fixtures/fleet: read as sbom:fixtures/fleet: 5 image(s)');
    expect(r.stderr).toContain('sbom-hunt: source fixtures/lockfiles/npm-v3: read as path:fixtures/lockfiles/npm-v3: 1 image(s)');
    for (const img of report.images) expect(r.stderr).toMatch(new RegExp(`\\[\\d/6\\] ${img.ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${img.verdict}`));
    // -q leaves stderr to what must be said: nothing for a complete run (the axios feed: the SBOMs list no files).
    const quiet = await runCli(['scan', 'sbom:fixtures/fleet', '-f', 'json', '--no-cache', '-q', '--ioc', 'iocs/axios-2026-03.yaml']);
    expect(quiet.stderr).toBe('');
  });

  it('--debug shows each external command and how it ended (secrets masked by the runner)', async () => {
    const r = await runCli(['check', 'docker:shop/app:1', '--debug', '-q'], { env: { PATH: path.dirname(process.execPath) } });
    expect(r.stderr).toMatch(/sbom-hunt: debug: run docker save -o \S+image\.tar -- shop\/app:1/);
    expect(r.stderr).toMatch(/sbom-hunt: debug: done docker save .*: not found on PATH in \d+ ms/);
    expect(r.code).toBe(4);
  });

  it('check takes several sources', async () => {
    const r = await runCli(['check', 'fixtures/fleet/worker.syft.json', 'dir:fixtures/lockfiles/npm-v3', '--no-cache']);
    expect(r.code).toBe(1);
    expect(r.stdout.match(/^AFFECTED /gm)).toHaveLength(2);
  });
});

/** Options and subcommands as `--help` lists them: commander's own view is the oracle of what exists. */
async function helpOf(cmd: string[]): Promise<{ options: string[]; commands: string[] }> {
  const help = (await runCli([...cmd, '--help'])).stdout;
  const options = [...help.matchAll(/^ {2}(?:(-\w), )?(--[\w-]+)/gm)].flatMap((m) => [m[1], m[2]].filter((x): x is string => !!x));
  const section = help.split(/^Commands:$/m)[1]?.split(/^\S/m)[0] ?? '';
  const commands = [...section.matchAll(/^ {2}([a-z]+)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
  return { options, commands };
}

const COMMANDS = [[], ['scan'], ['check'], ['sweep'], ['iocs'], ['iocs', 'list'], ['iocs', 'update'], ['cache'], ['cache', 'hunt'], ['report', 'merge'], ['version'], ['contain']];
const schemes = buildSources().list.map((s) => `${s.scheme}:`);

let bashScript: string | undefined;
function bashComplete(words: string[]): string[] {
  const script = (bashScript ??= (spawnSync(process.execPath, [path.join(repoRoot, 'bin/sbom-hunt.js'), 'completion', 'bash']).stdout as Buffer).toString());
  const cmd = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _sbom_hunt; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', cmd], { cwd: tmp }).toString().split('\n').filter(Boolean);
}

describe('completion', () => {
  it('bash completes every subcommand and option --help lists, the choices of -f, and source schemes', async () => {
    const helps = await Promise.all(COMMANDS.map(helpOf));
    for (const [i, cmd] of COMMANDS.entries()) {
      const { options, commands } = helps[i]!;
      const longs = options.filter((o) => o.startsWith('--'));
      expect(bashComplete(['sbom-hunt', ...cmd, '--']), cmd.join(' ')).toEqual(expect.arrayContaining(longs));
      if (commands.length > 0) expect(bashComplete(['sbom-hunt', ...cmd, '']).sort(), cmd.join(' ')).toEqual(expect.arrayContaining(commands));
    }
    expect(bashComplete(['sbom-hunt', 'iocs', 'list', '-f', ''])).toEqual(['table', 'json', 'yaml']);
    expect(bashComplete(['sbom-hunt', 'scan', '--ioc', 'x.yaml', '--format', ''])).toEqual([...FORMATS]);
    expect(bashComplete(['sbom-hunt', '-v', 'scan', '--fail-on', 's'])).toEqual(['suspect']);
    expect(bashComplete(['sbom-hunt', 'check', ''])).toEqual(expect.arrayContaining(schemes));
    expect(bashComplete(['sbom-hunt', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
  });

  it.skipIf(!has('fish') && !process.env.CI)('fish completes subcommands, nested ones, -f choices and schemes', () => {
    const complete = (line: string) => execFileSync('fish', ['-c', `${process.execPath} ${path.join(repoRoot, 'bin/sbom-hunt.js')} completion fish | source; complete -C '${line}'`]).toString().split('\n').map((l) => l.split('\t')[0]).filter(Boolean);
    expect(complete('sbom-hunt sc')).toEqual(['scan']);
    expect(complete('sbom-hunt iocs ').sort()).toEqual(['import', 'lint', 'list', 'update']);
    expect(complete('sbom-hunt iocs list -f ').sort()).toEqual(['json', 'table', 'yaml']);
    expect(complete('sbom-hunt scan --fail-on ').sort()).toEqual(['affected', 'none', 'suspect', 'unknown']);
    expect(complete('sbom-hunt scan oci-').sort()).toEqual(['oci-archive:', 'oci-dir:']);
    expect(complete('sbom-hunt version --')).toEqual(expect.arrayContaining(['--format', '--verbose', '--debug']));
  });

  it.skipIf(!has('zsh') && !process.env.CI)('zsh registers it with compinit and the same function answers', () => {
    const file = path.join(tmp, 'c.zsh');
    writeFileSync(file, (spawnSync(process.execPath, [path.join(repoRoot, 'bin/sbom-hunt.js'), 'completion', 'zsh']).stdout as Buffer).toString());
    const out = execFileSync('zsh', ['-f', '-c', `autoload -U compinit && compinit -u -D; source ${file}; print -r -- "\${_comps[sbom-hunt]}"; setopt ksharrays; COMP_WORDS=(sbom-hunt iocs list -f ""); COMP_CWORD=4; _sbom_hunt; print -l -- "\${COMPREPLY[@]}"`]).toString().split('\n').filter(Boolean);
    expect(out[0]).toContain('-F _sbom_hunt');
    expect(out.slice(1)).toEqual(['table', 'json', 'yaml']);
  });
});
