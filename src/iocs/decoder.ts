// The contract every IOC decoder meets, and the conversions the YAML decoders share.
import type { Incident, IocPackage, TimeWindow } from '../model/ioc.js';
import type { WindowSpec } from './schema.js';
import { parseIsoTime, readInterval } from './window.js';
import type { YamlSource } from './yaml-source.js';

/** `mine`, `not-mine` (as a value, not an exception), or a format it knows in a version it does not. */
export type Identified =
  | { kind: 'mine' }
  | { kind: 'not-mine' }
  | { kind: 'unsupported-version'; field: string; version: string; supported: string };

export interface IocDecoder {
  name: string;
  /** A cheap look at the parsed document's top-level keys; never throws. */
  identify(value: Record<string, unknown>): Identified;
  /** Validates and converts; throws InputError naming file, line and field. */
  decode(src: YamlSource): Incident[];
}

export function toWindow(w: WindowSpec, source: string): TimeWindow {
  if (typeof w !== 'string') return { start: parseIsoTime(w.start)!, end: parseIsoTime(w.end)!, source };
  const parsed = readInterval(w, source);
  if (typeof parsed === 'string') throw new Error(`unreachable: the schema accepted window ${w}`);
  return parsed;
}

/**
 * Copies only the model's fields, field by field (a rest and a spread cost a 200,000-package feed a tenth of its
 * decode), leaving optional ones out rather than set to undefined. `integrity` as the schemas read it: each value
 * written gives one or more normalised hashes.
 */
export function toPackage(
  p: Omit<IocPackage, 'reference' | 'notes' | 'integrity'> & { reference?: string | undefined; notes?: string | undefined; integrity?: readonly (readonly string[])[] },
): IocPackage {
  const out: IocPackage = { ecosystem: p.ecosystem, name: p.name, versions: p.versions, ranges: p.ranges, anyVersion: p.anyVersion };
  if (p.integrity !== undefined && p.integrity.length > 0) out.integrity = [...new Set(p.integrity.flat())];
  if (p.reference !== undefined) out.reference = p.reference;
  if (p.notes !== undefined) out.notes = p.notes;
  return out;
}

/** An incident id from a file name: `guide-axios.yaml` -> `guide-axios`. */
export function idFromFile(file: string): string {
  const base = file.split(/[\\/]/).at(-1) ?? file;
  return base.replace(/\.(ya?ml|json)$/i, '').replace(/[^A-Za-z0-9._:-]+/g, '-') || 'iocs';
}
