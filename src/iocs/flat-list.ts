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
    const disclosed = flat.packages
      .map((p) => p.disclosed)
      .filter((d): d is string => d !== undefined)
      .sort((a, b) => parseIsoTime(a)!.getTime() - parseIsoTime(b)!.getTime())
      .at(-1);
    const incident: Incident = {
      id,
      title: `${id} (flat IOC list)`,
      references: [...new Set(flat.packages.flatMap((p) => (p.reference ? [p.reference] : [])))],
      aliases: [],
      windows: flat.window ? [toWindow(flat.window, src.file)] : [],
      packages: flat.packages.map(({ integrity, ...p }) => toPackage({ ...p, integrity: integrity.flat() })),
      indicators: [],
      file: src.file,
    };
    if (disclosed !== undefined) incident.disclosed = disclosed;
    return [incident];
  },
} satisfies IocDecoder;
