// `sbom-hunt version` and `--version`: what an incident responder asks first: which tool, which Node, which feeds of which day.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EXIT, UsageError } from '../errors.js';
import { bundledIocDir, packageRoot, toolVersion } from '../version.js';
import type { RunIo } from './scan-command.js';

export interface FeedInfo {
  /** Path below the package root (`iocs/axios-2026-03.yaml`). */
  file: string;
  sha256: string;
  incidents: { id: string; disclosed?: string; windows: { start: string; end: string }[] }[];
}

export interface VersionInfo {
  tool: string;
  version: string;
  node: string;
  reportSchemaVersion: string;
  platform: string;
  feeds: FeedInfo[];
  /** Bundled feed files that did not load: named, never hidden. */
  feedErrors: string[];
}

export async function versionInfo(): Promise<VersionInfo> {
  // Loaded here, not at start-up: every other command keeps its start time. load.ts, not the iocs index: with the
  // feed unchanged since it was last compiled (the same cache a scan keeps), no decoder or schema is evaluated.
  const [{ loadIocs, iocLoadMessage }, { iocCacheDir }, { REPORT_SCHEMA_VERSION }] = await Promise.all([
    import('../iocs/load.js'),
    import('../iocs/compiled-cache.js'),
    import('../model/report-version.js'),
  ]);
  const feedErrors: string[] = [];
  const cacheDir = iocCacheDir();
  const set = await loadIocs([bundledIocDir()], (e) => feedErrors.push(iocLoadMessage(e)), cacheDir === undefined ? {} : { cacheDir });
  const root = packageRoot();
  const feeds: FeedInfo[] = [];
  for (const file of [...set.files].sort()) {
    const sha256 = createHash('sha256').update(await readFile(file)).digest('hex');
    const incidents = set.incidents
      .filter((i) => i.file === file)
      .map((i) => ({ id: i.id, ...(i.disclosed ? { disclosed: i.disclosed } : {}), windows: i.windows.map((w) => ({ start: w.start.toISOString(), end: w.end.toISOString() })) }));
    feeds.push({ file: path.relative(root, file), sha256, incidents });
  }
  return { tool: 'sbom-hunt', version: toolVersion(), node: process.versions.node, reportSchemaVersion: REPORT_SCHEMA_VERSION, platform: `${process.platform}/${process.arch}`, feeds, feedErrors };
}

export function versionText(v: VersionInfo): string {
  const lines = [`sbom-hunt ${v.version}`, `node       ${v.node} (${v.platform})`, `report     schema ${v.reportSchemaVersion}`];
  if (v.feeds.length === 0) lines.push('feeds      none bundled');
  for (const f of v.feeds) {
    lines.push(`feed       ${f.file} sha256:${f.sha256.slice(0, 12)}`);
    for (const i of f.incidents) {
      const windows = i.windows.map((w) => `${w.start}/${w.end}`).join(', ');
      lines.push(`  ${i.id}${i.disclosed ? `  disclosed ${i.disclosed}` : ''}${windows ? `  window ${windows}` : ''}`);
    }
  }
  for (const e of v.feedErrors) lines.push(`feed error ${e}`);
  return `${lines.join('\n')}\n`;
}

export async function runVersion(format: string, io: RunIo): Promise<number> {
  if (format !== 'text' && format !== 'json') throw new UsageError(`version: -f must be text or json, not ${format}`);
  const info = await versionInfo();
  io.stdout.write(format === 'json' ? `${JSON.stringify(info, null, 2)}\n` : versionText(info));
  return info.feedErrors.length > 0 ? EXIT.usage : EXIT.ok;
}
