// commander wiring: flags -> options, errors -> one line and an exit code. The only process.exit is in bin/.
// Kept small: the bundle evaluates a module only once something imports it, and `--version` imports little (not
// even commander: its error class is looked up once a command has run, when commander is loaded anyway).
import { EXIT, InputError, OutputError, ToolError, UsageError } from '../errors.js';
import { versionInfo, versionText } from './version-command.js';
import { DatabaseError } from '../acquire/cache/database-error.js';
import { maskSecrets } from '../adapters/exec.js';
import type { RunIo } from './scan-command.js';

/** Every line on stderr echoes something: an image line, a URL, a tool's output. None may show a credential. */
function maskedStream(stream: RunIo['stderr']): RunIo['stderr'] {
  // A proxy, not a copy: progress reads isTTY and columns. ora replaces `write` with a hook that calls the
  // `write` it found (this masking one); the hook is kept as the proxy's own, never set on the real stream,
  // so the chain stays hook -> mask -> the stream's original write and never loops.
  const original = (stream.write as (...a: unknown[]) => boolean).bind(stream);
  const masked = (chunk: unknown, ...rest: unknown[]): boolean => original(typeof chunk === 'string' ? maskSecrets(chunk) : chunk, ...rest);
  let current: unknown = masked;
  return new Proxy(stream, {
    get: (target, prop) => {
      if (prop === 'write') return current;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
    set: (target, prop, value) => {
      if (prop !== 'write') return Reflect.set(target, prop, value, target);
      current = value;
      return true;
    },
  });
}

/** Run the CLI; returns the exit code. Errors become one line on stderr, never a stack (unless --debug or SBOM_HUNT_DEBUG). */
export async function main(argv: string[], given: RunIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let code: number = EXIT.ok;
  const io = { ...given, stderr: maskedStream(given.stderr) };
  // `--version` alone is answered before the command tree is built: the same lines as `version`.
  if (argv.length === 3 && (argv[2] === '--version' || argv[2] === '-V')) {
    io.stdout.write(versionText(await versionInfo()));
    return EXIT.ok;
  }
  try {
    const { buildProgram } = await import('./program.js');
    const { program } = buildProgram(io, (c) => (code = c));
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    const { CommanderError } = await import('commander');
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (err instanceof OutputError) {
      io.stderr.write(`sbom-hunt: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof UsageError || err instanceof InputError || err instanceof ToolError || err instanceof DatabaseError) {
      io.stderr.write(`sbom-hunt: error: ${err.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`sbom-hunt: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    if ((/^(?:1|true|yes|on)$/i.test(io.env.SBOM_HUNT_DEBUG ?? '') || argv.includes('--debug')) && err instanceof Error) io.stderr.write(`${err.stack}\n`);
    return EXIT.usage;
  }
}
