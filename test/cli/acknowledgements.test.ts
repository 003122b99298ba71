// Acknowledgements through the built CLI: an ignore file and an OpenVEX document over the SBOM fleet.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { runCli } from '../helpers/cli.js';
import { sarifUploadProblems } from '../helpers/github-sarif.js';

const FLEET = 'sbom:fixtures/fleet';
const ACKS = 'fixtures/acks/fleet.yaml';
// The axios feed alone: these SBOMs list no files, so under the bundled feeds (litellm_init.pth) every run is
// incomplete (exit 4) whatever is acknowledged; that is tested in test/cli/partial-coverage.test.ts.
const AXIOS = ['--ioc', 'iocs/axios-2026-03.yaml'];
const json = async (args: string[]) => {
  const run = await runCli(['scan', FLEET, ...AXIOS, ...args, '-f', 'json']);
  return { run, report: JSON.parse(run.stdout) as Report };
};

describe('acknowledgements', () => {
  it('a suspect image a person checked passes a --fail-on suspect gate, and stays in the report as acknowledged', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sbom-hunt-ack-'));
    const onlyWeb = path.join(dir, 'web.yaml');
    writeFileSync(
      onlyWeb,
      ['apiVersion: sbom-hunt/v1', 'kind: Acknowledgements', 'acknowledgements:', '  - incident: axios-2026-03', '    repository: fixtures/fleet/web-frontend.spdx.json', '    reason: checked', '    who: alice', '    expires: 2099-12-31', ''].join('\n'),
    );
    // Without it: suspect fails the gate. With it (the affected ones set aside with --fail-on suspect on a narrower source): passes.
    expect((await runCli(['check', 'sbom:fixtures/fleet/web-frontend.spdx.json', ...AXIOS, '--fail-on', 'suspect'])).code).toBe(1);
    const passed = await runCli(['check', 'sbom:fixtures/fleet/web-frontend.spdx.json', ...AXIOS, '--fail-on', 'suspect', '--ack', onlyWeb]);
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.stdout).toMatch(/^ACKNOWLEDGED {2}fixtures\/fleet\/web-frontend\.spdx\.json .*acknowledged by alice until 2099-12-31: checked/m);
    const { report } = await json(['--ack', onlyWeb]);
    const inc = report.incidents.find((i) => i.id === 'axios-2026-03')!;
    expect(inc.suspect).toEqual([]);
    expect(inc.acknowledged.map((h) => h.ref)).toEqual(['fixtures/fleet/web-frontend.spdx.json']);
    expect(report.images.find((i) => i.ref.endsWith('web-frontend.spdx.json'))).toMatchObject({ verdict: 'acknowledged', acknowledged: [{ incident: 'axios-2026-03', was: 'suspect', who: 'alice' }] });
    expect(report.summary).toMatchObject({ acknowledged: 1, suspect: 0, coverage: { checked: 5, total: 5 } });
  });

  it('a package entry for one of two packages leaves the image affected; every format keeps the acknowledged hit', async () => {
    const { run, report } = await json(['--ack', ACKS]);
    expect(run.code).toBe(1);
    expect(report.images.find((i) => i.ref.endsWith('worker.syft.json'))!.verdict).toBe('affected');
    const table = (await runCli(['scan', FLEET, '--ack', ACKS, '--no-color'])).stdout;
    expect(table).toMatch(/ACKNOWLEDGED {2}fixtures\/fleet\/web-frontend\.spdx\.json/);
    expect((await runCli(['scan', FLEET, '--ack', ACKS, '-f', 'markdown'])).stdout).toContain('### Acknowledged (1)');
    expect((await runCli(['scan', FLEET, '--ack', ACKS, '-f', 'html'])).stdout).toMatch(/acknowledged/i);
    const sarif = JSON.parse((await runCli(['scan', FLEET, '--ack', ACKS, '-f', 'sarif'])).stdout);
    expect(await sarifUploadProblems(sarif)).toEqual([]);
    const suppressed = sarif.runs[0].results.filter((r: { suppressions?: unknown[] }) => r.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]).toMatchObject({ ruleId: 'axios-2026-03/suspect', suppressions: [{ kind: 'external', properties: { status: 'accepted', who: 'alice@example.com' } }] });
  });

  it('an expired entry is not applied and says so on stderr even with -q; the gate fails again', async () => {
    const run = await runCli(['check', 'sbom:fixtures/fleet/web-frontend.spdx.json', '--fail-on', 'suspect', '--ack', 'fixtures/acks/expired.yaml', '-q']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('sbom-hunt: warning: fixtures/acks/expired.yaml:4: the acknowledgement of axios-2026-03 for fixtures/fleet/web-frontend.spdx.json by alice@example.com expired on 2026-01-31: not applied');
    const { report } = await json(['--ack', 'fixtures/acks/expired.yaml']);
    expect(report.expiredAcknowledgements).toEqual([{ incident: 'axios-2026-03', image: 'fixtures/fleet/web-frontend.spdx.json', who: 'alice@example.com', expires: '2026-01-31', source: 'fixtures/acks/expired.yaml:4' }]);
    expect(report.notes.some((n) => n.includes('expired on 2026-01-31'))).toBe(true);
  });

  it('bad entries are named by file, line and field (exit 2), and the good entry in the same file still applies', async () => {
    const run = await runCli(['check', FLEET, '--ack', 'fixtures/acks/bad-fields.yaml', '-q']);
    expect(run.code).toBe(2);
    for (const e of [
      'bad-fields.yaml:10 (acknowledgements[1].digest): expected sha256: and 64 hex digits',
      'bad-fields.yaml:14 (acknowledgements[2].expires): required field is missing',
      'bad-fields.yaml:22 (acknowledgements[3].expires): expected a date',
      'bad-fields.yaml:25 (acknowledgements[4].reasn): unknown field "reasn"',
      'bad-fields.yaml:28 (acknowledgements[5].digest): name the image: digest or repository',
    ])
      expect(run.stderr).toContain(`sbom-hunt: input error: fixtures/acks/${e}`);
    expect(run.stdout).toMatch(/^ACKNOWLEDGED {2}fixtures\/fleet\/web-frontend/m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const missing = await runCli(['check', FLEET, '--ack', 'fixtures/acks/none.yaml', '-q']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('fixtures/acks/none.yaml: cannot read: ENOENT');
  });

  it('OpenVEX: a not_affected statement (by an alias of the incident, an OCI purl digest) acknowledges; others do not', async () => {
    const { run, report } = await json(['--vex', 'fixtures/acks/fleet.openvex.json']);
    expect(run.code).toBe(2); // statement 3 is not_affected with no justification: named, not applied
    expect(run.stderr).toContain('fixtures/acks/fleet.openvex.json (statements[2].justification): not_affected needs a justification or an impact_statement');
    const verdicts = Object.fromEntries(report.images.map((i) => [path.basename(i.ref), i.verdict]));
    expect(verdicts).toMatchObject({ 'payments-api.cdx.json': 'acknowledged', 'worker.syft.json': 'affected' });
    const acked = report.images.find((i) => i.ref.endsWith('payments-api.cdx.json'))!.acknowledged![0]!;
    expect(acked).toMatchObject({ incident: 'axios-2026-03', was: 'affected', who: 'payments security <sec@example.com>', source: 'fixtures/acks/fleet.openvex.json (statement 1)' });
    expect(acked.reason).toBe('vulnerable_code_not_in_execute_path: the image is a build cache; nothing runs it');
  });
});
