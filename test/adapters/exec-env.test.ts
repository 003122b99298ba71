import { afterEach, describe, expect, it } from 'vitest';
import { runTool, OWN_SECRET_VARIABLES } from '../../src/adapters/exec.js';

const saved = { ...process.env };
afterEach(() => {
  for (const k of OWN_SECRET_VARIABLES) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('spawned tools never inherit sbom-hunt’s own secrets', () => {
  it('strips the routing key, webhook secret and registry password, keeps the rest and what the caller adds', async () => {
    for (const k of OWN_SECRET_VARIABLES) process.env[k] = `secret-${k}`;
    process.env.SBOM_HUNT_TEST_KEEP = 'kept';
    const { stdout } = await runTool({
      tool: process.execPath,
      args: ['-e', 'process.stdout.write(JSON.stringify(process.env))'],
      env: { SYFT_REGISTRY_AUTH_USERNAME: 'given-on-purpose' },
      timeoutMs: 30_000,
    });
    const env = JSON.parse(stdout) as Record<string, string>;
    for (const k of OWN_SECRET_VARIABLES) expect(env[k], k).toBeUndefined();
    expect(stdout).not.toContain('secret-');
    expect(env.SBOM_HUNT_TEST_KEEP).toBe('kept');
    expect(env.SYFT_REGISTRY_AUTH_USERNAME).toBe('given-on-purpose');
    delete process.env.SBOM_HUNT_TEST_KEEP;
  });
});
