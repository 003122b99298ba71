// IOC decoders: each says from the parsed value whether a file is its format, then turns it into incidents.
import path from 'node:path';
import type { z } from 'zod';
import { InputError } from '../errors.js';
import type { Incident, IocPackage, TimeWindow } from '../model/ioc.js';
import { FlatIocFile, IOC_API_VERSION, IocFileV1, type IncidentSpec, type WindowSpec } from './schema.js';
import { parseIsoTime, readInterval } from './window.js';
import { issueToInputError, lineOf, type YamlSource } from './yaml-source.js';

/** `mine`, `not-mine`, or the format is known but this version of it is not. */
export type Identified = { kind: 'mine' } | { kind: 'not-mine' } | { kind: 'unsupported-version'; version: string };

export interface IocDecoder {
  name: string;
  identify(value: Record<string, unknown>): Identified;
  decode(src: YamlSource): Incident[];
}

function parseWith<T>(schema: z.ZodType<T>, src: YamlSource): T {
  const r = schema.safeParse(src.value);
  // A misspelt key also shows as a missing one; naming the misspelling is the more useful message.
  if (!r.success) throw issueToInputError(src, r.error.issues.find((i) => i.code === 'unrecognized_keys') ?? r.error.issues[0]!);
  return r.data;
}

function toWindow(w: WindowSpec, source: string): TimeWindow {
  if (typeof w !== 'string') return { start: parseIsoTime(w.start)!, end: parseIsoTime(w.end)!, source };
  const parsed = readInterval(w, source);
  if (typeof parsed === 'string') throw new Error(`unreachable: schema accepted window ${w}`);
  return parsed;
}

function toPackage(p: Omit<IocPackage, 'reference' | 'notes'> & { reference?: string; notes?: string }): IocPackage {
  const out: IocPackage = { ecosystem: p.ecosystem, name: p.name, versions: p.versions, ranges: p.ranges, anyVersion: p.anyVersion };
  if (p.reference !== undefined) out.reference = p.reference;
  if (p.notes !== undefined) out.notes = p.notes;
  return out;
}

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

export const sbomHuntV1: IocDecoder = {
  name: IOC_API_VERSION,
  identify(value) {
    const v = value['apiVersion'];
    if (typeof v !== 'string' || !v.startsWith('sbom-hunt/')) return { kind: 'not-mine' };
    return v === IOC_API_VERSION ? { kind: 'mine' } : { kind: 'unsupported-version', version: v };
  },
  decode(src) {
    const file = parseWith(IocFileV1, src);
    const seen = new Set<string>();
    file.incidents.forEach((inc, i) => {
      if (seen.has(inc.id)) throw issueToInputError(src, { code: 'custom', message: `duplicate incident id ${inc.id}`, path: ['incidents', i, 'id'], input: inc.id });
      seen.add(inc.id);
    });
    return file.incidents.map((inc) => toIncident(inc, src.file));
  },
};

/** The flat list from the SBOM-monitoring guide: the whole file is one incident, named after the file. */
export const flatGuideList: IocDecoder = {
  name: 'flat package list',
  identify(value) {
    return 'apiVersion' in value || !('packages' in value) ? { kind: 'not-mine' } : { kind: 'mine' };
  },
  decode(src) {
    const flat = parseWith(FlatIocFile, src);
    const base = path.basename(src.file).replace(/\.(ya?ml|json)$/i, '');
    const disclosed = flat.packages
      .map((p) => p.disclosed)
      .filter((d): d is string => d !== undefined)
      .sort((a, b) => parseIsoTime(a)!.getTime() - parseIsoTime(b)!.getTime())
      .at(-1);
    const incident: Incident = {
      id: base.replace(/[^A-Za-z0-9._:-]+/g, '-') || 'iocs',
      title: `${base} (flat IOC list)`,
      references: [...new Set(flat.packages.flatMap((p) => (p.reference ? [p.reference] : [])))],
      aliases: [],
      windows: flat.window ? [toWindow(flat.window, src.file)] : [],
      packages: flat.packages.map(toPackage),
      indicators: [],
      file: src.file,
    };
    if (disclosed !== undefined) incident.disclosed = disclosed;
    return [incident];
  },
};

/** Tried in order; an OSV JSON decoder slots in here (it identifies by `schema_version` + `affected`). */
export const IOC_DECODERS = [sbomHuntV1, flatGuideList] as const satisfies readonly IocDecoder[];

export function decodeIocSource(src: YamlSource): Incident[] {
  const value = src.value as Record<string, unknown>;
  for (const decoder of IOC_DECODERS) {
    const id = decoder.identify(value);
    if (id.kind === 'mine') return decoder.decode(src);
    if (id.kind === 'unsupported-version') {
      throw new InputError(src.file, `apiVersion ${id.version} is not one this sbom-hunt reads (it reads ${IOC_API_VERSION})`, lineOf(src, ['apiVersion']), 'apiVersion');
    }
  }
  throw new InputError(src.file, `not an IOC format I know: expected \`apiVersion: ${IOC_API_VERSION}\` with \`incidents:\`, or a flat \`packages:\` list`);
}
