// Generated IOC feeds of a given number of package entries, in the shapes real ones come in: sbom-hunt/v1 YAML
// as `iocs import osv` writes it (many small incidents, or one incident naming many packages), an OSV zip, and
// an OSV folder laid out as ossf/malicious-packages lays it out (osv/malicious/<ecosystem>/<name>/<id>.json).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { incidentsToYaml } from '../src/iocs/write-yaml.js';
import type { Incident, IocPackage } from '../src/model/ioc.js';
import { writeZip } from '../test/iocs/zip-writer.js';

export type FeedShape = 'yaml-incidents' | 'yaml-one-incident' | 'osv-zip' | 'osv-folder';

const hex = (n: number, len: number): string => n.toString(16).padStart(len, '0').slice(-len);

/** Package entry j: mostly npm names the bench's SBOMs also carry (`mal-j`), some PyPI; versions, ranges (text and OSV-converted), integrity, any version. */
function packageEntry(j: number): IocPackage {
  if (j % 10 === 9) return { ecosystem: 'pypi', name: `Mal_Py.${j}`, versions: ['1.0.0', `2.${j % 5}.post1`], ranges: [], anyVersion: false, reference: `https://osv.dev/vulnerability/MAL-2026-${j}` };
  const name = j % 7 === 0 ? `@scope${j % 13}/mal-${j}` : `mal-${j}`;
  const p: IocPackage = { ecosystem: 'npm', name, versions: [], ranges: [], anyVersion: false };
  if (j % 5 === 0) p.ranges = ['>=1.0.0 <1.4.0'];
  else if (j % 17 === 0) p.anyVersion = true;
  else p.versions = ['1.0.0', `2.${j % 5}.1`];
  if (j % 11 === 0) p.integrity = [`sha512-${hex(j, 8).repeat(16)}`];
  if (j % 3 === 0) p.reference = `https://github.com/advisories/GHSA-${hex(j, 4)}-${hex(j * 7, 4)}-${hex(j * 13, 4)}`;
  return p;
}

function incident(i: number, packages: IocPackage[]): Incident {
  const inc: Incident = {
    id: `bench-2026-${i}`,
    title: `Compromised release ${i}`,
    references: [`https://example.com/advisories/${i}`],
    aliases: i % 4 === 0 ? [`MAL-2026-${i}`] : [],
    windows: i % 3 === 0 ? [{ start: new Date(Date.UTC(2026, 2, 31, i % 24)), end: new Date(Date.UTC(2026, 2, 31, i % 24, 45)), source: '' }] : [],
    packages,
    indicators: i % 6 === 0 ? [`c2-${i}.example.net`] : [],
    file: '',
    disclosed: '2026-03-31T02:07:58Z',
  };
  // A few incidents name a file or an image as well, as a real compromise write-up does.
  if (i % 50 === 0) inc.files = [{ path: `/usr/lib/node_modules/mal-${i}/**/setup.js`, sha256: hex(i, 64) }];
  if (i % 75 === 0) inc.images = [{ ref: `docker.io/example/app-${i}:1.0.${i % 9}`, digests: [`sha256:${hex(i * 3, 64)}`], layers: [] }];
  return inc;
}

/** sbom-hunt/v1 YAML with `entries` package entries, written by the loader's own writer. */
export function yamlFeed(entries: number, shape: 'yaml-incidents' | 'yaml-one-incident'): string {
  const incidents: Incident[] = [];
  if (shape === 'yaml-one-incident') incidents.push(incident(0, Array.from({ length: entries }, (_, j) => packageEntry(j))));
  else {
    for (let i = 0, j = 0; j < entries; i++) {
      const n = Math.min(1 + (i % 4), entries - j);
      incidents.push(incident(i, Array.from({ length: n }, (_, k) => packageEntry(j + k))));
      j += n;
    }
  }
  return incidentsToYaml(incidents, `bench feed: ${entries} package entries (${shape})`).text;
}

/** One OSV record per entry, in the shapes malicious-packages and osv.dev publish. */
export function osvRecord(i: number): string {
  const eco = i % 10 === 9 ? 'PyPI' : 'npm';
  const pkg = { ecosystem: eco, name: i % 7 === 0 ? `@scope${i % 13}/mal-${i}` : `mal-${i}` };
  const affected =
    i % 4 === 0
      ? { package: pkg, versions: ['0.0.1-security'], ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }
      : i % 4 === 1 && eco === 'npm'
        ? { package: pkg, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0.0' }, { fixed: '1.4.0' }] }] }
        : { package: pkg, versions: ['1.0.0', `2.${i % 5}.1`] };
  return JSON.stringify({
    modified: '2026-03-31T02:07:58Z',
    published: '2026-03-31T02:07:58Z',
    schema_version: '1.7.4',
    id: `MAL-2026-${i}`,
    summary: `Malicious code in ${pkg.name} (${eco})`,
    details: 'The package was found to contain malicious code.',
    affected: [affected],
    database_specific: { 'malicious-packages-origins': [{ source: 'bench', sha256: i.toString(16).padStart(64, '0'), versions: ['1.0.0'] }] },
  });
}

/** Writes the feed under `dir` and returns the path to hand to `--ioc`. */
export async function writeFeed(dir: string, shape: FeedShape, entries: number): Promise<string> {
  if (shape === 'yaml-incidents' || shape === 'yaml-one-incident') {
    const file = path.join(dir, `${shape}-${entries}.yaml`);
    await writeFile(file, yamlFeed(entries, shape));
    return file;
  }
  if (shape === 'osv-zip') {
    const file = path.join(dir, `osv-${entries}.zip`);
    await writeFile(file, writeZip(Array.from({ length: entries }, (_, i) => ({ name: `MAL-2026-${i}.json`, data: osvRecord(i) })), { deflate: true }));
    return file;
  }
  const root = path.join(dir, `osv-folder-${entries}`);
  for (let i = 0; i < entries; i++) {
    const eco = i % 10 === 9 ? 'pypi' : 'npm';
    const folder = path.join(root, 'osv', 'malicious', eco, i % 7 === 0 ? `@scope${i % 13}` : '', `mal-${i}`);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, `MAL-2026-${i}.json`), osvRecord(i));
  }
  return root;
}
