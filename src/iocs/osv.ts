// Decoder for OSV JSON records (osv.dev, ossf/malicious-packages): affected packages become IOCs.
import semver from 'semver';
import { z } from 'zod';
import { normalizeEcosystem } from '../match/ecosystem.js';
import type { Incident, IocPackage } from '../model/ioc.js';
import { idFromFile, toPackage, type IocDecoder } from './decoder.js';
import { issueToInputError, parseSource, type YamlSource } from './yaml-source.js';

/** OSV writes `null` as freely as it leaves a key out. */
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);

export const OsvRange = z.object({ type: z.string(), events: z.array(z.record(z.string(), z.string())) });
export type OsvRange = z.infer<typeof OsvRange>;

export const OsvRecord = z.object({
  schema_version: z.string().nullish(),
  id: z.string().nullish(),
  aliases: list(z.string()),
  summary: z.string().nullish(),
  published: z.string().nullish(),
  modified: z.string().nullish(),
  references: list(z.object({ type: z.string().nullish(), url: z.string() })),
  affected: z
    .array(
      z.object({
        package: z.object({ ecosystem: z.string().min(1), name: z.string().min(1) }),
        versions: list(z.string()),
        ranges: list(OsvRange),
      }),
    )
    .min(1, 'an OSV record used as IOCs needs affected packages'),
  database_specific: z
    .object({ iocs: z.object({ domains: list(z.string()), ips: list(z.string()), urls: list(z.string()) }).nullish() })
    .nullish(),
});
export type OsvRecord = z.infer<typeof OsvRecord>;

interface ConvertedRanges {
  ranges: string[];
  anyVersion: boolean;
  /** Ranges this build cannot compare (non-npm ECOSYSTEM ranges); said in the package notes. */
  uncompared: string[];
}

/** OSV events -> semver ranges. `introduced: 0` with no end means every version, as the GHSA malware records use it. */
function convertEvents(events: Record<string, string>[]): { ranges: string[]; anyVersion: boolean } {
  const ranges: string[] = [];
  let open: string | undefined;
  const close = (op: string, end: string) => {
    ranges.push(open === '0' ? `${op}${end}` : `>=${open} ${op}${end}`);
    open = undefined;
  };
  for (const e of events) {
    if (e['introduced'] !== undefined) open = e['introduced'];
    else if (open !== undefined && (e['fixed'] ?? e['limit']) !== undefined) close('<', (e['fixed'] ?? e['limit'])!);
    else if (open !== undefined && e['last_affected'] !== undefined) close('<=', e['last_affected']);
  }
  if (open !== undefined && open !== '0') ranges.push(`>=${open}`);
  return { ranges, anyVersion: open === '0' };
}

function convertRanges(src: YamlSource, ecosystem: string, ranges: OsvRange[], at: number): ConvertedRanges {
  const out: ConvertedRanges = { ranges: [], anyVersion: false, uncompared: [] };
  ranges.forEach((r, j) => {
    if (r.type === 'GIT') return;
    const { ranges: converted, anyVersion } = convertEvents(r.events);
    out.anyVersion ||= anyVersion;
    if (ecosystem !== 'npm') {
      out.uncompared.push(...converted);
      return;
    }
    for (const text of converted) {
      if (semver.validRange(text, { loose: true }) !== null) out.ranges.push(text);
      else throw issueToInputError(src, { code: 'custom', message: `range events do not form a semver range: ${text}`, path: ['affected', at, 'ranges', j], input: r });
    }
  });
  return out;
}

function toPackages(src: YamlSource, rec: OsvRecord, reference: string | undefined): IocPackage[] {
  return rec.affected.map((a, i) => {
    const ecosystem = normalizeEcosystem(a.package.ecosystem);
    const r = convertRanges(src, ecosystem, a.ranges, i);
    const notes = r.uncompared.length > 0 ? `OSV ranges not compared for ${ecosystem}: ${r.uncompared.join(', ')}` : undefined;
    return toPackage({ ecosystem, name: a.package.name, versions: a.versions, ranges: r.ranges, anyVersion: r.anyVersion, reference, notes });
  });
}

export const osvJson = {
  name: 'OSV JSON',
  identify(value) {
    if (!Array.isArray(value['affected']) || !('schema_version' in value || 'modified' in value)) return { kind: 'not-mine' };
    const v = value['schema_version'];
    if (typeof v === 'string' && !v.startsWith('1.')) return { kind: 'unsupported-version', field: 'schema_version', version: v, supported: 'OSV 1.x' };
    return { kind: 'mine' };
  },
  decode(src) {
    const rec = parseSource(OsvRecord, src);
    // Records imported into ossf/malicious-packages before consolidation carry an empty id.
    const id = rec.id || rec.aliases[0] || idFromFile(src.file);
    const advisory = rec.references.find((r) => r.type === 'ADVISORY')?.url;
    const reference = advisory ?? (rec.id ? `https://osv.dev/vulnerability/${rec.id}` : undefined);
    const iocs = rec.database_specific?.iocs;
    const incident: Incident = {
      id,
      title: rec.summary || id,
      references: rec.references.map((r) => r.url),
      aliases: rec.aliases,
      windows: [],
      packages: toPackages(src, rec, reference),
      indicators: iocs ? [...iocs.domains, ...iocs.ips, ...iocs.urls] : [],
      file: src.file,
    };
    const disclosed = rec.modified || rec.published;
    if (disclosed) incident.disclosed = disclosed;
    return [incident];
  },
} satisfies IocDecoder;
