// Decoder for sbom-hunt's own versioned format: `apiVersion: sbom-hunt/v1` with `incidents:`.
import type { FileIndicator, ImageIndicator, Incident } from '../model/ioc.js';
import { toPackage, toWindow, type IocDecoder } from './decoder.js';
import { fastIncident, fastV1Incidents } from './fast-specs.js';
import { IOC_API_VERSION, IocFileV1, type FileIndicatorSpec, type ImageIndicatorSpec, type IncidentSpec } from './schema.js';
import { issueToInputError, parseSource, type YamlSource } from './yaml-source.js';

/** Leaves optional fields out rather than set to undefined, as the rest of the model does. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const toFile = (f: FileIndicatorSpec): FileIndicator => defined({ ...f });

function toImage(i: ImageIndicatorSpec): ImageIndicator {
  if (i.ref === undefined || !i.ref.includes('@')) return defined({ ...i });
  // `repo:tag@sha256:...` names the manifest too; `repo@sha256:...` names only the manifest.
  const [name, at] = i.ref.split('@') as [string, string];
  const tagged = name.lastIndexOf(':') > name.lastIndexOf('/');
  return defined({ ...i, ref: tagged ? name : undefined, digests: [...new Set([...i.digests, at])] });
}

function toIncident(spec: IncidentSpec, file: string): Incident {
  const windows = (spec.window ? [spec.window, ...spec.windows] : spec.windows).map((w) => toWindow(w, file));
  const incident: Incident = {
    id: spec.id,
    title: spec.title ?? spec.id,
    references: spec.references,
    aliases: spec.aliases,
    windows,
    packages: spec.packages.map((p) => toPackage(p)),
    indicators: spec.indicators,
    file,
  };
  if (spec.files.length > 0) incident.files = spec.files.map(toFile);
  if (spec.images.length > 0) incident.images = spec.images.map(toImage);
  if (spec.notes !== undefined) incident.notes = spec.notes;
  if (spec.disclosed !== undefined) incident.disclosed = spec.disclosed;
  return incident;
}

/**
 * The incidents, when fast-specs.ts finds every one plainly valid and no id repeated; else undefined, and zod reads
 * the file (and names its first error as it always did). Each is converted as soon as it is checked, so a 200,000-
 * record feed never holds the checked specs of every incident beside the parsed value and the incidents.
 */
function fastIncidents(src: YamlSource): Incident[] | undefined {
  const raw = fastV1Incidents(src.value);
  if (raw === undefined) return undefined;
  const seen = new Set<string>();
  const out: Incident[] = [];
  for (const r of raw) {
    const spec = fastIncident(r);
    if (spec === undefined || seen.has(spec.id)) return undefined;
    seen.add(spec.id);
    out.push(toIncident(spec, src.file));
  }
  return out;
}

export const sbomHuntV1 = {
  name: IOC_API_VERSION,
  identify(value) {
    const v = value['apiVersion'];
    if (typeof v !== 'string' || !v.startsWith('sbom-hunt/')) return { kind: 'not-mine' };
    return v === IOC_API_VERSION ? { kind: 'mine' } : { kind: 'unsupported-version', field: 'apiVersion', version: v, supported: IOC_API_VERSION };
  },
  decode(src) {
    const fast = fastIncidents(src);
    if (fast !== undefined) return fast;
    const file = parseSource(IocFileV1, src);
    const seen = new Set<string>();
    file.incidents.forEach((inc, i) => {
      if (seen.has(inc.id)) throw issueToInputError(src, { code: 'custom', message: `duplicate incident id ${inc.id}`, path: ['incidents', i, 'id'], input: inc.id });
      seen.add(inc.id);
    });
    return file.incidents.map((inc) => toIncident(inc, src.file));
  },
} satisfies IocDecoder;
