// Node's global folders from an image config: NODE_PATH as path.resolve reads it against the working directory,
// HOME as the runtime sets it (the config's Env, else /root for root), and the two install prefixes' lib/node.
import { describe, expect, it } from 'vitest';
import { npmLocationIn } from '../../../src/acquire/native/catalogers/npm.js';
import { bunCacheFolders, imageProcess, nodeSearchFolders } from '../../../src/acquire/native/node-path.js';

const cfg = (config: Record<string, unknown>) => imageProcess({ config } as Parameters<typeof imageProcess>[0]);
const PREFIXES = ['usr/local/lib/node', 'usr/lib/node'];

describe('nodeSearchFolders', () => {
  it('reads NODE_PATH (last assignment wins, empty entries dropped, relative ones against WorkingDir) and root HOME', () => {
    const folders = nodeSearchFolders(cfg({ Env: ['NODE_PATH=/old', 'PATH=/bin', 'NODE_PATH=/opt/libs::vendor/../lib/js:/'], WorkingDir: '/srv/app' }));
    expect(folders).toEqual(['opt/libs', 'srv/app/lib/js', '', 'root/.node_modules', 'root/.node_libraries', ...PREFIXES]);
  });

  it('takes HOME from Env, and for another user without one no home folders (its passwd entry is not read)', () => {
    expect(nodeSearchFolders(cfg({ Env: ['HOME=/home/node'], User: 'node' }))).toEqual(['home/node/.node_modules', 'home/node/.node_libraries', ...PREFIXES]);
    expect(nodeSearchFolders(cfg({ User: '1000:1000' }))).toEqual(PREFIXES);
    expect(nodeSearchFolders(cfg({ User: '0:0' }))).toEqual(['root/.node_modules', 'root/.node_libraries', ...PREFIXES]);
  });

  it('ignores an Env that is not a list of strings, and a relative WorkingDir', () => {
    expect(nodeSearchFolders(cfg({ Env: 'NODE_PATH=/x', WorkingDir: 'rel' }))).toEqual(['root/.node_modules', 'root/.node_libraries', ...PREFIXES]);
    expect(nodeSearchFolders(cfg({ Env: [7, 'NODE_PATH=a'], WorkingDir: 'rel' }))).toEqual(['a', 'root/.node_modules', 'root/.node_libraries', ...PREFIXES]);
    expect(nodeSearchFolders(imageProcess({} as Parameters<typeof imageProcess>[0]))).toEqual(['root/.node_modules', 'root/.node_libraries', ...PREFIXES]);
  });
});

describe('npmLocationIn', () => {
  const folders = new Set(['', 'opt/libs', 'root/.node_modules']);
  it.each<[string, string | undefined]>([
    ['opt/libs/axios/package.json', 'axios'],
    ['opt/libs/@acme/http/package.json', '@acme/http'],
    ['root/.node_modules/left-pad/package.json', 'left-pad'],
    // NODE_PATH=/ : require('axios') reads /axios/package.json.
    ['axios/package.json', 'axios'],
    ['@acme/http/package.json', '@acme/http'],
    ['opt/libs/axios/lib/package.json', undefined],
    ['opt/other/axios/package.json', undefined],
    ['opt/libs/.bin/package.json', undefined],
  ])('%s -> %s', (path, folder) => {
    expect(npmLocationIn(path, folders)?.folder).toBe(folder);
  });

  it('costs a set lookup per file, however many folders the config names', () => {
    const many = new Set(Array.from({ length: 100_000 }, (_, i) => `srv/np${i}`));
    expect(npmLocationIn('srv/np99999/axios/package.json', many)?.folder).toBe('axios');
    expect(npmLocationIn('srv/np100000/axios/package.json', many)).toBeUndefined();
  });
});

// As `bun pm cache` answers under each Env (bun 1.4; test/oracle/bun-install-cache.test.ts asks it each run).
describe('bunCacheFolders', () => {
  it.each([
    [['BUN_INSTALL_CACHE_DIR=cache/bun'], '/srv', ['srv/cache/bun']],
    [['BUN_INSTALL_CACHE_DIR=/var/cache/bun', 'BUN_INSTALL=/usr/local/bun'], '/srv', ['var/cache/bun']],
    [['BUN_INSTALL=/usr/local/bun'], '/srv', ['usr/local/bun/install/cache']],
    [['BUN_INSTALL=bun'], undefined, ['bun/install/cache']],
    [['HOME=/home/app', 'XDG_CACHE_HOME=/xdg'], '/srv', []],
  ])('%j in %s', (env, workdir, want) => {
    expect(bunCacheFolders(cfg({ Env: env, ...(workdir ? { WorkingDir: workdir } : {}) }))).toEqual(want);
  });
});
