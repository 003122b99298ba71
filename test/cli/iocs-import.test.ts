// `sbom-hunt iocs import osv`: OSV records -> sbom-hunt/v1 YAML that loads back to the same incidents.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadIocs } from '../../src/iocs/index.js';
import type { Incident } from '../../src/model/ioc.js';
import { runMain } from './iocs-helpers.js';

const FIX = 'fixtures/iocs/osv';
const REAL = '/work/shared/real-world/osv';
const tmp = () => mkdtemp(path.join(tmpdir(), 'iocs-import-'));
/** Everything but the file an incident (and its windows) was read from. */
const comparable = (incs: Incident[]) => incs.map(({ file: _file, windows, ...rest }) => ({ ...rest, windows: windows.map((w) => [w.start, w.end]) }));

describe('iocs import osv', () => {
  it('writes sbom-hunt/v1 YAML that loads back to the same incidents (tree, ranges, no-version records)', async () => {
    const inputs = [`${FIX}/malicious-packages`, `${FIX}/ranges`, `${FIX}/no-version`];
    const out = path.join(await tmp(), 'osv.yaml');
    const r = await runMain(['iocs', 'import', 'osv', ...inputs, '-o', out]);
    expect([r.code, r.stderr]).toEqual([0, `wrote 5 incident(s) to ${out}\n`]);
    const text = await readFile(out, 'utf8');
    expect(parse(text).apiVersion).toBe('sbom-hunt/v1');
    const before = await loadIocs(inputs);
    const after = await loadIocs([out]);
    expect(comparable(after.incidents)).toEqual(comparable(before.incidents));
    expect(after.incidents.map((i) => i.id)).toEqual(['MAL-2099-0002', 'MAL-2099-0001', 'MAL-2099-0003', 'OSV-2099-RANGES', 'MAL-2099-0100']);
    // The written file and the records it came from are one set of incidents, not two.
    expect((await loadIocs([out, ...inputs])).incidents).toHaveLength(5);
    expect((await readdir(path.dirname(out))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.skipIf(!existsSync(REAL))('round-trips the real records together with the bundled axios incident, window kept', async () => {
    const inputs = ['iocs/axios-2026-03.yaml', REAL];
    const r = await runMain(['iocs', 'import', 'osv', ...inputs, '-o', '-']);
    expect(r.code).toBe(0);
    const out = path.join(await tmp(), 'real.yaml');
    await writeFile(out, r.stdout);
    const after = await loadIocs([out]);
    expect(comparable(after.incidents)).toEqual(comparable((await loadIocs(inputs)).incidents));
    expect(after.incidents[0]!.windows.map((w) => w.end.toISOString())).toEqual(['2026-03-31T03:29:00.000Z']);
  });

  it('writes PyPI ECOSYSTEM ranges as v1 ranges, which load back', async () => {
    const dir = await tmp();
    const rec = { schema_version: '1.7.4', id: 'PYSEC-2099-1', modified: '2099-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'PyPI', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0' }, { fixed: '1.1' }] }] }] };
    await writeFile(path.join(dir, 'PYSEC-2099-1.json'), JSON.stringify(rec));
    const r = await runMain(['iocs', 'import', 'osv', path.join(dir, 'PYSEC-2099-1.json'), `${FIX}/no-version`, '-o', '-']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const written = parse(r.stdout);
    expect(written.incidents.map((i: { id: string }) => i.id)).toEqual(['PYSEC-2099-1', 'MAL-2099-0100']);
    expect(written.incidents[0].packages[0]).toMatchObject({ ecosystem: 'pypi', name: 'x', ranges: ['>=1.0 <1.1'] });
  });

  it('a broken record is exit 2 naming file, line and field, and writes nothing', async () => {
    const out = path.join(await tmp(), 'never.yaml');
    const r = await runMain(['iocs', 'import', 'osv', `${FIX}/broken/MAL-2099-0300.json`, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`sbom-hunt: error: ${FIX}/broken/MAL-2099-0300.json:14 (affected[0].versions[0]): expected string, got number 1.5\n`);
    expect(existsSync(out)).toBe(false);
  });
});
