// The name filter in front of a large ecosystem map: it may say "maybe" for a name no IOC lists (the map then
// answers), never "no" for one it holds. lookupEntries with the filter must answer exactly as the map alone does.
import { describe, expect, it } from 'vitest';
import { buildIocIndex, lookupEntries, NameFilter } from '../../src/match/ioc-index.js';
import { lookupEcosystem } from '../../src/match/ecosystem.js';
import { normalizePackageName } from '../../src/match/names.js';
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

  it('lowerHash is the hash of the lower-cased name, or says it cannot tell (20,000 generated names)', () => {
    const r = seeded(5);
    const alphabet = 'abcXYZ09-._@/ \t\nÄéЖİ\u0000\u001f\u007f\u0080ǅ';
    let told = 0;
    for (let i = 0; i < 20_000; i++) {
      const name = Array.from({ length: Math.floor(r() * 12) }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
      const h = NameFilter.lowerHash(name);
      if (h === undefined) continue;
      told++;
      for (const eco of ['npm', 'deb', 'apk', 'rpm']) expect(h, JSON.stringify(name)).toBe(NameFilter.hash(normalizePackageName(eco, name)));
    }
    expect(told).toBeGreaterThan(2_000);
  });

  it.each(['npm', 'pypi', 'deb', 'go'])('lookupEntries over a %s feed large enough for the filter answers as the plain map does', (ecosystem) => {
    const r = seeded(11);
    const names = Array.from({ length: 6_000 }, (_, i) => `${randomName(r)}-${i}`);
    const incident: Incident = {
      id: 'big', title: 'big', references: [], aliases: [], windows: [], indicators: [], file: 'big.yaml',
      packages: names.map((name) => ({ ecosystem, name, versions: ['1.0.0'], ranges: [], anyVersion: false })),
    };
    const index = buildIocIndex({ incidents: [incident] } as Parameters<typeof buildIocIndex>[0]);
    expect(index.nameFilters.has(ecosystem)).toBe(true);
    const asked = [...names, ...names.map((n) => n.toUpperCase()), ...names.map((n) => ` ${n}\t`), ...names.map((n) => n.replace(/-/g, '_')), ...Array.from({ length: 6_000 }, () => randomName(r))];
    for (const name of asked) {
      const plain = index.byEcosystem.get(ecosystem)!.get(normalizePackageName(ecosystem, name));
      expect(lookupEntries(index, ecosystem, name), name).toBe(plain);
    }
  });

  it('lookupEntries answers for every spelling of an ecosystem as the plain maps do, before and after it has remembered 256 spellings', () => {
    const r = seeded(13);
    const ecosystems = ['npm', 'pypi', 'deb', 'go', 'maven'];
    const incident: Incident = {
      id: 'mixed', title: 'mixed', references: [], aliases: [], windows: [], indicators: [], file: 'mixed.yaml',
      // npm large enough for its filter, the others small: both paths behind the remembered spelling.
      packages: ecosystems.flatMap((ecosystem) =>
        Array.from({ length: ecosystem === 'npm' ? 5_000 : 50 }, (_, i) => ({ ecosystem, name: `${randomName(r)}-${i}`, versions: ['1.0.0'], ranges: [], anyVersion: false })),
      ),
    };
    const index = buildIocIndex({ incidents: [incident] } as Parameters<typeof buildIocIndex>[0]);
    const names = incident.packages.map((p) => p.name);
    // Case, white space and qualifier variants of held and absent ecosystems, far more than are remembered.
    const bases = [...ecosystems, 'PyPI', 'Debian', 'Go', 'Maven', 'cargo', 'RubyGems', 'nmp', '', '__proto__'];
    const spellings = new Set<string>();
    while (spellings.size < 600) {
      const b = bases[Math.floor(r() * bases.length)]!;
      const cased = [...b].map((c) => (r() < 0.5 ? c.toUpperCase() : c)).join('');
      spellings.add(`${r() < 0.3 ? ' ' : ''}${cased}${r() < 0.3 ? `:${Math.floor(r() * 20)}` : ''}${r() < 0.3 ? '\t' : ''}`);
    }
    for (const round of [0, 1]) {
      for (const spelling of spellings) {
        const eco = lookupEcosystem(index.byEcosystem, spelling);
        for (const name of [names[Math.floor(r() * names.length)]!, randomName(r)]) {
          const plain = index.byEcosystem.get(eco)?.get(normalizePackageName(eco, name));
          expect(lookupEntries(index, spelling, name), `${round} ${JSON.stringify(spelling)} ${name}`).toBe(plain);
        }
      }
    }
    expect(index.lookups.size).toBe(256);
  });
});
