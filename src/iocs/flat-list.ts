// Decoder for the flat `packages:` list published in the SBOM-monitoring guide, read unchanged.
import type { Incident } from '../model/ioc.js';
import { idFromFile, toPackage, toWindow, type IocDecoder } from './decoder.js';
import { fastFlatFile } from './fast-specs.js';
import { FlatIocFile } from './schema.js';
import { parseIsoTime } from './window.js';
import { parseSource } from './yaml-source.js';

/**
 * The whole file is one incident, named after the file. The guide gives each package its own
 * advisory URL even when they belong to one compromise, so grouping by reference would split it.
 */
export const flatGuideList = {
  name: 'flat package list',
  identify(value) {
    return 'apiVersion' in value || !('packages' in value) ? { kind: 'not-mine' } : { kind: 'mine' };
  },
  decode(src) {
    const flat = fastFlatFile(src.value) ?? parseSource(FlatIocFile, src);
    const id = idFromFile(src.file);
    // The latest date any entry gives (the last of them in the file on a tie, as a stable sort's last), each read once.
    let disclosed: string | undefined;
    let latest = -Infinity;
    const references = new Set<string>();
    for (const p of flat.packages) {
      if (p.reference) references.add(p.reference);
      if (p.disclosed === undefined) continue;
      const t = parseIsoTime(p.disclosed)!.getTime();
      if (t >= latest) [latest, disclosed] = [t, p.disclosed];
    }
    const incident: Incident = {
      id,
      title: `${id} (flat IOC list)`,
      references: [...references],
      aliases: [],
      windows: flat.window ? [toWindow(flat.window, src.file)] : [],
      packages: flat.packages.map((p) => toPackage(p)),
      indicators: [],
      file: src.file,
    };
    if (disclosed !== undefined) incident.disclosed = disclosed;
    return [incident];
  },
} satisfies IocDecoder;
