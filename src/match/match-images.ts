// Image indicators x what an image's names, digests, manifest and config say -> matches, with no layer read:
// by name, by manifest/index/config digest, and "built FROM": the image's layers begin with all of a
// compromised image's layers.
import { parseReference, type ImageReference } from '../adapters/oci/reference.js';
import type { Match } from '../model/finding.js';
import type { ImageIndicator, Incident } from '../model/ioc.js';
import type { ImageFacts } from '../model/target.js';

export interface ImageEntry {
  incident: Incident;
  indicator: ImageIndicator;
  ref?: ImageReference;
}

/** What is known of one platform's image: the names it was found by, every digest naming it, its manifest and config. */
export interface ImageSubject {
  refs: string[];
  digests: string[];
  facts?: ImageFacts;
}

export interface UncheckedImages {
  incident: string;
  indicators: string[];
  why: string;
}

export function buildImageEntries(incidents: readonly Incident[]): ImageEntry[] {
  return incidents.flatMap((incident) =>
    (incident.images ?? []).map((indicator) => {
      const ref = indicator.ref !== undefined ? tryParse(indicator.ref, false) : undefined;
      return { incident, indicator, ...(ref ? { ref } : {}) };
    }),
  );
}

function tryParse(text: string, defaultTag: boolean): ImageReference | undefined {
  try {
    return parseReference(text, { defaultTag });
  } catch {
    return undefined;
  }
}

export function describeImageIndicator(i: ImageIndicator): string {
  return i.ref ?? i.digests[0] ?? i.config ?? `layers ending ${i.layers.at(-1) ?? '?'}`;
}

function startsWith(list: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length > 0 && prefix.length <= list.length && prefix.every((d, i) => list[i] === d);
}

function nameMatch(want: ImageReference, refs: readonly ImageReference[], digests: ReadonlySet<string>): ImageReference | undefined {
  return refs.find(
    (r) =>
      r.registry === want.registry &&
      r.repository === want.repository &&
      (want.tag === undefined || want.tag === r.tag) &&
      (want.digest === undefined || want.digest === r.digest || digests.has(want.digest)),
  );
}

function match(e: ImageEntry, kind: Match['matchKind'], value: string, name: string, detail?: string): Match {
  const m: Match = { incident: e.incident.id, ecosystem: 'image', name, version: '', paths: [], matchedBy: 'image', matchKind: kind, iocVersion: value, inFinalFilesystem: true };
  if (detail !== undefined) m.detail = detail;
  const reference = e.indicator.reference ?? e.incident.references[0];
  if (reference !== undefined) m.reference = reference;
  return m;
}

/** The first field of the indicator that matches, most specific first. */
function firstHit(e: ImageEntry, s: ImageSubject, refs: ImageReference[], digests: Set<string>): Match | undefined {
  const i = e.indicator;
  const self = s.refs[0] ?? s.digests[0] ?? 'this image';
  const digest = i.digests.find((d) => digests.has(d)) ?? (i.config !== undefined && (digests.has(i.config) || s.facts?.config === i.config) ? i.config : undefined);
  if (digest !== undefined) return match(e, 'image-digest', digest, self, `it is ${i.ref ?? digest}`);
  const named = e.ref ? nameMatch(e.ref, refs, digests) : undefined;
  if (named && i.ref !== undefined) return match(e, 'image-name', i.ref, self);
  const facts = s.facts;
  if (facts && (startsWith(facts.layers, i.layers) || startsWith(facts.diffIds, i.layers))) {
    const base = i.ref ?? `an image whose top layer is ${i.layers.at(-1)}`;
    return match(e, 'base-image-layers', i.ref ?? i.layers.at(-1)!, self, `built FROM ${base}: its first ${i.layers.length} layer(s) are that image's`);
  }
  return undefined;
}

/**
 * Why an indicator could not be checked on this subject, or undefined when it could. Digests and layers name an
 * image's content: a source that gives neither cannot rule them out. A name is only how an image was deployed; a
 * nameless image (an SBOM file, a layout entry without a ref) simply does not match a `ref`-only indicator.
 */
function uncheckable(i: ImageIndicator, s: ImageSubject, _refs: ImageReference[], digests: Set<string>): string | undefined {
  const hasLayers = (s.facts?.layers.length ?? 0) + (s.facts?.diffIds.length ?? 0) > 0;
  if (i.layers.length > 0 && !hasLayers) return 'the source does not list the image layers, so a base image cannot be recognised';
  const wantsDigest = i.digests.length > 0 || i.config !== undefined;
  if (wantsDigest && digests.size === 0 && s.facts?.config === undefined && i.layers.length === 0) return 'the source names no digest of the image';
  return undefined;
}

export function matchImages(s: ImageSubject, entries: readonly ImageEntry[]): { matches: Match[]; unchecked: UncheckedImages[] } {
  const refs = s.refs.map((r) => tryParse(r, true)).filter((r): r is ImageReference => r !== undefined);
  const digests = new Set(s.digests);
  const matches: Match[] = [];
  const unchecked = new Map<string, UncheckedImages>();
  for (const e of entries) {
    const hit = firstHit(e, s, refs, digests);
    if (hit) {
      matches.push(hit);
      continue;
    }
    const why = uncheckable(e.indicator, s, refs, digests);
    if (why === undefined) continue;
    const u = unchecked.get(e.incident.id) ?? { incident: e.incident.id, indicators: [], why };
    u.indicators.push(describeImageIndicator(e.indicator));
    unchecked.set(e.incident.id, u);
  }
  return { matches, unchecked: [...unchecked.values()] };
}
