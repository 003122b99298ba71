// OSV records read without zod when every field is plainly valid: zod's walk and copy of each record was a third of
// a 200,000-record feed's decode, and most of the garbage its collector then spent another third on. The rules are
// OsvRecord's (osv.ts); anything it would refuse, or an event object that is not plain, gives undefined and the
// caller asks zod, which gives the error with its line.
// The answer may share the input's arrays and objects where zod would have made equal copies (a list of strings,
// a reference or an origin with keys zod strips): toIncident reads the fields zod keeps and nothing else.
// test/iocs/fast-osv.test.ts holds it to zod on generated and mutated records: the same incidents, or the same error.
import type { OsvRange, OsvRecord } from './osv.js';

type Obj = Record<string, unknown>;

/** What z.object takes: any object that is not an array. */
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `z.string().nullish()`. */
const nullishString = (v: unknown): v is string | null | undefined => v === undefined || v === null || typeof v === 'string';

/** `z.string().min(1).nullish()`. */
const nullishText = (v: unknown): v is string | null | undefined => v === undefined || v === null || (typeof v === 'string' && v !== '');

/** `list(z.string())`: the array itself when every item is a string (zod's copy would be equal), [] for null or absent. */
function strings(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return undefined;
  for (const s of v) if (typeof s !== 'string') return undefined;
  return v as string[];
}

/** `list(item)` of objects each `ok` by its rule; the input's objects kept. */
function objects<T>(v: unknown, ok: (o: Obj) => boolean): T[] | undefined {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return undefined;
  for (const o of v) if (!isObject(o) || !ok(o)) return undefined;
  return v as T[];
}

/**
 * `z.record(z.string(), z.string())` of a range event: a plain object of string values. An own `__proto__` key
 * (JSON.parse makes one) is kept here where zod's copy drops it; convertEvents reads four named keys, never that one.
 */
function plainEvent(e: unknown): boolean {
  if (!isObject(e) || Object.getPrototypeOf(e) !== Object.prototype) return false;
  for (const k of Object.keys(e)) if (typeof e[k] !== 'string') return false;
  return true;
}

/** OsvRange: `type` a string, `events` an array of plain events. */
const range = (r: Obj): boolean => typeof r['type'] === 'string' && Array.isArray(r['events']) && (r['events'] as unknown[]).every(plainEvent);

type Affected = OsvRecord['affected'][number];

function affectedEntry(a: unknown): Affected | undefined {
  if (!isObject(a)) return undefined;
  const p = a['package'];
  let pkg: Affected['package'];
  if (p === undefined || p === null) pkg = p;
  else if (isObject(p) && nullishText(p['ecosystem']) && nullishText(p['name']) && nullishText(p['purl'])) pkg = p as Affected['package'];
  else return undefined;
  const versions = strings(a['versions']);
  const ranges = objects<OsvRange>(a['ranges'], range);
  if (versions === undefined || ranges === undefined) return undefined;
  return { package: pkg, versions, ranges };
}

type DatabaseSpecific = OsvRecord['database_specific'];

function databaseSpecific(d: unknown): DatabaseSpecific | undefined | false {
  if (d === undefined || d === null) return d;
  if (!isObject(d)) return false;
  const i = d['iocs'];
  let iocs: NonNullable<DatabaseSpecific>['iocs'];
  if (i === undefined || i === null) iocs = i;
  else if (!isObject(i)) return false;
  else {
    const domains = strings(i['domains']);
    const ips = strings(i['ips']);
    const urls = strings(i['urls']);
    if (domains === undefined || ips === undefined || urls === undefined) return false;
    iocs = { domains, ips, urls };
  }
  const origins = objects<{ source?: string | null; sha256?: string | null }>(d['malicious-packages-origins'], (o) => nullishString(o['source']) && nullishString(o['sha256']));
  if (origins === undefined) return false;
  return { iocs, 'malicious-packages-origins': origins };
}

/** OsvRecord.parse's answer in the fields toIncident reads, or undefined when zod must decide. */
export function fastOsvRecord(v: unknown): OsvRecord | undefined {
  if (!isObject(v)) return undefined;
  const { schema_version, id, summary, published, modified, withdrawn } = v;
  if (!nullishString(schema_version) || !nullishString(id) || !nullishString(summary) || !nullishString(published) || !nullishString(modified) || !nullishString(withdrawn)) return undefined;
  const aliases = strings(v['aliases']);
  const references = objects<{ type?: string | null; url: string }>(v['references'], (r) => nullishString(r['type']) && typeof r['url'] === 'string');
  const raw = v['affected'];
  const database_specific = databaseSpecific(v['database_specific']);
  if (aliases === undefined || references === undefined || !Array.isArray(raw) || raw.length === 0 || database_specific === false) return undefined;
  const affected: Affected[] = [];
  for (const a of raw) {
    const entry = affectedEntry(a);
    if (entry === undefined) return undefined;
    affected.push(entry);
  }
  return { schema_version, id, aliases, summary, published, modified, withdrawn, references, affected, database_specific };
}
