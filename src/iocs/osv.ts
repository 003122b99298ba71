// Decoder for OSV JSON records (osv.dev, ossf/malicious-packages): affected packages become IOCs.
import { purlLib } from '../formats/purl-lib.js';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { ecosystemProblem, NON_PACKAGE_ECOSYSTEMS, normalizeEcosystem } from '../match/ecosystem.js';
import type { Incident, IocPackage } from '../model/ioc.js';
import { idFromFile, toPackage, type IocDecoder } from './decoder.js';
import { fastOsvRecord } from './fast-osv.js';
import { looksLikeOsv } from './json-source.js';
import { convertRanges, OsvRange } from './osv-ranges.js';
import { issueToInputError, parseSource, type YamlSource } from './yaml-source.js';

export { OsvRange } from './osv-ranges.js';

/** OSV writes `null` as freely as it leaves a key out. */
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);

const OsvPackage = lazySchema(() =>
  z.object({ ecosystem: z.string().min(1).nullish(), name: z.string().min(1).nullish(), purl: z.string().min(1).nullish() }),
);

/** malicious-packages keeps each source report's hash; a consolidated MAL record lists the reports it merged. */
const Origin = lazySchema(() =>
  z.object({ source: z.string().nullish(), sha256: z.string().nullish() }),
);

export const OsvRecord = lazySchema(() =>
  z.object({
    schema_version: z.string().nullish(),
    id: z.string().nullish(),
    aliases: list(z.string()),
    summary: z.string().nullish(),
    published: z.string().nullish(),
    modified: z.string().nullish(),
    withdrawn: z.string().nullish(),
    references: list(z.object({ type: z.string().nullish(), url: z.string() })),
    affected: z
      .array(z.object({ package: OsvPackage.nullish(), versions: list(z.string()), ranges: list(OsvRange) }))
      .min(1, 'an OSV record used as IOCs needs affected packages'),
    database_specific: z
      .object({
        iocs: z.object({ domains: list(z.string()), ips: list(z.string()), urls: list(z.string()) }).nullish(),
        'malicious-packages-origins': list(Origin),
      })
      .nullish(),
  }),
);
export type OsvRecord = z.infer<typeof OsvRecord>;

/**
 * The ids an OSV incident answers to (its id, aliases and source-report hashes), kept out of the
 * shared model: only the loader's folding needs them. A non-enumerable symbol property, not a
 * WeakMap: 200,000 WeakMap entries made every garbage collection crawl, and spreads and deep
 * equality leave a non-enumerable property out, so folded copies carry none.
 */
const OSV_KEYS = Symbol('osv-keys');
type Keyed = Incident & { [OSV_KEYS]?: string[] };
export const osvKeys = (incident: Incident): string[] | undefined => (incident as Keyed)[OSV_KEYS];

/**
 * Drops the keys once the incidents are folded (load.ts): 200,000 records kept an array and a source-report
 * string each, 35 MiB, for nothing. Set to undefined, not deleted: a delete would turn each incident into a
 * slow dictionary object. A dropped incident reads as authored to a later fold, so only a load's own result.
 */
export function dropOsvKeys(incidents: readonly Incident[]): void {
  for (const inc of incidents) if ((inc as Keyed)[OSV_KEYS] !== undefined) (inc as Keyed)[OSV_KEYS] = undefined;
}

/** ecosystem and name, from the package fields or else from its purl (`pkg:npm/%40scope/name`). */
function packageName(src: YamlSource, p: z.infer<typeof OsvPackage>, at: number): { ecosystem: string; name: string } {
  if (p.ecosystem && p.name) {
    const problem = ecosystemProblem(p.ecosystem);
    if (problem !== undefined) throw issueToInputError(src, { code: 'custom', message: problem, path: ['affected', at, 'package', 'ecosystem'], input: p.ecosystem });
    return { ecosystem: normalizeEcosystem(p.ecosystem), name: p.name };
  }
  try {
    const purl = purlLib().PackageURL.fromString(p.purl ?? '');
    return { ecosystem: normalizeEcosystem(purl.type), name: purl.namespace ? `${purl.namespace}/${purl.name}` : purl.name };
  } catch {
    throw issueToInputError(src, { code: 'custom', message: 'a package needs ecosystem and name, or a purl', path: ['affected', at, 'package'], input: p });
  }
}

function toPackages(src: YamlSource, rec: OsvRecord, reference: string | undefined, passedOver: string[]): IocPackage[] {
  const out: IocPackage[] = [];
  rec.affected.forEach((a, i) => {
    // GIT-only entries name a repository and commits, nothing an SBOM lists.
    if (!a.package) return;
    const { ecosystem, name } = packageName(src, a.package, i);
    if (NON_PACKAGE_ECOSYSTEMS.has(ecosystem)) {
      passedOver.push(`${a.package.ecosystem ?? ecosystem}/${name}`);
      return;
    }
    const r = convertRanges(src, ecosystem, a.ranges, i, a.versions);
    const notes: string[] = [];
    if (r.uncompared.length > 0) notes.push(`OSV ranges not compared for ${ecosystem}: ${r.uncompared.join(', ')}`);
    // No versions and no ranges at all: OSV's way of saying the package itself is the IOC.
    const noVersionInfo = a.versions.length === 0 && a.ranges.length === 0;
    if (noVersionInfo) notes.push('the OSV record lists no versions: every version matches, by name alone');
    const anyVersion = r.anyVersion || noVersionInfo;
    out.push(toPackage({ ecosystem, name, versions: a.versions, ranges: r.ranges, anyVersion, reference, notes: notes.join('; ') || undefined }));
  });
  // A copy the size it holds: an array grown by push keeps room for 17, 150 bytes a record of a 200,000-record feed.
  if (out.length > 0) return out.slice();
  if (passedOver.length > 0) return out;
  throw issueToInputError(src, { code: 'custom', message: 'no affected entry names a package', path: ['affected'], input: rec.affected });
  return out;
}

/** The record's incident, or undefined when it names only what no image lists (a kernel tree, an Android build). Exported for the fast path's test. */
export function toIncident(src: YamlSource, rec: OsvRecord): Incident | undefined {
  // Records imported into ossf/malicious-packages before consolidation carry an empty id.
  const id = rec.id || rec.aliases[0] || idFromFile(src.file);
  const advisory = rec.references.find((r) => r.type === 'ADVISORY')?.url;
  const reference = advisory ?? (rec.id ? `https://osv.dev/vulnerability/${rec.id}` : undefined);
  const iocs = rec.database_specific?.iocs;
  const passedOver: string[] = [];
  const packages = toPackages(src, rec, reference, passedOver);
  if (packages.length === 0) return undefined;
  const incident: Incident = {
    id,
    title: rec.summary?.trim() || id,
    references: rec.references.map((r) => r.url),
    aliases: rec.aliases,
    windows: [],
    packages,
    indicators: iocs ? [...iocs.domains, ...iocs.ips, ...iocs.urls].filter((s) => s.trim() !== '') : [],
    file: src.file,
  };
  if (passedOver.length > 0) incident.notes = `passed over (no image lists packages of these ecosystems): ${passedOver.join(', ')}`;
  const disclosed = rec.modified || rec.published;
  if (disclosed) incident.disclosed = disclosed;
  const origins = (rec.database_specific?.['malicious-packages-origins'] ?? []).flatMap((o) => (o.sha256 ? [`origin:${o.source ?? ''}:${o.sha256}`] : []));
  // concat, not a spread: the array is as long as what it holds (a spread grows it by pushes, with room to spare).
  Object.defineProperty(incident, OSV_KEYS, { value: [id].concat(rec.aliases, origins), enumerable: false, writable: true });
  return incident;
}

export const osvJson = {
  name: 'OSV JSON',
  identify(value) {
    if (!looksLikeOsv(value)) return { kind: 'not-mine' };
    const v = value['schema_version'];
    if (typeof v === 'string' && !v.startsWith('1.')) return { kind: 'unsupported-version', field: 'schema_version', version: v, supported: 'OSV 1.x' };
    return { kind: 'mine' };
  },
  decode(src) {
    // A withdrawn record is an advisory its publisher took back: it names no IOC any more.
    const withdrawn = (src.value as { withdrawn?: unknown }).withdrawn;
    if (typeof withdrawn === 'string' && withdrawn !== '') return [];
    const incident = toIncident(src, fastOsvRecord(src.value) ?? parseSource(OsvRecord, src));
    return incident ? [incident] : [];
  },
} satisfies IocDecoder;
