// `sbom-hunt config [--json] [COMMAND] [FLAGS...]`: the options COMMAND would run with, and where each came from.
import type { Command, Option } from 'commander';
import { maskSecrets } from '../../adapters/exec.js';
import { EXIT, UsageError } from '../../errors.js';
import type { RunIo } from '../scan-command.js';
import { commandPath, envNameOf, flagOf, OWN_VARIABLES, type ConfigLayer, type Origin } from './layer.js';
import { editDistance } from '../../edit-distance.js';

export interface EffectiveOption {
  flag: string;
  value: unknown;
  /** flag (the command line), env, file, default, or unset. */
  source: 'flag' | 'env' | 'file' | 'default' | 'unset';
  env?: string;
  file?: string;
  line?: number;
}

export interface EffectiveConfig {
  file: string | null;
  command: string;
  options: EffectiveOption[];
  /** SBOM_HUNT_* variables that are not flags: sbom-hunt's own (never shown) or ignored. */
  environment: { name: string; status: string }[];
}

/** A value that may hold a credential (a webhook URL carries its token in the path) is shown by its host alone. */
function shown(flag: string, value: unknown): unknown {
  if (value === undefined) return undefined;
  if (/webhook|secret|token|password/.test(flag) && !flag.endsWith('-file') && flag !== 'webhook-format') {
    const hide = (v: unknown) => {
      try {
        return `${new URL(String(v)).origin}/***`;
      } catch {
        return '***';
      }
    };
    return Array.isArray(value) ? value.map(hide) : hide(value);
  }
  return value;
}

export function effectiveConfig(cmd: Command, layer: ConfigLayer): EffectiveConfig {
  const rows: EffectiveOption[] = [];
  const add = (c: Command, o: Option) => {
    const flag = flagOf(o);
    if (flag === 'help' || flag === 'version') return;
    const attr = o.attributeName();
    const source = c.getOptionValueSource(attr);
    const origin: Origin | undefined = layer.origins.get(c)?.get(attr);
    // A --no-X flag is shown as itself: true when it is in effect.
    const raw = c.getOptionValue(attr);
    const value = shown(flag, o.negate && typeof raw === 'boolean' ? !raw : raw);
    const base = { flag: `--${flag}`, value };
    if (source === 'cli') rows.push({ ...base, source: 'flag' });
    else if (origin?.kind === 'env') rows.push({ ...base, source: 'env', env: origin.name });
    else if (origin?.kind === 'file') rows.push({ ...base, source: 'file', file: origin.file, ...(origin.line !== undefined ? { line: origin.line } : {}) });
    else rows.push({ ...base, source: source === 'default' ? 'default' : 'unset' });
  };
  for (const o of cmd.options) add(cmd, o);
  let root = cmd;
  while (root.parent) root = root.parent;
  for (const o of root.options) add(root, o);
  const environment: EffectiveConfig['environment'] = [];
  for (const name of Object.keys(layer.env).filter((n) => n.startsWith('SBOM_HUNT_')).sort()) {
    if ((OWN_VARIABLES as readonly string[]).includes(name)) environment.push({ name, status: "set: sbom-hunt's own variable, value not shown" });
    else if (name === 'SBOM_HUNT_CONFIG') environment.push({ name, status: 'the config file to read (--config)' });
    else if (!layer.flagForEnv(name)) {
      const flags = allFlags(root);
      const near = flags.map((f) => envNameOf(f)).find((e) => editDistance(e, name) <= 2);
      environment.push({ name, status: `ignored: not a flag${near ? ` (did you mean ${near}?)` : ''}` });
    }
  }
  return { file: layer.file?.file ?? null, command: commandPath(cmd) || 'sbom-hunt', options: rows, environment };
}

function allFlags(c: Command): string[] {
  return [...c.options.map(flagOf), ...c.commands.flatMap(allFlags)];
}

function text(cfg: EffectiveConfig): string {
  const value = (v: unknown) => (v === undefined ? '-' : Array.isArray(v) ? (v.length ? v.join(', ') : '-') : String(v));
  const from = (o: EffectiveOption) => (o.source === 'env' ? `env ${o.env}` : o.source === 'file' ? `file ${o.file}${o.line !== undefined ? `:${o.line}` : ''}` : o.source);
  const width = Math.max(...cfg.options.map((o) => o.flag.length), 4) + 2;
  const vwidth = Math.min(40, Math.max(...cfg.options.map((o) => value(o.value).length), 5) + 2);
  const lines = [`config file  ${cfg.file ?? 'none (looked for --config, SBOM_HUNT_CONFIG, ./.sbom-hunt.yaml, $XDG_CONFIG_HOME/sbom-hunt/config.yaml)'}`, `command      ${cfg.command}`, ''];
  lines.push(`${'flag'.padEnd(width)}${'value'.padEnd(vwidth)}from`);
  for (const o of cfg.options) lines.push(`${o.flag.padEnd(width)}${`${value(o.value)} `.padEnd(vwidth)}${from(o)}`);
  if (cfg.environment.length > 0) lines.push('', ...cfg.environment.map((e) => `${e.name}  ${e.status}`));
  return `${lines.join('\n')}\n`;
}

/**
 * Parses `args` with a fresh command tree whose target command only records its options: the same parse, env and
 * file layering a real run gets, so what is printed is what would run.
 */
export async function runConfigCommand(args: string[], json: boolean, io: RunIo, build: () => { program: Command; layer: ConfigLayer }, configFile: string | undefined): Promise<number> {
  const { program, layer } = build();
  let target: Command = program;
  let i = 0;
  for (; i < args.length; i++) {
    const sub = target.commands.find((c) => c.name() === args[i]);
    if (!sub) break;
    target = sub;
  }
  if (target === program) target = program.commands.find((c) => c.name() === 'scan')!;
  if (target.commands.length > 0) throw new UsageError(`config: name a command below ${commandPath(target)} (${target.commands.map((c) => c.name()).join(', ')})`);
  for (const a of (target as unknown as { registeredArguments: { required: boolean }[] }).registeredArguments) a.required = false;
  let captured: EffectiveConfig | undefined;
  target.action(() => {
    captured = effectiveConfig(target, layer);
  });
  const path = commandPath(target).split(' ');
  await program.parseAsync(['node', 'sbom-hunt', ...(configFile ? ['--config', configFile] : []), ...path, ...args.slice(i)]);
  if (!captured) return EXIT.usage;
  io.stdout.write(maskSecrets(json ? `${JSON.stringify(captured, null, 2)}\n` : text(captured)));
  return EXIT.ok;
}
