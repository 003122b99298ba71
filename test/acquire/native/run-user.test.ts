// HOME as runc sets it for a process the Env gives none: the user looked up in the image's own /etc/passwd
// (moby/sys/user GetExecUser rules, written down in src/acquire/native/run-user.ts).
import { describe, expect, it } from 'vitest';
import { parsePasswd, runHome } from '../../../src/acquire/native/run-user.js';

const cfg = (config: Record<string, unknown>) => ({ config }) as Parameters<typeof runHome>[0];
const PASSWD = Buffer.from(
  ['root:x:0:0:root:/root:/bin/bash', '', '  node:x:1000:1000::/home/node:/bin/sh  ', 'twin:x:1000:1000::/home/twin:/bin/sh', 'app:x:1001:1001::/srv/app:/bin/sh', 'empty:x:1002:1002:::/bin/sh', '1003:x:2000:2000::/home/named-1003:/bin/sh', 'bad:x:zz:0::/home/bad:/bin/sh', 'short:x:1004'].join('\n'),
);

describe('runHome', () => {
  it.each([
    ['', '/root'],
    ['root', '/root'],
    ['0:0', '/root'],
    ['node', '/home/node'],
    ['node:staff', '/home/node'],
    ['1000', '/home/node'],
    // A name resolves to its uid, and runc takes the first entry with that uid.
    ['twin', '/home/node'],
    ['app:1001', '/srv/app'],
    ['1001:1001', '/srv/app'],
    // A numeric user is a uid, never a name; a uid with no entry gets `/`.
    ['1003', '/'],
    ['4242', '/'],
    ['+1001', '/srv/app'],
    // An empty home leaves HOME empty; missing fields are empty.
    ['empty', undefined],
    ['short', undefined],
  ])('User %j -> HOME %j', (user, home) => {
    expect(runHome(cfg({ User: user }), PASSWD)).toEqual({ home });
  });

  it('the Env wins unless empty; a name not in passwd cannot start; no passwd keeps the old assumption, with a note', () => {
    expect(runHome(cfg({ User: 'node', Env: ['HOME=/data'] }), PASSWD)).toEqual({ home: '/data' });
    expect(runHome(cfg({ User: 'node', Env: ['HOME='] }), PASSWD).home).toBe('/home/node');
    expect(runHome(cfg({ User: 'ghost' }), PASSWD)).toEqual({ home: undefined, note: expect.stringMatching(/"ghost" is not in \/etc\/passwd/) });
    expect(runHome(cfg({ User: 'node' }), undefined)).toEqual({ home: undefined, note: expect.stringMatching(/not read/) });
    expect(runHome(cfg({}), undefined)).toEqual({ home: '/root', note: expect.stringMatching(/not read/) });
  });

  it('reads a uid that is not a number as 0, as Go parses it', () => {
    expect(parsePasswd('bad:x:zz:0::/home/bad:/bin/sh').map((e) => e.uid)).toEqual([0]);
  });
});
