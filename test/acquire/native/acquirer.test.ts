import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeAcquirer } from '../../../src/acquire/native/acquirer.js';
import { inventoryOciDir } from '../../../src/inventory/oci-dir.js';
import { buildDockerArchive, buildImageLayout, npmPackageFiles } from '../../helpers/image-builder.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'native-acquirer-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const ctx = () => ({ insecureRegistries: [], inputErrors: [] as string[] });
const layers = [{ files: npmPackageFiles('app/node_modules', 'axios', '1.14.1') }];

describe('nativeAcquirer', () => {
  it('reads oci-layout and docker-archive targets', async () => {
    const dir = join(root, 'layout');
    await buildImageLayout(dir, { ref: 'app:1', platforms: [{ layers }] });
    const [target] = await inventoryOciDir(dir);
    const fromLayout = await nativeAcquirer.acquire(target!, ctx());
    expect(fromLayout.ok && fromLayout.image.platforms[0]?.packages.map((p) => p.name)).toEqual(['axios']);
    const file = join(root, 'a.tar');
    await buildDockerArchive(file, [{ repoTags: ['app:1'], layers }]);
    const fromArchive = await nativeAcquirer.acquire({ kind: 'docker-archive', ref: 'app:1', path: file }, ctx());
    expect(fromArchive.ok && fromArchive.image.platforms[0]?.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['axios@1.14.1']);
  });

  it('says "not mine" for targets it cannot open, and makes an unreadable path unknown with an input error', async () => {
    expect(await nativeAcquirer.acquire({ kind: 'sbom-file', ref: 'x', path: '/x.json' }, ctx())).toEqual({ ok: false, notMine: 'cannot open sbom-file targets', applies: false });
    const c = ctx();
    const out = await nativeAcquirer.acquire({ kind: 'docker-archive', ref: 'x', path: join(root, 'missing.tar') }, c);
    expect(out.ok && out.image.errors.join()).toContain('missing.tar');
    expect(c.inputErrors.join()).toContain('missing.tar');
  });
});
