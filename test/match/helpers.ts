// Small builders for matching tests: IOC sets and packages written inline, not loaded from disk.
import type { Incident, IocPackage, IocSet } from '../../src/model/ioc.js';
import type { Package } from '../../src/model/package.js';

export function ioc(ecosystem: string, name: string, versions: string[] = [], extra: Partial<IocPackage> = {}): IocPackage {
  return { ecosystem, name, versions, ranges: [], anyVersion: false, ...extra };
}

export function incident(id: string, packages: IocPackage[], extra: Partial<Incident> = {}): Incident {
  return { id, title: id, references: [], aliases: [], windows: [], packages, indicators: [], file: `${id}.yaml`, ...extra };
}

export function iocSet(...incidents: Incident[]): IocSet {
  return { incidents, files: incidents.map((i) => i.file) };
}

export function pkg(ecosystem: string, name: string, version: string, extra: Partial<Package> = {}): Package {
  return { ecosystem, name, version, paths: [], ...extra };
}
