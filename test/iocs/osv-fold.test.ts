// OSV records fold into the IOC YAML incident that names them by id or alias: one incident, not several.
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIocs } from '../../src/iocs/index.js';
import { buildIocIndex, matchPackages } from '../../src/match/index.js';

const REAL = '/work/shared/real-world/osv';
const TREE = 'fixtures/iocs/osv/malicious-packages';

describe('folding OSV records into a YAML incident', () => {
  it.skipIf(!existsSync(REAL))('the bundled axios incident absorbs the real axios and plain-crypto-js records', async () => {
    const set = await loadIocs(['iocs/axios-2026-03.yaml', REAL]);
    // GHSA-wf5p is an older, unrelated axios CSRF advisory. Google's plain-crypto-js report is tied to
    // no loaded record: it has no id or alias, and the stored MAL-2026-2306 predates its merge.
    expect(set.incidents.map((i) => i.id)).toEqual(['axios-2026-03', 'GHSA-wf5p-g6vw-rhxx', 'MAL-0000-google-open-source-security-f29920f3d0ab4a3f.plain-crypto-js']);
    const axios = set.incidents[0]!;
    expect(axios.windows).toHaveLength(1);
    expect(axios.title).toMatch(/^axios 1\.14\.1 and 0\.30\.4/);
    expect(axios.packages.map((p) => [p.name, p.versions, p.anyVersion])).toEqual([
      ['axios', ['1.14.1', '0.30.4'], false],
      // GHSA-2x9r marks every plain-crypto-js version malicious (introduced: 0).
      ['plain-crypto-js', ['4.2.1', '0.0.1-security'], true],
    ]);
    expect(axios.aliases).toEqual(expect.arrayContaining(['GHSA-fw8c-xr5c-95f9', 'MAL-2026-2307', 'GHSA-2x9r-6wxq-hrr7', 'MAL-2026-2306']));
    const incidentsHit = new Set(matchPackages([{ ecosystem: 'npm', name: 'axios', version: '1.14.1', paths: [] }], buildIocIndex(set)).map((m) => m.incident));
    expect([...incidentsHit]).toEqual(['axios-2026-03']);
  });

  it('a YAML alias pulls in the record, its packages merged and the YAML window kept', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'osv-fold-'));
    const yaml = path.join(dir, 'evil.yaml');
    await writeFile(
      yaml,
      'apiVersion: sbom-hunt/v1\nincidents:\n  - id: evil-2099\n    aliases: [GHSA-aaaa-bbbb-cccc]\n    window: "2099-01-01T00:00:00Z/PT2H"\n    indicators: [evil.example]\n    packages:\n      - {ecosystem: npm, name: evil-pkg, versions: ["1.0.0"]}\n',
    );
    const set = await loadIocs([yaml, TREE]);
    expect(set.incidents.map((i) => i.id)).toEqual(['evil-2099', 'MAL-2099-0002', 'MAL-2099-0003']);
    const inc = set.incidents[0]!;
    expect(inc.aliases).toEqual(['GHSA-aaaa-bbbb-cccc', 'MAL-2099-0001']);
    expect(inc.packages).toHaveLength(1);
    expect(inc.packages[0]!.versions).toEqual(['1.0.0', '1.0.1']);
    expect(inc.indicators).toEqual(['evil.example', '192.0.2.7']);
    expect(inc.windows.map((w) => w.end.toISOString())).toEqual(['2099-01-01T02:00:00.000Z']);
    expect(inc.file).toBe(yaml);
  });

  it('without a YAML incident naming them, records that share an alias stay apart', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'osv-fold-'));
    const rec = (id: string) => JSON.stringify({ schema_version: '1.7.4', id, aliases: ['GHSA-zzzz-zzzz-zzzz'], modified: '2099-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'z' }, versions: ['1.0.0'] }] });
    await writeFile(path.join(dir, 'a.json'), rec('MAL-2099-7001'));
    await writeFile(path.join(dir, 'b.json'), rec('MAL-2099-7002'));
    expect((await loadIocs([dir])).incidents.map((i) => i.id)).toEqual(['MAL-2099-7001', 'MAL-2099-7002']);
  });
});
