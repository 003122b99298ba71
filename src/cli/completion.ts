// `sbom-hunt completion bash|zsh|fish`: scripts generated from the commander tree, so every command, option and
// choice the CLI has is completed, and none it lacks.
import type { Command, Option } from 'commander';
import { UsageError } from '../errors.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

interface Node {
  /** Space-separated command path below the program: '', 'scan', 'iocs list'. */
  path: string;
  description: string;
  subs: { name: string; description: string }[];
  options: Option[];
  /** Takes source arguments (scan, check, sweep, contain): complete schemes and paths. */
  sources: boolean;
  /** An argument with fixed choices (`completion <shell>`). */
  argChoices?: readonly string[];
}

function walk(cmd: Command, prefix: string, out: Node[]): void {
  const subs = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  const args = (cmd as unknown as { registeredArguments?: { name(): string; argChoices?: string[] }[] }).registeredArguments ?? [];
  const argChoices = args.find((a) => a.argChoices)?.argChoices;
  out.push({
    path: prefix,
    description: cmd.description(),
    subs: subs.map((c) => ({ name: c.name(), description: c.description() })),
    options: [...cmd.options],
    sources: args.some((a) => a.name() === 'source'),
    ...(argChoices ? { argChoices } : {}),
  });
  for (const c of subs) walk(c, prefix ? `${prefix} ${c.name()}` : c.name(), out);
}

const flagsOf = (o: Option): string[] => [o.short, o.long].filter((f): f is string => !!f);
const takesValue = (o: Option): boolean => o.required || o.optional;
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function completionScript(shell: string, program: Command, schemes: readonly string[]): string {
  const nodes: Node[] = [];
  walk(program, '', nodes);
  const globals = program.options;
  if (shell === 'bash') return bashScript(nodes, globals, schemes);
  if (shell === 'zsh') return `#compdef sbom-hunt\n# zsh: source <(sbom-hunt completion zsh), or save as _sbom-hunt in your $fpath.\nautoload -U +X bashcompinit && bashcompinit\n${bashScript(nodes, globals, schemes)}`;
  if (shell === 'fish') return fishScript(nodes, globals, schemes);
  throw new UsageError(`completion: the shells are ${SHELLS.join(', ')}, not ${shell}`);
}

function bashScript(nodes: Node[], globals: readonly Option[], schemes: readonly string[]): string {
  const cases = (f: (n: Node) => string | undefined) =>
    nodes
      .map((n) => [n.path, f(n)] as const)
      .filter(([, v]) => v)
      .map(([p, v]) => `    ${q(p)}) echo ${q(v!)} ;;`)
      .join('\n');
  const withGlobals = (n: Node) => [...n.options, ...(n.path ? globals : [])];
  const flagWords = (n: Node) => [...withGlobals(n).flatMap(flagsOf), '-h', '--help'].join(' ');
  const choices = nodes.flatMap((n) =>
    withGlobals(n)
      .filter((o) => o.argChoices)
      .flatMap((o) => flagsOf(o).map((f) => `    ${q(`${n.path}|${f}`)}) echo ${q(o.argChoices!.join(' '))} ;;`)),
  );
  return `# bash completion for sbom-hunt: source <(sbom-hunt completion bash), or save it in /etc/bash_completion.d/
_sbom_hunt_subs() {
  case "$1" in
${cases((n) => n.subs.map((s) => s.name).join(' ') || undefined)}
  esac
}
_sbom_hunt_opts() {
  case "$1" in
${cases(flagWords)}
  esac
}
_sbom_hunt_valued() {
  case "$1" in
${cases((n) => withGlobals(n).filter(takesValue).flatMap(flagsOf).join(' ') || undefined)}
  esac
}
_sbom_hunt_choices() {
  case "$1|$2" in
${choices.join('\n')}
  esac
}
_sbom_hunt_args() {
  case "$1" in
${cases((n) => n.argChoices?.join(' '))}
  esac
}
_sbom_hunt_sources() {
  case "$1" in
${cases((n) => (n.sources ? 'yes' : undefined))}
  esac
}
# Not mapfile: zsh runs this function too (through bashcompinit), and has no mapfile.
_sbom_hunt_reply() {
  local line
  while IFS= read -r line; do COMPREPLY+=("$line"); done
}
_sbom_hunt() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmdpath="" i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if [[ " $(_sbom_hunt_valued "$cmdpath") " == *" $w "* ]]; then
      ((i++))
    elif [[ "$w" != -* && " $(_sbom_hunt_subs "$cmdpath") " == *" $w "* ]]; then
      cmdpath="\${cmdpath:+$cmdpath }$w"
    fi
  done
  COMPREPLY=()
  if [[ " $(_sbom_hunt_valued "$cmdpath") " == *" $prev "* ]]; then
    local values
    values="$(_sbom_hunt_choices "$cmdpath" "$prev")"
    if [[ -n "$values" ]]; then
      _sbom_hunt_reply < <(compgen -W "$values" -- "$cur")
    else
      _sbom_hunt_reply < <(compgen -f -- "$cur")
    fi
  elif [[ "$cur" == -* ]]; then
    _sbom_hunt_reply < <(compgen -W "$(_sbom_hunt_opts "$cmdpath")" -- "$cur")
  elif [[ -n "$(_sbom_hunt_subs "$cmdpath")" ]]; then
    _sbom_hunt_reply < <(compgen -W "$(_sbom_hunt_subs "$cmdpath")" -- "$cur")
  elif [[ -n "$(_sbom_hunt_args "$cmdpath")" ]]; then
    _sbom_hunt_reply < <(compgen -W "$(_sbom_hunt_args "$cmdpath")" -- "$cur")
  elif [[ -n "$(_sbom_hunt_sources "$cmdpath")" ]]; then
    _sbom_hunt_reply < <(compgen -W ${q(schemes.map((s) => `${s}:`).join(' '))} -- "$cur"; compgen -f -- "$cur")
    [[ \${#COMPREPLY[@]} -eq 1 && "\${COMPREPLY[0]}" == *: ]] && compopt -o nospace 2>/dev/null
  else
    _sbom_hunt_reply < <(compgen -f -- "$cur")
  fi
}
complete -o default -F _sbom_hunt sbom-hunt
`;
}

function fishScript(nodes: Node[], globals: readonly Option[], schemes: readonly string[]): string {
  const lines = ['# fish completion for sbom-hunt: sbom-hunt completion fish | source, or save as ~/.config/fish/completions/sbom-hunt.fish', 'complete -c sbom-hunt -f'];
  const cond = (path: string): string => {
    const words = path.split(' ').filter(Boolean);
    if (words.length === 0) return '__fish_use_subcommand';
    return words.map((w) => `__fish_seen_subcommand_from ${w}`).join('; and ');
  };
  for (const n of nodes) {
    const here = cond(n.path);
    const notDeeper = n.subs.length > 0 ? `; and not __fish_seen_subcommand_from ${n.subs.map((s) => s.name).join(' ')}` : '';
    for (const s of n.subs) lines.push(`complete -c sbom-hunt -n ${q(`${here}${n.path ? notDeeper : ''}`)} -a ${q(s.name)} -d ${q(s.description.slice(0, 80))}`);
    for (const o of n.options) {
      const parts = [`complete -c sbom-hunt -n ${q(n.path ? here : '__fish_use_subcommand')}`];
      if (o.short) parts.push(`-s ${o.short.replace(/^-/, '')}`);
      if (o.long) parts.push(`-l ${o.long.replace(/^--/, '')}`);
      if (takesValue(o)) parts.push(o.argChoices ? `-x -a ${q(o.argChoices.join(' '))}` : '-r -F');
      parts.push(`-d ${q(o.description.slice(0, 80))}`);
      lines.push(parts.join(' '));
    }
    if (n.path) for (const g of globals) lines.push(`complete -c sbom-hunt -n ${q(here)}${g.short ? ` -s ${g.short.replace(/^-/, '')}` : ''}${g.long ? ` -l ${g.long.replace(/^--/, '')}` : ''} -d ${q(g.description)}`);
    if (n.argChoices) lines.push(`complete -c sbom-hunt -n ${q(here)} -a ${q(n.argChoices.join(' '))}`);
    if (n.sources) lines.push(`complete -c sbom-hunt -n ${q(here)} -F -a ${q(schemes.map((s) => `${s}:`).join(' '))}`);
  }
  return `${lines.join('\n')}\n`;
}
