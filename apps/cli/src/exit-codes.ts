/** What `gatehouse` exits with; scripts branch on these. */
export const ExitCode = {
  /** Done. */
  ok: 0,
  /** The server refused (any 4xx/5xx API error), `verify` found the secret invalid, or a database command failed. */
  refused: 1,
  /** A usage error: unknown command or option, a missing or bad option value, a delete without confirmation. */
  usage: 2,
  /** The server could not be reached: connection refused, DNS, TLS, timeout. */
  unreachable: 3,
  /** Ctrl-C at a prompt (128 + SIGINT, as shells report it). */
  interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error the CLI reports (its message, then each hint, one line each; never a stack trace)
 * and exits with. The message usually starts with `error: `.
 */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly hints: string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage error found by a command itself (commander reports its own): exit 2. */
export class UsageError extends CliError {
  constructor(message: string, hints: string[] = []) {
    super(ExitCode.usage, message, hints);
    this.name = 'UsageError';
  }
}
