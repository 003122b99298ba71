// SARIF 2.1.0 for code-scanning dashboards: one rule per incident, one result per (image, package) in its blast radius.
import { createHash } from 'node:crypto';
import type { IncidentHit, IncidentPackage, Report, ReportIncident } from '../../model/report.js';
import { imageWhy, packageLabel, refLabel, windowLabel } from '../describe.js';
import type { Presenter } from './presenter.js';
import { isIncomplete } from '../completeness.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
// package.json names no repository or homepage yet; the registry page is the one address the package name fixes.
const INFORMATION_URI = 'https://www.npmjs.com/package/sbom-hunt';
const FINGERPRINT_KEY = 'sbomHuntFinding/v1';

type Json = Record<string, unknown>;

/**
 * An image ref as a URI reference. Refs are not URIs (`host:5000/app:1`, SBOM paths with spaces), so every
 * character outside RFC 3986's unreserved, sub-delims, `:`, `@` and `/` is percent-encoded.
 */
export function uriOf(ref: string): string {
  return ref.replace(/%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/gu, (ch) => encodeURIComponent(ch));
}

/** Stable across runs and machines: the same incident, package and image digest give the same fingerprint. */
export function fingerprint(incident: string, pkg: { ecosystem: string; name: string; version: string } | undefined, image: IncidentHit): string {
  const what = pkg ? [pkg.ecosystem, pkg.name, pkg.version] : ['built-in-window'];
  return createHash('sha256')
    .update([incident, ...what, image.digest ?? image.ref].join('\0'))
    .digest('hex');
}

function httpUri(s: string): string | undefined {
  if (!/^https?:\/\//i.test(s)) return undefined;
  try {
    return new URL(s).href;
  } catch {
    return undefined;
  }
}

function rule(inc: ReportIncident): Json {
  const window = inc.windows.map(windowLabel).join(', ');
  const title = /[.!?]$/.test(inc.title) ? inc.title : `${inc.title}.`;
  const fullText = [title, window ? `Compromise window: ${window}.` : '', inc.notes ?? ''].filter(Boolean).join(' ');
  const helpUri = inc.references.map(httpUri).find((u) => u !== undefined);
  return {
    id: inc.id,
    shortDescription: { text: inc.title },
    fullDescription: { text: fullText },
    help: { text: [fullText, ...inc.references].join('\n') },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['security', 'supply-chain'], aliases: inc.aliases, indicators: inc.indicators },
  };
}

function location(hit: IncidentHit, pkg: IncidentPackage | undefined): Json {
  const physicalLocation = { artifactLocation: { uri: uriOf(hit.ref) } };
  if (!pkg) return { physicalLocation };
  const logical = { name: packageLabel(pkg), fullyQualifiedName: `${pkg.ecosystem}:${packageLabel(pkg)}`, kind: 'module' };
  return { physicalLocation, logicalLocations: [logical] };
}

function result(inc: ReportIncident, ruleIndex: number, hit: IncidentHit, kind: 'affected' | 'suspect', pkg?: IncidentPackage): Json {
  const where = pkg && pkg.paths.length > 0 ? ` at ${pkg.paths.join(', ')}` : '';
  const text = !pkg
    ? `Suspect: ${refLabel(hit)} — ${hit.why}.`
    : kind === 'affected'
      ? `Affected: ${refLabel(hit)} contains ${pkg.ecosystem} ${packageLabel(pkg)} (${inc.id})${where}.`
      : `Suspect: ${refLabel(hit)} had ${pkg.ecosystem} ${packageLabel(pkg)} (${inc.id})${where}: ${hit.why}.`;
  return {
    ruleId: inc.id,
    ruleIndex,
    level: kind === 'affected' ? 'error' : 'warning',
    message: { text },
    locations: [location(hit, pkg)],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(inc.id, pkg, hit) },
    properties: {
      verdict: kind,
      image: hit.ref,
      ...(hit.digest ? { digest: hit.digest } : {}),
      ...(hit.describes ? { describes: hit.describes } : {}),
      ...(pkg ? { ecosystem: pkg.ecosystem, package: pkg.name, version: pkg.version, packagePaths: pkg.paths, inFinalFilesystem: pkg.inFinalFilesystem } : {}),
    },
  };
}

function results(report: Report): Json[] {
  return report.incidents.flatMap((inc, i) => [
    ...inc.affected.flatMap((hit) => hit.packages.map((p) => result(inc, i, hit, 'affected', p))),
    // A window-only suspect has no package, so it gets one result for the image itself.
    ...inc.suspect.flatMap((hit) => (hit.packages.length > 0 ? hit.packages.map((p) => result(inc, i, hit, 'suspect', p)) : [result(inc, i, hit, 'suspect')])),
  ]);
}

/** Unknown images and scan problems go in as notifications: a dashboard must not read "no results" as clean. */
function invocation(report: Report): Json {
  const notes = [
    ...report.errors.map((e) => ({ level: 'error', message: { text: e } })),
    ...report.images
      .filter((img) => img.verdict === 'unknown')
      .map((img) => ({
        level: 'warning',
        message: { text: `Could not check ${refLabel(img)}${img.digest ? ` (${img.digest})` : ''}: ${imageWhy(img)}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(img.ref) } } }],
        properties: { ...(img.digest ? { digest: img.digest } : {}), ...(img.describes ? { describes: img.describes } : {}), platformDigests: img.platforms.flatMap((p) => (p.digest ? [p.digest] : [])), ...(img.kind ? { kind: img.kind } : {}) },
      })),
  ];
  // Incomplete (an image unread, a source not enumerated, nothing looked at) is not a successful execution.
  return { executionSuccessful: !isIncomplete(report), endTimeUtc: report.generatedAt, toolExecutionNotifications: notes };
}

export const sarifPresenter: Presenter = (report, out) => {
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: report.tool.name, version: report.tool.version, informationUri: INFORMATION_URI, rules: report.incidents.map(rule) } },
        invocations: [invocation(report)],
        results: results(report),
        properties: { reportSchemaVersion: report.schemaVersion, summary: report.summary },
      },
    ],
  };
  out.write(JSON.stringify(log, null, 2) + '\n');
};
