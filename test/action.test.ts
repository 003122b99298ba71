// action.yml: a composite action whose inputs and shell script use only flags `sbom-hunt check` has.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import * as z from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMain } from './cli/iocs-helpers.js';

const Step = z.object({
  name: z.string().optional(),
  id: z.string().optional(),
  uses: z.string().optional(),
  run: z.string().optional(),
  shell: z.string().optional(),
  'working-directory': z.string().optional(),
  with: z.record(z.string(), z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
});
const Action = z.object({
  name: z.string(),
  description: z.string(),
  inputs: z.record(z.string(), z.object({ description: z.string(), required: z.boolean().optional(), default: z.string().optional() })),
  outputs: z.record(z.string(), z.object({ description: z.string(), value: z.string() })),
  runs: z.object({ using: z.literal('composite'), steps: z.array(Step).min(1) }),
});

/** Inputs that configure the job, not sbom-hunt. */
const NOT_FLAGS = new Set(['source', 'node-version']);
/** Inputs that are on/off switches of the same name. */
const SWITCHES = new Set(['allow-incomplete']);

let action: z.infer<typeof Action>;
let help = '';
const choices = (flag: string) => {
  const block = help.slice(help.indexOf(flag), help.indexOf('\n  -', help.indexOf(flag) + 1));
  return [...(/choices: ([^)]*)/.exec(block.replace(/\s+/g, ' '))?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]);
};

beforeAll(async () => {
  action = Action.parse(parse(await readFile('action.yml', 'utf8')));
  const r = await runMain(['check', '--help']);
  expect(r.code).toBe(0);
  help = r.stdout;
});

describe('action.yml', () => {
  it('sets up Node, installs sbom-hunt from the action directory, then runs bin/sbom-hunt.js check', () => {
    const [setup, install, check] = action.runs.steps;
    expect(setup!.uses).toMatch(/^actions\/setup-node@v\d+$/);
    expect(setup!.with!['node-version']).toBe('${{ inputs.node-version }}');
    expect([install!['working-directory'], install!.run?.trim()]).toEqual(['${{ github.action_path }}', 'npm ci --no-audit --no-fund']);
    expect(check!.env!['SBOM_HUNT']).toBe('${{ github.action_path }}/bin/sbom-hunt.js');
    expect(check!.run).toMatch(/node "\$SBOM_HUNT" "\$\{args\[@\]\}"/);
    expect(check!.run).toMatch(/^args=\(check "\$INPUT_SOURCE"/);
  });

  it('every flag its script passes is a flag of `sbom-hunt check`', () => {
    const used = [...new Set([...action.runs.steps.flatMap((s) => (s.run ?? '').match(/(?<![\w-])--[a-z][a-z-]+/g) ?? [])])].filter((f) => !f.startsWith('--no-audit') && !f.startsWith('--no-fund'));
    expect(used.sort()).toEqual(['--allow-incomplete', '--fail-on', '--format', '--ioc', '--output']);
    for (const flag of used) expect(help).toMatch(new RegExp(`(^|[ ,])${flag} `, 'm'));
  });

  it('every input except source and node-version reaches the script and matches a flag of the same name', () => {
    const env = action.runs.steps.find((s) => s.id === 'check')!.env!;
    for (const name of Object.keys(action.inputs)) {
      const viaEnv = Object.entries(env).find(([, v]) => v === `\${{ inputs.${name} }}`);
      if (NOT_FLAGS.has(name)) continue;
      expect(viaEnv, `input ${name} is passed to the script`).toBeDefined();
      expect(help).toMatch(new RegExp(`--${name} `));
      const run = action.runs.steps.find((s) => s.id === 'check')!.run!;
      if (SWITCHES.has(name)) {
        // A switch input ('true' / 'false') adds its flag only when true.
        expect(run).toContain(`if [ "$${viaEnv![0]}" = "true" ]; then args+=(--${name}); fi`);
        expect(action.inputs[name]!.default).toBe('false');
        continue;
      }
      // `ioc` is one path per line, each its own --ioc; the others go straight to their flag.
      expect(run).toContain(name === 'ioc' ? `done <<< "$${viaEnv![0]}"` : `--${name} "$${viaEnv![0]}"`);
      expect(run).toMatch(new RegExp(`--${name} "\\$`));
    }
  });

  it('defaults are values the CLI accepts: SARIF to sbom-hunt.sarif, fail on affected', () => {
    expect(action.inputs['format']!.default).toBe('sarif');
    expect(choices('--format')).toContain(action.inputs['format']!.default);
    expect(choices('--fail-on')).toContain(action.inputs['fail-on']!.default);
    expect(action.inputs['output']!.default).toBe('sbom-hunt.sarif');
    expect(action.inputs['source']!.required).toBe(true);
  });

  it('never pastes an input into the shell script (script injection)', () => {
    for (const s of action.runs.steps) expect(s.run ?? '').not.toMatch(/\$\{\{/);
  });
});

describe("action.yml's script, run by bash as the runner would", () => {
  // The script calls the built CLI (bin/ -> dist/); `npm test` builds first.
  it.skipIf(!existsSync('dist/sbom-hunt.cjs'))('writes the SARIF, reports the exit code, and fails on findings', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'action-'));
    const run = action.runs.steps.find((s) => s.id === 'check')!.run!;
    const env = (source: string, failOn: string, ioc = 'iocs/axios-2026-03.yaml\n\nfixtures/iocs/osv/malicious-packages\n') => ({
      ...process.env,
      SBOM_HUNT: path.resolve('bin/sbom-hunt.js'),
      INPUT_SOURCE: source,
      INPUT_FAIL_ON: failOn,
      INPUT_IOC: ioc,
      INPUT_FORMAT: 'sarif',
      INPUT_OUTPUT: path.join(dir, `${failOn}.sarif`),
      GITHUB_OUTPUT: path.join(dir, `${failOn}.out`),
    });
    const failed = await execa('bash', ['-e', '-c', run], { env: env('sbom:fixtures/fleet', 'affected'), reject: false });
    expect(failed.exitCode).toBe(1);
    expect(await readFile(path.join(dir, 'affected.out'), 'utf8')).toBe('exit-code=1\n');
    const sarif = JSON.parse(await readFile(path.join(dir, 'affected.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(JSON.stringify(sarif.runs[0].results)).toContain('axios');
    const passed = await execa('bash', ['-e', '-c', run], { env: env('sbom:fixtures/fleet', 'none'), reject: false });
    expect([passed.exitCode, await readFile(path.join(dir, 'none.out'), 'utf8')]).toEqual([0, 'exit-code=0\n']);
    // With every bundled feed, the fleet's SBOMs that list no files cannot answer litellm_init.pth: the Action says 4.
    const blind = await execa('bash', ['-e', '-c', run], { env: env('sbom:fixtures/fleet', 'none', 'iocs/\n'), reject: false });
    // GITHUB_OUTPUT is appended to, as on the runner: the second run's line follows the first's.
    expect([blind.exitCode, await readFile(path.join(dir, 'none.out'), 'utf8')]).toEqual([4, 'exit-code=0\nexit-code=4\n']);
  }, 60_000);
});
