// Files' own times as a build-time source (issue 16 item 3): the write time of a file of a package an incident
// names, read natively from its tar member, puts the image inside that incident's window when it falls inside.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/acquire/native/read-image.js';
import { openOciDir } from '../../src/inventory/oci-dir.js';
import { buildIocIndex } from '../../src/match/ioc-index.js';
import { judgeImage, judgePlatform } from '../../src/match/verdict.js';
import type { CreatedTime } from '../../src/model/finding.js';
import type { FileTime, Package } from '../../src/model/package.js';
import type { AcquiredPlatform } from '../../src/model/target.js';
import { buildImageLayout, npmPackageFiles } from '../helpers/image-builder.js';
import { seeded } from '../helpers/random.js';
import { incident, ioc, iocSet, pkg } from './helpers.js';

const START = new Date('2026-03-31T00:21:00Z');
const END = new Date('2026-03-31T03:29:00Z');
const INSIDE = '2026-03-31T01:12:00.000Z';
const BEFORE = '2026-03-30T10:00:00.000Z';
const AFTER = '2026-04-01T09:00:00.000Z';
const axios = incident('axios-2026-03', [ioc('npm', 'axios', ['1.14.1']), ioc('npm', 'plain-crypto-js', ['4.2.1'])], { windows: [{ start: START, end: END, source: 'axios.yaml' }] });
const other = incident('litellm-2026-03', [ioc('pypi', 'litellm', ['1.82.7'])], { windows: [{ start: new Date('2026-03-24T10:00:00Z'), end: new Date('2026-03-24T16:00:00Z'), source: 'litellm.yaml' }] });
const index = buildIocIndex(iocSet(axios, other));

const epoch: CreatedTime = { value: '1970-01-01T00:00:00Z', source: 'config created', reliable: false, note: 'config created 1970-01-01T00:00:00Z is a placeholder' };
const trusted = (value: string): CreatedTime => ({ value, source: 'config created', reliable: true, sources: [{ kind: 'config', source: 'config created', value, reliable: true }] });
const written = (time: string, extra: Partial<FileTime> = {}): FileTime => ({ path: '/app/node_modules/axios/package.json', time, layer: 'sha256:aa', ...extra });
const axiosAt = (...w: FileTime[]): Package => pkg('npm', 'axios', '1.14.0', { paths: ['/app/node_modules/axios/package.json'], written: w });

function judge(created: CreatedTime | undefined, packages: Package[]) {
  const p: AcquiredPlatform = { packages, errors: [], notes: [], ...(created ? { created } : {}) };
  const r = judgePlatform(p, index);
  return { r, w: r.windows.find((x) => x.incident === 'axios-2026-03')! };
}

describe('file times of the packages an incident names', () => {
  it('an epoch-created image whose axios/package.json was written inside the window is suspect, saying which file', () => {
    const { r, w } = judge(epoch, [axiosAt(written(INSIDE))]);
    expect(w).toMatchObject({ outcome: 'inside', basis: 'file', file: { path: '/app/node_modules/axios/package.json', time: INSIDE, package: 'axios@1.14.0', layer: 'sha256:aa' } });
    expect(r.verdict).toBe('suspect');
    expect(r.reasons.join('\n')).toContain(`/app/node_modules/axios/package.json (axios@1.14.0) written ${INSIDE}, inside the axios-2026-03 window 2026-03-31 00:21–03:29 UTC, and its build time cannot be trusted`);
    // The created block lists the file as a labelled source beside the config's own.
    expect(r.created?.sources?.find((s) => s.kind === 'file')).toMatchObject({ value: INSIDE, reliable: true, source: '/app/node_modules/axios/package.json (axios@1.14.0) written in layer sha256:aa' });
    // The other incident's window is not decided by axios's files.
    expect(r.windows.find((x) => x.incident === 'litellm-2026-03')?.outcome).toBe('unreliable');
  });

  it('a layer written with one clamped time says nothing: the window stays unreliable and the image clean', () => {
    const { r, w } = judge(epoch, [axiosAt(written(INSIDE, { note: 'every member of layer sha256:aa (40) carries this one time: clamped' }))]);
    expect(w.outcome).toBe('unreliable');
    expect(r.verdict).toBe('clean');
    expect(r.created?.sources?.find((s) => s.kind === 'file')).toMatchObject({ reliable: false, note: expect.stringMatching(/clamped/) });
  });

  it('a trusted build time before the window loses to a file of the incident written inside it (the image cannot be older than its files)', () => {
    const { r, w } = judge(trusted(BEFORE), [axiosAt(written(INSIDE))]);
    expect(w).toMatchObject({ outcome: 'inside', basis: 'file' });
    expect(r.verdict).toBe('suspect');
    expect(r.reasons.join('\n')).toContain(`although its build time ${BEFORE} (config created) is outside it`);
  });

  it('a first push before the window still decides outside, whatever the files say', () => {
    const created: CreatedTime = { ...epoch, pushed: BEFORE, pushedSource: 'Docker Hub tag_last_pushed' };
    const { r, w } = judge(created, [axiosAt(written(INSIDE))]);
    expect(w).toMatchObject({ outcome: 'outside', basis: 'push' });
    expect(r.verdict).toBe('clean');
  });

  it('a file time after the push, in the future, or before 1980 is no source', () => {
    for (const [time, created] of [
      [INSIDE, { ...epoch, pushed: '2026-03-31T00:30:00Z' }],
      ['2099-01-01T00:00:00.000Z', epoch],
      ['1970-01-01T00:00:00.000Z', epoch],
    ] as const) {
      const { r, w } = judge(created, [axiosAt(written(time))]);
      expect(w.basis).not.toBe('file');
      expect(r.created?.sources?.find((s) => s.kind === 'file')).toMatchObject({ reliable: false, note: expect.any(String) });
    }
  });

  it('files of packages the incident does not name, and file times outside the window, decide nothing', () => {
    expect(judge(epoch, [pkg('npm', 'lodash', '4.17.21', { written: [written(INSIDE, { path: '/app/node_modules/lodash/package.json' })] })]).w.outcome).toBe('unreliable');
    expect(judge(epoch, [axiosAt(written(AFTER), written(BEFORE))]).w.outcome).toBe('unreliable');
    expect(judge(trusted(AFTER), [axiosAt(written(BEFORE))]).w.outcome).toBe('outside');
  });

  it('a deleted copy written inside the window counts, and says it was deleted', () => {
    const { w } = judge(epoch, [pkg('npm', 'plain-crypto-js', '4.2.0', { deleted: true, written: [written(INSIDE, { path: '/app/node_modules/plain-crypto-js/package.json' })] })]);
    expect(w).toMatchObject({ outcome: 'inside', basis: 'file', file: { deleted: true, package: 'plain-crypto-js@4.2.0' } });
  });

  it('file times only ever move an image inside a window (generated times)', () => {
    const r = seeded(20261204);
    const times = [BEFORE, INSIDE, AFTER, '2026-03-31T00:21:00.000Z', '2026-03-31T03:29:00.000Z', '1970-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z'];
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
    for (let i = 0; i < 500; i++) {
      const created: CreatedTime = r() < 0.5 ? { ...epoch } : trusted(pick(times.slice(0, 5)));
      if (r() < 0.3) created.pushed = pick(times.slice(0, 5));
      const files = Array.from({ length: Math.floor(r() * 3) }, () => written(pick(times), r() < 0.2 ? { note: 'clamped' } : {}));
      const without = judge(created, [axiosAt()]).w;
      const withFiles = judge(created, [axiosAt(...files)]).w;
      if (without.outcome === 'inside') expect(withFiles.outcome).toBe('inside');
      const anyInside = files.some((f) => !f.note && f.time >= START.toISOString() && f.time <= END.toISOString() && (!created.pushed || f.time <= created.pushed));
      const pushedBefore = created.pushed !== undefined && created.pushed < START.toISOString();
      if (anyInside && !pushedBefore) expect(withFiles.outcome).toBe('inside');
      if (!anyInside) expect([withFiles.outcome, withFiles.basis]).toEqual([without.outcome, without.basis]);
    }
  });
});

describe('file times read natively from the layers', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'file-times-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const at = (iso: string) => Date.parse(iso) / 1000;

  it('a reproducible image (epoch created) whose npm install ran inside the window is suspect; clamped layers are not', async () => {
    const layers = (times: number[]) => [
      { files: [{ path: 'etc/os-release', content: 'ID=debian\n', mtime: at('2026-03-01T00:00:00Z') }] },
      { files: npmPackageFiles('app/node_modules', 'axios', '1.14.0').map((f, i) => ({ ...f, mtime: times[i % times.length] })) },
    ];
    const unclamped = await buildImageLayout(join(root, 'a'), { platforms: [{ created: '1970-01-01T00:00:00Z', layers: layers([at(INSIDE), at(INSIDE) + 1]) }] });
    const img = await readImage(await openOciDir(unclamped.dir), { ref: 'x' });
    const judged = judgeImage(img, index);
    expect(judged.verdict).toBe('suspect');
    expect(judged.reasons.join('\n')).toMatch(/\/app\/node_modules\/axios\/package\.json \(axios@1\.14\.0\) written 2026-03-31T01:1[23]:0\d\.000Z, inside the axios-2026-03 window/);

    const clamped = await buildImageLayout(join(root, 'b'), { platforms: [{ created: '1970-01-01T00:00:00Z', layers: layers([at(INSIDE)]) }] });
    const judgedClamped = judgeImage(await readImage(await openOciDir(clamped.dir), { ref: 'x' }), index);
    expect(judgedClamped.verdict).toBe('clean');
    expect(judgedClamped.platforms[0]?.windows[0]?.outcome).toBe('unreliable');
  });
});
