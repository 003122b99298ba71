// Which findings an acknowledgement covers, and what the image's verdict becomes: never dropped, never clean.
import { describe, expect, it } from 'vitest';
import { applyAcknowledgements, repositoryKey } from '../../src/acks/apply.js';
import type { Acknowledgement } from '../../src/acks/model.js';
import { buildReport } from '../../src/report/build.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { affectedImage, cleanImage, deletedLayerImage, sampleIocs, sampleMeta, windowSuspectImage } from '../report/sample.js';

const NOW = new Date('2026-04-10T00:00:00Z');
const FUTURE = new Date('2099-01-01T00:00:00Z');
const base = { reason: 'checked', who: 'alice', expires: FUTURE, source: 'acks.yaml:4' };
const ack = (a: Partial<Acknowledgement>): Acknowledgement => ({ incident: 'axios-2026-03', ...base, ...a });

function verdicts(acks: Acknowledgement[], images = [affectedImage, windowSuspectImage, deletedLayerImage, cleanImage]) {
  const out = applyAcknowledgements(images, acks, sampleIocs, NOW);
  return { ...Object.fromEntries(out.images.map((i) => [i.ref.split('/').slice(1).join('/'), i.verdict])), expired: out.expired.length };
}

describe('applyAcknowledgements', () => {
  it('an unscoped entry by repository or digest acknowledges the whole finding; nothing else moves', () => {
    expect(verdicts([ack({ repository: 'registry.example.com/web/frontend' })])).toMatchObject({ 'web/frontend:5.1.0': 'acknowledged', 'payments/api:2.3.0': 'affected', 'admin/console:7.0.1': 'clean' });
    expect(verdicts([ack({ digest: affectedImage.digest! })])).toMatchObject({ 'payments/api:2.3.0': 'acknowledged' });
    // A platform digest names the image too.
    expect(verdicts([ack({ digest: affectedImage.platforms[1]!.digest! })])).toMatchObject({ 'payments/api:2.3.0': 'acknowledged' });
    // Both given: both must match.
    expect(verdicts([ack({ digest: affectedImage.digest!, repository: 'registry.example.com/web/frontend' })])).toMatchObject({ 'payments/api:2.3.0': 'affected' });
  });

  it('a package entry covers only its package: one of two packages acknowledged leaves the image affected', () => {
    const one = ack({ digest: affectedImage.digest!, package: { name: 'axios', version: '1.14.1' } });
    expect(verdicts([one])).toMatchObject({ 'payments/api:2.3.0': 'affected' });
    const both = [one, ack({ digest: affectedImage.digest!, package: { ecosystem: 'npm', name: 'plain-crypto-js' } })];
    // Still affected: the image was also built inside the window, which no package entry speaks for.
    expect(verdicts(both)).toMatchObject({ 'payments/api:2.3.0': 'affected' });
    const deleted = ack({ repository: 'registry.example.com/tools/builder', package: { name: 'plain-crypto-js', version: '4.2.1' } });
    expect(verdicts([deleted])).toMatchObject({ 'tools/builder:1.4.2': 'acknowledged' });
    expect(verdicts([{ ...deleted, package: { name: 'plain-crypto-js', version: '9.9.9' } }])).toMatchObject({ 'tools/builder:1.4.2': 'suspect' });
    expect(verdicts([{ ...deleted, package: { ecosystem: 'pypi', name: 'plain-crypto-js' } }])).toMatchObject({ 'tools/builder:1.4.2': 'suspect' });
  });

  it('an expired entry is not applied and is listed; another incident id or image is no match', () => {
    const old = ack({ repository: 'registry.example.com/web/frontend', expires: new Date('2026-04-01T00:00:00Z') });
    expect(verdicts([old])).toMatchObject({ 'web/frontend:5.1.0': 'suspect', expired: 1 });
    expect(verdicts([ack({ incident: 'example-2025-09', repository: 'registry.example.com/web/frontend' })])).toMatchObject({ 'web/frontend:5.1.0': 'suspect' });
    expect(verdicts([ack({ repository: 'registry.example.com/web' })])).toMatchObject({ 'web/frontend:5.1.0': 'suspect' });
  });

  it('an alias of the incident (an OpenVEX vulnerability name) is filed under the incident id', () => {
    expect(verdicts([ack({ incident: 'GHSA-fw8c-xr5c-95f9', repository: 'registry.example.com/web/frontend' })])).toMatchObject({ 'web/frontend:5.1.0': 'acknowledged' });
  });

  it('kept in the report: its own incident list with the acknowledgement, counted, and no gate fails on it', () => {
    const { images } = applyAcknowledgements([windowSuspectImage, cleanImage], [ack({ repository: 'registry.example.com/web/frontend' })], sampleIocs, NOW);
    const report = buildReport(images, sampleIocs, { ...sampleMeta, errors: [] });
    const inc = report.incidents.find((i) => i.id === 'axios-2026-03')!;
    expect(inc.suspect).toEqual([]);
    expect(inc.acknowledged).toHaveLength(1);
    expect(inc.acknowledged[0]!.acknowledgement).toMatchObject({ was: 'suspect', who: 'alice', expires: '2099-01-01', source: 'acks.yaml:4' });
    expect(report.summary).toMatchObject({ suspect: 0, acknowledged: 1, clean: 1, coverage: { checked: 2, total: 2 } });
    for (const gate of ['affected', 'suspect', 'unknown'] as const) expect(exitCodeFor(report, gate, [])).toBe(0);
  });

  it('repositories compare as docker does', () => {
    expect(repositoryKey('nginx:1.27')).toBe('docker.io/library/nginx');
    expect(repositoryKey('docker.io/library/nginx@sha256:' + 'a'.repeat(64))).toBe('docker.io/library/nginx');
    expect(repositoryKey('localhost:5000/shop/api:1')).toBe('localhost:5000/shop/api');
    expect(repositoryKey('sboms/my file.json')).toBe('sboms/my file.json');
  });
});
