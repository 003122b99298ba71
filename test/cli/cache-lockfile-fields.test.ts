// A warm scan decides as a cold one: a hidden lockfile whose entries fetch an IOC tarball under another name, or
// carry an IOC integrity, is affected from the layers, again from the cache, and in `cache hunt` (the cache used to
// drop resolved URLs and integrities, so the warm answer was clean).
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { runCli } from '../helpers/cli.js';
import { buildImageLayout, npmPackageFiles } from '../helpers/image-builder.js';

const TARBALL = Buffer.from('not really a tarball of plain-crypto-js 4.2.1');
const SRI = `sha512-${createHash('sha512').update(TARBALL).digest('base64')}`;

describe('lockfile fields through the cache (CLI)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sbom-hunt-cache-fields-'));
  let layout = '';
  let ioc = '';
  beforeAll(async () => {
    const hidden = {
      name: 'web',
      lockfileVersion: 3,
      packages: {
        'node_modules/http-helper': { version: '1.0.0', resolved: 'https://registry.npmjs.org/axios/-/axios-1.14.1.tgz' },
        'node_modules/crypto-lite': { version: '2.0.0', resolved: 'https://registry.npmjs.org/crypto-lite/-/crypto-lite-2.0.0.tgz', integrity: SRI },
        'node_modules/left-pad': { version: '1.3.0', resolved: 'https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz' },
      },
    };
    const built = await buildImageLayout(path.join(dir, 'img'), {
      ref: 'web:1',
      platforms: [{ layers: [{ files: [...npmPackageFiles('app/node_modules', 'left-pad', '1.3.0'), { path: 'app/node_modules/.package-lock.json', content: JSON.stringify(hidden) }] }] }],
    });
    layout = built.dir;
    ioc = path.join(dir, 'ioc.yaml');
    writeFileSync(
      ioc,
      [
        'apiVersion: sbom-hunt/v1',
        'incidents:',
        '  - id: axios-2026-03',
        '    packages:',
        '      - { ecosystem: npm, name: axios, versions: ["1.14.1"] }',
        `      - { ecosystem: npm, name: plain-crypto-js, versions: ["4.2.1"], integrity: ["${SRI}"] }`,
        '',
      ].join('\n'),
    );
  });

  const findings = (r: Report) =>
    r.images[0]!.matches.map((m) => `${m.matchKind} ${m.name}@${m.version}`).sort();

  it('cold, warm and cache hunt find the same lockfile matches', async () => {
    const cache = path.join(dir, 'cache');
    const scan = async () => {
      const r = await runCli(['scan', `oci-dir:${layout}`, '--ioc', ioc, '--cache-dir', cache, '-f', 'json']);
      expect(r.code, r.stderr).toBe(1);
      return JSON.parse(r.stdout) as Report;
    };
    const cold = await scan();
    expect(cold.images[0]).toMatchObject({ verdict: 'affected', source: { kind: 'native' } });
    expect(findings(cold)).toEqual(['lockfile-integrity crypto-lite@2.0.0', 'lockfile-resolved-url axios@1.14.1']);
    const warm = await scan();
    expect(warm.images[0]).toMatchObject({ verdict: 'affected', source: { kind: 'cache', cachedFrom: 'native' } });
    expect(findings(warm)).toEqual(findings(cold));
    expect(warm.images[0]!.matches.map((m) => m.detail).sort()).toEqual(cold.images[0]!.matches.map((m) => m.detail).sort());
    const hunt = await runCli(['cache', 'hunt', '--ioc', ioc, '--cache-dir', cache, '-f', 'json']);
    expect(hunt.code, hunt.stderr).toBe(1);
    expect(findings(JSON.parse(hunt.stdout) as Report)).toEqual(findings(cold));
  });
});
