// The name filter in front of a large ecosystem map: it may say "maybe" for a name no IOC lists (the map then
// answers), never "no" for one it holds. lookupEntries with the filter must answer exactly as the map alone does.
import { describe, expect, it } from 'vitest';
import { buildIocIndex, lookupEntries, NameFilter } from '../../src/match/ioc-index.js';
import type { Incident } from '../../src/model/ioc.js';
import { seeded } from '../helpers/random.js';

const randomName = (r: () => number): string => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-._@/ÄéЖ';
  return Array.from({ length: 1 + Math.floor(r() * 14) }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
};

describe('NameFilter', () => {
  it('holds every name it was built from, and turns away most others', () => {
    const r = seeded(7);
    const names = new Set(Array.from({ length: 20_000 }, () => randomName(r)));
    const filter = new NameFilter(names, names.size);
    for (const n of names) expect(filter.mayHold(n)).toBe(true);
    const others = Array.from({ length: 20_000 }, () => `x${randomName(r)}`).filter((n) => !names.has(n));
    const maybes = others.filter((n) => filter.mayHold(n)).length;
    expect(maybes / others.length).toBeLessThan(0.01);
  });

  it('lookupEntries over a feed large enough for the filter answers as the plain map does', () => {
    const r = seeded(11);
    const names = Array.from({ length: 6_000 }, (_, i) => `${randomName(r)}-${i}`);
    const incident: Incident = {
      id: 'big', title: 'big', references: [], aliases: [], windows: [], indicators: [], file: 'big.yaml',
      packages: names.map((name) => ({ ecosystem: 'npm', name, versions: ['1.0.0'], ranges: [], anyVersion: false })),
    };
    const index = buildIocIndex({ incidents: [incident] } as Parameters<typeof buildIocIndex>[0]);
    expect(index.nameFilters.has('npm')).toBe(true);
    const asked = [...names, ...names.map((n) => n.toUpperCase()), ...Array.from({ length: 6_000 }, () => randomName(r))];
    for (const name of asked) {
      const plain = index.byEcosystem.get('npm')!.get(name.toLowerCase());
      expect(lookupEntries(index, 'npm', name), name).toBe(plain);
    }
  });
});
