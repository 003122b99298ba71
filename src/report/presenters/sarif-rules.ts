// SARIF rules for code scanning: one per incident and verdict, plus one for images that could not be checked.
import type { ReportIncident } from '../../model/report.js';
import { windowLabel } from '../describe.js';
import { code, escapeMarkdown } from './markdown.js';

type Json = Record<string, unknown>;
export type SarifVerdict = 'affected' | 'suspect' | 'unknown';

/**
 * GitHub code scanning reads `security-severity` (a number 0.0-10.0 as a string) from the rule and shows
 * critical at 9.0 and over, high 7.0-8.9, medium 4.0-6.9. An indicator in the final filesystem is critical;
 * built inside a window or a deleted layer is high (it needs a person); an image not read is medium: it is
 * not clean, but nothing was found either.
 */
export const SECURITY_SEVERITY: Record<SarifVerdict, string> = { affected: '9.5', suspect: '7.0', unknown: '5.0' };
const LEVEL: Record<SarifVerdict, 'error' | 'warning'> = { affected: 'error', suspect: 'warning', unknown: 'warning' };
const PRECISION: Record<SarifVerdict, string> = { affected: 'very-high', suspect: 'medium', unknown: 'low' };

/** The rule an unknown image's result points at: unknown is not per incident, nothing was read to judge. */
export const UNKNOWN_RULE_ID = 'sbom-hunt/unknown';

export function ruleId(incident: string, verdict: 'affected' | 'suspect'): string {
  return `${incident}/${verdict}`;
}

const MEANING = {
  affected: 'An indicator of this incident is in the image’s final filesystem: whatever runs this image runs the compromised code.',
  suspect:
    'No indicator is in the final filesystem, but the image was built inside the compromise window, or a layer that a later layer deleted held an indicator: the build ran the compromised code.',
};
const TODO = {
  affected: 'Stop or contain the workloads that run it, rotate every secret they could read, and rebuild from a clean lockfile.',
  suspect: 'Check the build: what it installed during the window, and which secrets the build could read. Rebuild and rotate if in doubt.',
};

function httpUri(s: string): string | undefined {
  if (!/^https?:\/\//i.test(s)) return undefined;
  try {
    return new URL(s).href;
  } catch {
    return undefined;
  }
}

function sentence(s: string): string {
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

function helpMarkdown(inc: ReportIncident, verdict: 'affected' | 'suspect', window: string): string {
  const refs = inc.references.map((r) => (httpUri(r) ? `- <${httpUri(r)}>` : `- ${escapeMarkdown(r)}`));
  return [
    `**${escapeMarkdown(inc.title)}** (${code(inc.id)}): ${verdict}`,
    '',
    MEANING[verdict],
    '',
    ...(window ? [`- **Compromise window:** ${escapeMarkdown(window)}`] : []),
    ...(inc.aliases.length > 0 ? [`- **Aliases:** ${inc.aliases.map(escapeMarkdown).join(', ')}`] : []),
    ...(inc.indicators.length > 0 ? [`- **Indicators:** ${inc.indicators.map(code).join(', ')}`] : []),
    ...(inc.notes ? [`- **Notes:** ${escapeMarkdown(inc.notes)}`] : []),
    '',
    `**What to do:** ${TODO[verdict]}`,
    ...(refs.length > 0 ? ['', '**References:**', ...refs] : []),
  ].join('\n');
}

function properties(verdict: SarifVerdict, extra: Json = {}): Json {
  return { tags: ['security', 'supply-chain', verdict], precision: PRECISION[verdict], 'security-severity': SECURITY_SEVERITY[verdict], ...extra };
}

export function incidentRule(inc: ReportIncident, verdict: 'affected' | 'suspect'): Json {
  const window = inc.windows.map(windowLabel).join(', ');
  const fullText = [sentence(inc.title), window ? `Compromise window: ${window}.` : '', inc.notes ?? ''].filter(Boolean).join(' ');
  const helpUri = inc.references.map(httpUri).find((u) => u !== undefined);
  return {
    id: ruleId(inc.id, verdict),
    name: `${verdict === 'affected' ? 'Affected' : 'Suspect'}By${inc.id.replace(/[^A-Za-z0-9]+/g, '_')}`,
    shortDescription: { text: `${inc.title} (${verdict})` },
    fullDescription: { text: `${fullText} ${MEANING[verdict]}` },
    help: { text: [fullText, MEANING[verdict], `What to do: ${TODO[verdict]}`, ...inc.references].join('\n'), markdown: helpMarkdown(inc, verdict, window) },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: LEVEL[verdict] },
    properties: properties(verdict, { incident: inc.id, aliases: inc.aliases, indicators: inc.indicators }),
  };
}

const UNKNOWN_TEXT =
  'sbom-hunt could not read this image (or source) fully, so it cannot say whether it is affected. Unknown is not clean.';
const UNKNOWN_TODO = 'Read the reason in the alert, fix access or input, and scan again; until then treat the workloads that run it as unchecked.';

export function unknownRule(): Json {
  return {
    id: UNKNOWN_RULE_ID,
    name: 'ImageNotChecked',
    shortDescription: { text: 'Image could not be checked (unknown)' },
    fullDescription: { text: UNKNOWN_TEXT },
    help: { text: `${UNKNOWN_TEXT}\nWhat to do: ${UNKNOWN_TODO}`, markdown: `**Image could not be checked**\n\n${UNKNOWN_TEXT}\n\n**What to do:** ${UNKNOWN_TODO}` },
    defaultConfiguration: { level: LEVEL.unknown },
    properties: properties('unknown'),
  };
}

export function levelOf(verdict: SarifVerdict): 'error' | 'warning' {
  return LEVEL[verdict];
}
