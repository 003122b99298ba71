// Build times from SLSA provenance (issue 16 item 1): the statement's times as labelled sources, for the
// digest it names only; BuildKit's unsigned attestations inside an index read by the native reader.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provenanceTimes, statementOf } from '../../src/acquire/provenance.js';
import { buildImageLayout, npmPackageFiles, type PlatformSpec } from '../helpers/image-builder.js';
import { runCli } from '../helpers/cli.js';
import type { Report } from '../../src/model/report.js';

const D = `sha256:${'a'.repeat(64)}`;
const subject = (digest: string) => [{ name: 'image', digest: { sha256: digest.slice(7) } }];
const v02 = (digest: string, metadata: Record<string, unknown> | undefined) => ({
  _type: 'https://in-toto.io/Statement/v0.1',
  predicateType: 'https://slsa.dev/provenance/v0.2',
  subject: subject(digest),
  predicate: { builder: { id: 'https://github.com/docker/buildx' }, buildType: 'https://mobyproject.org/buildkit@v1', ...(metadata ? { metadata } : {}) },
});
const v1 = (digest: string, metadata: Record<string, unknown>) => ({
  _type: 'https://in-toto.io/Statement/v1',
  predicateType: 'https://slsa.dev/provenance/v1',
  subject: subject(digest),
  predicate: { buildDefinition: { buildType: 'https://mobyproject.org/buildkit@v1' }, runDetails: { builder: { id: '' }, metadata } },
});
const how = { verified: false, via: 'test' };

describe('provenanceTimes', () => {
  it('reads v0.2 metadata.buildFinishedOn then buildStartedOn, labelled with the field and whether it was verified', () => {
    const r = provenanceTimes(v02(D, { buildStartedOn: '2026-03-31T01:00:00Z', buildFinishedOn: '2026-03-31T01:05:00Z' }), D, { verified: true, via: 'cosign .att' });
    expect(r.sources.map((s) => [s.kind, s.value, s.verified])).toEqual([
      ['provenance', '2026-03-31T01:05:00Z', true],
      ['provenance', '2026-03-31T01:00:00Z', true],
    ]);
    expect(r.sources[0]!.source).toBe('SLSA provenance v0.2 metadata.buildFinishedOn (cosign .att, signature verified)');
  });

  it('reads v1 runDetails.metadata.finishedOn / startedOn', () => {
    const r = provenanceTimes(v1(D, { invocationId: 'x', startedOn: '2026-03-31T02:00:00Z', finishedOn: '2026-03-31T02:10:00Z' }), D, how);
    expect(r.sources.map((s) => s.source)).toEqual([
      'SLSA provenance v1 runDetails.metadata.finishedOn (test, signature not verified)',
      'SLSA provenance v1 runDetails.metadata.startedOn (test, signature not verified)',
    ]);
  });

  it('gives nothing, with why, for another subject, another predicate, no times, or not a statement', () => {
    const other = `sha256:${'b'.repeat(64)}`;
    expect(provenanceTimes(v02(other, { buildFinishedOn: '2026-03-31T01:05:00Z' }), D, how)).toEqual({ sources: [], note: `test: SLSA provenance does not name ${D} as its subject` });
    expect(provenanceTimes({ ...v02(D, {}), predicateType: 'https://spdx.dev/Document' }, D, how).note).toMatch(/is not SLSA provenance/);
    expect(provenanceTimes(v02(D, undefined), D, how).note).toMatch(/carries no build time/);
    expect(provenanceTimes('nope', D, how).note).toMatch(/not an in-toto statement/);
    // A v1 statement's times are not looked for where v0.2 keeps them, and the reverse.
    expect(provenanceTimes({ ...v1(D, {}), predicate: { metadata: { buildFinishedOn: '2026-03-31T01:05:00Z' } } }, D, how).sources).toEqual([]);
  });

  it('statementOf opens a DSSE envelope and a Sigstore bundle, and nothing else', () => {
    const payload = Buffer.from(JSON.stringify(v02(D, {}))).toString('base64');
    expect(statementOf({ payloadType: 'application/vnd.in-toto+json', payload, signatures: [] })).toMatchObject({ predicateType: 'https://slsa.dev/provenance/v0.2' });
    expect(statementOf({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', dsseEnvelope: { payload } })).toMatchObject({ subject: subject(D) });
    expect(statementOf({ payload: 42 })).toBeUndefined();
    expect(statementOf({ payload: Buffer.from('{').toString('base64') })).toBeUndefined();
  });
});

describe('BuildKit provenance in an image index, through the CLI', () => {
  const WINDOW = '2026-03-31T00:21:00Z/2026-03-31T03:29:00Z';
  let dir: string;
  const lodash = (created: string | null, extra: Partial<PlatformSpec> = {}): PlatformSpec => ({ created, layers: [{ files: npmPackageFiles('app/node_modules', 'lodash', '4.17.21') }], ...extra });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-provenance-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function scanLayout(name: string, platform: PlatformSpec, statement: ((subject: string) => unknown) | undefined): Promise<Report['images'][number]> {
    const layout = await buildImageLayout(join(dir, name), { ref: 'app', index: true, platforms: [platform], ...(statement ? { attestations: (s: string) => statement(s) } : {}) });
    // The axios feed alone: the bundled TeamPCP windows (March 19-24) would make the March 20 builds here suspect.
    const run = await runCli(['scan', `oci-dir:${layout.dir}`, '--ioc', 'iocs/axios-2026-03.yaml', '--window', WINDOW, '-f', 'json', '--fail-on', 'none', '--no-cache', '-q']);
    expect(run.stderr).toBe('');
    return (JSON.parse(run.stdout) as Report).images[0]!;
  }

  it('a reproducible build (epoch created) whose provenance finished inside the window is suspect, decided by the provenance', async () => {
    const img = await scanLayout('repro-in', lodash('1970-01-01T00:00:00Z'), (s) => v02(s, { buildStartedOn: '2026-03-31T01:00:00Z', buildFinishedOn: '2026-03-31T01:04:00Z' }));
    expect(img.verdict).toBe('suspect');
    expect(img.created).toMatchObject({ reliable: true, value: '2026-03-31T01:04:00Z' });
    expect(img.created?.source).toMatch(/^SLSA provenance v0\.2 metadata\.buildFinishedOn \(BuildKit attestation sha256:[0-9a-f]{64}, signature not verified\)$/);
    expect(img.created?.sources?.find((s) => s.kind === 'config')).toMatchObject({ reliable: false });
  });

  it('the same image with provenance before the window is clean; without provenance the time is unreliable', async () => {
    const before = await scanLayout('repro-before', lodash('1970-01-01T00:00:00Z'), (s) => v1(s, { finishedOn: '2026-03-20T09:00:00Z' }));
    expect(before.verdict).toBe('clean');
    expect(before.created).toMatchObject({ reliable: true, value: '2026-03-20T09:00:00Z' });
    const none = await scanLayout('repro-none', lodash('1970-01-01T00:00:00Z'), undefined);
    expect(none.created?.reliable).toBe(false);
    expect(none.windows.find((w) => w.incident === '--window')?.outcome).toBe('unreliable');
  });

  it('unsigned provenance ranks below the config created; a statement about another digest is not used', async () => {
    const both = await scanLayout('both', lodash('2026-03-20T00:00:00Z'), (s) => v02(s, { buildFinishedOn: '2026-03-31T01:04:00Z' }));
    expect(both.created).toMatchObject({ value: '2026-03-20T00:00:00Z', source: 'config created' });
    expect(both.created?.sources?.map((s) => s.kind)).toContain('provenance');
    const other = await scanLayout('other', lodash('1970-01-01T00:00:00Z'), () => v02(`sha256:${'c'.repeat(64)}`, { buildFinishedOn: '2026-03-31T01:04:00Z' }));
    expect(other.created?.reliable).toBe(false);
    expect(other.created?.sources?.some((s) => s.kind === 'provenance')).toBe(false);
  });

  it('a provenance time in the future is kept, labelled unreliable, and does not decide', async () => {
    const img = await scanLayout('future', lodash('1970-01-01T00:00:00Z'), (s) => v02(s, { buildFinishedOn: '9999-12-31T00:00:00Z' }));
    const prov = img.created?.sources?.find((s) => s.kind === 'provenance');
    expect(prov).toMatchObject({ reliable: false });
    expect(prov?.note).toMatch(/in the future/);
    expect(img.created?.reliable).toBe(false);
  });
});
