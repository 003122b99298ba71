// Incidents -> sbom-hunt/v1 YAML text, the form `iocs import osv` writes and the loader reads back.
import { stringify } from 'yaml';
import type { Incident, IocPackage } from '../model/ioc.js';
import { IOC_API_VERSION, IocFileV1 } from './schema.js';

export interface WrittenIocs {
  text: string;
  incidents: number;
  /** Packages left out, and why: the v1 format cannot say "compare nothing", and they never match anyway. */
  dropped: string[];
}

function packageSpec(p: IocPackage): Record<string, unknown> {
  const spec: Record<string, unknown> = { ecosystem: p.ecosystem, name: p.name };
  if (p.versions.length > 0) spec['versions'] = p.versions;
  if (p.ranges.length > 0) spec['ranges'] = p.ranges;
  if (p.anyVersion) spec['anyVersion'] = true;
  if (p.integrity !== undefined && p.integrity.length > 0) spec['integrity'] = p.integrity;
  if (p.reference !== undefined) spec['reference'] = p.reference;
  if (p.notes !== undefined) spec['notes'] = p.notes;
  return spec;
}

function incidentSpec(inc: Incident, packages: IocPackage[]): Record<string, unknown> {
  const spec: Record<string, unknown> = { id: inc.id, title: inc.title };
  if (inc.disclosed !== undefined) spec['disclosed'] = inc.disclosed;
  if (inc.aliases.length > 0) spec['aliases'] = inc.aliases;
  if (inc.references.length > 0) spec['references'] = inc.references;
  if (inc.windows.length > 0) spec['windows'] = inc.windows.map((w) => ({ start: w.start.toISOString(), end: w.end.toISOString() }));
  if (inc.indicators.length > 0) spec['indicators'] = inc.indicators;
  if (inc.notes !== undefined) spec['notes'] = inc.notes;
  if (packages.length > 0) spec['packages'] = packages.map(packageSpec);
  if (inc.files !== undefined && inc.files.length > 0) spec['files'] = inc.files;
  if (inc.images !== undefined && inc.images.length > 0) spec['images'] = inc.images;
  return spec;
}

/**
 * The v1 YAML for these incidents, checked against the v1 schema before it is returned so that a
 * file this writes is always one the loader reads. `header` becomes a leading comment.
 */
export function incidentsToYaml(incidents: readonly Incident[], header: string): WrittenIocs {
  const dropped: string[] = [];
  const specs: Record<string, unknown>[] = [];
  for (const inc of incidents) {
    const usable = inc.packages.filter((p) => {
      const ok = p.anyVersion || p.versions.length > 0 || p.ranges.length > 0 || (p.integrity ?? []).length > 0;
      if (!ok) dropped.push(`${inc.id}: ${p.ecosystem}/${p.name} has no version the loader can compare (${p.notes ?? 'no versions'})`);
      return ok;
    });
    if (usable.length > 0 || (inc.files ?? []).length > 0 || (inc.images ?? []).length > 0) specs.push(incidentSpec(inc, usable));
    else dropped.push(`${inc.id}: left out, no package with comparable versions`);
  }
  const doc = { apiVersion: IOC_API_VERSION, incidents: specs };
  const checked = IocFileV1.safeParse(doc);
  if (!checked.success) throw new Error(`the YAML written would not load: ${checked.error.issues[0]?.message} at ${checked.error.issues[0]?.path.join('.')}`);
  const comment = header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n');
  return { text: `${comment}\n${stringify(doc, { lineWidth: 0 })}`, incidents: specs.length, dropped };
}
