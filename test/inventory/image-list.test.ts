// Image list files: one reference per line, comments, stdin, errors with file and line.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readImageList } from '../../src/inventory/image-list.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sbom-hunt-list-'));
});
afterAll(async () => rm(tmp, { recursive: true, force: true }));

const D = `sha256:${'b'.repeat(64)}`;

describe('readImageList', () => {
  it('reads one reference per line, skipping comments and blanks, once each', async () => {
    const file = join(tmp, 'images.txt');
    await writeFile(file, `\uFEFF# production images\nnginx\n\n  ghcr.io/org/app:1.2   # pinned\r\nlocalhost:5000/a@${D}\ndocker.io/library/nginx:latest\n`);
    const { targets, errors } = await readImageList(file);
    expect(errors).toEqual([]);
    expect(targets).toEqual([
      { kind: 'registry', ref: 'docker.io/library/nginx:latest', registry: 'docker.io', repository: 'library/nginx', tag: 'latest' },
      { kind: 'registry', ref: 'ghcr.io/org/app:1.2', registry: 'ghcr.io', repository: 'org/app', tag: '1.2' },
      { kind: 'registry', ref: `localhost:5000/a@${D}`, registry: 'localhost:5000', repository: 'a', digest: D },
    ]);
  });

  it('reads - from stdin', async () => {
    const { targets } = await readImageList('-', Readable.from(['alpine:3.20\n', 'busybox\n']));
    expect(targets.map((t) => t.ref)).toEqual(['docker.io/library/alpine:3.20', 'docker.io/library/busybox:latest']);
  });

  it('names the file and line of each bad reference and keeps every good one', async () => {
    const file = join(tmp, 'bad.txt');
    await writeFile(file, 'nginx\n# ok\nGhcr.io/Org/App\nalpine\nUPPER\n');
    const { targets, errors } = await readImageList(file);
    expect(targets.map((t) => t.ref)).toEqual(['docker.io/library/nginx:latest', 'docker.io/library/alpine:latest']);
    expect(errors.every((e) => e instanceof InputError)).toBe(true);
    expect(errors.map((e) => e.line)).toEqual([3, 5]);
    expect(errors[0]!.message).toBe(`${file}:3: invalid image reference "Ghcr.io/Org/App": repository name must be lower case`);
  });

  it('refuses two references on one line, naming stdin', async () => {
    const { errors } = await readImageList('-', Readable.from(['nginx alpine\n']));
    expect(errors.map((e) => e.message)).toEqual(['<stdin>:1: one image reference per line, got "nginx alpine"']);
  });

  it('names a file it cannot read', async () => {
    const { targets, errors } = await readImageList(join(tmp, 'missing.txt'));
    expect(targets).toEqual([]);
    expect(errors[0]).toBeInstanceOf(InputError);
    expect(errors[0]!.message).toContain('missing.txt: cannot read');
  });

  it('returns nothing for an empty list', async () => {
    const file = join(tmp, 'empty.txt');
    await writeFile(file, '# nothing yet\n\n');
    expect(await readImageList(file)).toEqual({ targets: [], errors: [] });
  });
});
