// Stage 4b, pure: judged images x acknowledgements in force -> images whose acknowledged findings are marked, never dropped.
import { parseReference } from '../adapters/oci/reference.js';
import type { AppliedAcknowledgement, ImageResult, Match } from '../model/finding.js';
import type { IocSet } from '../model/ioc.js';
import { worstVerdict } from '../model/verdict.js';
import { findingFor } from '../report/incidents.js';
import type { Acknowledgement } from './model.js';

export interface ExpiredAcknowledgement {
  incident: string;
  image: string;
  who: string;
  expires: string;
  source: string;
}

export interface AckOutcome {
  images: ImageResult[];
  /** Entries past their date: not applied; every run says so until they are renewed or removed. */
  expired: ExpiredAcknowledgement[];
}

/** `registry/repository` as docker reads it (`nginx` is `docker.io/library/nginx`); a path stays itself. */
export function repositoryKey(ref: string): string {
  try {
    const r = parseReference(ref, { defaultTag: false });
    return `${r.registry}/${r.repository}`;
  } catch {
    return ref.replace(/\/+$/, '');
  }
}

function imageMatches(a: Acknowledgement, img: ImageResult): boolean {
  if (a.digest) {
    const digests = [img.digest, img.describes?.digest, ...img.platforms.map((p) => p.digest), /@(sha256:[0-9a-f]{64})$/.exec(img.ref)?.[1]];
    if (!digests.includes(a.digest)) return false;
  }
  if (a.repository) {
    const want = repositoryKey(a.repository);
    const names = [img.ref, ...(img.describes?.name ? [img.describes.name] : [])];
    if (!names.some((n) => n === a.repository || repositoryKey(n) === want)) return false;
  }
  return true;
}

function coversMatch(a: Acknowledgement, m: Match): boolean {
  if (a.indicator !== undefined) return m.name === a.indicator || m.reference === a.indicator || m.sha256 === a.indicator;
  if (!a.package) return true;
  const p = a.package;
  return m.name.toLowerCase() === p.name.toLowerCase() && (p.version === undefined || m.version === p.version) && (p.ecosystem === undefined || m.ecosystem.toLowerCase() === p.ecosystem);
}

/**
 * A finding is acknowledged when an unscoped entry covers it, or when every match behind it is covered by a
 * package or indicator entry and it is not also inside a window (a window needs an unscoped entry: no package says it).
 */
function acknowledgement(img: ImageResult, incident: string, acks: readonly Acknowledgement[]): Acknowledgement | undefined {
  const mine = acks.filter((a) => a.incident === incident && imageMatches(a, img));
  const whole = mine.find((a) => !a.package && a.indicator === undefined);
  if (whole) return whole;
  const matches = img.matches.filter((m) => m.incident === incident);
  const inWindow = img.windows.some((w) => w.incident === incident && w.outcome === 'inside');
  if (inWindow || matches.length === 0) return undefined;
  const covering = matches.map((m) => mine.find((a) => coversMatch(a, m)));
  return covering.every((a) => a !== undefined) ? covering[0] : undefined;
}

function applied(a: Acknowledgement, incident: string, was: 'affected' | 'suspect'): AppliedAcknowledgement {
  return { incident, was, reason: a.reason, who: a.who, ...(a.expires ? { expires: a.expires.toISOString().slice(0, 10) } : {}), source: a.source };
}

function acknowledgeImage(img: ImageResult, incidents: readonly string[], acks: readonly Acknowledgement[]): ImageResult {
  if (img.verdict !== 'affected' && img.verdict !== 'suspect') return img;
  const found = incidents.flatMap((id) => {
    const f = findingFor(img, id);
    return f ? [{ id, kind: f.kind, ack: acknowledgement(img, id, acks) }] : [];
  });
  const acked = found.flatMap((f) => (f.ack ? [applied(f.ack, f.id, f.kind)] : []));
  if (acked.length === 0) return img;
  const open = found.filter((f) => !f.ack).map((f) => f.kind);
  return { ...img, verdict: open.length > 0 ? worstVerdict(open) : 'acknowledged', acknowledged: acked };
}

/** An OpenVEX vulnerability may be named by an alias (a GHSA id): each entry is filed under the incident id. */
function byIncidentId(acks: readonly Acknowledgement[], iocs: IocSet): Acknowledgement[] {
  const ids = new Map<string, string>();
  for (const inc of iocs.incidents) for (const name of [inc.id, ...inc.aliases]) if (!ids.has(name)) ids.set(name, inc.id);
  return acks.map((a) => ({ ...a, incident: ids.get(a.incident) ?? a.incident }));
}

export function applyAcknowledgements(images: readonly ImageResult[], acks: readonly Acknowledgement[], iocs: IocSet, now: Date): AckOutcome {
  const all = byIncidentId(acks, iocs);
  const expired = all.filter((a) => a.expires && a.expires.getTime() < now.getTime());
  const active = all.filter((a) => !expired.includes(a));
  const incidents = [...new Set(images.flatMap((img) => [...img.matches, ...img.windows].map((x) => x.incident)))];
  return {
    images: active.length === 0 ? [...images] : images.map((img) => acknowledgeImage(img, incidents, active)),
    expired: expired.map((a) => ({ incident: a.incident, image: a.digest ?? a.repository ?? '?', who: a.who, expires: a.expires!.toISOString().slice(0, 10), source: a.source })),
  };
}
