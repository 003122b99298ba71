// End to end through the built CLI: Go executables (golang-go), an rpmdb (rpm) and Java archives (zip/jar)
// made by real tools, placed in images by the image builder and read natively.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { runCli } from '../helpers/cli.js';
import { buildGoProgram, sampleProgram } from '../helpers/go-build.js';
import { buildImageLayout, type LayerSpec } from '../helpers/image-builder.js';
import { buildJars } from '../helpers/jar-build.js';
import { haveTool } from '../helpers/real-tools.js';
import { buildRpmdb } from '../helpers/rpm-build.js';

const READY = haveTool('go', 'golang-go') && haveTool('rpmbuild', 'rpm') && haveTool('zip', 'zip');
const HAVE_JAR = (() => {
  try {
    execFileSync('jar', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const IOC = `apiVersion: sbom-hunt/v1
incidents:
  - id: go-fake
    title: A compromised Go module
    packages:
      - { ecosystem: Go, name: example.com/fake, versions: [v1.2.3] }
      - { ecosystem: Go, name: example.com/old, versions: [v0.1.0] }
  - id: xz
    title: xz-utils backdoor
    packages:
      - { ecosystem: RPM, name: xz-libs, versions: ["5.6.0-1.fc40"] }
  - id: log4shell
    title: log4j-core
    packages:
      - { ecosystem: Maven, name: "org.apache.logging.log4j:log4j-core", versions: ["2.14.1"] }
`;

type Image = Report['images'][number];

describe.skipIf(!READY)('native catalogers end to end (Go, RPM, Java)', () => {
  let dir: string;
  let ioc: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-e2e-catalogers-'));
    ioc = join(dir, 'iocs.yaml');
    await writeFile(ioc, IOC);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function scan(name: string, layers: LayerSpec[]): Promise<{ code: number; image: Image }> {
    const layout = await buildImageLayout(join(dir, name), { ref: `${name}:1`, platforms: [{ layers }] });
    const r = await runCli(['scan', `oci-dir:${layout.dir}`, '--ioc', ioc, '--sbom-sources', 'native', '--no-cache', '-f', 'json', '-q', '--fail-on', 'none']);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.images).toHaveLength(1);
    return { code: r.code, image: report.images[0]! };
  }

  const found = (img: Image) => img.matches.map((m) => `${m.incident} ${m.name}@${m.version} ${m.paths.join(',')}`).sort();

  it('a Go binary at any path, an rpmdb and an ear: each compromised package affected, with its path', async () => {
    const go = await readFile(await buildGoProgram(sampleProgram()));
    const rpmdb = await buildRpmdb([
      { name: 'xz-libs', version: '5.6.0', release: '1.fc40' },
      { name: 'openssl-libs', version: '3.2.1', release: '3.fc40', epoch: 1 },
    ]);
    const { ear } = await buildJars(HAVE_JAR);
    const { image } = await scan('all', [
      { files: [{ path: 'usr/lib/sysimage/rpm/rpmdb.sqlite', content: rpmdb }] },
      { files: [{ path: 'usr/local/bin/trivy', content: go, mode: 0o755 }, { path: 'opt/x/.cache/helper', content: go }, { path: 'opt/jboss/app.ear', content: ear }] },
    ]);
    expect(image.verdict, image.reasons.join('\n')).toBe('affected');
    expect(found(image)).toEqual([
      'go-fake example.com/fake@v1.2.3 /opt/x/.cache/helper,/usr/local/bin/trivy',
      'log4shell org.apache.logging.log4j:log4j-core@2.14.1 /opt/jboss/app.ear!/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar',
      'xz xz-libs@5.6.0-1.fc40 /usr/lib/sysimage/rpm/rpmdb.sqlite',
    ]);
    // example.com/old v0.1.0 was replaced by example.com/new v0.2.0: the compromised code is not in the binary.
    expect(image.packageCount).toBeGreaterThan(8);
  });

  it('a Go binary only in a layer that a later one deleted is suspect, not clean', async () => {
    const go = await readFile(await buildGoProgram(sampleProgram()));
    const { image } = await scan('deleted', [{ files: [{ path: 'usr/local/bin/tool', content: go }] }, { files: [{ path: 'usr/local/bin/tool', whiteout: true }] }]);
    expect(image.verdict).toBe('suspect');
    expect(image.matches.map((m) => [m.name, m.inFinalFilesystem])).toEqual([['example.com/fake', false]]);
  });

  it('a BerkeleyDB rpmdb (RHEL 8 and older) is unknown with the reason, never clean', async () => {
    const { image, code } = await scan('bdb', [{ files: [{ path: 'var/lib/rpm/Packages', content: Buffer.alloc(8192, 0x61) }] }]);
    expect(image.verdict).toBe('unknown');
    expect(image.reasons.join('\n')).toMatch(/BerkeleyDB rpmdb .* its packages are unknown/);
    // Unknown is not clean: even with --fail-on none the run exits 4 (incomplete).
    expect(code).toBe(4);
  });
});
