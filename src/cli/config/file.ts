// The config file (YAML): where it is, and its text -> validated settings with the line each came from.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { yamlLib } from '../../yaml-lib.js';
import { InputError } from '../../errors.js';
import { lineOf, type YamlSource } from '../../iocs/yaml-source.js';

export const CWD_CONFIG = '.sbom-hunt.yaml';

/** One value of the file: a flag's value, for every command (`section` empty) or one command (`scan`, `cache hunt`). */
export interface FileSetting {
  section: string;
  /** The long flag without dashes: `fail-on`, `no-cache`, `ioc`. */
  flag: string;
  value: unknown;
  line?: number;
}

export interface ConfigFile {
  file: string;
  settings: FileSetting[];
}

/** `--config FILE` (or SBOM_HUNT_CONFIG), else `.sbom-hunt.yaml` in the working folder, else the user's. The first found is read. */
export function findConfigFile(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd = process.cwd()): string | undefined {
  if (explicit) {
    if (!existsSync(explicit)) throw new InputError(explicit, 'no such config file');
    return explicit;
  }
  const local = path.join(cwd, CWD_CONFIG);
  if (existsSync(local)) return local;
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  const user = path.join(base, 'sbom-hunt', 'config.yaml');
  return existsSync(user) ? user : undefined;
}

/**
 * Reads the file's mapping: a scalar or list value is a flag for every command that has it; a mapping named after
 * a command (`scan:`, `cache: {hunt: ...}`) holds flags for that command only.
 */
export function readConfigFile(file: string, isCommand: (section: string) => boolean): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(file, `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const lines = new (yamlLib().LineCounter)();
  const doc = yamlLib().parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) throw new InputError(file, `not valid YAML: ${err.message.split('\n')[0]}`, err.linePos?.[0]?.line ?? lines.linePos(err.pos[0]).line);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new InputError(file, `not valid YAML: ${(e as Error).message}`);
  }
  const src: YamlSource = { file, doc, lines, value };
  if (value === null || value === undefined) return { file, settings: [] };
  if (!isPlainObject(value)) throw new InputError(file, 'expected a mapping of flag names to values (fail-on: suspect)', 1);
  const settings: FileSetting[] = [];
  collect(src, value, [], '', isCommand, settings);
  return { file, settings };
}

function collect(src: YamlSource, map: Record<string, unknown>, at: string[], section: string, isCommand: (s: string) => boolean, out: FileSetting[]): void {
  for (const [key, v] of Object.entries(map)) {
    const here = [...at, key];
    const line = lineOf(src, here);
    if (isPlainObject(v)) {
      const sub = section ? `${section} ${key}` : key;
      if (!isCommand(sub)) throw new InputError(src.file, `"${here.join('.')}" is a mapping, but ${sub} is not a command (a section names a command: scan, check, sweep, cache hunt, ...)`, line, here.join('.'));
      collect(src, v, here, sub, isCommand, out);
    } else {
      out.push({ section, flag: key, value: v, ...(line !== undefined ? { line } : {}) });
    }
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
