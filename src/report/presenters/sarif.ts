// SARIF 2.1.0 for GitHub code scanning: one result per image and incident, one per unknown image; rules in sarif-rules.
import { EVERY_INCIDENT } from '../../model/bulk.js';
import { createHash } from 'node:crypto';
import type { IncidentHit, IncidentPackage, Report, ReportIncident } from '../../model/report.js';
import { findingLabel, imageWhy, packageLabel, refLabel } from '../describe.js';
import type { Presenter } from './presenter.js';
import { isIncomplete } from '../completeness.js';
import { imageOf, workloadLabel } from './lookup.js';
import { incidentRule, levelOf, ruleId, unknownRule, UNKNOWN_RULE_ID, type SarifVerdict } from './sarif-rules.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
// package.json names no repository or homepage yet; the registry page is the one address the package name fixes.
const INFORMATION_URI = 'https://www.npmjs.com/package/sbom-hunt';
/** v2: one result per image and incident (v1 was per package), so an extra package does not open a new alert. */
const FINGERPRINT_KEY = 'sbomHuntFinding/v2';

type Json = Record<string, unknown>;

/** A lone surrogate cannot be UTF-8 encoded (encodeURIComponent throws): U+FFFD stands in, as String#toWellFormed does. */
export function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * An image ref as a relative URI reference that decodes back to the ref. Refs are not URIs: `localhost:5000/x`
 * would parse as scheme `localhost`, `//host/x` as an authority, spaces and `#` not at all. So everything outside
 * RFC 3986's unreserved, sub-delims, `:`, `@` and `/` is percent-encoded (`%` included), a `:` in the first
 * segment becomes `%3A` (RFC 3986 4.2: a relative path's first segment has no colon), and a leading `//` `/%2F`.
 */
export function uriOf(ref: string): string {
  const enc = wellFormed(ref).replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/gu, (ch) => encodeURIComponent(ch));
  const slash = enc.indexOf('/');
  const [head, rest] = slash < 0 ? [enc, ''] : [enc.slice(0, slash), enc.slice(slash)];
  const safe = head.replace(/:/g, '%3A') + rest;
  return safe.startsWith('//') ? `/%2F${safe.slice(2)}` : safe;
}

/** Stable across runs and machines: the same rule and image digest give the same fingerprint. */
export function fingerprint(rule: string, image: { ref: string; digest?: string | undefined }): string {
  return createHash('sha256')
    .update([rule, image.digest ?? image.ref].join('\0'))
    .digest('hex');
}

/** GitHub needs a region to place an alert; an image has no lines, so every result sits on line 1 of its ref. */
function physicalLocation(ref: string): Json {
  return { artifactLocation: { uri: uriOf(ref) }, region: { startLine: 1 } };
}

function location(ref: string, pkgs: readonly IncidentPackage[]): Json {
  const logical = pkgs.map((p) => ({ name: packageLabel(p), fullyQualifiedName: `${p.ecosystem}:${packageLabel(p)}`, kind: 'module' }));
  return { physicalLocation: physicalLocation(ref), ...(logical.length > 0 ? { logicalLocations: logical } : {}) };
}

function packagePhrase(p: IncidentPackage): string {
  const at = p.paths.length > 0 && p.ecosystem !== 'file' ? ` at ${p.paths.join(', ')}` : '';
  const detail = p.detail && p.ecosystem === 'image' ? ` (${p.detail})` : '';
  return `${findingLabel(p)}${at}${detail}`;
}

function hitText(inc: ReportIncident, hit: IncidentHit, verdict: 'affected' | 'suspect'): string {
  if (verdict === 'affected') return `Affected (${inc.id}): ${refLabel(hit)} contains ${hit.packages.map(packagePhrase).join('; ')}.`;
  const had = hit.packages.length > 0 ? ` Deleted or cached: ${hit.packages.map(packagePhrase).join('; ')}.` : '';
  return `Suspect (${inc.id}): ${refLabel(hit)}: ${hit.why}.${had}`;
}

function hitResult(report: Report, inc: ReportIncident, hit: IncidentHit, verdict: 'affected' | 'suspect', ruleIndex: number): Json {
  const id = ruleId(inc.id, verdict);
  const workloads = (imageOf(report, hit)?.workloads ?? []).map(workloadLabel);
  return {
    ruleId: id,
    ruleIndex,
    level: levelOf(verdict),
    message: { text: hitText(inc, hit, verdict) },
    locations: [location(hit.ref, hit.packages)],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(id, hit) },
    properties: {
      verdict,
      incident: inc.id,
      image: hit.ref,
      ...(hit.digest ? { digest: hit.digest } : {}),
      ...(hit.describes ? { describes: hit.describes } : {}),
      workloads,
      packages: hit.packages.map((p) => ({ ecosystem: p.ecosystem, name: p.name, version: p.version, paths: p.paths, inFinalFilesystem: p.inFinalFilesystem, ...(p.matchKind ? { matchKind: p.matchKind } : {}), ...(p.detail ? { detail: p.detail } : {}) })),
    },
  };
}

/**
 * An acknowledged finding keeps its rule and fingerprint (the same alert), with a SARIF suppression saying who
 * accepted it and why, so a dashboard shows it dismissed rather than fixed.
 */
function acknowledgedResult(report: Report, inc: ReportIncident, hit: IncidentHit, i: number): Json {
  const was = hit.acknowledgement?.was ?? 'suspect';
  const base = hitResult(report, inc, hit, was, was === 'affected' ? 2 * i : 2 * i + 1);
  const a = hit.acknowledgement;
  const justification = a ? `${a.reason} (${a.who}${a.expires ? `, until ${a.expires}` : ''}; ${a.source})` : 'acknowledged';
  return {
    ...base,
    // `status` is left out: the final 2.1.0 text calls it `status`, the committee schema `state`; absent, a
    // suppression is in effect for both (and for GitHub and GitLab). Its value goes in the property bag.
    suppressions: [{ kind: 'external', justification, properties: { status: 'accepted', ...(a ? { who: a.who, source: a.source, ...(a.expires ? { expires: a.expires } : {}) } : {}) } }],
    properties: { ...(base.properties as Json), verdict: 'acknowledged', acknowledgement: a },
  };
}

function unknownResults(report: Report, ruleIndex: number): Json[] {
  return report.images
    .filter((img) => img.verdict === 'unknown')
    .map((img) => ({
      ruleId: UNKNOWN_RULE_ID,
      ruleIndex,
      level: levelOf('unknown'),
      message: { text: `Unknown: ${refLabel(img)} could not be checked: ${imageWhy(img)}.` },
      locations: [location(img.ref, [])],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(UNKNOWN_RULE_ID, img) },
      properties: {
        verdict: 'unknown' satisfies SarifVerdict,
        image: img.ref,
        ...(img.digest ? { digest: img.digest } : {}),
        ...(img.kind ? { kind: img.kind } : {}),
        ...(img.describes ? { describes: img.describes } : {}),
        workloads: img.workloads.map(workloadLabel),
        reasons: img.reasons,
      },
    }));
}

/**
 * An image affected or suspect for one incident but not checked for another (an SBOM listing no files against a
 * file indicator): one unknown result per such incident, so code scanning shows the gap and not only the finding.
 */
function uncheckedResults(report: Report, ruleIndex: number): Json[] {
  return report.images.flatMap((img) =>
    img.verdict === 'unknown'
      ? []
      : (img.unchecked ?? []).map((u) => ({
          ruleId: UNKNOWN_RULE_ID,
          ruleIndex,
          level: levelOf('unknown'),
          message: { text: u.incident === EVERY_INCIDENT ? `Unknown for every incident it has no finding for: ${refLabel(img)} was not fully checked: ${u.why}.` : `Unknown for ${u.incident}: ${refLabel(img)} was not checked for it: ${u.why}.` },
          locations: [location(img.ref, [])],
          partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(`${UNKNOWN_RULE_ID}\0${u.incident}`, img) },
          properties: {
            verdict: 'unknown' satisfies SarifVerdict,
            incident: u.incident,
            image: img.ref,
            ...(img.digest ? { digest: img.digest } : {}),
            ...(img.describes ? { describes: img.describes } : {}),
            workloads: img.workloads.map(workloadLabel),
            reasons: [u.why],
          },
        })),
  );
}

/** Rules in a fixed order (per incident: affected, suspect; then unknown) so each result's ruleIndex is its rule's place. */
function rulesAndResults(report: Report): { rules: Json[]; results: Json[] } {
  const rules = report.incidents.flatMap((inc) => [incidentRule(inc, 'affected'), incidentRule(inc, 'suspect')]);
  rules.push(unknownRule());
  const results = report.incidents.flatMap((inc, i) => [
    ...inc.affected.map((hit) => hitResult(report, inc, hit, 'affected', 2 * i)),
    ...inc.suspect.map((hit) => hitResult(report, inc, hit, 'suspect', 2 * i + 1)),
    ...inc.acknowledged.map((hit) => acknowledgedResult(report, inc, hit, i)),
  ]);
  return { rules, results: [...results, ...unknownResults(report, rules.length - 1), ...uncheckedResults(report, rules.length - 1)] };
}

/** Unknown images and scan problems also go in as notifications: a dashboard must not read "no results" as clean. */
function invocation(report: Report): Json {
  const notes = [
    ...report.errors.map((e) => ({ level: 'error', message: { text: e } })),
    ...report.images
      .filter((img) => img.verdict === 'unknown')
      .map((img) => ({
        level: 'warning',
        message: { text: `Could not check ${refLabel(img)}${img.digest ? ` (${img.digest})` : ''}: ${imageWhy(img)}` },
        locations: [{ physicalLocation: physicalLocation(img.ref) }],
        properties: { ...(img.digest ? { digest: img.digest } : {}), ...(img.describes ? { describes: img.describes } : {}), platformDigests: img.platforms.flatMap((p) => (p.digest ? [p.digest] : [])), ...(img.kind ? { kind: img.kind } : {}) },
      })),
  ];
  // Incomplete (an image unread, a source not enumerated, nothing looked at) is not a successful execution.
  return { executionSuccessful: !isIncomplete(report), endTimeUtc: report.generatedAt, toolExecutionNotifications: notes };
}

/**
 * Code scanning keeps one analysis per category (everything before the last `/`) and replaces it on the next
 * upload: each shard is a category of its own, or uploading shard 2 would close shard 1's alerts.
 */
export function automationId(report: Report): string {
  const shard = report.shard ? `shard-${report.shard.index}-of-${report.shard.count}/` : '';
  return `sbom-hunt/${shard}${report.generatedAt}`;
}

export const sarifPresenter: Presenter = (report, out) => {
  const { rules, results } = rulesAndResults(report);
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: report.tool.name, version: report.tool.version, ...(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/.test(report.tool.version) ? { semanticVersion: report.tool.version } : {}), informationUri: INFORMATION_URI, rules } },
        automationDetails: { id: automationId(report) },
        invocations: [invocation(report)],
        results,
        properties: { reportSchemaVersion: report.schemaVersion, summary: report.summary },
      },
    ],
  };
  out.write(JSON.stringify(log, null, 2) + '\n');
};
