// A fleet of CycloneDX SBOM files in a temp dir that tests change between sweeps (rollouts, new IOCs).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';

export interface FleetImage {
  name: string;
  /** Anything: hashed into the image digest, so a new rollout is a new digest. */
  build: string;
  packages: [string, string][];
  created?: string;
}

export function digestOf(img: FleetImage): string {
  return `sha256:${createHash('sha256').update(`${img.name}/${img.build}`).digest('hex')}`;
}

function cyclonedx(img: FleetImage): string {
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    metadata: {
      timestamp: img.created ?? '2026-04-10T09:00:00Z',
      component: { 'bom-ref': 'image', type: 'container', name: `registry.example.com/shop/${img.name}`, version: digestOf(img) },
    },
    components: img.packages.map(([name, version], i) => ({
      'bom-ref': `pkg:npm/${name}@${version}?package-id=${i}`,
      type: 'library',
      name,
      version,
      purl: `pkg:npm/${encodeURIComponent(name)}@${version}`,
      properties: [{ name: 'syft:location:0:path', value: `/srv/app/node_modules/${name}/package.json` }],
    })),
  });
}

export const EXTRA_IOC = `apiVersion: sbom-hunt/v1
incidents:
  - id: left-pad-2026-11
    title: left-pad-ng 9.9.9 ships a credential stealer
    references: [https://osv.dev/vulnerability/MAL-2026-9999]
    packages:
      - ecosystem: npm
        name: left-pad-ng
        versions: ["9.9.9"]
        reference: https://osv.dev/vulnerability/MAL-2026-9999
`;

export class Fleet {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'sbom-hunt-sweep-'));
  readonly sboms = path.join(this.dir, 'sboms');
  readonly iocs = path.join(this.dir, 'iocs');

  /** `iocFile`: the feed every sweep starts with (copied, so tests can age or extend it). */
  constructor(iocFile: string) {
    mkdirSync(this.sboms);
    mkdirSync(this.iocs);
    copyFileSync(iocFile, path.join(this.iocs, path.basename(iocFile)));
  }

  deploy(img: FleetImage): void {
    writeFileSync(path.join(this.sboms, `${img.name}.cdx.json`), cyclonedx(img));
  }

  writeRaw(name: string, text: string): void {
    writeFileSync(path.join(this.sboms, name), text);
  }

  remove(name: string): void {
    rmSync(path.join(this.sboms, name), { force: true });
  }

  addIoc(name: string, text: string): void {
    writeFileSync(path.join(this.iocs, name), text);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
