// src/cli/launch.ts: the bundle run with V8's code cache taken after a run. Made by the first run, used by the next,
// remade when the bundle or Node changes or V8 refuses it, never read from a place someone else may write, and
// never the reason a run fails or answers differently.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checksum, compileCacheDir, launch } from '../../src/cli/launch.js';
import { repoRoot } from '../helpers/cli.js';

interface Exports {
  answer(): string;
  strict: boolean;
}

/** A CommonJS bundle with enough functions that V8's cache holds something; `tag` is in its answer. */
function bundleText(tag: string): string {
  const fns = Array.from({ length: 50 }, (_, i) => `function f${i}(x) { return x.map((v) => v * ${i + 1}).reduce((a, b) => a + b, 0); }`).join('\n');
  return `${fns}\nexports.answer = () => '${tag}:' + f7([1, 2, 3]) + ':' + require('node:path').basename(__filename);\nexports.strict = (function () { return this === undefined; })();\n`;
}

function setup(): { bundle: string; env: NodeJS.ProcessEnv; dir: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sbom-hunt-launch-'));
  const bundle = path.join(root, 'sbom-hunt.cjs');
  writeFileSync(bundle, bundleText('one'));
  const env = { XDG_CACHE_HOME: path.join(root, 'cache') };
  return { bundle, env, dir: compileCacheDir(env)! };
}

const run = (bundle: string, env: NodeJS.ProcessEnv, command = 'scan') => launch<Exports>(bundle, ['node', 'sbom-hunt', command, 'x'], env);
const cacheFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

describe('the launcher', () => {
  it('makes the cache on the first run, uses it on the next, and the answer is the same', () => {
    const { bundle, env, dir } = setup();
    const first = run(bundle, env);
    expect(first.cache).toBe('made');
    expect(first.exports.answer()).toBe('one:48:sbom-hunt.cjs');
    expect(first.save()).toBe(true);
    expect(first.save()).toBe(false);
    const [file] = cacheFiles(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, file!)).mode & 0o777).toBe(0o600);
    const second = run(bundle, env);
    expect(second.cache).toBe('used');
    expect(second.exports.answer()).toBe('one:48:sbom-hunt.cjs');
    // Runs in strict mode, as the ES modules it was bundled from did.
    expect(second.exports.strict).toBe(true);
    // Nothing new: the same command does not rewrite it.
    expect(second.save()).toBe(false);
    expect(cacheFiles(dir)).toEqual([file]);
  });

  it('a run of another command rewrites it once, holding both', () => {
    const { bundle, env, dir } = setup();
    run(bundle, env, 'scan').save();
    const other = run(bundle, env, '--version');
    expect(other.cache).toBe('used');
    expect(other.save()).toBe(true);
    const head = readFileSync(path.join(dir, cacheFiles(dir)[0]!), 'latin1').split('\n')[1]!;
    expect(head.split(' ').filter(Boolean).slice(1)).toEqual(['scan', '--version']);
    expect(run(bundle, env, '--version').save()).toBe(false);
    expect(run(bundle, env, 'scan').save()).toBe(false);
    // An argument that is not a command name (a path, a typo with capitals) counts as one unnamed command.
    const odd = run(bundle, env, '/tmp/Some File');
    expect(odd.save()).toBe(true);
    expect(run(bundle, env, 'Other Thing').save()).toBe(false);
  });

  it('a rebuilt bundle of the very same length is not served the old code', () => {
    const { bundle, env } = setup();
    run(bundle, env).save();
    // V8 checks cached data against the source's length only; the stamp (size, mtime, inode) is what tells them apart.
    const text = bundleText('two');
    expect(text.length).toBe(bundleText('one').length);
    writeFileSync(bundle, text);
    const after = run(bundle, env);
    expect(after.cache).toBe('made');
    expect(after.exports.answer()).toBe('two:48:sbom-hunt.cjs');
  });

  it('damaged data is not fed to V8 (it takes some as valid): the run compiles afresh and remakes it', () => {
    const { bundle, env, dir } = setup();
    run(bundle, env).save();
    const file = path.join(dir, cacheFiles(dir)[0]!);
    const bytes = readFileSync(file);
    const start = bytes.indexOf(0x0a, bytes.indexOf(0x0a) + 1) + 1;
    expect(start % 8).toBe(0);
    for (const damage of [
      (b: Buffer) => b.fill(0x5a, start + 64),
      (b: Buffer) => b.subarray(0, b.length - 1),
      (b: Buffer) => b.subarray(0, 20),
      (b: Buffer) => Buffer.concat([b, Buffer.from('x')]),
    ]) {
      writeFileSync(file, damage(Buffer.from(bytes)), { mode: 0o600 });
      const r = run(bundle, env);
      expect(r.cache).toBe('made');
      expect(r.exports.answer()).toBe('one:48:sbom-hunt.cjs');
    }
    expect(run(bundle, env).save()).toBe(true);
    expect(run(bundle, env).cache).toBe('used');
  });

  it('data V8 refuses (made under other V8 flags) is remade, and that run answers as without it', async () => {
    const { bundle, env } = setup();
    const launcher = path.join(repoRoot, 'dist/launch.js');
    const child = (flags: string[]) =>
      execFileSync(process.execPath, [...flags, '--input-type=module', '-e', `const { launch } = await import(${JSON.stringify(launcher)}); const r = launch(${JSON.stringify(bundle)}, ['node', 'x', 'scan']); console.log(r.cache, r.exports.answer(), r.save());`], { env: { ...process.env, ...env }, encoding: 'utf8' }).trim();
    expect(child([])).toBe('made one:48:sbom-hunt.cjs true');
    expect(child([])).toBe('used one:48:sbom-hunt.cjs false');
    expect(child(['--no-opt'])).toBe('refused one:48:sbom-hunt.cjs true');
  });

  it('reads no code from a directory or a file others may write', () => {
    const { bundle, env, dir } = setup();
    run(bundle, env).save();
    const file = path.join(dir, cacheFiles(dir)[0]!);
    chmodSync(file, 0o666);
    expect(run(bundle, env).cache).toBe('made');
    chmodSync(file, 0o600);
    expect(run(bundle, env).cache).toBe('used');
    chmodSync(dir, 0o777);
    const open = run(bundle, env);
    expect(open.cache).toBe('off');
    expect(open.save()).toBe(false);
    chmodSync(dir, 0o700);
    chmodSync(path.dirname(dir), 0o777);
    expect(run(bundle, env).cache).toBe('off');
    chmodSync(path.dirname(dir), 0o755);
    if (process.getuid?.() === 0) {
      // Root can hand the file to someone else: then it is not ours to trust.
      chownSync(file, 65534, 65534);
      expect(run(bundle, env).cache).toBe('made');
    }
  });

  it('turned off by SBOM_HUNT_COMPILE_CACHE=0 or NODE_DISABLE_COMPILE_CACHE=1; a home it cannot write costs nothing but speed', () => {
    const { bundle, env, dir } = setup();
    for (const off of [{ SBOM_HUNT_COMPILE_CACHE: '0' }, { NODE_DISABLE_COMPILE_CACHE: '1' }]) {
      const r = run(bundle, { ...env, ...off });
      expect(r.cache).toBe('off');
      expect(r.save()).toBe(false);
    }
    expect(cacheFiles(dir)).toEqual([]);
    const ro = mkdtempSync(path.join(os.tmpdir(), 'sbom-hunt-launch-ro-'));
    chmodSync(ro, 0o500);
    const r = run(bundle, { XDG_CACHE_HOME: ro });
    expect(r.exports.answer()).toBe('one:48:sbom-hunt.cjs');
    // Root writes anywhere; anyone else gets no cache and no error.
    if (process.getuid?.() !== 0) expect([r.cache, r.save()]).toEqual(['off', false]);
    // A relative XDG_CACHE_HOME is ignored, as XDG says.
    expect(compileCacheDir({ XDG_CACHE_HOME: 'rel/dir' })).toBe(path.join(os.homedir(), '.cache', 'sbom-hunt', 'compile'));
  });

  it('the checksum sees one changed bit anywhere, aligned or not', () => {
    const data = Buffer.from(Array.from({ length: 4099 }, (_, i) => (i * 31) & 0xff));
    const base = checksum(data);
    expect(checksum(Buffer.concat([Buffer.alloc(1), data]).subarray(1))).toBe(base);
    for (const at of [0, 1, 2, 3, 1000, 4095, 4096, 4098]) {
      const flipped = Buffer.from(data);
      flipped[at]! ^= 1;
      expect(checksum(flipped)).not.toBe(base);
    }
  });
});
