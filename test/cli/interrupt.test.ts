import { describe, expect, it } from 'vitest';
import net from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { repoRoot } from '../helpers/cli.js';

/** A registry that accepts connections and never answers: the scan hangs until interrupted. */
async function silentServer(): Promise<{ port: number; close: () => void }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, close: () => (sockets.forEach((s) => s.destroy()), server.close()) };
}

describe('Ctrl-C', () => {
  it('stops cleanly: exit 130, the report is still written, and the unread image is unknown, not clean', async () => {
    const srv = await silentServer();
    try {
      const child = execa(process.execPath, [path.join(repoRoot, 'bin/sbom-hunt.js'), 'scan', `127.0.0.1:${srv.port}/shop/api:1.0`, 'sbom:fixtures/fleet/worker.syft.json', '--insecure-registry', `127.0.0.1:${srv.port}`, '-f', 'json', '--no-cache'], {
        cwd: repoRoot,
        env: { CI: 'true' },
        reject: false,
        timeout: 60_000,
        forceKillAfterDelay: false,
      });
      // Wait until the scan is blocked on the silent registry, then interrupt it like a terminal would.
      await new Promise((r) => setTimeout(r, 4000));
      child.kill('SIGINT');
      const r = await child;
      expect(r.exitCode, String(r.stderr)).toBe(130);
      expect(String(r.stderr)).toContain('interrupted');
      const report = JSON.parse(String(r.stdout));
      const verdicts = Object.fromEntries(report.images.map((i: { ref: string; verdict: string }) => [i.ref, i.verdict]));
      expect(Object.values(verdicts)).not.toContain('clean');
      expect(report.summary.unknown + report.summary.affected).toBe(report.summary.images);
    } finally {
      srv.close();
    }
  });
});
