// A loopback npm registry for the package managers' differential tests (npm, yarn, pnpm): tarballs `npm pack` made
// from generated package folders, served with packuments as registry.npmjs.org serves them (scoped names as
// `@scope%2fname`), so the real tools resolve semver ranges and fetch without the network.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface NpmDef {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  os?: string[];
  cpu?: string[];
  /** Packages packed inside this one's tarball (node_modules/<name>), named in its bundleDependencies. */
  bundled?: NpmDef[];
}

const PUBLISHED = '2020-01-01T00:00:00.000Z';

const tarballName = (d: NpmDef) => `${d.name.replace('@', '').replace('/', '-')}-${d.version}.tgz`;

/** A definition's package.json: its bundled packages become dependencies named in bundleDependencies. */
function manifestOf({ bundled, ...d }: NpmDef): Record<string, unknown> {
  if (!bundled?.length) return d;
  const dependencies = { ...d.dependencies, ...Object.fromEntries(bundled.map((b) => [b.name, b.version])) };
  return { ...d, dependencies, bundleDependencies: bundled.map((b) => b.name) };
}

/** The package folder of one definition: its package.json, an index.js and its bundled packages' folders. */
export async function writeNpmPackage(dir: string, d: NpmDef): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), `${JSON.stringify({ ...manifestOf(d), main: 'index.js', license: 'MIT' }, null, 2)}\n`);
  await writeFile(join(dir, 'index.js'), `module.exports = ${JSON.stringify(`${d.name}@${d.version}`)};\n`);
  for (const b of d.bundled ?? []) await writeNpmPackage(join(dir, 'node_modules', b.name), b);
}

/**
 * `npm pack` of every definition into `dir` (file names as npm writes them, e.g. `acme-http-1.0.0.tgz`), in one
 * npm process: one per package took 13 s for 18 packages, one for all 0.8 s, byte for byte the same tarballs.
 */
export async function packNpmPackages(dir: string, defs: NpmDef[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const sources = defs.map((_, i) => join(dir, '..', 'npm-src', `${basename(dir)}-${i}`));
  for (const [i, d] of defs.entries()) await writeNpmPackage(sources[i]!, d);
  const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', dir, ...sources], { env: { ...process.env, npm_config_update_notifier: 'false' } });
  const made = stdout.trim().split('\n');
  if (made.length !== defs.length) throw new Error(`npm pack made ${made.length} tarballs for ${defs.length} packages:\n${stdout}`);
  for (const [i, d] of defs.entries()) if (made[i] !== tarballName(d)) await rename(join(dir, made[i]!), join(dir, tarballName(d)));
  await writeFile(join(dir, 'index.json'), JSON.stringify(defs));
}

export interface NpmRegistry {
  url: string;
  server: Server;
}

/** Serves the tarballs `packNpmPackages` wrote into `dir` on 127.0.0.1 at a free port. */
export async function serveNpmRegistry(dir: string): Promise<NpmRegistry> {
  const defs = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as NpmDef[];
  const files = new Set(await readdir(dir));
  let url = '';
  const packument = (name: string) => {
    const versions = defs.filter((d) => d.name === name);
    if (!versions.length) return undefined;
    const entries = versions.map((d) => {
      const body = readFileSync(join(dir, tarballName(d)));
      const dist = {
        tarball: `${url}${name}/-/${tarballName(d)}`,
        shasum: createHash('sha1').update(body).digest('hex'),
        integrity: `sha512-${createHash('sha512').update(body).digest('base64')}`,
      };
      return [d.version, { ...manifestOf(d), dist }] as const;
    });
    const stable = versions.filter((d) => !d.version.includes('-')).map((d) => d.version);
    // Publish times, as registry.npmjs.org lists them: Yarn 4 holds back versions younger than its
    // npmMinimalAgeGate (a day by default), and one with no time at all.
    const time = Object.fromEntries([['created', PUBLISHED], ['modified', PUBLISHED], ...versions.map((d) => [d.version, PUBLISHED])]);
    return { name, 'dist-tags': { latest: stable.at(-1) ?? versions.at(-1)!.version }, time, versions: Object.fromEntries(entries) };
  };
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!.slice(1));
    const tarball = /\/-\/([^/]+)$/.exec(path)?.[1];
    if (tarball && files.has(tarball)) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void res.end(readFileSync(join(dir, tarball)));
    }
    const doc = packument(path);
    if (!doc) return void res.writeHead(404).end('{}');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(doc));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, server };
}

export const npmTarballName = tarballName;
