import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { ImageResult } from '../../../src/model/finding.js';
import { buildReport } from '../../../src/report/build.js';
import { fingerprint, sarifPresenter, uriOf } from '../../../src/report/presenters/sarif.js';
import { affectedImage, sampleImages, sampleIocs, sampleMeta, sink } from '../sample.js';

// ajv-formats is CommonJS: under NodeNext the import is its module.exports, and the plugin is also its `default`.
const addFormats = addFormatsModule.default;
const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../../helpers/sarif-schema-2.1.0.json', import.meta.url)), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

type SarifResult = {
  ruleId: string;
  level: string;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string } }; logicalLocations?: Array<{ name: string }> }>;
  partialFingerprints: Record<string, string>;
  properties: Record<string, unknown>;
};

function sarifOf(images: ImageResult[]) {
  const out = sink();
  sarifPresenter(buildReport(images, sampleIocs, sampleMeta), out, { color: false });
  return JSON.parse(out.text());
}

describe('SARIF presenter', () => {
  it('validates against the official SARIF 2.1.0 schema', () => {
    const log = sarifOf(sampleImages);
    expect(validate(log), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('the schema check is real: a result without a message, or with a raw space in a URI, is rejected', () => {
    const log = sarifOf(sampleImages);
    delete log.runs[0].results[0].message;
    expect(validate(log)).toBe(false);
    const badUri = sarifOf(sampleImages);
    badUri.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = 'sboms/my image.json';
    expect(validate(badUri)).toBe(false);
  });

  it('has one rule per incident and one result per (image, package), errors for affected and warnings for suspect', () => {
    const run = sarifOf(sampleImages).runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'sbom-hunt', version: '0.1.0' });
    expect(run.tool.driver.informationUri).toMatch(/^https:\/\//);
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['axios-2026-03', 'example-2025-09']);
    const results = run.results as SarifResult[];
    const summary = results.map((r) => `${r.level} ${r.locations[0]!.physicalLocation.artifactLocation.uri} ${r.locations[0]!.logicalLocations?.[0]?.name ?? '-'}`);
    expect(summary).toEqual([
      'error registry.example.com/payments/api:2.3.0 axios@1.14.1',
      'error registry.example.com/payments/api:2.3.0 plain-crypto-js@4.2.1',
      'warning registry.example.com/tools/builder:1.4.2 plain-crypto-js@4.2.1',
      'warning registry.example.com/web/frontend:5.1.0 -',
    ]);
    expect(results.every((r) => r.ruleId === 'axios-2026-03')).toBe(true);
    expect(results[0]!.properties.packagePaths).toEqual(['/srv/app/node_modules/axios/package.json']);
  });

  it('reports unknown images and scan errors as notifications, so no result does not read as clean', () => {
    const inv = sarifOf(sampleImages).runs[0].invocations[0];
    expect(inv.executionSuccessful).toBe(false);
    const texts = inv.toolExecutionNotifications.map((n: { level: string; message: { text: string } }) => `${n.level}: ${n.message.text}`);
    expect(texts).toContain('error: kube context prod-us: pods is forbidden: User "oncall" cannot list resource "pods"');
    expect(texts.some((t: string) => t.startsWith('warning: Could not check registry.internal:5000/legacy/batch:0.9'))).toBe(true);
  });

  it('keeps fingerprints stable across runs and distinct per image digest', () => {
    const fp = (log: { runs: Array<{ results: SarifResult[] }> }) => log.runs[0]!.results.map((r) => r.partialFingerprints['sbomHuntFinding/v1']);
    const first = fp(sarifOf(sampleImages));
    expect(fp(sarifOf([...sampleImages].reverse()))).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    const rebuilt = { ...affectedImage, digest: 'sha256:' + 'f'.repeat(64) };
    expect(fp(sarifOf([rebuilt]))[0]).not.toBe(first[0]);
    const hit = { ref: 'r', digest: 'sha256:abc', why: '', packages: [] };
    expect(fingerprint('i', { ecosystem: 'npm', name: 'axios', version: '1.14.1' }, hit)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('turns any image ref into a valid URI reference', () => {
    expect(uriOf('registry.example.com/app@sha256:abc')).toBe('registry.example.com/app@sha256:abc');
    expect(uriOf('sboms/my image [v2].json')).toBe('sboms/my%20image%20%5Bv2%5D.json');
    expect(uriOf('100%/ünïcode#x')).toBe('100%25/%C3%BCn%C3%AFcode%23x');
    const odd = { ...affectedImage, ref: 'sboms/my image [v2] 100%.json' };
    const log = sarifOf([odd]);
    expect(validate(log), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('an empty scan is still a valid log with empty results', () => {
    const out = sink();
    sarifPresenter(buildReport([], { incidents: [], files: [] }, { version: '0.1.0', generatedAt: new Date(0) }), out, { color: false });
    const log = JSON.parse(out.text());
    expect(validate(log), ajv.errorsText(validate.errors)).toBe(true);
    expect(log.runs[0].results).toEqual([]);
  });
});
