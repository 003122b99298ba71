// Artifact identity (issue 14 item 4): lockfile entries matched by the tarball they fetch, in every lockfile
// that records it, and npm's hidden lockfile in an image. Generated entries whose own name and version, resolved
// URL and integrity agree or not; the expected findings are worked out here from the IOC, not by the matcher.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bunLockParser } from '../../../src/acquire/lockfiles/bun.js';
import { npmLockParser } from '../../../src/acquire/lockfiles/npm.js';
import { pnpmLockParser } from '../../../src/acquire/lockfiles/pnpm.js';
import { yarnLockParser } from '../../../src/acquire/lockfiles/yarn.js';
import type { LockfileResult } from '../../../src/acquire/lockfiles/lockfile.js';
import { catalogFiles } from '../../../src/acquire/native/packages.js';
import { DEFAULT_LIMITS } from '../../../src/acquire/native/limits.js';
import { buildIocIndex } from '../../../src/match/ioc-index.js';
import { matchPackagesDetailed } from '../../../src/match/match-packages.js';
import { matchReason } from '../../../src/match/reasons.js';
import { tarballIdentity } from '../../../src/match/tarball-url.js';
import { seeded } from '../../helpers/random.js';
import { incident, ioc, iocSet } from '../../match/helpers.js';

const RUNS = Number(process.env.FUZZ_RUNS) > 0 ? Number(process.env.FUZZ_RUNS) : 60;

describe('tarballIdentity', () => {
  it.each<[string, string | undefined]>([
    ['https://registry.npmjs.org/axios/-/axios-1.14.1.tgz', 'axios@1.14.1'],
    ['https://registry.yarnpkg.com/axios/-/axios-1.14.1.tgz#' + 'ab'.repeat(20), 'axios@1.14.1'],
    ['https://registry.npmjs.org/@scope/pkg/-/pkg-2.0.0-beta.1.tgz', '@scope/pkg@2.0.0-beta.1'],
    ['https://registry.npmjs.org/@scope%2fpkg/-/pkg-2.0.0.tgz', '@scope/pkg@2.0.0'],
    ['https://corp.example/artifactory/api/npm/npm-remote/axios/-/axios-1.14.1.tgz?download=1', 'axios@1.14.1'],
    ['https://npm.pkg.github.com/download/@owner/tool/1.2.3/' + 'c0ffee'.repeat(6), '@owner/tool@1.2.3'],
    ['https://user:s3cret@registry.example/axios/-/axios-1.14.1.tgz', 'axios@1.14.1'],
    // Artifactory serves its own scoped packages under the whole name; a file registry keeps npm pack's names.
    ['https://corp.example/artifactory/api/npm/npm-virtual/@acme/widget/-/@acme/widget-1.2.3-beta.1.tgz', '@acme/widget@1.2.3-beta.1'],
    ['http://127.0.0.1:4873/@acme/util/-/acme-util-0.1.5+build.7.tgz', '@acme/util@0.1.5+build.7'],
    ['https://r.example/@util/util/-/util-util-1.0.0.tgz', '@util/util@1.0.0'],
    ['https://r.example/@acme/widget/-/@other/widget-1.2.3.tgz', undefined],
    ['https://r.example/@acme/widget/-/other-widget-1.2.3.tgz', undefined],
    // A file named after another package, or no registry layout at all, names nothing.
    ['https://registry.npmjs.org/foo/-/axios-1.14.1.tgz', undefined],
    ['https://example.com/downloads/axios-1.14.1.tgz', undefined],
    ['git+ssh://git@github.com/axios/axios.git#abc', undefined],
    ['file:vendor/axios-1.14.1.tgz', undefined],
    ['https://registry.npmjs.org/axios/-/axios-latest.tgz', undefined],
  ])('%s', (url, expected) => {
    const id = tarballIdentity(url);
    expect(id && `${id.name}@${id.version}`).toBe(expected);
  });
});

const sri = (content: string) => `sha512-${createHash('sha512').update(content).digest('base64')}`;
const sha1hex = (content: string) => createHash('sha1').update(content).digest('hex');
const EVIL = 'evil tarball';
// The IOC's integrity as the loader stores it (normalised hex): the tarball's sha512 and sha1.
const EVIL_HASHES = [`sha512-${createHash('sha512').update(EVIL).digest('hex')}`, `sha1-${sha1hex(EVIL)}`];
const index = buildIocIndex(iocSet(incident('axios-2026-03', [ioc('npm', 'axios', ['1.14.1']), ioc('npm', 'plain-crypto-js', [], { integrity: EVIL_HASHES })])));

interface Entry {
  name: string;
  version: string;
  /** The registry tarball the entry resolves to. */
  url: { name: string; version: string };
  /** Content whose hash the entry records. */
  content: string;
}

const url = (e: Entry) => `https://user:tok3n@registry.npmjs.org/${e.url.name}/-/${e.url.name.split('/').pop()}-${e.url.version}.tgz`;

function generate(r: () => number): Entry {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  const name = pick(['foo', 'axios', 'left-pad', '@acme/util']);
  const version = pick(['1.0.0', '1.14.1', '2.3.4']);
  const lies = r() < 0.5;
  return {
    name,
    version,
    url: lies ? { name: pick(['axios', 'plain-crypto-js', 'lodash']), version: pick(['1.14.1', '4.2.1', '1.0.0']) } : { name, version },
    content: r() < 0.3 ? EVIL : `tarball of ${name}`,
  };
}

/** What the matcher must find, from the IOC: `kind:name@version`. */
function expected(e: Entry, withUrl: boolean, withIntegrity: boolean): string[] {
  const out: string[] = [];
  const listed = (n: string, v: string) => n === 'axios' && v === '1.14.1';
  if (listed(e.name, e.version)) out.push(`package-version:${e.name}@${e.version}`);
  const differs = e.url.name !== e.name || e.url.version !== e.version;
  if (withUrl && differs && listed(e.url.name, e.url.version)) out.push(`lockfile-resolved-url:${e.url.name}@${e.url.version}`);
  if (withIntegrity && e.content === EVIL) out.push(`lockfile-integrity:${e.name}@${e.version}`);
  return out.sort();
}

type Writer = { parse: (e: Entry) => LockfileResult; url: boolean; integrity: boolean };
const key = (e: Entry) => `node_modules/${e.name}`;
const WRITERS: Record<string, Writer> = {
  'npm v3': {
    url: true,
    integrity: true,
    parse: (e) =>
      npmLockParser.parse(
        JSON.stringify({ lockfileVersion: 3, packages: { '': { dependencies: { [e.name]: '*' } }, [key(e)]: { version: e.version, resolved: url(e), integrity: sri(e.content) } } }),
        '/package-lock.json',
      ),
  },
  'npm v2': {
    url: true,
    integrity: true,
    parse: (e) =>
      npmLockParser.parse(
        JSON.stringify({ lockfileVersion: 2, packages: { '': {}, [key(e)]: { version: e.version, resolved: url(e), integrity: sri(e.content) } }, dependencies: {} }),
        '/package-lock.json',
      ),
  },
  'npm v1': {
    url: true,
    integrity: true,
    parse: (e) => npmLockParser.parse(JSON.stringify({ lockfileVersion: 1, dependencies: { [e.name]: { version: e.version, resolved: url(e), integrity: sri(e.content) } } }), '/package-lock.json'),
  },
  'yarn 1 (sha1 fragment, no integrity line)': {
    url: true,
    integrity: true,
    parse: (e) => yarnLockParser.parse(`"${e.name}@^${e.version}":\n  version "${e.version}"\n  resolved "${url(e)}#${sha1hex(e.content)}"\n`, '/yarn.lock'),
  },
  'yarn 1 (integrity line)': {
    url: true,
    integrity: true,
    parse: (e) => yarnLockParser.parse(`"${e.name}@^${e.version}":\n  version "${e.version}"\n  resolved "${url(e)}"\n  integrity ${sri(e.content)}\n`, '/yarn.lock'),
  },
  'pnpm v9 (resolution.tarball)': {
    url: true,
    integrity: true,
    parse: (e) =>
      pnpmLockParser.parse(
        [
          "lockfileVersion: '9.0'",
          'importers:',
          '  .:',
          '    dependencies:',
          `      '${e.name}':`,
          `        specifier: '*'`,
          `        version: ${e.version}`,
          'packages:',
          `  '${e.name}@${e.version}':`,
          `    resolution: {integrity: ${sri(e.content)}, tarball: '${url(e)}'}`,
          'snapshots:',
          `  '${e.name}@${e.version}': {}`,
          '',
        ].join('\n'),
        '/pnpm-lock.yaml',
      ),
  },
  'bun.lock (integrity)': {
    url: false,
    integrity: true,
    parse: (e) =>
      bunLockParser.parse(
        JSON.stringify({ lockfileVersion: 1, workspaces: { '': { dependencies: { [e.name]: '*' } } }, packages: { [e.name]: [`${e.name}@${e.version}`, '', {}, sri(e.content)] } }),
        '/bun.lock',
      ),
  },
  "npm's hidden lockfile in an image": {
    url: true,
    integrity: true,
    parse: (e) => {
      const text = JSON.stringify({ lockfileVersion: 3, packages: { [key(e)]: { version: e.version, resolved: url(e), integrity: sri(e.content) } } });
      const notes: string[] = [];
      const packages = catalogFiles([{ path: 'app/node_modules/.package-lock.json', content: Buffer.from(text), layer: 'sha256:l1' }], [], DEFAULT_LIMITS, {
        note: (t) => notes.push(t),
        error: (t) => notes.push(`ERROR ${t}`),
      });
      return { packages, notes };
    },
  },
};

describe.each(Object.entries(WRITERS))('%s', (_format, writer) => {
  it(`finds what ${RUNS} generated entries fetch, and says when the entry disagrees with its resolved URL`, () => {
    const r = seeded(14);
    const kinds = new Set<string>();
    for (let i = 0; i < RUNS; i++) {
      const e = generate(r);
      const { packages, notes } = writer.parse(e);
      const matches = matchPackagesDetailed(packages, index);
      const got = matches.map((d) => `${d.match.matchKind}:${d.match.name}@${d.match.version}`).sort();
      expect(got, JSON.stringify(e)).toEqual(expected(e, writer.url, writer.integrity));
      got.forEach((g) => kinds.add(g.split(':')[0]!));
      const differs = e.url.name !== e.name || e.url.version !== e.version;
      const disagreement = notes.filter((n) => n.includes('resolves to the tarball of'));
      expect(disagreement.length, JSON.stringify({ e, notes })).toBe(writer.url && differs ? 1 : 0);
      // The evidence names the lockfile's resolved URL, without the credentials in it.
      for (const d of matches) {
        const reason = matchReason(d);
        if (d.match.matchKind === 'lockfile-resolved-url') expect(reason).toContain('lockfile resolved URL');
        if (d.match.matchKind === 'lockfile-integrity') expect(reason).toContain('integrity');
        expect(reason).not.toContain('tok3n');
      }
      for (const n of notes) expect(n).not.toContain('tok3n');
    }
    // The generator reached every kind this format can show, so no assertion above was vacuous.
    const want = ['package-version', ...(writer.url ? ['lockfile-resolved-url'] : []), 'lockfile-integrity'];
    expect([...kinds].sort()).toEqual(want.sort());
  });
});

describe('the issue 14 example', () => {
  it('node_modules/foo 1.0.0 resolved to axios-1.14.1.tgz is affected via its resolved URL, with a note', () => {
    const text = JSON.stringify({
      lockfileVersion: 3,
      packages: { '': { dependencies: { foo: '^1.0.0' } }, 'node_modules/foo': { version: '1.0.0', resolved: 'https://registry.npmjs.org/axios/-/axios-1.14.1.tgz', integrity: sri('x') } },
    });
    const { packages, notes } = npmLockParser.parse(text, '/package-lock.json');
    const [d] = matchPackagesDetailed(packages, index);
    expect(d?.match).toMatchObject({ incident: 'axios-2026-03', name: 'axios', version: '1.14.1', matchKind: 'lockfile-resolved-url', matchedBy: 'version', paths: ['/package-lock.json'] });
    expect(matchReason(d!)).toContain('lockfile resolved URL https://registry.npmjs.org/axios/-/axios-1.14.1.tgz is the tarball of axios@1.14.1, though the entry says foo@1.0.0');
    expect(notes).toEqual([
      '/package-lock.json: entry node_modules/foo: foo@1.0.0 resolves to the tarball of axios@1.14.1 (https://registry.npmjs.org/axios/-/axios-1.14.1.tgz); matched as both',
    ]);
  });

  it('a yarn berry entry whose version disagrees with its resolution is read as the resolution, with a note', () => {
    const text = ['__metadata:', '  version: 8', '', '"foo@npm:^1.0.0":', '  version: 1.0.0', '  resolution: "axios@npm:1.14.1"', '  checksum: 10c0/abc', ''].join('\n');
    const { packages, notes } = yarnLockParser.parse(text, '/yarn.lock');
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(['axios@1.14.1']);
    expect(notes[0]).toContain('version 1.0.0 but resolution axios@npm:1.14.1');
  });
});
