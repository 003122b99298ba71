import { describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { runScan } from '../../src/scan.js';
import { repoRoot, runCli } from '../helpers/cli.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

/** A registry that answers HEAD promptly but trickles the manifest body a byte at a time, forever. */
async function tricklingRegistry(): Promise<{ port: number; close: () => void; bodyClosed: Promise<void> }> {
  const timers = new Set<NodeJS.Timeout>();
  let closed: () => void = () => {};
  const bodyClosed = new Promise<void>((resolve) => (closed = resolve));
  const server = http.createServer((req, res) => {
    if (req.url === '/v2/' || req.method === 'HEAD') {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': DIGEST, 'content-length': '1000' });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
    const t = setInterval(() => res.write(' '), 100);
    timers.add(t);
    res.on('close', () => {
      clearInterval(t);
      closed();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, bodyClosed, close: () => (timers.forEach(clearInterval), server.closeAllConnections(), server.close()) };
}

describe('--image-timeout', () => {
  it('an image that trickles forever ends unknown, naming the limit, and the rest of the scan completes', async () => {
    const reg = await tricklingRegistry();
    try {
      const started = Date.now();
      const r = await runCli(['scan', `127.0.0.1:${reg.port}/slow/app:1`, 'sbom:fixtures/fleet/worker.syft.json', '--insecure-registry', `127.0.0.1:${reg.port}`, '--image-timeout', '3', '--sbom-sources', 'native', '--no-cache', '-f', 'json', '--fail-on', 'none']);
      // --fail-on none turns off exit 1 only: the image the limit abandoned makes the run incomplete.
      expect(r.code, r.stderr).toBe(4);
      expect(Date.now() - started).toBeLessThan(45_000);
      const report = JSON.parse(r.stdout);
      const slow = report.images.find((i: { ref: string }) => i.ref.includes('slow/app'));
      expect(slow.verdict).toBe('unknown');
      expect(slow.reasons.join(' ')).toContain('--image-timeout');
      expect(report.images.find((i: { ref: string }) => i.ref.endsWith('worker.syft.json')).verdict).toBe('affected');
    } finally {
      reg.close();
    }
  });

  it('cancels the abandoned image at the socket, not only in the report', async () => {
    const reg = await tricklingRegistry();
    try {
      const { report } = await runScan({
        sources: [`registry:127.0.0.1:${reg.port}/slow/app:1`],
        iocPaths: [path.join(repoRoot, 'iocs')],
        windows: [],
        concurrency: 2,
        insecureRegistries: [`127.0.0.1:${reg.port}`],
        kube: {},
        sbomSources: ['native'],
        cache: false,
        allowUnverifiedAttestations: false,
        toolTimeoutMs: 60_000,
        imageTimeoutMs: 1000,
      });
      expect(report.images[0]?.verdict).toBe('unknown');
      // The trickled manifest request must be gone shortly after the deadline, whatever the process does next.
      const closedInTime = await Promise.race([reg.bodyClosed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 2000))]);
      expect(closedInTime).toBe(true);
    } finally {
      reg.close();
    }
  });
});
