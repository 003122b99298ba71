// Flags from the environment (SBOM_HUNT_<FLAG>) and the config file, under the command line: flag > env > file > default.
// Applied to commander's own option store with a source per value, so every command sees one set of options.
import type { Command, Option } from 'commander';
import { InputError, UsageError } from '../../errors.js';
import { collect } from '../options.js';
import { editDistance } from '../../edit-distance.js';
import { findConfigFile, readConfigFile, type ConfigFile, type FileSetting } from './file.js';

export type Origin = { kind: 'env'; name: string } | { kind: 'file'; file: string; line?: number };

/** SBOM_HUNT_* variables that are not flags: they keep their own meaning (credentials among them) and are never printed. */
export const OWN_VARIABLES = [
  'SBOM_HUNT_REGISTRY_USERNAME',
  'SBOM_HUNT_REGISTRY_PASSWORD',
  'SBOM_HUNT_REGISTRY_HOSTS',
  'SBOM_HUNT_WEBHOOK_SECRET',
  'SBOM_HUNT_GITHUB_TOKEN',
  'SBOM_HUNT_GITLAB_TOKEN',
] as const;

const SKIPPED_FLAGS = new Set(['help', 'version']);

export const flagOf = (o: Option): string => (o.long ?? o.short ?? '').replace(/^-+/, '');
export const envNameOf = (flag: string): string => `SBOM_HUNT_${flag.toUpperCase().replace(/-/g, '_')}`;

export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function allCommands(root: Command): Command[] {
  return [root, ...root.commands.flatMap(allCommands)];
}

const isRepeatable = (o: Option): boolean => (o as unknown as { parseArg?: unknown }).parseArg === collect;
const isBoolean = (o: Option): boolean => !o.required && !o.optional;

/** A raw value -> the option's stored value; `undefined` means "leave the default" (`no-cache: false`). */
function convert(o: Option, raw: unknown, fromEnv: boolean): { value: unknown } | { error: string } {
  const asBool = (): boolean | undefined => {
    if (typeof raw === 'boolean') return raw;
    if (fromEnv && typeof raw === 'string') {
      const s = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(s)) return true;
      if (['0', 'false', 'no', 'off', ''].includes(s)) return false;
    }
    return undefined;
  };
  if (isBoolean(o)) {
    const b = asBool();
    if (b === undefined) return { error: `expected true or false, got ${JSON.stringify(raw)}` };
    if (o.negate) return { value: b ? false : undefined };
    return { value: b };
  }
  const scalar = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
  let values: string[];
  if (isRepeatable(o)) {
    const list = fromEnv && typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : Array.isArray(raw) ? raw.map(scalar) : [scalar(raw)];
    if (list.some((v) => v === undefined)) return { error: 'expected a list of strings (or one string)' };
    values = list as string[];
  } else {
    const s = scalar(raw);
    if (s === undefined) return { error: `expected a string or number, got ${Array.isArray(raw) ? 'a list' : typeof raw}` };
    values = [s];
  }
  const bad = o.argChoices ? values.find((v) => !o.argChoices!.includes(v)) : undefined;
  if (bad !== undefined) return { error: `"${bad}" is not one of ${o.argChoices!.join(', ')}` };
  return { value: isRepeatable(o) ? values : values[0] };
}

export class ConfigLayer {
  file?: ConfigFile;
  private loaded = false;
  readonly origins = new WeakMap<Command, Map<string, Origin>>();

  constructor(
    private readonly root: Command,
    readonly env: NodeJS.ProcessEnv,
    readonly cwd: string,
  ) {}

  /** The file is found and checked once, before any command runs: a bad line stops the run with its place. */
  load(explicit: string | undefined): void {
    if (this.loaded) return;
    this.loaded = true;
    const file = findConfigFile(explicit ?? (this.env.SBOM_HUNT_CONFIG || undefined), this.env, this.cwd);
    const commands = allCommands(this.root);
    const byPath = new Map(commands.map((c) => [commandPath(c), c]));
    if (file) this.file = readConfigFile(file, (s) => byPath.has(s) && s !== '');
    for (const s of this.file?.settings ?? []) this.check(s, s.section ? [byPath.get(s.section)!] : commands);
    for (const [name, raw] of Object.entries(this.env)) {
      const flag = this.flagForEnv(name);
      if (!flag || raw === undefined) continue;
      const having = commands.filter((c) => c.options.some((o) => flagOf(o) === flag));
      const results = having.map((c) => convert(c.options.find((o) => flagOf(o) === flag)!, raw, true));
      if (!results.some((r) => 'value' in r)) throw new UsageError(`${name}: ${(results[0] as { error: string }).error}`);
    }
  }

  /** The flag an SBOM_HUNT_ variable sets, if it names one. */
  flagForEnv(name: string): string | undefined {
    if (!name.startsWith('SBOM_HUNT_') || (OWN_VARIABLES as readonly string[]).includes(name) || name === 'SBOM_HUNT_CONFIG') return undefined;
    for (const c of allCommands(this.root)) for (const o of c.options) if (envNameOf(flagOf(o)) === name && !SKIPPED_FLAGS.has(flagOf(o))) return flagOf(o);
    return undefined;
  }

  private check(s: FileSetting, where: Command[]): void {
    const file = this.file!.file;
    const field = s.section ? `${s.section.replace(/ /g, '.')}.${s.flag}` : s.flag;
    const options = where.flatMap((c) => c.options.filter((o) => flagOf(o) === s.flag && !SKIPPED_FLAGS.has(s.flag)));
    if (options.length === 0) {
      const known = [...new Set(where.flatMap((c) => c.options.map(flagOf)))].filter((f) => !SKIPPED_FLAGS.has(f));
      const near = known
        .map((k) => ({ k, d: editDistance(k, s.flag.toLowerCase().replace(/_/g, '-')) }))
        .sort((a, b) => a.d - b.d)
        .find((x) => x.d <= 2)?.k;
      throw new InputError(file, `unknown flag "${s.flag}"${s.section ? ` for ${s.section}` : ''}${near ? ` (did you mean ${near}?)` : ''}; keys are long flag names without the dashes (fail-on, no-cache, ioc)`, s.line, field);
    }
    const results = options.map((o) => convert(o, s.value, false));
    if (!results.some((r) => 'value' in r)) throw new InputError(file, (results[0] as { error: string }).error, s.line, field);
  }

  /**
   * Env and file values for `cmd`'s options the command line did not give. `repeatable` picks which: the others are
   * set before the command line is parsed (required options can come from here), lists after it (so a flag replaces
   * a configured list instead of adding to it).
   */
  apply(cmd: Command, repeatable: boolean): void {
    const origins = this.origins.get(cmd) ?? new Map<string, Origin>();
    this.origins.set(cmd, origins);
    const path = commandPath(cmd);
    for (const o of cmd.options) {
      const flag = flagOf(o);
      if (SKIPPED_FLAGS.has(flag) || isRepeatable(o) !== repeatable) continue;
      const attr = o.attributeName();
      const source = cmd.getOptionValueSource(attr);
      if (source === 'cli' || source === 'env' || source === 'config') continue;
      const found = this.valueFor(o, flag, path);
      if (!found) continue;
      if (found.value !== undefined) cmd.setOptionValueWithSource(attr, found.value, found.origin.kind === 'env' ? 'env' : 'config');
      origins.set(attr, found.origin);
    }
  }

  private valueFor(o: Option, flag: string, path: string): { value: unknown; origin: Origin } | undefined {
    const name = envNameOf(flag);
    const raw = this.env[name];
    if (raw !== undefined) {
      const r = convert(o, raw, true);
      // A value this command's flag does not take (SBOM_HUNT_FORMAT=sarif for `iocs list`) is for the others.
      if ('value' in r) return { value: r.value, origin: { kind: 'env', name } };
    }
    const settings = this.file?.settings ?? [];
    for (const s of [...settings.filter((x) => x.section === path && x.flag === flag), ...settings.filter((x) => x.section === '' && x.flag === flag)]) {
      const r = convert(o, s.value, false);
      if ('value' in r) return { value: r.value, origin: { kind: 'file', file: this.file!.file, ...(s.line !== undefined ? { line: s.line } : {}) } };
    }
    return undefined;
  }
}

/** Hooks every command so the layer fills what the command line left: global flags first, then each subcommand's. */
export function installConfigLayer(program: Command, env: NodeJS.ProcessEnv, cwd: string): ConfigLayer {
  const layer = new ConfigLayer(program, env, cwd);
  for (const parent of allCommands(program).filter((c) => c.commands.length > 0)) {
    parent.hook('preSubcommand', (_p, sub) => {
      if (parent === program) {
        layer.load(program.opts<{ config?: string }>().config);
        layer.apply(program, false);
        layer.apply(program, true);
      }
      layer.apply(sub, false);
    });
  }
  program.hook('preAction', (_p, cmd) => layer.apply(cmd, true));
  return layer;
}
