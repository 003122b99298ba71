// An rpmdb written by the real rpm (Debian's `rpm` package): tiny noarch packages built with rpmbuild,
// recorded with `rpm -i --justdb` into a fresh SQLite database. Cached by the package list.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cachedBuild } from './real-tools.js';

const run = promisify(execFile);

export interface RpmSpec {
  name: string;
  version: string;
  release: string;
  epoch?: number;
}

function specFile(p: RpmSpec): string {
  return [
    `Name: ${p.name}`,
    `Version: ${p.version}`,
    `Release: ${p.release}`,
    ...(p.epoch !== undefined ? [`Epoch: ${p.epoch}`] : []),
    'Summary: sbom-hunt test package',
    'License: MIT',
    'BuildArch: noarch',
    '%description',
    'A package with no files, for the rpmdb cataloger tests.',
    '%files',
    '',
  ].join('\n');
}

/** Builds the packages and a database holding them; returns the database file's bytes. */
export async function buildRpmdb(pkgs: RpmSpec[]): Promise<Buffer> {
  const dir = await cachedBuild('rpmdb', pkgs, async (work) => {
    const rpms: string[] = [];
    for (const [i, p] of pkgs.entries()) {
      const spec = join(work, `p${i}.spec`);
      await writeFile(spec, specFile(p));
      await run('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${join(work, 'top')}`, spec]);
      rpms.push(join(work, 'top', 'RPMS', 'noarch', `${p.name}-${p.version}-${p.release}.noarch.rpm`));
    }
    const db = join(work, 'db');
    await run('rpm', ['--dbpath', db, '--initdb']);
    if (rpms.length) await run('rpm', ['-i', '--dbpath', db, '--nodeps', '--justdb', '--ignorearch', ...rpms]);
  });
  return readFile(join(dir, 'db', 'rpmdb.sqlite'));
}

/** `rpm -qa`: the oracle, one `name epoch version release arch` per package, sorted. */
export async function rpmQueryAll(dbFile: string): Promise<string[]> {
  const { stdout } = await run('rpm', ['-qa', '--dbpath', dbFile, '--qf', '%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n']);
  return stdout.split('\n').filter(Boolean).sort();
}
