// Incidents from many files -> one list: OSV records fold into the IOC YAML incident that names them.
import { InputError } from '../errors.js';
import { normalizePackageName } from '../match/names.js';
import { normalizeVersion } from '../match/versions.js';
import type { Incident, IocPackage } from '../model/ioc.js';
import { osvKeys } from './osv.js';

const union = <T>(a: readonly T[], b: readonly T[]): T[] => [...new Set([...a, ...b])];

/** Same ecosystem and name: one package, versions and ranges joined, the first one's reference and notes kept. */
function mergePackages(into: IocPackage[], more: readonly IocPackage[]): IocPackage[] {
  const out = into.map((p) => ({ ...p }));
  for (const p of more) {
    const same = out.find((q) => q.ecosystem === p.ecosystem && normalizePackageName(q.ecosystem, q.name) === normalizePackageName(p.ecosystem, p.name));
    if (!same) {
      out.push({ ...p });
      continue;
    }
    const seen = new Set(same.versions.map((v) => normalizeVersion(same.ecosystem, v)));
    same.versions = [...same.versions, ...p.versions.filter((v) => !seen.has(normalizeVersion(same.ecosystem, v)))];
    same.ranges = union(same.ranges, p.ranges);
    same.anyVersion ||= p.anyVersion;
  }
  return out;
}

/** `into` keeps its id, title, windows and notes; the other's ids become aliases. */
function absorb(into: Incident, other: Incident): void {
  into.aliases = union(into.aliases, [other.id, ...other.aliases]).filter((a) => a !== into.id);
  into.references = union(into.references, other.references);
  into.indicators = union(into.indicators, other.indicators);
  into.packages = mergePackages(into.packages, other.packages);
}

/** Union-find over the ids, aliases and source-report hashes of the OSV records. */
function clusters(records: Incident[]): Incident[][] {
  const parent = records.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const owner = new Map<string, number>();
  records.forEach((r, i) => {
    for (const key of osvKeys(r) ?? [r.id]) {
      const j = owner.get(key);
      if (j === undefined) owner.set(key, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, Incident[]>();
  records.forEach((r, i) => {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(r);
    else groups.set(root, [r]);
  });
  return [...groups.values()];
}

/**
 * An OSV record is its own incident unless a YAML incident names it: when a YAML incident's id or
 * aliases meet a record's id or aliases, that record, and the records tied to it by id, alias or
 * malicious-packages source report, fold into the YAML incident (packages merged, its window kept).
 * Two OSV records with one id (a tree and a zip of the same feed) are one incident. Two YAML
 * incidents with one id are an error: which window is right cannot be guessed.
 */
export function foldIncidents(incidents: readonly Incident[], onDuplicate?: (err: InputError, skipped: Incident) => void): Incident[] {
  const authored: Incident[] = [];
  const records: Incident[] = [];
  const byId = new Map<string, Incident>();
  for (const inc of incidents) {
    if (osvKeys(inc)) {
      records.push(inc);
      continue;
    }
    const other = byId.get(inc.id);
    if (other) {
      const err = new InputError(inc.file, `incident id ${inc.id} is also defined in ${other.file}`, undefined, 'id');
      if (!onDuplicate) throw err;
      // The first definition is hunted; the second is named as not loaded, and the run ends 2.
      onDuplicate(err, inc);
      continue;
    }
    byId.set(inc.id, inc);
    authored.push(inc);
  }
  // Without OSV records nothing folds: a 200,000-package YAML feed spent 70 ms on the table below for nothing.
  if (records.length === 0) return authored;
  // Each key to the first authored incident that names it, by its place in `out`.
  const named = new Map<string, number>();
  for (let i = authored.length - 1; i >= 0; i--) {
    const inc = authored[i]!;
    named.set(inc.id, i);
    for (const key of inc.aliases) named.set(key, i);
  }
  // An authored incident goes out as it came in unless a record folds into it: then as a copy, so folding never
  // changes what the decoder made (a 200,000-package YAML feed copied every incident and package for nothing).
  const out: Incident[] = [...authored];
  const copied = new Set<number>();
  for (const group of clusters(records)) {
    const at = group.flatMap((r) => [r.id, ...r.aliases]).map((k) => named.get(k)).find((i) => i !== undefined);
    if (at !== undefined) {
      if (!copied.has(at)) {
        const inc = out[at]!;
        out[at] = { ...inc, aliases: [...inc.aliases], packages: inc.packages.map((p) => ({ ...p })) };
        copied.add(at);
      }
      for (const r of group) absorb(out[at]!, r);
      continue;
    }
    // Almost every record of a bulk feed stands alone: it goes out as it is, uncopied.
    if (group.length === 1) {
      out.push(group[0]!);
      continue;
    }
    const byOwnId = new Map<string, Incident>();
    for (const r of group) {
      const first = byOwnId.get(r.id);
      if (first) absorb(first, r);
      else byOwnId.set(r.id, { ...r, aliases: [...r.aliases], packages: r.packages.map((p) => ({ ...p })) });
    }
    for (const inc of byOwnId.values()) out.push(inc);
  }
  return out;
}
