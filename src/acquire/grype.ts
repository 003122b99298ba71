// Acquire with syft, then let grype read that SBOM: its matches on malware advisories become corroborating notes.
import { toolAvailability } from '../adapters/exec.js';
import { runGrypeOnSbom, type GrypeReport, type MalwareMatch } from '../adapters/grype.js';
import type { AcquiredPlatform } from '../model/target.js';
import type { Acquirer } from './acquirer.js';
import { notMine } from './acquirer.js';
import { scanWithSyft, syftDeclines, type SyftAcquireOptions } from './syft.js';
import { DEFAULT_TOOL_TIMEOUT_MS, toolFailure } from './tools.js';

/** A malware match as a line for the report's reasons. */
export function describeMalware(m: MalwareMatch): string {
  const aka = m.aliases.length ? ` (also ${m.aliases.join(', ')})` : '';
  return `grype: ${m.package}@${m.version} matches malware advisory ${m.id}${aka}`;
}

function withGrype(platform: AcquiredPlatform, report: GrypeReport): AcquiredPlatform {
  const ids = report.malware.map((m) => m.id);
  const syftDetail = platform.evidence?.detail ?? 'syft';
  return {
    ...platform,
    evidence: {
      kind: 'grype',
      ...(platform.evidence?.format ? { format: platform.evidence.format } : {}),
      detail:
        `${syftDetail}; grype ${report.toolVersion ?? '(version unknown)'}: ${report.matchCount} matches` +
        (ids.length ? `, malware advisories ${[...new Set(ids)].join(', ')}` : ', no malware advisories'),
    },
    notes: [...platform.notes, ...report.malware.map(describeMalware)],
  };
}

/**
 * Opt-in. grype's own JSON lists only packages with a known advisory, so it cannot stand for an
 * inventory: syft's SBOM is the inventory, and grype's view is added to it. A grype failure leaves the
 * inventory whole and says so in the notes.
 */
export function grypeAcquirer(opts: SyftAcquireOptions = {}): Acquirer {
  return {
    name: 'grype',
    async acquire(target, ctx) {
      const declined = syftDeclines(target);
      if (declined) return declined;
      if (!toolAvailability('grype').available) return notMine('grype not installed');
      const { outcome, scan } = await scanWithSyft(target, ctx, opts);
      if (!outcome.ok || !scan || outcome.image.errors.length > 0) return outcome;
      let report: GrypeReport;
      try {
        report = await runGrypeOnSbom(scan.text, { timeoutMs: opts.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      } catch (err) {
        const note = `${toolFailure('grype', err)} (inventory from syft only)`;
        const platforms = outcome.image.platforms.map((p) => ({ ...p, notes: [...p.notes, note] }));
        return { ok: true, image: { ...outcome.image, platforms } };
      }
      return { ok: true, image: { ...outcome.image, platforms: outcome.image.platforms.map((p) => withGrype(p, report)) } };
    },
  } satisfies Acquirer;
}
