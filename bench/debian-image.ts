// The real Debian image of test/e2e/real-builds-debian.test.ts (mmdebstrap's bookworm, four buildah steps): what
// making it costs (cold: a download and a build; warm: both reused from ~/.cache/sbom-hunt-tools), and what reading
// each step natively costs. Skipped, with the reason, where deb.debian.org cannot be reached and nothing is cached.
import { readImage } from '../src/acquire/native/read-image.js';
import { openOciDir } from '../src/inventory/oci-dir.js';
import { realDebianBuild } from '../test/helpers/buildah-debian.js';
import { DEBIAN_BASE, debianBase, debianBaseUnavailable } from '../test/helpers/debian-base.js';
import { isBuilt, TOOLS_CACHE } from '../test/helpers/real-tools.js';
import type { Row } from './images.js';

export async function benchDebianImage(): Promise<Row[]> {
  const unavailable = await debianBaseUnavailable();
  if (unavailable) return [{ name: 'real Debian image (mmdebstrap + buildah)', value: 'skipped', note: unavailable }];
  const warm = isBuilt('debian-base', DEBIAN_BASE, TOOLS_CACHE);
  let started = performance.now();
  const base = await debianBase();
  const baseSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const built = await realDebianBuild(base);
  const buildSeconds = (performance.now() - started) / 1000;
  const rows: Row[] = [
    { name: 'Debian base by mmdebstrap (bookworm minbase, amd64+i386)', value: `${baseSeconds.toFixed(1)} s`, note: warm ? 'reused from ~/.cache/sbom-hunt-tools' : 'downloaded and made now' },
    { name: 'four buildah steps over it, dpkg-query after each', value: `${buildSeconds.toFixed(1)} s`, note: buildSeconds < 5 ? 'reused' : 'built now' },
  ];
  for (const ref of ['3', '4']) {
    started = performance.now();
    const img = await readImage(await openOciDir(built.steps, { ref }), { ref: `step ${ref}` });
    const p = img.platforms[0]!;
    const deb = p.packages.filter((x) => x.ecosystem === 'deb');
    rows.push({ name: `native read of step ${ref} (~100 MB of layers)`, value: `${((performance.now() - started) / 1000).toFixed(2)} s`, note: `${deb.filter((x) => !x.deleted).length} deb packages live, ${deb.filter((x) => x.deleted).length} deleted` });
  }
  return rows;
}
