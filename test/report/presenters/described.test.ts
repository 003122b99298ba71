// An SBOM file's report entry names the image the SBOM describes, beside the file's path, in every format and alert.
import { describe, expect, it } from 'vitest';
import type { ImageResult } from '../../../src/model/finding.js';
import { REPORT_SCHEMA_VERSION, Report } from '../../../src/model/report.js';
import { buildReport } from '../../../src/report/build.js';
import { describedLabel } from '../../../src/report/describe.js';
import { presenters, tersePresenter } from '../../../src/report/presenters/index.js';
import { findingAlerts, unknownAlerts } from '../../../src/sweep/conditions.js';
import { affectedImage, sampleIocs, sampleMeta, sink, unknownImage } from '../sample.js';

const DIGEST = 'sha256:0cf0a71d236ebcb051d69dc461df3ab9b32989455e091448f96dbd4c32859879';
const NAME = 'registry.example.com/shop/payments-api:1.4.2';
const describes = { name: NAME, digest: DIGEST, purl: 'pkg:oci/payments-api@sha256%3A0cf0a71d236e', hashes: [`sha256:${'ab'.repeat(32)}`] };

const sbomAffected: ImageResult = { ...affectedImage, ref: 'sboms/payments.cdx.json', digest: DIGEST, describes, workloads: [] };
const sbomUnknown: ImageResult = { ...unknownImage, ref: 'sboms/broken.spdx.json', describes: { name: 'registry.example.com/shop/broken' } };
const report = buildReport([sbomAffected, sbomUnknown], sampleIocs, sampleMeta);

function print(format: keyof typeof presenters | 'terse'): string {
  const out = sink();
  (format === 'terse' ? tersePresenter : presenters[format])(report, out, { color: false });
  return out.text();
}

describe('the described image beside the SBOM file path', () => {
  it('labels: name, the version when the name lacks it, the digest', () => {
    expect(describedLabel(describes)).toBe(`${NAME} ${DIGEST}`);
    expect(describedLabel(describes, true)).toBe(`${NAME} sha256:0cf0a71d236e`);
    expect(describedLabel({ name: 'web', version: '1.4.2' })).toBe('web@1.4.2');
    expect(describedLabel({ name: 'web:1.4.2', version: '1.4.2' })).toBe('web:1.4.2');
    expect(describedLabel({ purl: 'pkg:oci/web' })).toBe('pkg:oci/web');
    expect(describedLabel(undefined)).toBeUndefined();
  });

  it.each(['table', 'terse', 'markdown'] as const)('%s: on the line of the path, affected and unknown', (format) => {
    const text = print(format);
    const lines = text.split('\n');
    expect(lines.some((l) => l.includes('sboms/payments.cdx.json') && l.includes(`describes ${NAME}`))).toBe(true);
    expect(lines.some((l) => l.includes('sboms/broken.spdx.json') && l.includes('describes registry.example.com/shop/broken'))).toBe(true);
  });

  it('html: under the path, escaped', () => {
    const html = print('html');
    expect(html).toContain(`<code>sboms/<wbr>payments.cdx.json</code><br><span class="muted describes">describes <code>${NAME} ${DIGEST}</code></span>`);
    expect(html).toContain('describes <code>registry.example.com/shop/broken</code>');
  });

  it('json: the whole subject, and the report reads back', () => {
    const json = JSON.parse(print('json')) as Report;
    expect(json.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(json.images.find((i) => i.ref === 'sboms/payments.cdx.json')?.describes).toEqual(describes);
    expect(json.incidents[0]?.affected[0]?.describes).toEqual(describes);
    expect(Report.parse(json).images[0]?.describes).toEqual(describes);
  });

  it('sarif: in the message and the properties', () => {
    const sarif = JSON.parse(print('sarif')) as { runs: { results: { message: { text: string }; properties: Record<string, unknown> }[]; invocations: { toolExecutionNotifications: { message: { text: string } }[] }[] }[] };
    const result = sarif.runs[0]!.results[0]!;
    expect(result.message.text).toContain(`sboms/payments.cdx.json (describes ${NAME} ${DIGEST})`);
    expect(result.properties.describes).toEqual(describes);
    expect(sarif.runs[0]!.invocations[0]!.toolExecutionNotifications.map((n) => n.message.text).join('\n')).toContain('describes registry.example.com/shop/broken');
  });

  it('alerts: the summary and the image name it', () => {
    const finding = findingAlerts(report)[0]!;
    expect(finding.summary).toContain(`in sboms/payments.cdx.json@${DIGEST} (describes ${NAME} ${DIGEST})`);
    expect(finding.image).toEqual({ ref: 'sboms/payments.cdx.json', digest: DIGEST, describes: `${NAME} ${DIGEST}` });
    expect(unknownAlerts(report)[0]!.summary).toContain('describes registry.example.com/shop/broken');
  });

  it('an image without a subject prints as before', () => {
    const plain = buildReport([affectedImage], sampleIocs, sampleMeta);
    const out = sink();
    presenters.table(plain, out, { color: false });
    expect(out.text()).not.toContain('describes');
  });
});
