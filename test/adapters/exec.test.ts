import { afterEach, describe, expect, it } from 'vitest';
import {
  findOnPath,
  maskSecrets,
  registerSecret,
  runTool,
  setToolRecorder,
  setToolWarningSink,
  toolAvailability,
  type RecordedRun,
} from '../../src/adapters/exec.js';
import { ToolError } from '../../src/errors.js';
import { installStandIns, type StandIns } from '../helpers/stand-in.js';

let standIns: StandIns | undefined;
afterEach(() => {
  standIns?.restore();
  standIns = undefined;
  setToolRecorder(undefined);
});

async function failure(p: Promise<unknown>): Promise<ToolError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ToolError);
  return err as ToolError;
}

describe('runTool', () => {
  it('returns stdout and passes env, recording the exact argv', async () => {
    standIns = installStandIns({ fake: { byFirstArg: { '*': { stdout: 'hello' } }, logEnv: ['FAKE_TOKEN'] } });
    const recorded: RecordedRun[] = [];
    setToolRecorder((r) => recorded.push(r));
    const out = await runTool({ tool: 'fake', args: ['scan', 'a b'], env: { FAKE_TOKEN: 'tok-123456' }, timeoutMs: 5000, secrets: ['tok-123456'] });
    expect(out.stdout).toBe('hello');
    expect(recorded).toEqual([{ tool: 'fake', args: ['scan', 'a b'], env: { FAKE_TOKEN: '***' } }]);
    // The tool itself got the real value through its environment, and one argument with a space stayed one argument.
    expect(standIns.calls('fake')).toEqual([{ args: ['scan', 'a b'], env: { FAKE_TOKEN: 'tok-123456' } }]);
  });

  it('names the command and keeps the stderr tail, masked, on a non-zero exit', async () => {
    standIns = installStandIns({ fake: { byFirstArg: { '*': { stderr: 'auth failed for hunter2-pass', exitCode: 3 } } } });
    const err = await failure(runTool({ tool: 'fake', args: ['scan', 'img'], timeoutMs: 5000, secrets: ['hunter2-pass'] }));
    expect(err.message).toBe('fake: fake scan img: exited with code 3: auth failed for ***');
  });

  it('keeps only the tail of a long stderr', async () => {
    standIns = installStandIns({ fake: { byFirstArg: { '*': { stderr: `${'x'.repeat(5000)}THE-END`, exitCode: 1 } } } });
    const err = await failure(runTool({ tool: 'fake', args: [], timeoutMs: 5000 }));
    expect(err.message.endsWith('THE-END')).toBe(true);
    expect(err.message.length).toBeLessThan(2200);
  });

  it('kills a hung tool at the timeout', async () => {
    standIns = installStandIns({ fake: { byFirstArg: { '*': { hang: true } } } });
    const started = Date.now();
    const err = await failure(runTool({ tool: 'fake', args: ['scan'], timeoutMs: 300 }));
    expect(err.message).toBe('fake: fake scan: timed out after 300ms');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops on abort', async () => {
    standIns = installStandIns({ fake: { byFirstArg: { '*': { hang: true } } } });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const err = await failure(runTool({ tool: 'fake', args: [], timeoutMs: 10_000, signal: ac.signal }));
    expect(err.message).toContain('cancelled');
  });

  it('says a missing tool is not on PATH', async () => {
    const err = await failure(runTool({ tool: 'sbom-hunt-no-such-tool', args: [], timeoutMs: 1000 }));
    expect(err.message).toContain('not found on PATH');
  });

  it('refuses to put a registered or per-run secret on argv, before spawning', async () => {
    standIns = installStandIns({ fake: { byFirstArg: { '*': { stdout: 'ran' } } } });
    registerSecret('global-secret-value');
    const e1 = await failure(runTool({ tool: 'fake', args: ['--password', 'global-secret-value'], timeoutMs: 1000 }));
    expect(e1.message).toBe('fake: refusing to run: argument 2 holds a secret (secrets go in the environment)');
    const e2 = await failure(runTool({ tool: 'fake', args: ['--token=run-secret-1'], timeoutMs: 1000, secrets: ['run-secret-1'] }));
    expect(e2.message).not.toContain('run-secret-1');
    expect(standIns.calls('fake')).toEqual([]);
  });
});

describe('maskSecrets', () => {
  it('masks a secret containing another whole', () => {
    expect(maskSecrets('x abcdef y abc', ['abc', 'abcdef'])).toBe('x *** y ***');
  });
});

describe('toolAvailability', () => {
  it('finds a tool on PATH and warns once per process about a missing one', () => {
    standIns = installStandIns({ fake: { byFirstArg: { '*': {} } } });
    expect(findOnPath('fake')).toBe(`${standIns.dir}/fake`);
    const warnings: string[] = [];
    setToolWarningSink((m) => warnings.push(m));
    expect(toolAvailability('fake')).toEqual({ available: true, path: `${standIns.dir}/fake` });
    for (let i = 0; i < 5; i++) expect(toolAvailability('sbom-hunt-missing').available).toBe(false);
    expect(warnings).toEqual(['sbom-hunt-missing not installed (not found on PATH); acquisition through sbom-hunt-missing is skipped']);
  });
});

describe('secrets the registry adapter has seen', () => {
  it('are masked in tool messages and refused on argv too', async () => {
    const { addSecret } = await import('../../src/adapters/oci/secrets.js');
    addSecret('docker-config-pass');
    expect(maskSecrets('login with docker-config-pass failed')).toBe('login with *** failed');
    const err = await failure(runTool({ tool: 'fake', args: ['-p', 'docker-config-pass'], timeoutMs: 1000 }));
    expect(err.message).toBe('fake: refusing to run: argument 2 holds a secret (secrets go in the environment)');
  });
});
