// Config file and SBOM_HUNT_<FLAG> environment through the built CLI: precedence flag > env > file > default on
// generated combinations (checked with `config --json` and by what a real scan does), where the file is found,
// validation with file, line and field, and credentials never printed.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, repoRoot } from '../helpers/cli.js';
import { seeded } from '../helpers/random.js';

const root = mkdtempSync(path.join(tmpdir(), 'cli-config-'));
let n = 0;
function folder(files: Record<string, string> = {}): string {
  const dir = path.join(root, `case-${n++}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

interface Row {
  flag: string;
  value: unknown;
  source: string;
  env?: string;
  file?: string;
  line?: number;
}

async function effective(cwd: string, args: string[], env: Record<string, string> = {}): Promise<{ rows: Map<string, Row>; file: string | null; environment: { name: string; status: string }[] }> {
  const r = await runCli(['config', '--json', ...args], { cwd, env });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const cfg = JSON.parse(r.stdout) as { options: Row[]; file: string | null; environment: { name: string; status: string }[] };
  return { rows: new Map(cfg.options.map((o) => [o.flag, o])), file: cfg.file, environment: cfg.environment };
}

/** Flags of different kinds: a choice, a number, a list, a --no- switch, a plain switch. */
const CASES = [
  { flag: 'fail-on', values: ['suspect', 'unknown', 'none'], cli: (v: string) => ['--fail-on', v], yaml: (v: string) => v, env: (v: string) => v, shown: (v: string) => v },
  { flag: 'concurrency', values: ['3', '5', '7'], cli: (v: string) => ['--concurrency', v], yaml: (v: string) => v, env: (v: string) => v, shown: (v: string) => v },
  { flag: 'ioc', values: ['a.yaml', 'b.yaml', 'c.yaml'], cli: (v: string) => ['--ioc', v], yaml: (v: string) => `[${v}]`, env: (v: string) => v, shown: (v: string) => [v] },
  { flag: 'no-cache', values: ['true', 'true', 'true'], cli: () => ['--no-cache'], yaml: () => 'true', env: () => '1', shown: () => true },
  { flag: 'quiet', values: ['true', 'true', 'true'], cli: () => ['--quiet'], yaml: () => 'true', env: () => 'yes', shown: () => true },
] as const;

describe('precedence: flag > env > file > default', () => {
  it('holds for generated combinations of where each flag is given', async () => {
    const rand = seeded(18);
    for (let round = 0; round < 8; round++) {
      const args: string[] = [];
      const env: Record<string, string> = {};
      const yaml: string[] = [];
      const expected = new Map<string, { source: string; value: unknown; line?: number }>();
      for (const c of CASES) {
        const [vf, ve, vc] = c.values;
        const inFile = rand() < 0.6;
        const inEnv = rand() < 0.5;
        const inFlag = rand() < 0.4;
        if (inFile) yaml.push(`${c.flag}: ${c.yaml(vf)}`);
        if (inEnv) env[`SBOM_HUNT_${c.flag.toUpperCase().replace(/-/g, '_')}`] = c.env(ve);
        if (inFlag) args.push(...c.cli(vc));
        if (inFlag) expected.set(c.flag, { source: 'flag', value: c.shown(vc) });
        else if (inEnv) expected.set(c.flag, { source: 'env', value: c.shown(ve) });
        else if (inFile) expected.set(c.flag, { source: 'file', value: c.shown(vf), line: yaml.length });
        else expected.set(c.flag, { source: 'default', value: undefined });
      }
      const cwd = folder({ '.sbom-hunt.yaml': `${yaml.join('\n')}\n` });
      const { rows } = await effective(cwd, ['scan', ...args], env);
      for (const [flag, want] of expected) {
        const row = rows.get(`--${flag}`)!;
        const label = `round ${round} ${flag}: ${JSON.stringify({ args, env, yaml })}`;
        if (want.source === 'default') expect(['default', 'unset'], label).toContain(row.source);
        else {
          expect(row.source, label).toBe(want.source);
          expect(row.value, label).toEqual(want.value);
        }
        if (want.source === 'file') expect(row, label).toMatchObject({ file: path.join(cwd, '.sbom-hunt.yaml'), line: want.line });
      }
    }
  });

  it('a real scan obeys it: the file says suspect, env says none, the flag says affected', async () => {
    // The axios feed alone: the SBOM lists no files, which the bundled litellm_init.pth indicator needs (exit 4).
    const cwd = folder({ '.sbom-hunt.yaml': `fail-on: suspect\nformat: json\nioc: [${JSON.stringify(path.join(repoRoot, 'iocs/axios-2026-03.yaml'))}]\n` });
    const sbom = path.join(repoRoot, 'fixtures/fleet/web-frontend.spdx.json');
    const fromFile = await runCli(['scan', sbom, '-q'], { cwd });
    expect(fromFile.code).toBe(1);
    expect(JSON.parse(fromFile.stdout).summary.suspect).toBe(1);
    expect((await runCli(['scan', sbom, '-q'], { cwd, env: { SBOM_HUNT_FAIL_ON: 'none' } })).code).toBe(0);
    expect((await runCli(['scan', sbom, '-q', '--fail-on', 'affected'], { cwd, env: { SBOM_HUNT_FAIL_ON: 'suspect' } })).code).toBe(0);
  });

  it('a section applies to its command only, before the top level; a value one command cannot take is for the others', async () => {
    const cwd = folder({ '.sbom-hunt.yaml': 'format: sarif\ncheck:\n  format: json\ncache:\n  hunt:\n    fail-on: none\n' });
    expect((await effective(cwd, ['scan'])).rows.get('--format')).toMatchObject({ value: 'sarif', source: 'file', line: 1 });
    expect((await effective(cwd, ['check'])).rows.get('--format')).toMatchObject({ value: 'json', source: 'file', line: 3 });
    expect((await effective(cwd, ['cache', 'hunt'])).rows.get('--fail-on')).toMatchObject({ value: 'none', line: 6 });
    expect((await effective(cwd, ['iocs', 'list'])).rows.get('--format')).toMatchObject({ value: 'table', source: 'default' });
    const listed = await runCli(['iocs', 'list'], { cwd });
    expect(listed.stdout).toMatch(/^axios-2026-03 {2}/);
  });

  it('a flag replaces a configured list, it does not add to it', async () => {
    const cwd = folder({ '.sbom-hunt.yaml': 'ioc: [from-file.yaml, other.yaml]\ninsecure-registry: localhost:5000\n' });
    const { rows } = await effective(cwd, ['scan', '--ioc', 'given.yaml'], { SBOM_HUNT_INSECURE_REGISTRY: 'a:1, b:2' });
    expect(rows.get('--ioc')).toMatchObject({ value: ['given.yaml'], source: 'flag' });
    expect(rows.get('--insecure-registry')).toMatchObject({ value: ['a:1', 'b:2'], source: 'env' });
  });
});

describe('where the file is found', () => {
  it('--config, else SBOM_HUNT_CONFIG, else ./.sbom-hunt.yaml, else $XDG_CONFIG_HOME/sbom-hunt/config.yaml', async () => {
    const xdg = folder({ 'sbom-hunt/config.yaml': 'concurrency: 2\n' });
    const cwd = folder({ '.sbom-hunt.yaml': 'concurrency: 3\n', 'other.yaml': 'concurrency: 4\n', 'env.yaml': 'concurrency: 5\n' });
    const bare = folder();
    const value = async (dir: string, args: string[], env: Record<string, string> = {}) => (await effective(dir, args, { XDG_CONFIG_HOME: xdg, ...env })).rows.get('--concurrency')!.value;
    expect(await value(bare, ['scan'])).toBe('2');
    expect(await value(cwd, ['scan'])).toBe('3');
    expect(await value(cwd, ['scan'], { SBOM_HUNT_CONFIG: path.join(cwd, 'env.yaml') })).toBe('5');
    expect(await value(cwd, ['--config', path.join(cwd, 'other.yaml'), 'scan'], { SBOM_HUNT_CONFIG: path.join(cwd, 'env.yaml') })).toBe('4');
    expect((await effective(bare, ['scan'], { XDG_CONFIG_HOME: bare })).file).toBeNull();
    const missing = await runCli(['scan', 'x', '--config', path.join(bare, 'nope.yaml')], { cwd: bare });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`sbom-hunt: error: ${path.join(bare, 'nope.yaml')}: no such config file`);
  });
});

describe('validated like IOC files: file, line, field', () => {
  it.each([
    ['fail-on: bogus\n', 1, 'fail-on', '"bogus" is not one of unknown, suspect, affected, none'],
    ['quiet: true\nfail-onn: suspect\n', 2, 'fail-onn', 'unknown flag "fail-onn" (did you mean fail-on?)'],
    ['scan:\n  formatt: json\n', 2, 'scan.formatt', 'unknown flag "formatt" for scan (did you mean format?)'],
    ['concurrency: [1, 2]\n', 1, 'concurrency', 'expected a string or number, got a list'],
    ['no-cache: maybe\n', 1, 'no-cache', 'expected true or false'],
    ['ioc: {a: 1}\n', 1, 'ioc', 'ioc is not a command'],
    ['report:\n  merge:\n    webhook: x\n', 3, 'report.merge.webhook', 'unknown flag "webhook" for report merge'],
  ])('%j', async (text, line, field, message) => {
    const cwd = folder({ '.sbom-hunt.yaml': text });
    const r = await runCli(['scan', 'sbom:x'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`sbom-hunt: error: ${path.join(cwd, '.sbom-hunt.yaml')}:${line} (${field}): `);
    expect(r.stderr).toContain(message);
  });

  it('YAML syntax errors name the line', async () => {
    const cwd = folder({ '.sbom-hunt.yaml': 'quiet: true\nfail-on: [suspect\n' });
    const r = await runCli(['config'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^sbom-hunt: error: ${path.join(cwd, '.sbom-hunt.yaml').replace(/[.]/g, '\\.')}:\\d+: not valid YAML`));
  });

  it.each([
    [{ SBOM_HUNT_FAIL_ON: 'bogus' }, 'SBOM_HUNT_FAIL_ON: "bogus" is not one of'],
    [{ SBOM_HUNT_QUIET: 'perhaps' }, 'SBOM_HUNT_QUIET: expected true or false'],
  ])('env %j', async (env, message) => {
    const r = await runCli(['scan', 'sbom:x'], { cwd: folder(), env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`sbom-hunt: error: ${message}`);
  });
});

describe('credentials', () => {
  it('config never prints them: sbom-hunt\'s own variables by name only, webhook URLs by host', async () => {
    const cwd = folder({ '.sbom-hunt.yaml': 'sweep:\n  webhook: https://hooks.slack.com/services/T0/B0/tok3nSECRETvalue\n' });
    const env = { SBOM_HUNT_REGISTRY_USERNAME: 'ci-robot', SBOM_HUNT_REGISTRY_PASSWORD: 'pa55-word-value', SBOM_HUNT_WEBHOOK_SECRET: 'hmac-secret-value', SBOM_HUNT_FAILON: 'x' };
    for (const json of [true, false]) {
      const r = await runCli(['config', ...(json ? ['--json'] : []), 'sweep', 'kube:'], { cwd, env });
      expect(r.code).toBe(0);
      for (const secret of ['pa55-word-value', 'hmac-secret-value', 'tok3nSECRETvalue', 'ci-robot']) expect(r.stdout).not.toContain(secret);
      expect(r.stdout).toContain('https://hooks.slack.com/***');
      expect(r.stdout).toContain('SBOM_HUNT_REGISTRY_PASSWORD');
      expect(r.stdout).toMatch(/SBOM_HUNT_FAILON[^\n]*\n?[^\n]*ignored: not a flag \(did you mean SBOM_HUNT_FAIL_ON\?\)/);
    }
  });
});
