// Decoder for sbom-hunt's own versioned format: `apiVersion: sbom-hunt/v1` with `incidents:`.
import type { Incident } from '../model/ioc.js';
import { toPackage, toWindow, type IocDecoder } from './decoder.js';
import { IOC_API_VERSION, IocFileV1, type IncidentSpec } from './schema.js';
import { issueToInputError, parseSource } from './yaml-source.js';

function toIncident(spec: IncidentSpec, file: string): Incident {
  const windows = [...(spec.window ? [spec.window] : []), ...spec.windows].map((w) => toWindow(w, file));
  const incident: Incident = {
    id: spec.id,
    title: spec.title ?? spec.id,
    references: spec.references,
    aliases: spec.aliases,
    windows,
    packages: spec.packages.map(toPackage),
    indicators: spec.indicators,
    file,
  };
  if (spec.notes !== undefined) incident.notes = spec.notes;
  if (spec.disclosed !== undefined) incident.disclosed = spec.disclosed;
  return incident;
}

export const sbomHuntV1 = {
  name: IOC_API_VERSION,
  identify(value) {
    const v = value['apiVersion'];
    if (typeof v !== 'string' || !v.startsWith('sbom-hunt/')) return { kind: 'not-mine' };
    return v === IOC_API_VERSION ? { kind: 'mine' } : { kind: 'unsupported-version', field: 'apiVersion', version: v, supported: IOC_API_VERSION };
  },
  decode(src) {
    const file = parseSource(IocFileV1, src);
    const seen = new Set<string>();
    file.incidents.forEach((inc, i) => {
      if (seen.has(inc.id)) throw issueToInputError(src, { code: 'custom', message: `duplicate incident id ${inc.id}`, path: ['incidents', i, 'id'], input: inc.id });
      seen.add(inc.id);
    });
    return file.incidents.map((inc) => toIncident(inc, src.file));
  },
} satisfies IocDecoder;
