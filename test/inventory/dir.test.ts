// Source `dir:`: one directory target, or an input error for anything else.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { directorySource } from '../../src/inventory/dir.js';

const base = mkdtempSync(path.join(tmpdir(), 'sbom-hunt-dir-src-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('dir: source', () => {
  it('turns a directory into one directory target', async () => {
    const r = await directorySource.inventory(base);
    expect(r).toEqual({ targets: [{ kind: 'directory', ref: base, path: base }], errors: [], inputErrors: [] });
  });

  it.each([
    ['', 'dir: needs a path, e.g. dir:./my-app'],
    [path.join(base, 'missing'), `dir:${path.join(base, 'missing')}: no such directory`],
  ])('refuses %j', async (spec, message) => {
    const r = await directorySource.inventory(spec);
    expect(r.targets).toEqual([]);
    expect(r.inputErrors).toEqual([message]);
  });

  it('points a file at the sbom: source', async () => {
    const file = path.join(base, 'image.spdx.json');
    writeFileSync(file, '{}');
    const r = await directorySource.inventory(file);
    expect(r.targets).toEqual([]);
    expect(r.inputErrors[0]).toContain(`use sbom:${file}`);
  });

  it('uses the scheme dir', () => {
    expect(directorySource.scheme).toBe('dir');
  });
});
