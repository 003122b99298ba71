import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { ImageResult } from '../../../src/model/finding.js';
import { buildReport } from '../../../src/report/build.js';
import { automationId, fingerprint, sarifPresenter, uriOf, wellFormed } from '../../../src/report/presenters/sarif.js';
import { SECURITY_SEVERITY } from '../../../src/report/presenters/sarif-rules.js';
import { githubSarifProblems, relativeUriProblems, SCHEME } from '../../helpers/github-sarif.js';
import { affectedImage, cleanImage, sampleImages, sampleIocs, sampleMeta, sink, unknownImage } from '../sample.js';

// ajv-formats is CommonJS: under NodeNext the import is its module.exports, and the plugin is also its `default`.
const addFormats = addFormatsModule.default;
const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../../helpers/sarif-schema-2.1.0.json', import.meta.url)), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

type SarifResult = {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; logicalLocations?: Array<{ name: string }> }>;
  partialFingerprints: Record<string, string>;
  properties: Record<string, unknown>;
};

function sarifOf(images: ImageResult[], meta: Parameters<typeof buildReport>[2] = sampleMeta) {
  const out = sink();
  sarifPresenter(buildReport(images, sampleIocs, meta), out, { color: false });
  return JSON.parse(out.text());
}

/** Both checks every log must pass: the OASIS schema, and what GitHub's upload documents on top of it. */
function expectUploadable(log: unknown): void {
  expect(validate(log), ajv.errorsText(validate.errors)).toBe(true);
  expect(githubSarifProblems(log)).toEqual([]);
}

/** A small seeded generator: the same seed gives the same refs, so a failure can be replayed. */
function refs(seed: number, n: number): string[] {
  const alphabet = ['a', 'Z', '0', '.', '..', '-', '_', ':', '/', '//', '@', '%', '%41', '?', '#', ' ', '\\', '[', ']', 'ü', '☃', '😀', '\uD800', '\u0000', 'localhost:5000', '127.0.0.1:39939', 'http:', 'sha256:ab', '~', '+'];
  let x = seed >>> 0;
  const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), x >>> 8);
  return Array.from({ length: n }, () => Array.from({ length: 1 + (next() % 8) }, () => alphabet[next() % alphabet.length]).join(''));
}

describe('SARIF presenter', () => {
  it('passes the official SARIF 2.1.0 schema and GitHub code scanning’s upload requirements', () => {
    expectUploadable(sarifOf(sampleImages));
    expectUploadable(sarifOf([]));
    expectUploadable(sarifOf([cleanImage], { version: '0.1.0', generatedAt: new Date(0) }));
  });

  it('the checks are real: a missing message, a raw space, a scheme-looking uri, no region or no severity are each rejected', () => {
    const drop = (f: (log: any) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const log = sarifOf(sampleImages);
      f(log);
      return log;
    };
    expect(validate(drop((l) => delete l.runs[0].results[0].message))).toBe(false);
    expect(validate(drop((l) => (l.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = 'sboms/my image.json')))).toBe(false);
    const uri = (u: string) => githubSarifProblems(drop((l) => (l.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = u)));
    expect(uri('localhost:5000/x')).not.toEqual([]);
    expect(uri('127.0.0.1:39939/shop/app:affected')).not.toEqual([]);
    expect(uri('//evil/x')).not.toEqual([]);
    expect(githubSarifProblems(drop((l) => delete l.runs[0].results[0].locations[0].physicalLocation.region))).not.toEqual([]);
    expect(githubSarifProblems(drop((l) => delete l.runs[0].tool.driver.rules[0].properties['security-severity']))).not.toEqual([]);
    expect(githubSarifProblems(drop((l) => delete l.runs[0].tool.driver.rules[0].help.markdown))).not.toEqual([]);
    expect(githubSarifProblems(drop((l) => delete l.runs[0].automationDetails))).not.toEqual([]);
    expect(githubSarifProblems(drop((l) => (l.runs[0].results[1].ruleIndex = 0)))).not.toEqual([]);
  });

  it('has one result per image and incident (packages as logical locations), and one per unknown image', () => {
    const run = sarifOf(sampleImages).runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'sbom-hunt', version: '0.1.0', semanticVersion: '0.1.0' });
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([
      'axios-2026-03/affected',
      'axios-2026-03/suspect',
      'example-2025-09/affected',
      'example-2025-09/suspect',
      'sbom-hunt/unknown',
    ]);
    const results = run.results as SarifResult[];
    const summary = results.map((r) => `${r.ruleId} ${r.level} ${r.locations[0]!.physicalLocation.artifactLocation.uri} ${(r.locations[0]!.logicalLocations ?? []).map((l) => l.name).join(',') || '-'}`);
    expect(summary).toEqual([
      'axios-2026-03/affected error registry.example.com/payments/api:2.3.0 axios@1.14.1,plain-crypto-js@4.2.1',
      'axios-2026-03/suspect warning registry.example.com/tools/builder:1.4.2 plain-crypto-js@4.2.1',
      'axios-2026-03/suspect warning registry.example.com/web/frontend:5.1.0 -',
      'sbom-hunt/unknown warning registry.internal%3A5000/legacy/batch:0.9 -',
    ]);
    expect(results.every((r) => r.locations[0]!.physicalLocation.region.startLine === 1)).toBe(true);
    expect(results[0]!.properties.workloads).toEqual(['prod-eu/payments Deployment/payments-api (container api, 3 pods)', 'staging/payments Deployment/payments-api (container api, 1 pod)']);
    expect(results[0]!.message.text).toContain('/srv/app/node_modules/axios/package.json');
    expect(results[3]!.message.text).toContain('401 Unauthorized');
  });

  it('maps verdicts to security-severity: affected critical, suspect high, unknown medium; help has Markdown', () => {
    const rules = sarifOf(sampleImages).runs[0].tool.driver.rules as Array<{ id: string; properties: Record<string, unknown>; help: { text: string; markdown: string } }>;
    const sev = Object.fromEntries(rules.map((r) => [r.id, Number(r.properties['security-severity'])]));
    expect(sev['axios-2026-03/affected']).toBeGreaterThanOrEqual(9);
    expect(sev['axios-2026-03/suspect']).toBeGreaterThanOrEqual(7);
    expect(sev['axios-2026-03/suspect']).toBeLessThan(9);
    expect(sev['sbom-hunt/unknown']).toBeGreaterThanOrEqual(4);
    expect(sev['sbom-hunt/unknown']).toBeLessThan(7);
    expect(SECURITY_SEVERITY).toEqual({ affected: '9.5', suspect: '7.0', unknown: '5.0' });
    const md = rules[0]!.help.markdown;
    expect(md).toContain('**What to do:**');
    expect(md).toContain('- <https://github.com/advisories/GHSA-fw8c-xr5c-95f9>');
    // Indicators are code spans: a C2 address must not become a live link.
    expect(md).toContain('`http://sfrclak.com:8000/6202033`');
  });

  it('executionSuccessful is false when anything is unknown or errored, true for a complete clean run', () => {
    const inv = sarifOf(sampleImages).runs[0].invocations[0];
    expect(inv.executionSuccessful).toBe(false);
    const texts = inv.toolExecutionNotifications.map((n: { level: string; message: { text: string } }) => `${n.level}: ${n.message.text}`);
    expect(texts).toContain('error: kube context prod-us: pods is forbidden: User "oncall" cannot list resource "pods"');
    expect(texts.some((t: string) => t.startsWith('warning: Could not check registry.internal:5000/legacy/batch:0.9'))).toBe(true);
    const clean = { version: '0.1.0', generatedAt: new Date(0) };
    expect(sarifOf([cleanImage], clean).runs[0].invocations[0].executionSuccessful).toBe(true);
    expect(sarifOf([cleanImage, unknownImage], clean).runs[0].invocations[0].executionSuccessful).toBe(false);
    expect(sarifOf([], clean).runs[0].invocations[0].executionSuccessful).toBe(false);
  });

  it('automationDetails.id: one category per shard, so one shard’s upload does not close another’s alerts', () => {
    const at = new Date('2026-04-01T06:00:00Z');
    expect(sarifOf([cleanImage], { version: '0.1.0', generatedAt: at }).runs[0].automationDetails.id).toBe('sbom-hunt/2026-04-01T06:00:00.000Z');
    const report = buildReport([cleanImage], sampleIocs, { version: '0.1.0', generatedAt: at, shard: { index: 1, count: 4 } });
    expect(automationId(report)).toBe('sbom-hunt/shard-1-of-4/2026-04-01T06:00:00.000Z');
  });

  it('keeps fingerprints stable across runs and distinct per image digest and rule', () => {
    const fp = (log: { runs: Array<{ results: SarifResult[] }> }) => log.runs[0]!.results.map((r) => r.partialFingerprints['sbomHuntFinding/v2']);
    const first = fp(sarifOf(sampleImages));
    expect(fp(sarifOf([...sampleImages].reverse()))).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    const rebuilt = { ...affectedImage, digest: 'sha256:' + 'f'.repeat(64) };
    expect(fp(sarifOf([rebuilt]))[0]).not.toBe(first[0]);
    expect(fingerprint('a/affected', { ref: 'r', digest: 'sha256:abc' })).not.toBe(fingerprint('a/suspect', { ref: 'r', digest: 'sha256:abc' }));
  });

  it('turns any ref into a relative URI reference with no scheme that decodes back to the ref (2,000 generated refs)', () => {
    expect(uriOf('registry.example.com/app@sha256:abc')).toBe('registry.example.com/app@sha256:abc');
    expect(uriOf('localhost:5000/x')).toBe('localhost%3A5000/x');
    expect(uriOf('127.0.0.1:39939/shop/app:affected')).toBe('127.0.0.1%3A39939/shop/app:affected');
    expect(uriOf('sboms/my image [v2].json')).toBe('sboms/my%20image%20%5Bv2%5D.json');
    expect(uriOf('100%/ünïcode#x')).toBe('100%25/%C3%BCn%C3%AFcode%23x');
    expect(uriOf('//host/x')).toBe('/%2Fhost/x');
    const generated = [...refs(1, 1000), ...refs(Number(process.env.SARIF_SEED ?? 7), 1000)];
    for (const ref of generated) {
      const uri = uriOf(ref);
      expect(relativeUriProblems(uri), ref).toEqual([]);
      expect(SCHEME.test(uri)).toBe(false);
      expect(decodeURIComponent(uri), JSON.stringify(ref)).toBe(wellFormed(ref));
    }
    // And as whole logs: generated refs as images of every verdict still validate and upload.
    const images = generated.slice(0, 60).map((ref, i) => ({ ...[affectedImage, unknownImage, cleanImage][i % 3]!, ref, digest: `sha256:${i.toString(16).padStart(64, '0')}` }));
    expectUploadable(sarifOf(images));
  });
});
