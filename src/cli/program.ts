// The command tree: every command, its flags and its action. Loaded by main() only when a command runs, so
// `--version` starts without it. Each action but scan's imports the module that runs it (command-options.ts).
import { Argument, Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { runVersion } from './version-command.js';
import { completionScript, SHELLS } from './completion.js';
import { setLogLevel } from './log.js';
import { installConfigLayer, type ConfigLayer } from './config/layer.js';
import { addScanOptions, runScanCommand, type RunIo } from './scan-command.js';
import { addContainCommand, addIocsFeedCommands, addReportCommand, addSweepOptions } from './command-options.js';
import { collect, FAIL_ON, FORMATS } from './options.js';
import { SOURCES } from '../inventory/index.js';

export function buildProgram(io: RunIo, setCode: (c: number) => void): { program: Command; layer: ConfigLayer } {
  const program = new Command('sbom-hunt')
    .description('Find container images that carry a compromised package, were built in a compromise window, or could not be checked.')
    .option('-V, --version', 'print the version, Node, the bundled feeds and their dates, the report schema')
    .option('-v, --verbose', 'say on stderr how each source was read and each image\'s verdict')
    .option('--debug', 'also every external command run and, on an internal error, its stack')
    .option('--config <file>', 'config file (default: ./.sbom-hunt.yaml, else $XDG_CONFIG_HOME/sbom-hunt/config.yaml); see `sbom-hunt config`')
    .exitOverride()
    // Commander's own messages ("error: unknown option") get the prefix every other error has.
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: (s, write) => write(`sbom-hunt: ${s}`) })
    .hook('preAction', () => {
      const o = program.opts<{ verbose?: boolean; debug?: boolean }>();
      setLogLevel(o.debug ? 2 : o.verbose ? 1 : 0, (line) => io.stderr.write(line));
    })
    .addHelpText('after', `\nSources:\n${SOURCES.map((s) => `  ${`${s.scheme}:`.padEnd(17)}${s.describe}`).join('\n')}\n\nExit codes: 0 every source enumerated, every image read, nothing at or above --fail-on; 1 findings at or above it;\n2 usage, configuration, input or output error; 3 (sweep) an alert could not be delivered;\n4 incomplete: nothing reached --fail-on but coverage is below 100% (--allow-incomplete accepts it); 130 interrupted.`);

  // Sources are optional when --images names the images (README: `scan --images FILE`).
  addScanOptions(program.command('scan').description('hunt across many images and print the blast-radius report').argument('[source...]', 'scheme:spec, e.g. sbom:./sboms'))
    .action(async (sources: string[], opts: { images?: string }) => {
      if (sources.length === 0 && !opts.images) throw new UsageError('name at least one source (scheme:spec) or --images FILE');
      setCode(await runScanCommand(sources, opts, io, 'scan'));
    });
  addScanOptions(program.command('check').description('CI gate for images or SBOMs: terse output and an exit code').argument('[source...]', 'scheme:spec or a path'))
    .action(async (sources: string[], opts: { images?: string }) => {
      if (sources.length === 0 && !opts.images) throw new UsageError('name at least one source (scheme:spec) or --images FILE');
      setCode(await runScanCommand(sources, opts, io, 'check'));
    });
  addSweepOptions(addScanOptions(program.command('sweep').description('scan, compare with the last sweep, and alert on what is new, changed or resolved (exit 3: an alert was not delivered)').argument('<source...>', 'scheme:spec')))
    .action(async (sources: string[], opts: Record<string, unknown>) => setCode(await (await import('./sweep-command.js')).runSweepCommand(sources, opts, io)));

  const iocs = program.command('iocs').description('validate and show IOC files');
  iocs.command('lint').description('validate IOC files').argument('<path...>', 'IOC files or directories')
    .action(async (paths: string[]) => setCode(await (await import('./iocs-command.js')).runIocsLint(paths, io)));
  iocs.command('list').description('show the incidents and packages of IOC files (default: the bundled feeds)')
    .option('--ioc <path>', 'IOC file or directory (repeatable)', collect)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'yaml']).default('table'))
    .action(async (opts: { ioc?: string[]; format: string }) => setCode(await (await import('./iocs-command.js')).runIocsList(opts.ioc ?? [], opts.format, io)));
  addIocsFeedCommands(iocs, io, setCode);
  addReportCommand(program, io, setCode);
  program.command('version').description('the version, Node, the bundled feeds (ids, disclosure dates, windows, sha256) and the report schema')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: { format: string }) => setCode(await runVersion(opts.format, io)));
  program.command('completion').description('print a shell completion script: source <(sbom-hunt completion bash)')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .action((shell: string) => {
      io.stdout.write(completionScript(shell, program, SOURCES.map((x) => x.scheme)));
    });
  addContainCommand(program, io, setCode);
  const cache = program.command('cache').description('look after the digest-keyed SBOM cache');
  for (const action of ['stats', 'prune', 'clear'] as const) {
    const sub = cache.command(action).description(action === 'stats' ? 'entries, images and packages cached' : action === 'prune' ? 'drop entries older than --older-than' : 'drop every entry');
    sub.option('--cache-dir <dir>', 'where the SBOM cache lives');
    if (action === 'prune') sub.option('--older-than <age>', 'an age like 12h, 30d, 4w', '30d');
    sub.action(async (opts: { cacheDir?: string; olderThan?: string }) => setCode(await (await import('./cache-command.js')).runCacheCommand(action, opts, io)));
  }
  cache
    .command('hunt')
    .description('which cached images hold an IOC package: an indexed query over every image scanned before, no registry needed')
    .option('--ioc <path>', 'IOC file or directory, YAML or OSV (repeatable; default: the bundled feeds)', collect)
    .option('--window <interval>', 'an extra compromise window, START/END (repeatable)', collect)
    .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('table'))
    .option('-o, --output <file>', 'write the report to a file')
    .addOption(new Option('--fail-on <verdict>', 'exit 1 when an image is at or above this verdict').choices(FAIL_ON).default('affected'))
    .option('--cache-dir <dir>', 'where the SBOM cache lives')
    .option('-q, --quiet', 'nothing on stderr but errors')
    .option('--no-color', 'no colour')
    .action(async (opts: unknown) => setCode(await (await import('./cache-hunt.js')).runCacheHunt(opts, io)));
  program
    .command('config')
    .description('print the options a command would run with and where each came from (flag, env SBOM_HUNT_*, config file, default)')
    .option('--json', 'as JSON')
    .argument('[command-and-flags...]', 'the command (default: scan) and any of its flags, e.g. config sweep --fail-on suspect')
    .allowUnknownOption()
    .action(async (args: string[], opts: { json?: boolean }) =>
      setCode(await (await import('./config/command.js')).runConfigCommand(args, opts.json ?? false, io, () => buildProgram(io, () => {}), program.opts<{ config?: string }>().config)),
    );
  // Added last: the layer hooks every command above.
  const layer = installConfigLayer(program, io.env, io.cwd ?? process.cwd());
  return { program, layer };
}

