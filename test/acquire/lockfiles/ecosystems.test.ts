// Lockfiles of the other ecosystems (issue 17 item 1), fixtures written by each format's documentation: Cargo.lock,
// Gemfile.lock, composer.lock, NuGet packages.lock.json, Gradle locks, go.sum (go.mod has its own oracle test
// against the go command). Each: what is read, and a bad entry named while the rest is still read.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectDirectory } from '../../../src/acquire/directory.js';
import { cargoLockParser } from '../../../src/acquire/lockfiles/cargo.js';
import { composerLockParser } from '../../../src/acquire/lockfiles/composer.js';
import { gemfileLockParser } from '../../../src/acquire/lockfiles/gemfile.js';
import { goModParser } from '../../../src/acquire/lockfiles/go-mod.js';
import { goSumParser } from '../../../src/acquire/lockfiles/go-sum.js';
import { gradleLockParser } from '../../../src/acquire/lockfiles/gradle.js';
import type { LockfileParser } from '../../../src/acquire/lockfiles/lockfile.js';
import { nugetLockParser } from '../../../src/acquire/lockfiles/nuget.js';
import { ROOT } from '../../fuzz/harness.js';

const fixture = (dir: string, name: string) => readFileSync(join(ROOT, 'fixtures', 'lockfiles', dir, name), 'utf8');
const CARGO = fixture('cargo-v4', 'Cargo.lock');
const GEMFILE = fixture('gemfile', 'Gemfile.lock');
// The JSON fixtures compacted, so a test can edit one field by text.
const COMPOSER = JSON.stringify(JSON.parse(fixture('composer', 'composer.lock')));
const NUGET = JSON.stringify(JSON.parse(fixture('nuget-v2', 'packages.lock.json')));
const GRADLE = fixture('gradle', 'gradle.lockfile');
const GOSUM = fixture('go-sum', 'go.sum');

const ids = (ps: { name: string; version: string }[]) => ps.map((p) => `${p.name}@${p.version}`).sort();

describe.each<[string, LockfileParser, string, string, string[], Record<string, string[]>]>([
  ['Cargo.lock', cargoLockParser, '/Cargo.lock', CARGO, ['rand@0.8.5', 'rand@0.9.0', 'rand_core@0.6.4', 'serde@1.0.219'], { 'rand_core@0.6.4': ['rand@0.8.5'], 'serde@1.0.219': [] }],
  [
    'Gemfile.lock',
    gemfileLockParser,
    '/Gemfile.lock',
    GEMFILE,
    ['activesupport@7.2.0.alpha', 'concurrent-ruby@1.3.4', 'nokogiri@1.16.7', 'racc@1.8.1', 'rack@3.1.8', 'rest-client@2.1.0'],
    { 'racc@1.8.1': ['nokogiri@1.16.7'], 'rack@3.1.8': [], 'concurrent-ruby@1.3.4': ['activesupport@7.2.0.alpha'] },
  ],
  ['composer.lock', composerLockParser, '/composer.lock', COMPOSER, ['acme/fork@dev-main', 'guzzlehttp/guzzle@7.9.2', 'guzzlehttp/psr7@2.7.0', 'phpunit/phpunit@11.4.3'], { 'guzzlehttp/psr7@2.7.0': ['guzzlehttp/guzzle@7.9.2'] }],
  ['packages.lock.json', nugetLockParser, '/packages.lock.json', NUGET, ['Newtonsoft.Json@13.0.3', 'Serilog.Sinks.File@5.0.0', 'Serilog@2.10.0', 'System.Text.Json@8.0.5'], { 'Serilog@2.10.0': ['Serilog.Sinks.File@5.0.0'], 'Newtonsoft.Json@13.0.3': [] }],
  ['gradle.lockfile', gradleLockParser, '/gradle.lockfile', GRADLE, ['com.fasterxml.jackson.core:jackson-core@2.17.2', 'org.apache.logging.log4j:log4j-core@2.14.1'], {}],
  ['go.sum', goSumParser, '/go.sum', GOSUM, ['github.com/google/uuid@v1.6.0', 'golang.org/x/crypto@v0.31.0'], {}],
])('%s', (_name, parser, file, text, expected, chains) => {
  it('reads every locked package as the format documents it', () => {
    const result = parser.parse(text, file);
    expect(result.errors ?? []).toEqual([]);
    expect(ids(result.packages)).toEqual(expected.sort());
    for (const p of result.packages) expect(p.paths).toEqual([file]);
    for (const [id, chain] of Object.entries(chains)) expect(result.packages.find((p) => `${p.name}@${p.version}` === id)?.dependencyPath, id).toEqual(chain);
  });

  it('claims its file name', () => {
    expect(parser.matches(file.slice(1))).toBe(true);
  });
});

describe('a bad entry is named and the rest is read', () => {
  it.each<[string, LockfileParser, string, string, RegExp, string[]]>([
    ['Cargo.lock', cargoLockParser, '/Cargo.lock', CARGO.replace('name = "serde"\nversion = "1.0.219"', 'name = "serde"\nversion = 1'), /\[\[package\]\] number 5 has no name or version/, ['rand_core@0.6.4']],
    ['Gemfile.lock', gemfileLockParser, '/Gemfile.lock', GEMFILE.replace('    racc (1.8.1)', '    racc (1.8.1'), /Gemfile\.lock:20: cannot read spec "racc \(1\.8\.1"/, ['rack@3.1.8']],
    ['composer.lock', composerLockParser, '/composer.lock', COMPOSER.replace('"version":"7.9.2"', '"version":7'), /packages\[0\] has no name or version/, ['guzzlehttp/psr7@2.7.0']],
    ['packages.lock.json', nugetLockParser, '/packages.lock.json', NUGET.replace('"resolved":"2.10.0"', '"resolvd":"2.10.0"'), /dependencies\.net8\.0\.Serilog has no "resolved"/, ['Newtonsoft.Json@13.0.3']],
    ['gradle.lockfile', gradleLockParser, '/gradle.lockfile', GRADLE.replace('org.apache.logging.log4j:log4j-core:2.14.1', 'org.apache.logging.log4j log4j-core 2.14.1'), /gradle\.lockfile:5: expected "group:artifact:version/, ['com.fasterxml.jackson.core:jackson-core@2.17.2']],
    ['go.sum', goSumParser, '/go.sum', GOSUM.replace('golang.org/x/crypto v0.30.0/go.mod', 'golang.org/x/crypto'), /go\.sum:3: expected/, ['golang.org/x/crypto@v0.31.0']],
    ['go.mod', goModParser, '/go.mod', 'module a\n\ngo 1.22\n\nrequire (\n\tgithub.com/x/y\n\tgolang.org/x/crypto v0.30.0\n)\nfrobnicate x\n', /go\.mod:6: expected "require <module> <version>"/, ['golang.org/x/crypto@v0.30.0']],
  ])('%s', (_name, parser, file, text, error, kept) => {
    const result = parser.parse(text, file);
    expect(result.errors?.length, JSON.stringify(result.errors)).toBeGreaterThan(0);
    expect(result.errors!.some((e) => error.test(e)), JSON.stringify(result.errors)).toBe(true);
    for (const id of kept) expect(ids(result.packages)).toContain(id);
  });

  it('go.mod names an unknown directive and an unclosed block', () => {
    const result = goModParser.parse('module a\nfrobnicate x\nrequire (\n\tgolang.org/x/crypto v0.30.0\n', '/go.mod');
    expect(result.errors).toEqual(['/go.mod:2: unknown directive frobnicate', '/go.mod: the require ( block is never closed']);
    expect(ids(result.packages)).toEqual(['golang.org/x/crypto@v0.30.0']);
  });
});

describe('the other ecosystems under dir:', () => {
  const root = mkdtempSync(join(tmpdir(), 'eco-dir-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const put = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };

  it('reads each lockfile where it is, and not the ones dependencies brought along', async () => {
    put('svc/go.mod', 'module example.com/svc\n\ngo 1.22\n\nrequire golang.org/x/crypto v0.30.0\n');
    put('svc/go.sum', GOSUM);
    put('rust/Cargo.lock', CARGO);
    put('ruby/Gemfile.lock', GEMFILE);
    put('php/composer.lock', COMPOSER);
    put('dotnet/packages.lock.json', NUGET);
    put('java/gradle.lockfile', GRADLE);
    put('java-old/gradle/dependency-locks/runtimeClasspath.lockfile', 'org.apache.logging.log4j:log4j-core:2.14.0\n');
    // A dependency's own files: in Go's module cache, a vendor folder, cargo's registry.
    put('gopath/pkg/mod/example.com/dep@v1.0.0/go.mod', 'module example.com/dep\n\nrequire example.com/never v9.9.9\n');
    put('php/vendor/acme/lib/composer.lock', JSON.stringify({ packages: [{ name: 'acme/never', version: '9.9.9' }] }));
    put('home/.cargo/registry/src/index/crate-1.0.0/Cargo.lock', CARGO.replace('0.8.5', '9.9.9'));
    const out = await collectDirectory(root);
    expect(out.errors).toEqual([]);
    const by = (eco: string) => out.packages.filter((p) => p.ecosystem === eco).map((p) => `${p.name}@${p.version}`);
    expect(by('go')).toEqual(expect.arrayContaining(['golang.org/x/crypto@v0.30.0', 'golang.org/x/crypto@v0.31.0']));
    expect(by('cargo')).toContain('rand@0.8.5');
    expect(by('gem')).toContain('nokogiri@1.16.7');
    expect(by('composer')).toContain('guzzlehttp/guzzle@7.9.2');
    expect(by('nuget')).toContain('Newtonsoft.Json@13.0.3');
    expect(by('maven')).toEqual(expect.arrayContaining(['org.apache.logging.log4j:log4j-core@2.14.1', 'org.apache.logging.log4j:log4j-core@2.14.0']));
    const all = out.packages.map((p) => `${p.name}@${p.version}`).join(' ');
    expect(all).not.toMatch(/never|9\.9\.9/);
  });
});
