// The few error kinds, and the exit-code table that maps them.

/** A user's mistake or bad input: printed as one line, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Bad input in a file: names the file, and where known the line and the field. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
    readonly field?: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}${field ? ` (${field})` : ''}: ${detail}`);
  }
}

/** An output (report, state, IOC file) that cannot be written: printed as `cannot write FILE: reason`, exit 2. */
export class OutputError extends Error {
  override name = 'OutputError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`cannot write ${file}: ${reason}`);
  }
}

/** An external tool or service failed: names the command or host. */
export class ToolError extends Error {
  override name = 'ToolError';
  constructor(
    readonly tool: string,
    message: string,
  ) {
    super(`${tool}: ${message}`);
  }
}

export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  /** Nothing reached --fail-on, but not everything named was enumerated and read: the answer is incomplete. */
  incomplete: 4,
} as const;
