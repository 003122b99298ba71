// grype: `grype sbom:<file> -o json` over a syft SBOM, and the malware advisories among its matches.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { InputError } from '../errors.js';
import { runTool } from './exec.js';

export interface GrypeRunOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** One grype match on a malware advisory: corroborating evidence, never the verdict itself. */
export interface MalwareMatch {
  id: string;
  /** Other ids grype relates to it (a GHSA malware advisory's MAL- alias and back). */
  aliases: string[];
  package: string;
  version: string;
  purl?: string;
}

export interface GrypeReport {
  text: string;
  toolVersion?: string;
  malware: MalwareMatch[];
  matchCount: number;
}

/**
 * grype's JSON lists only packages that matched an advisory, so it is not an inventory; it runs over
 * syft's SBOM (read from a file), and what it adds is its own view of which advisories match.
 */
export async function runGrypeOnSbom(sbomText: string, opts: GrypeRunOptions): Promise<GrypeReport> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sbom-hunt-grype-'));
  try {
    const file = path.join(dir, 'sbom.syft.json');
    await writeFile(file, sbomText, { mode: 0o600 });
    const { stdout } = await runTool({
      tool: 'grype',
      args: [`sbom:${file}`, '-o', 'json', '-q'],
      env: { GRYPE_CHECK_FOR_APP_UPDATE: 'false' },
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
    });
    return { text: stdout, ...readGrypeReport(stdout, 'grype output') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const Vulnerability = lazySchema(() =>
  z.looseObject({ id: z.string(), description: z.string().nullish() }),
);

const GrypeOutput = lazySchema(() =>
  z.looseObject({
    descriptor: z.looseObject({ version: z.string().optional() }).optional(),
    matches: z.array(
      z.looseObject({
        vulnerability: Vulnerability,
        relatedVulnerabilities: z.array(Vulnerability).nullish(),
        artifact: z.looseObject({ name: z.string(), version: z.string().optional(), purl: z.string().optional() }),
      }),
    ),
  }),
);
type GrypeOutput = z.infer<typeof GrypeOutput>;

// OSV's malicious-packages ids, and the wording GitHub's malware advisories use.
const MALWARE_ID = /^MAL-\d{4}-\d+$/;
const MALWARE_TEXT = /\bmalware\b|\bmalicious (code|package|version)/i;

function isMalware(v: z.infer<typeof Vulnerability>): boolean {
  return MALWARE_ID.test(v.id) || MALWARE_TEXT.test(v.description ?? '');
}

/** Validates grype's JSON and picks out matches on malware advisories. Throws InputError on anything else. */
export function readGrypeReport(text: string, file: string): Omit<GrypeReport, 'text'> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new InputError(file, 'not JSON');
  }
  const parsed = GrypeOutput.safeParse(raw);
  if (!parsed.success) throw new InputError(file, `not a grype JSON report: ${parsed.error.issues[0]?.message ?? 'schema mismatch'}`);
  const doc: GrypeOutput = parsed.data;
  const malware: MalwareMatch[] = [];
  const seen = new Set<string>();
  for (const m of doc.matches) {
    const related = m.relatedVulnerabilities ?? [];
    if (!isMalware(m.vulnerability) && !related.some(isMalware)) continue;
    const version = m.artifact.version ?? '';
    const key = `${m.vulnerability.id}\0${m.artifact.name}\0${version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const aliases = [...new Set(related.map((r) => r.id).filter((id) => id !== m.vulnerability.id))];
    malware.push({ id: m.vulnerability.id, aliases, package: m.artifact.name, version, ...(m.artifact.purl ? { purl: m.artifact.purl } : {}) });
  }
  const toolVersion = doc.descriptor?.version;
  return { ...(toolVersion ? { toolVersion } : {}), malware, matchCount: doc.matches.length };
}
